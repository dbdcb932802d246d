/**
 * who-can across IAM and Kubernetes: the IAM users (and through which groups) and roles
 * that can make a request on a cluster, each with its full path.
 *
 * Per cluster: RBAC's who-can gives the Kubernetes users and groups that may (with one
 * impersonation hop). Then every IAM principal a mapping names (access entries, aws-auth
 * roles, users, sso patterns, mapAccounts) is mapped to its identity; for a role, once for
 * its own session and once per principal that can assume it (whose session name may change
 * the identity through `{{SessionName}}`), following one more AssumeRole for role chaining.
 *
 * Every AssumeRole is evaluated in the request context of the options. When MFA is not
 * stated, a principal that can assume a role only with MFA is listed too, its path marked
 * with the condition ("yes, with MFA"), not left out.
 */
import { arnLike, arnResourceName, accountIdOf, formatRoleArn } from "../../model/arn.js";
import type { AccessSnapshot, ClusterAccess } from "../../snapshot/model.js";
import {
  principalsThatCanAssume,
  type AssumeCandidate,
  type IamIndex,
  type IamRole,
  type IamUser,
} from "../iam/index.js";
import {
  clusterMappingTargets,
  GET_TOKEN_SESSION_NAME,
  mapPrincipal,
  type MappedIdentity,
} from "../mapping/index.js";
import {
  accessPolicyGrants,
  describeGrant,
  whoCan as rbacWhoCan,
  SUPERUSER_GROUP,
  type RequestAttributes,
  type WhoCanEntry,
} from "../rbac/index.js";
import { conditionalHop, mergeConditions, mfaCondition, withConditions } from "./conditions.js";
import { selectClusters } from "./explain.js";
import { assumeHop, directRoleHop, grantHops, groupHop, mappingHops, statementOf, userHop } from "./hops.js";
import type { AccessPath, Hop } from "./model.js";
import {
  contextKey,
  iamRequestOptions,
  mfaPasses,
  type HopCondition,
  type RequestContextOptions,
} from "./request-context.js";
import { sessionReasonFor } from "./routes.js";

export interface WhoCanPrincipal {
  readonly arn: string;
  readonly type: "user" | "role";
  readonly name: string;
  /** IAM groups whose policies let a user assume a role on some path. */
  readonly viaGroups: readonly string[];
  readonly clusters: readonly string[];
  readonly paths: readonly AccessPath[];
  /** Set when every path of it needs a condition (MFA): "yes, with MFA". Empty otherwise. */
  readonly requires: readonly HopCondition[];
}

/** A Kubernetes subject that may make the request, whether or not IAM reaches it. */
export interface KubernetesHolder {
  readonly cluster: string;
  readonly kind: "User" | "Group" | "ServiceAccount" | "AccessEntry";
  readonly name: string;
  readonly namespace?: string;
  /** How: the first grant, in words. */
  readonly via: string;
  /** Set when it only gets there by impersonating this subject. */
  readonly impersonates?: string;
  /** Whether some IAM principal of the snapshot gets this identity. */
  readonly reachedFromIam: boolean;
}

export interface AccessWhoCanOptions extends RequestContextOptions {
  readonly cluster?: string;
  /** Count identities that can impersonate a holder (one hop). Default true. */
  readonly includeImpersonation?: boolean;
  /** Follow role chaining one more AssumeRole back (user -> role -> mapped role). Default true. */
  readonly roleChaining?: boolean;
}

export interface AccessWhoCanResult {
  readonly request: RequestAttributes;
  readonly clusters: readonly string[];
  /** Users first, then roles, by ARN. */
  readonly principals: readonly WhoCanPrincipal[];
  readonly kubernetesSubjects: readonly KubernetesHolder[];
}

interface ClusterGrantIndex {
  readonly users: Map<string, WhoCanEntry>;
  readonly groups: Map<string, WhoCanEntry>;
  readonly impersonatingUsers: Map<string, WhoCanEntry>;
  readonly impersonatingGroups: Map<string, WhoCanEntry>;
  readonly used: Set<WhoCanEntry>;
}

