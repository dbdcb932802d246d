/**
 * The authorizer chain of an EKS API server, for one request (R1-R15):
 *
 * 1. `system:masters` is allowed everything by a separate authorizer before RBAC (R11);
 * 2. RBAC: ClusterRoleBindings always apply, RoleBindings of the request's namespace
 *    apply to namespaced requests; a binding applies when any subject matches; a binding
 *    whose role is missing grants nothing (R6-R9);
 * 3. EKS access policies of the principal's access entry, union with RBAC (R15).
 *
 * The first Allow wins; nothing denies. Unlike the API server we keep looking after the
 * first match and return every path that allows, so `explain` can show them all.
 */
import type { AccessPolicyAssociation, AccessScope } from "./access-policies.js";
import { accessPolicyFor, accessScopeCovers } from "./access-policies.js";
import { firstAllowingRule, ruleAllows } from "./match.js";
import type { Identity, PolicyRule, RequestAttributes, RoleRef, Subject } from "./model.js";
import { isNonResource, SUPERUSER_GROUP } from "./model.js";
import type { BindingKind, BindingRecord, RbacSnapshot, SubjectHit } from "./rbac-snapshot.js";

export interface BindingRef {
  readonly kind: BindingKind;
  readonly name: string;
  /** `""` for a ClusterRoleBinding. */
  readonly namespace: string;
}

export interface RoleRefResolved {
  readonly kind: string;
  readonly name: string;
  /** The namespace a Role was looked up in; `""` for a ClusterRole. */
  readonly namespace: string;
}

export interface SuperuserGrant {
  readonly kind: "superuser";
  readonly group: typeof SUPERUSER_GROUP;
}

export interface BindingGrant {
  readonly kind: "binding";
  readonly binding: BindingRef;
  readonly subject: Subject;
  readonly subjectIndex: number;
  readonly role: RoleRefResolved;
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
  /** For an aggregated ClusterRole: the roles the rule was aggregated through. */
  readonly aggregatedVia: readonly string[];
  /** A RoleBinding to a ClusterRole grants the rule only inside this namespace. */
  readonly scope: string;
}

export interface AccessPolicyGrant {
  readonly kind: "access-policy";
  readonly principalArn: string;
  readonly policyArn: string;
  readonly policyName: string;
  readonly accessScope: AccessScope;
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
  /** The table of access policies is an approximation of what AWS enforces. */
  readonly approximate: true;
}

export type Grant = SuperuserGrant | BindingGrant | AccessPolicyGrant;

export interface UnresolvedBinding {
  readonly binding: BindingRef;
  readonly subjectIndex: number;
  readonly reason: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly decidedBy: "superuser" | "rbac" | "access-policy" | "none";
  /** Every path that allows, superuser first, then bindings in snapshot order, then access policies. */
  readonly grants: readonly Grant[];
  /** Bindings that name the asker but grant nothing because their role is missing (R9). */
  readonly unresolved: readonly UnresolvedBinding[];
  /** One line a person can read. */
  readonly reason: string;
}

export interface AuthorizeOptions {
  /** Stop at the first allowing path, as the API server does. Default false. */
  readonly firstOnly?: boolean;
  /**
   * Access-policy associations to use for this identity instead of the snapshot's access
   * entry for `identity.principalArn`.
   */
  readonly accessPolicies?: readonly AccessPolicyAssociation[];
}

export function bindingRef(b: BindingRecord): BindingRef {
  return { kind: b.kind, name: b.name, namespace: b.namespace };
}

export function describeBinding(b: BindingRef): string {
  return b.kind === "ClusterRoleBinding"
    ? `ClusterRoleBinding ${b.name}`
    : `RoleBinding ${b.namespace}/${b.name}`;
}

export function resolvedRole(b: BindingRecord): RoleRefResolved {
  return roleOf(b.roleRef, b.namespace);
}

function roleOf(ref: RoleRef, namespace: string): RoleRefResolved {
  return { kind: ref.kind, name: ref.name, namespace: ref.kind === "Role" ? namespace : "" };
}

function collect(into: Map<number, SubjectHit>, hits: readonly SubjectHit[] | undefined): void {
  if (hits === undefined) return;
  for (const hit of hits) {
    const seen = into.get(hit.binding.index);
    if (seen === undefined || hit.subjectIndex < seen.subjectIndex) into.set(hit.binding.index, hit);
  }
}

/**
 * The bindings that apply to `identity` for a request in `namespace` (`""`: cluster
 * scope), each with the first subject that matched, in snapshot order.
 */
export function bindingsFor(snapshot: RbacSnapshot, identity: Identity, namespace: string): SubjectHit[] {
  const hits = new Map<number, SubjectHit>();
  const indexes = [snapshot.clusterIndex];
  if (namespace !== "") {
    const ns = snapshot.namespaceIndex.get(namespace);
    if (ns) indexes.push(ns);
  }
  for (const index of indexes) {
    collect(hits, index.users.get(identity.user));
    for (const g of identity.groups) collect(hits, index.groups.get(g));
  }
  return [...hits.values()].sort((a, b) => a.binding.index - b.binding.index);
}

function requestNamespace(request: RequestAttributes): string {
  return isNonResource(request) ? "" : (request.namespace ?? "");
}

