/**
 * The proof of a migration: every principal aws-auth maps (and every principal of a
 * mapAccounts account the directory lists) is evaluated before and after, on every request
 * the cluster's RBAC and the access policies involved can tell apart, with the mapping and
 * RBAC evaluators `explain` and `who-can` use. The result is the difference per principal,
 * with both mappings and the grant that allowed each lost request (hop by hop).
 *
 * The request set: every verb named by a rule (plus the standard ones), every resource and
 * subresource named (a wildcard stands for a resource no rule names), every resourceName,
 * every non-resource URL, in cluster scope and in every namespace that has RoleBindings or
 * an access-policy scope, plus one namespace nothing names.
 */
import { GET_TOKEN_SESSION_NAME, mapPrincipal, type ClusterMapping } from "../evaluate/mapping/index.js";
import {
  accessPolicyFor,
  ACCESS_POLICIES,
  authorize,
  describeGrant,
  describeRequest,
  type AccessPolicyAssociation,
  type Identity,
  type PolicyRule,
  type RbacSnapshot,
  type RequestAttributes,
} from "../evaluate/rbac/index.js";
import type { AwsAuthMappings } from "../model/aws-auth.js";
import type { AccessEntryRecord, ClusterAccess } from "../snapshot/model.js";
import { MIGRATE_CODES } from "./codes.js";
import { CLUSTER_ADMIN_POLICY, type MigrationConversion } from "./convert.js";
import type { PrincipalDirectory } from "./principals.js";

/** A resource no rule names (stands for what `*` grants). */
export const ANY_RESOURCE = "eksgate-unnamed-resource";
export const ANY_GROUP = "eksgate.unnamed.group";
/** A namespace no binding or scope names. */
export const OTHER_NAMESPACE = "eksgate-unnamed-namespace";
const ANY_URL = "/eksgate-unnamed-path";
const STANDARD_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const URL_VERBS = ["get", "post", "put", "patch", "delete", "head"];
export const NODE_SESSION = "i-0123456789abcdef0";
/** Session names the proof maps each role with: get-token's, and one with an `@`. */
const ROLE_SESSIONS = [GET_TOKEN_SESSION_NAME, "alice@example.com"];

/** How one side (before or after) maps a principal. */
export interface ProofHop {
  readonly mapped: boolean;
  /** e.g. `aws-auth mapRoles[2] names ...` or `access entry for ...`. */
  readonly via: string;
  readonly username?: string;
  readonly groups?: readonly string[];
  readonly accessPolicies?: readonly string[];
}

/** Requests one side allows and the other does not, grouped by what allowed them. */
export interface ProofChange {
  /** How the side that allows it allows it: a grant line, e.g. `RoleBinding dev/x of ...`. */
  readonly grant: string;
  /** Up to 20 requests, e.g. `delete pods in namespace dev`. */
  readonly requests: readonly string[];
  readonly count: number;
}

export interface PrincipalProof {
  readonly principalArn: string;
  readonly sessionName?: string;
  readonly before: ProofHop;
  readonly after: ProofHop;
  readonly lost: readonly ProofChange[];
  readonly gained: readonly ProofChange[];
}

export interface MigrationProof {
  /** How many principals (with sessions) and requests were compared. */
  readonly principals: number;
  readonly requests: number;
  /** Only the principals whose access differs (empty: the normal result). */
  readonly differences: readonly PrincipalProof[];
}

function uniq<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

function splitResource(resource: string): { resource: string; subresource?: string } {
  const at = resource.indexOf("/");
  if (at < 0) return { resource };
  return { resource: resource.slice(0, at), subresource: resource.slice(at + 1) };
}

/** The rules of every role and the given access policies. */
function rulesOf(rbac: RbacSnapshot, policyArns: readonly string[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const role of rbac.clusterRoles.values()) for (const r of role.rules) rules.push(r.rule);
  for (const role of rbac.roles.values()) for (const r of role.rules ?? []) rules.push(r);
  for (const arn of policyArns) rules.push(...(accessPolicyFor(arn)?.rules ?? []));
  return rules;
}