function grantIndex(entries: readonly WhoCanEntry[]): ClusterGrantIndex {
  const idx: ClusterGrantIndex = {
    users: new Map(),
    groups: new Map(),
    impersonatingUsers: new Map(),
    impersonatingGroups: new Map(),
    used: new Set(),
  };
  for (const e of entries) {
    const s = e.subject;
    const direct = e.impersonates === undefined;
    if (s.kind === "Group") (direct ? idx.groups : idx.impersonatingGroups).set(s.name, e);
    else if (s.kind === "User" || s.kind === "ServiceAccount") {
      const user = s.user ?? s.name;
      (direct ? idx.users : idx.impersonatingUsers).set(user, e);
    }
  }
  return idx;
}

function entryHops(cluster: string, entry: WhoCanEntry): Hop[] {
  const grant = entry.grants[0];
  if (grant === undefined) return [];
  const hops: Hop[] = [];
  const imp = entry.impersonates;
  if (imp !== undefined) {
    const as = imp.as;
    const target =
      as.kind === "ServiceAccount"
        ? `ServiceAccount ${as.namespace ?? ""}/${as.name}`
        : `${as.kind} ${as.name}`;
    hops.push({
      kind: "impersonation",
      id: `${cluster}:impersonate:${target}`,
      what: `impersonate ${target}`,
      why: describeGrant(imp.capability),
    });
  }
  return [...hops, ...grantHops(cluster, grant)];
}

/** The hops from a Kubernetes identity to the request, or undefined when it may not. */
function grantPath(
  cluster: ClusterAccess,
  idx: ClusterGrantIndex,
  mapping: MappedIdentity,
  request: RequestAttributes,
): Hop[] | undefined {
  const { identity } = mapping;
  const direct = [idx.users.get(identity.user), ...identity.groups.map((g) => idx.groups.get(g))];
  // system:masters first, as the API server decides.
  const masters = identity.groups.includes(SUPERUSER_GROUP) ? idx.groups.get(SUPERUSER_GROUP) : undefined;
  const hit = masters ?? direct.find((e) => e !== undefined);
  if (hit !== undefined) {
    idx.used.add(hit);
    return entryHops(cluster.name, hit);
  }
  const policy = accessPolicyGrants(mapping.canonicalArn, mapping.accessPolicies, request, true)[0];
  if (policy !== undefined) return grantHops(cluster.name, policy);
  const imp = [
    idx.impersonatingUsers.get(identity.user),
    ...identity.groups.map((g) => idx.impersonatingGroups.get(g)),
  ];
  const viaImp = imp.find((e) => e !== undefined);
  if (viaImp !== undefined) {
    idx.used.add(viaImp);
    return entryHops(cluster.name, viaImp);
  }
  return undefined;
}

interface Collector {
  add(type: "user" | "role", arn: string, name: string, viaGroups: readonly string[], path: AccessPath): void;
}

/** A mapped role or user of a cluster, with its mapping when it presents its own ARN. */
interface MappedTarget<T> {
  readonly target: T | string;
  readonly arn: string;
  readonly direct: MappedIdentity;
}

/**
 * A cluster's mapped principals, indexed by the Kubernetes user and groups their mapping
 * gives, so that a query looks only at those whose identity some grant names. Built once
 * per cluster: none of it depends on the query.
 */
interface TargetIndex<T> {
  readonly targets: readonly MappedTarget<T>[];
  readonly byUser: ReadonlyMap<string, readonly number[]>;
  readonly byGroup: ReadonlyMap<string, readonly number[]>;
  /** Groups depend on the session name, or access policies grant: always looked at. */
  readonly always: readonly number[];
  /** Only the user name depends on the session: looked at when some User subject holds a grant. */
  readonly sessionUser: readonly number[];
}