export function describeRequest(request: RequestAttributes): string {
  if (isNonResource(request)) return `${request.verb} ${request.path}`;
  const group = request.apiGroup === "" ? "" : `.${request.apiGroup}`;
  const sub = request.subresource ? `/${request.subresource}` : "";
  const name = request.name ? ` ${JSON.stringify(request.name)}` : "";
  const where = request.namespace ? ` in namespace ${request.namespace}` : " cluster-wide";
  return `${request.verb} ${request.resource}${group}${sub}${name}${where}`;
}

/** Access-policy grants for a request, from explicit associations. */
export function accessPolicyGrants(
  principalArn: string,
  associations: readonly AccessPolicyAssociation[],
  request: RequestAttributes,
  firstOnly: boolean,
): AccessPolicyGrant[] {
  const grants: AccessPolicyGrant[] = [];
  const namespace = requestNamespace(request);
  for (const a of associations) {
    const policy = accessPolicyFor(a.policyArn);
    if (policy === undefined || !accessScopeCovers(a.accessScope, namespace)) continue;
    // Non-resource URLs are cluster-wide: only a cluster-scope association covers them.
    if (isNonResource(request) && a.accessScope.type !== "cluster") continue;
    const ruleIndex = firstAllowingRule(policy.rules, request);
    const rule = policy.rules[ruleIndex];
    if (rule === undefined) continue;
    grants.push({
      kind: "access-policy",
      principalArn,
      policyArn: a.policyArn,
      policyName: policy.name,
      accessScope: a.accessScope,
      ruleIndex,
      rule,
      approximate: true,
    });
    if (firstOnly) break;
  }
  return grants;
}

/** Whether `identity` may do `request` in the cluster of `snapshot`, and every reason why. */
export function authorize(
  snapshot: RbacSnapshot,
  identity: Identity,
  request: RequestAttributes,
  options: AuthorizeOptions = {},
): Decision {
  const firstOnly = options.firstOnly ?? false;
  const grants: Grant[] = [];
  const unresolved: UnresolvedBinding[] = [];

  if (identity.groups.includes(SUPERUSER_GROUP)) {
    grants.push({ kind: "superuser", group: SUPERUSER_GROUP });
    if (firstOnly) {
      return { allowed: true, decidedBy: "superuser", grants, unresolved, reason: superuserReason() };
    }
  }

  const namespace = requestNamespace(request);
  for (const hit of bindingsFor(snapshot, identity, namespace)) {
    const b = hit.binding;
    if (b.rules === undefined) {
      unresolved.push({ binding: bindingRef(b), subjectIndex: hit.subjectIndex, reason: b.unresolved ?? "" });
      continue;
    }
    const rules = b.rules;
    let ruleIndex = -1;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r !== undefined && ruleAllows(r.rule, request)) {
        ruleIndex = i;
        break;
      }
    }
    const effective = rules[ruleIndex];
    if (effective === undefined) continue;
    const subject = b.subjects[hit.subjectIndex];
    if (subject === undefined) continue;
    grants.push({
      kind: "binding",
      binding: bindingRef(b),
      subject,
      subjectIndex: hit.subjectIndex,
      role: resolvedRole(b),
      ruleIndex,
      rule: effective.rule,
      aggregatedVia: effective.via,
      scope: b.namespace,
    });
    if (firstOnly) break;
  }

  if (!(firstOnly && grants.length > 0)) {
    const associations =
      options.accessPolicies ??
      (identity.principalArn === undefined
        ? undefined
        : snapshot.accessEntries.get(identity.principalArn)?.associations);
    if (associations !== undefined) {
      grants.push(...accessPolicyGrants(identity.principalArn ?? "", associations, request, firstOnly));
    }
  }

  const first = grants[0];
  if (first === undefined) {
    const missing =
      unresolved.length > 0
        ? `; ${unresolved.length} binding(s) name this identity but their role is missing`
        : "";
    return {
      allowed: false,
      decidedBy: "none",
      grants,
      unresolved,
      reason: `no rule allows ${describeRequest(request)} for ${identity.user}${missing}`,
    };
  }
  return {
    allowed: true,
    decidedBy: first.kind === "superuser" ? "superuser" : first.kind === "binding" ? "rbac" : "access-policy",
    grants,
    unresolved,
    reason: describeGrant(first),
  };
}

function superuserReason(): string {
  return `member of ${SUPERUSER_GROUP}: allowed before RBAC is consulted`;
}

/** One line for a grant, e.g. `RoleBinding dev/ci of ClusterRole edit to Group devs, rule 3`. */
export function describeGrant(grant: Grant): string {
  switch (grant.kind) {
    case "superuser":
      return superuserReason();
    case "binding": {
      const role =
        grant.role.kind === "Role"
          ? `Role ${grant.role.namespace}/${grant.role.name}`
          : `ClusterRole ${grant.role.name}`;
      const subject =
        grant.subject.kind === "ServiceAccount"
          ? `ServiceAccount ${grant.subject.namespace ?? grant.binding.namespace}/${grant.subject.name}`
          : `${grant.subject.kind} ${grant.subject.name}`;
      const via =
        grant.aggregatedVia.length > 0 ? ` (aggregated from ${grant.aggregatedVia.join(" <- ")})` : "";
      return `${describeBinding(grant.binding)} of ${role} to ${subject}, rule ${grant.ruleIndex}${via}`;
    }
    case "access-policy": {
      const scope =
        grant.accessScope.type === "cluster"
          ? "cluster"
          : `namespaces ${grant.accessScope.namespaces.join(",")}`;
      return `access policy ${grant.policyName} (${scope}) of access entry ${grant.principalArn}, rule ${grant.ruleIndex}`;
    }
  }
}