/** The requests that tell the given rules apart, in a fixed order. */
export function proofRequests(
  rbac: RbacSnapshot,
  policyArns: readonly string[],
  scopeNamespaces: readonly string[],
): RequestAttributes[] {
  const rules = rulesOf(rbac, policyArns);
  const verbs = uniq([...STANDARD_VERBS, ...rules.flatMap((r) => r.verbs).filter((v) => v !== "*")]).sort();
  const groups = uniq(rules.flatMap((r) => r.apiGroups ?? []).filter((g) => g !== "*"));
  const pairs = new Map<string, { group: string; resource: string; name?: string }>();
  const addPair = (group: string, resource: string, name?: string): void => {
    pairs.set(`${group}\u0000${resource}\u0000${name ?? ""}`, {
      group,
      resource,
      ...(name === undefined ? {} : { name }),
    });
  };
  const urls = new Set<string>();
  for (const r of rules) {
    for (const u of r.nonResourceURLs ?? []) {
      urls.add(u === "*" ? ANY_URL : u.endsWith("*") ? `${u.slice(0, -1)}eksgate` : u);
    }
    if ((r.resources ?? []).length === 0) continue;
    const ruleGroups = (r.apiGroups ?? []).flatMap((g) => (g === "*" ? [...groups, ANY_GROUP] : [g]));
    const resources = (r.resources ?? []).map((x) =>
      x === "*" ? ANY_RESOURCE : x.startsWith("*/") ? `${ANY_RESOURCE}${x.slice(1)}` : x,
    );
    for (const g of ruleGroups) {
      for (const res of resources) {
        addPair(g, res);
        for (const name of r.resourceNames ?? []) addPair(g, res, name);
      }
    }
  }
  const namespaces = uniq([
    "",
    ...rbac.bindingsByNamespace.keys(),
    ...scopeNamespaces.map((n) => n.split("*").join("x")),
    OTHER_NAMESPACE,
  ]).sort();
  const out: RequestAttributes[] = [];
  const sortedPairs = [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  for (const namespace of namespaces) {
    for (const p of sortedPairs) {
      const { resource, subresource } = splitResource(p.resource);
      for (const verb of verbs) {
        out.push({
          verb,
          apiGroup: p.group,
          resource,
          ...(subresource === undefined ? {} : { subresource }),
          ...(p.name === undefined ? {} : { name: p.name }),
          ...(namespace === "" ? {} : { namespace }),
        });
      }
    }
  }
  for (const path of [...urls].sort()) {
    for (const verb of uniq([...URL_VERBS, ...verbs])) out.push({ verb, path });
  }
  return out;
}

/** The cluster as the conversion leaves it once applied. */
export function plannedCluster(cluster: ClusterAccess, conversion: MigrationConversion): ClusterAccess {
  const planned: AccessEntryRecord[] = conversion.accessEntries.map((e) => ({
    principalArn: e.principalArn,
    type: e.type,
    kubernetesGroups: e.kubernetesGroups,
    ...(e.username === undefined ? {} : { username: e.username }),
    associations: e.accessPolicies,
    source: `migration plan (${e.from})`,
  }));
  const accessEntries = [
    ...(cluster.authenticationMode === "CONFIG_MAP" ? [] : cluster.accessEntries),
    ...planned,
  ];
  const base = {
    name: cluster.name,
    ...(cluster.arn === undefined ? {} : { arn: cluster.arn }),
    authenticationMode: conversion.to,
    modeSource: cluster.modeSource,
    accessEntries,
    rbac: cluster.rbac,
  };
  if (conversion.to === "API" || cluster.awsAuth === undefined) return base;
  const removed = new Set(conversion.decisions.filter((d) => d.removeFromAwsAuth).map((d) => d.source));
  const m = cluster.awsAuth.mappings;
  const mappings: AwsAuthMappings = {
    ...m,
    roles: m.roles.filter((r) => !removed.has(r.path)),
    users: m.users.filter((u) => !removed.has(u.path)),
    effectiveRoles: m.effectiveRoles.filter((r) => !removed.has(r.path)),
    effectiveUsers: m.effectiveUsers.filter((u) => !removed.has(u.path)),
    shadowed: m.shadowed.filter((s) => !removed.has(s.by.path) && !removed.has(s.shadowed.path)),
  };
  return { ...base, awsAuth: { file: cluster.awsAuth.file, mappings } };
}

interface Subject {
  readonly principalArn: string;
  readonly sessionName?: string;
}

function subjectsOf(
  cluster: ClusterAccess,
  conversion: MigrationConversion,
  directory: PrincipalDirectory,
): Subject[] {
  const arns = new Map<string, boolean>();
  const nodeTypes = new Set(
    conversion.accessEntries.filter((e) => e.type !== "STANDARD").map((e) => e.principalArn.toLowerCase()),
  );
  for (const d of conversion.decisions) {
    // A principal that does not exist has no access to lose.
    if (
      d.principalArn !== undefined &&
      d.key !== "mapAccounts" &&
      !d.codes.includes(MIGRATE_CODES.principalMissing)
    )
      arns.set(d.principalArn, false);
  }
  const accounts = conversion.decisions.filter((d) => d.key === "mapAccounts").map((d) => d.written);
  for (const p of directory.principals) if (accounts.includes(p.account)) arns.set(p.arn, false);
  for (const e of cluster.authenticationMode === "CONFIG_MAP" ? [] : cluster.accessEntries)
    arns.set(e.principalArn, false);
  const out: Subject[] = [];
  for (const arn of [...arns.keys()].sort()) {
    if (!/:role\//.test(arn)) {
      out.push({ principalArn: arn });
      continue;
    }
    const nodeLike =
      nodeTypes.has(arn.toLowerCase()) ||
      cluster.awsAuth?.mappings.effectiveRoles.some(
        (r) =>
          r.key === arn.toLowerCase().replace(/:role\/.*\//, ":role/") &&
          r.username.includes("{{EC2PrivateDNSName}}"),
      ) === true;
    for (const sessionName of nodeLike ? [NODE_SESSION] : ROLE_SESSIONS)
      out.push({ principalArn: arn, sessionName });
  }
  return out;
}

function hopOf(mapping: ClusterMapping): ProofHop {
  if (!mapping.mapped) return { mapped: false, via: mapping.reason };
  return {
    mapped: true,
    via: mapping.why,
    username: mapping.username,
    groups: mapping.groups,
    accessPolicies: mapping.accessPolicies.map((a) => {
      const name = accessPolicyFor(a.policyArn)?.name ?? a.policyArn;
      return a.accessScope.type === "cluster"
        ? `${name} (cluster)`
        : `${name} (${a.accessScope.namespaces.join(",")})`;
    }),
  };
}

interface Evaluated {
  readonly allowed: Uint8Array;
}

function evaluate(
  rbac: RbacSnapshot,
  identity: Identity | undefined,
  policies: readonly AccessPolicyAssociation[],
  requests: readonly RequestAttributes[],
): Evaluated {
  const allowed = new Uint8Array(requests.length);
  if (identity === undefined) return { allowed };
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    if (r === undefined) continue;
    if (authorize(rbac, identity, r, { firstOnly: true, accessPolicies: policies }).allowed) allowed[i] = 1;
  }
  return { allowed };
}

function identityKey(mapping: ClusterMapping): string {
  if (!mapping.mapped) return "unmapped";
  return JSON.stringify([mapping.identity.user, [...mapping.identity.groups].sort(), mapping.accessPolicies]);
}

const MAX_SHOWN = 20;

function changes(
  rbac: RbacSnapshot,
  mapping: ClusterMapping,
  requests: readonly RequestAttributes[],
  indexes: readonly number[],
): ProofChange[] {
  if (!mapping.mapped) return [];
  const byGrant = new Map<string, string[]>();
  for (const i of indexes) {
    const r = requests[i];
    if (r === undefined) continue;
    const d = authorize(rbac, mapping.identity, r, {
      firstOnly: true,
      accessPolicies: mapping.accessPolicies,
    });
    const grant = d.grants[0] === undefined ? d.reason : describeGrant(d.grants[0]);
    const list = byGrant.get(grant) ?? [];
    list.push(describeRequest(r));
    byGrant.set(grant, list);
  }
  return [...byGrant.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([grant, list]) => ({ grant, requests: list.slice(0, MAX_SHOWN), count: list.length }));
}

/**
 * Compares every mapped principal's access under the cluster as it is and as the
 * conversion leaves it.
 */
export function proveMigration(
  cluster: ClusterAccess,
  conversion: MigrationConversion,
  directory: PrincipalDirectory,
): MigrationProof {
  const after = plannedCluster(cluster, conversion);
  const rbac = cluster.rbac;
  const associations = [...cluster.accessEntries, ...after.accessEntries].flatMap((e) => e.associations);
  const policyArns = uniq([
    `arn:aws:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
    ...associations.map((a) => a.policyArn),
  ]).filter((arn) => accessPolicyFor(arn) !== undefined || ACCESS_POLICIES.has(arn));
  const scopeNamespaces = associations.flatMap((a) =>
    a.accessScope.type === "namespace" ? a.accessScope.namespaces : [],
  );
  const requests = proofRequests(rbac, policyArns, scopeNamespaces);
  const cache = new Map<string, Evaluated>();
  const evaluated = (mapping: ClusterMapping): Evaluated => {
    const key = identityKey(mapping);
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = mapping.mapped
        ? evaluate(rbac, mapping.identity, mapping.accessPolicies, requests)
        : evaluate(rbac, undefined, [], requests);
      cache.set(key, hit);
    }
    return hit;
  };
  const subjects = subjectsOf(cluster, conversion, directory);
  const differences: PrincipalProof[] = [];
  for (const s of subjects) {
    const caller = {
      principalArn: s.principalArn,
      ...(s.sessionName === undefined ? {} : { sessionName: s.sessionName }),
    };
    const before = mapPrincipal(cluster, caller);
    const later = mapPrincipal(after, caller);
    const a = evaluated(before).allowed;
    const b = evaluated(later).allowed;
    const lost: number[] = [];
    const gained: number[] = [];
    for (let i = 0; i < requests.length; i++) {
      if (a[i] === 1 && b[i] !== 1) lost.push(i);
      else if (a[i] !== 1 && b[i] === 1) gained.push(i);
    }
    if (lost.length === 0 && gained.length === 0) continue;
    differences.push({
      principalArn: s.principalArn,
      ...(s.sessionName === undefined ? {} : { sessionName: s.sessionName }),
      before: hopOf(before),
      after: hopOf(later),
      lost: changes(rbac, before, requests, lost),
      gained: changes(rbac, later, requests, gained),
    });
  }
  return { principals: subjects.length, requests: requests.length, differences };
}