function indexTargets<T extends { readonly arn: string }>(
  cluster: ClusterAccess,
  principals: ReadonlyMap<string, T | string>,
  sessionName: string | undefined,
): TargetIndex<T> {
  const targets: MappedTarget<T>[] = [];
  const byUser = new Map<string, number[]>();
  const byGroup = new Map<string, number[]>();
  const always: number[] = [];
  const sessionUser: number[] = [];
  const push = (map: Map<string, number[]>, key: string, i: number): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  for (const [, target] of principals) {
    const arn = typeof target === "string" ? target : target.arn;
    const direct = mapPrincipal(
      cluster,
      sessionName === undefined
        ? { principalArn: arn }
        : { principalArn: arn, sessionName, sessionNameReason: "the session name given" },
    );
    // Not mapped under its own session: neither it nor anyone assuming it gets in.
    if (!direct.mapped) continue;
    const i = targets.length;
    targets.push({ target, arn, direct });
    push(byUser, direct.identity.user, i);
    for (const g of direct.identity.groups) push(byGroup, g, i);
    if (direct.groupsSessionDependent || direct.accessPolicies.length > 0) always.push(i);
    else if (direct.sessionDependent) sessionUser.push(i);
  }
  return { targets, byUser, byGroup, always, sessionUser };
}

/** The targets whose identity a grant of `idx` may name, in index order. */
function candidates<T>(targets: TargetIndex<T>, idx: ClusterGrantIndex): MappedTarget<T>[] {
  const picked = new Set<number>(targets.always);
  const add = (list: readonly number[] | undefined): void => {
    if (list !== undefined) for (const i of list) picked.add(i);
  };
  for (const user of [...idx.users.keys(), ...idx.impersonatingUsers.keys()]) add(targets.byUser.get(user));
  for (const group of [...idx.groups.keys(), ...idx.impersonatingGroups.keys()])
    add(targets.byGroup.get(group));
  if (idx.users.size > 0 || idx.impersonatingUsers.size > 0) add(targets.sessionUser);
  return [...picked]
    .sort((a, b) => a - b)
    .flatMap((i) => {
      const t = targets.targets[i];
      return t === undefined ? [] : [t];
    });
}

/** Per cluster and session name (`""`: the default one). */
const clusterTargets = new WeakMap<
  ClusterAccess,
  Map<
    string,
    {
      readonly index: IamIndex;
      readonly roles: TargetIndex<IamRole>;
      readonly users: TargetIndex<IamUser>;
    }
  >
>();

function targetsOf(
  index: IamIndex,
  cluster: ClusterAccess,
  sessionName: string | undefined,
): { readonly roles: TargetIndex<IamRole>; readonly users: TargetIndex<IamUser> } {
  let bySession = clusterTargets.get(cluster);
  if (bySession === undefined) {
    bySession = new Map();
    clusterTargets.set(cluster, bySession);
  }
  const known = bySession.get(sessionName ?? "");
  if (known?.index === index) return known;
  const built = {
    index,
    roles: indexTargets(cluster, rolesOf(index, cluster), sessionName),
    users: indexTargets(cluster, usersOf(index, cluster), sessionName),
  };
  bySession.set(sessionName ?? "", built);
  return built;
}

function rolesOf(index: IamIndex, cluster: ClusterAccess): Map<string, IamRole | string> {
  const targets = clusterMappingTargets(cluster);
  const roles = new Map<string, IamRole | string>();
  for (const arn of targets.roles) {
    const account = accountIdOf(arn) ?? "";
    const role = index.role(arn) ?? index.roleByName(account, arnResourceName(arn));
    roles.set((role?.arn ?? arn).toLowerCase(), role ?? arn);
  }
  if (targets.rolePatterns.length > 0 || targets.accounts.length > 0) {
    for (const role of index.roles) {
      const plain = formatRoleArn(role.partition, role.account, role.name).toLowerCase();
      if (targets.accounts.includes(role.account) || targets.rolePatterns.some((p) => arnLike(plain, p)))
        roles.set(role.arn.toLowerCase(), role);
    }
  }
  return roles;
}

function usersOf(index: IamIndex, cluster: ClusterAccess): Map<string, IamUser | string> {
  const targets = clusterMappingTargets(cluster);
  const users = new Map<string, IamUser | string>();
  for (const arn of targets.users) {
    const user = index.user(arn);
    users.set((user?.arn ?? arn).toLowerCase(), user ?? arn);
  }
  if (targets.accounts.length > 0) {
    for (const u of index.users) if (targets.accounts.includes(u.account)) users.set(u.arn.toLowerCase(), u);
  }
  return users;
}

function callerHops(c: AssumeCandidate): { hops: Hop[]; groups: string[] } {
  const d = c.decision;
  const name = arnResourceName(c.principalArn);
  const hops: Hop[] =
    c.principalType === "user"
      ? [userHop(c.principalArn)]
      : [directRoleHop(c.principalArn, name, "its own session")];
  const s = d.identityStatement;
  const groups: string[] = [];
  if (
    c.principalType === "user" &&
    s !== undefined &&
    (s.source.kind === "group-inline" || s.source.kind === "group-managed")
  ) {
    const groupArn = s.source.attachedTo ?? "";
    hops.push(groupHop(groupArn, name, statementOf("identity", s)));
    groups.push(arnResourceName(groupArn));
  }
  return { hops, groups };
}

function candidateSessionReason(index: IamIndex, c: AssumeCandidate, given: boolean): string {
  return sessionReasonFor(
    index,
    c.decision,
    c.principalType === "user" ? arnResourceName(c.principalArn) : undefined,
    given,
  );
}

/**
 * The hops of a principal that can assume a role, up to and into the role: they depend on
 * the IAM decision only, so they are built once and shared by its paths on every cluster.
 */
const assumerParts = new WeakMap<
  AssumeCandidate,
  { readonly reason: string; readonly start: { hops: Hop[]; groups: string[] }; readonly assume: Hop }
>();

function assumerPart(
  index: IamIndex,
  a: Assumer,
  given: boolean,
): { readonly reason: string; readonly start: { hops: Hop[]; groups: string[] }; readonly assume: Hop } {
  const c = a.candidate;
  let part = assumerParts.get(c);
  if (part === undefined) {
    const reason = candidateSessionReason(index, c, given);
    part = {
      reason,
      start: callerHops(c),
      assume: conditionalHop(assumeHop(c.decision, reason), a.requires),
    };
    assumerParts.set(c, part);
  }
  return part;
}

/** A principal that can assume a role, and what the AssumeRole holds only under. */
interface Assumer {
  readonly candidate: AssumeCandidate;
  readonly requires: readonly HopCondition[];
}

function clusterWhoCan(
  snapshot: AccessSnapshot,
  cluster: ClusterAccess,
  request: RequestAttributes,
  options: AccessWhoCanOptions,
  out: Collector,
  assumersOf: (roleArn: string, includeRoles?: boolean) => readonly Assumer[],
): KubernetesHolder[] {
  const given = options.sessionName !== undefined;
  const index = snapshot.iamIndex;
  const rbac = rbacWhoCan(cluster.rbac, request, {
    includeImpersonation: options.includeImpersonation ?? true,
  });
  const idx = grantIndex(rbac.entries);

  const targets = targetsOf(index, cluster, options.sessionName);
  for (const { target: role, arn: roleArn, direct } of candidates(targets.roles, idx)) {
    const g = grantPath(cluster, idx, direct, request);
    if (g !== undefined) {
      const hops = [
        directRoleHop(roleArn, direct.sessionName ?? GET_TOKEN_SESSION_NAME, direct.sessionNameReason ?? ""),
        ...mappingHops(direct),
        ...g,
      ];
      out.add("role", roleArn, arnResourceName(roleArn), [], {
        principalArn: roleArn,
        cluster: cluster.name,
        hops,
      });
    }
    if (typeof role === "string") continue;
    // A role whose mapping reaches nothing here whatever the session name cannot lead any
    // assumer to the request: skip the IAM evaluation. Only a session-dependent user name
    // can matter, and only if some User holds a grant.
    const noUserHolders = idx.users.size === 0 && idx.impersonatingUsers.size === 0;
    if (g === undefined && !direct.groupsSessionDependent && (!direct.sessionDependent || noUserHolders)) {
      continue;
    }
    // Map once per distinct session name only when the mapping depends on it.
    const bySession = new Map<string, { mapping: MappedIdentity; hops: Hop[] } | undefined>();
    const viaSession = (sessionName: string, reason: string) => {
      const key = direct.sessionDependent ? sessionName : "";
      if (bySession.has(key)) return bySession.get(key);
      const m =
        key === ""
          ? direct
          : mapPrincipal(cluster, { principalArn: roleArn, sessionName, sessionNameReason: reason });
      let result: { mapping: MappedIdentity; hops: Hop[] } | undefined;
      if (m.mapped) {
        const g = grantPath(cluster, idx, m, request);
        if (g !== undefined) result = { mapping: m, hops: g };
      }
      bySession.set(key, result);
      return result;
    };
    for (const a of assumersOf(roleArn)) {
      const c = a.candidate;
      if (c.principalType === "assumed-role") continue;
      const { reason, start, assume } = assumerPart(index, a, given);
      const reached = viaSession(c.decision.sessionName, reason);
      if (reached === undefined) continue;
      const m = reached.mapping.sessionDependent
        ? { ...reached.mapping, sessionName: c.decision.sessionName, sessionNameReason: reason }
        : reached.mapping;
      const tail = [assume, ...mappingHops(m), ...reached.hops];
      out.add(c.principalType, c.principalArn, arnResourceName(c.principalArn), start.groups, {
        principalArn: c.principalArn,
        cluster: cluster.name,
        hops: [...start.hops, ...tail],
      });
      // Role chaining: users who can assume the calling role.
      if (c.principalType === "role" && (options.roleChaining ?? true)) {
        for (const ua of assumersOf(c.principalArn, false)) {
          const u = ua.candidate;
          if (u.principalType !== "user") continue;
          const first = assumerPart(index, ua, given);
          out.add("user", u.principalArn, arnResourceName(u.principalArn), first.start.groups, {
            principalArn: u.principalArn,
            cluster: cluster.name,
            hops: [...first.start.hops, first.assume, ...tail],
          });
        }
      }
    }
  }

  for (const { arn, direct: m } of candidates(targets.users, idx)) {
    const g = grantPath(cluster, idx, m, request);
    if (g === undefined) continue;
    const hop = userHop(arn, "its own credentials");
    out.add("user", arn, hop.what.replace(/^IAM user /, ""), [], {
      principalArn: arn,
      cluster: cluster.name,
      hops: [hop, ...mappingHops(m), ...g],
    });
  }

  return rbac.entries.map((e) => {
    const s = e.subject;
    const imp = e.impersonates?.as;
    return {
      cluster: cluster.name,
      kind: s.kind,
      name: s.kind === "AccessEntry" ? (s.principalArn ?? s.name) : s.name,
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
      via: e.grants[0] === undefined ? "" : describeGrant(e.grants[0]),
      ...(imp !== undefined
        ? { impersonates: `${imp.kind} ${imp.namespace !== undefined ? `${imp.namespace}/` : ""}${imp.name}` }
        : {}),
      reachedFromIam: idx.used.has(e) || s.kind === "AccessEntry",
    };
  });
}

/** ARNs in the order a person expects: `user-2` before `user-10`. */
const byArn = new Intl.Collator("en", { numeric: true });

/**
 * Who may assume each role, per snapshot (keyed by the request context, then `r|` with
 * roles as callers or `u|` users only, and the role).
 */
const assumerAnswers = new WeakMap<IamIndex, Map<string, readonly Assumer[]>>();

/**
 * Who may assume `roleArn` in the request context; with MFA not stated, also who may only
 * with MFA, with the condition.
 */
function assumersInContext(
  index: IamIndex,
  roleArn: string,
  includeRoles: boolean,
  options: AccessWhoCanOptions,
): Assumer[] {
  const passes = mfaPasses(options, index);
  const base = {
    includeRoles,
    ...(options.sessionName !== undefined ? { sessionName: options.sessionName } : {}),
  };
  const main = principalsThatCanAssume(index, roleArn, {
    ...iamRequestOptions(options, passes.main),
    ...base,
    includeDenied: passes.conditional,
  });
  const out: Assumer[] = main.principals
    .filter((c) => c.decision.allowed)
    .map((candidate) => ({ candidate, requires: [] }));
  if (!passes.conditional) return out;
  const denied = new Map(
    main.principals.filter((c) => !c.decision.allowed).map((c) => [c.principalArn.toLowerCase(), c]),
  );
  if (denied.size === 0) return out;
  for (const candidate of principalsThatCanAssume(index, roleArn, {
    ...iamRequestOptions(options, true),
    ...base,
  }).principals) {
    const without = denied.get(candidate.principalArn.toLowerCase());
    if (without === undefined) continue;
    out.push({ candidate, requires: [mfaCondition(index, candidate.decision, without.decision)] });
  }
  return out;
}

/** Every IAM user and role that can make `request`, each with its paths. */
export function whoCanAccess(
  snapshot: AccessSnapshot,
  request: RequestAttributes,
  options: AccessWhoCanOptions = {},
): AccessWhoCanResult {
  const clusters = selectClusters(snapshot, options.cluster) ?? [];
  const found = new Map<
    string,
    {
      arn: string;
      type: "user" | "role";
      name: string;
      groups: Set<string>;
      clusters: Set<string>;
      paths: AccessPath[];
      keys: Set<string>;
    }
  >();
  const collector: Collector = {
    add(type, arn, name, viaGroups, path) {
      const key = arn.toLowerCase();
      let p = found.get(key);
      if (p === undefined) {
        p = { arn, type, name, groups: new Set(), clusters: new Set(), paths: [], keys: new Set() };
        found.set(key, p);
      }
      const pathKey = `${path.cluster}|${path.hops.map((h) => h.id).join(">")}`;
      if (p.keys.has(pathKey)) return;
      p.keys.add(pathKey);
      viaGroups.forEach((g) => p.groups.add(g));
      p.clusters.add(path.cluster);
      p.paths.push(withConditions(path));
    },
  };
  // Who may assume a role is an IAM question: answer it once per snapshot, not once per
  // cluster or per query.
  let assumers = assumerAnswers.get(snapshot.iamIndex);
  if (assumers === undefined) {
    assumers = new Map();
    assumerAnswers.set(snapshot.iamIndex, assumers);
  }
  const known = assumers;
  const context = contextKey(options);
  const assumersOf = (roleArn: string, includeRoles = true): readonly Assumer[] => {
    const key = `${context}|${includeRoles ? "r" : "u"}|${roleArn}`;
    let answer = known.get(key);
    if (answer === undefined) {
      answer = assumersInContext(snapshot.iamIndex, roleArn, includeRoles, options);
      known.set(key, answer);
    }
    return answer;
  };
  const kubernetesSubjects: KubernetesHolder[] = [];
  for (const cluster of clusters)
    kubernetesSubjects.push(...clusterWhoCan(snapshot, cluster, request, options, collector, assumersOf));
  const principals: WhoCanPrincipal[] = [...found.values()]
    .map((p) => ({
      arn: p.arn,
      type: p.type,
      name: p.name,
      viaGroups: [...p.groups].sort(),
      clusters: [...p.clusters].sort(),
      paths: p.paths,
      requires: p.paths.every((x) => x.requires !== undefined)
        ? mergeConditions(p.paths.map((x) => x.requires))
        : [],
    }))
    .sort((a, b) => (a.type === b.type ? byArn.compare(a.arn, b.arn) : a.type === "user" ? -1 : 1));
  return { request, clusters: clusters.map((c) => c.name), principals, kubernetesSubjects };
}
