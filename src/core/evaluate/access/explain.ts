/**
 * explain: what an IAM user or role can reach in each cluster, and why, hop by hop.
 */
import type { ClusterAccess, AccessSnapshot } from "../../snapshot/model.js";
import { mapPrincipal, type ClusterMapping } from "../mapping/index.js";
import {
  accessPolicyFor,
  describeBinding,
  describeEdge,
  describeGrant,
  escalationEdges,
  bindingsNaming,
  SUPERUSER_GROUP,
  type AccessPolicyAssociation,
  type BindingRef,
  type Identity,
  type RoleRefResolved,
} from "../rbac/index.js";
import { mappingHops, summarizeRule } from "./hops.js";
import type { Hop, RuleSummary } from "./model.js";
import { iamRoutes, type IamRoute, type PrincipalSummary, type RouteOptions } from "./routes.js";
import { arnResourceName } from "../../model/arn.js";

/** What one binding gives an identity. */
export interface BindingSummary {
  readonly binding: BindingRef;
  /** `""`: cluster-wide; otherwise the namespace the rules hold in. */
  readonly scope: string;
  readonly role: RoleRefResolved;
  /** The subject that matched, e.g. `Group eksgate:rnd`. */
  readonly subject: string;
  readonly rules: readonly RuleSummary[];
  /** Set when the role does not exist (the binding grants nothing). */
  readonly unresolved?: string;
  readonly text: string;
}

export interface AccessPolicySummary {
  readonly policyArn: string;
  readonly policyName: string;
  /** `""`: cluster-wide; otherwise the namespace patterns. */
  readonly scope: string;
  /** Empty when eksgate does not model the policy. */
  readonly rules: readonly RuleSummary[];
  readonly modelled: boolean;
}

export interface EscalationSummary {
  readonly verb: "impersonate" | "bind" | "escalate";
  readonly resource: string;
  readonly names: readonly string[];
  /** `""`: everywhere. */
  readonly namespace: string;
  readonly via: string;
  readonly text: string;
}

/** What an identity holds in one cluster. */
export interface AccessSummary {
  readonly superuser: boolean;
  readonly bindings: readonly BindingSummary[];
  readonly accessPolicies: readonly AccessPolicySummary[];
}

/** One route of the principal on one cluster. */
export interface ClusterReach {
  readonly cluster: string;
  readonly route: IamRoute;
  readonly mapping: ClusterMapping;
  /** Route hops, then the mapping and the Kubernetes identity when mapped. */
  readonly hops: readonly Hop[];
  readonly access?: AccessSummary;
  readonly escalations: readonly EscalationSummary[];
}

export interface ExplainOptions extends RouteOptions {
  /** Only this cluster. */
  readonly cluster?: string;
}

export interface ExplainResult {
  readonly principal: PrincipalSummary;
  readonly clusters: readonly string[];
  readonly routes: readonly IamRoute[];
  /** One per route and cluster, routes in order. */
  readonly reach: readonly ClusterReach[];
}

/** The clusters a query covers, or undefined when `name` is not one of them. */
export function selectClusters(
  snapshot: AccessSnapshot,
  name?: string,
): readonly ClusterAccess[] | undefined {
  if (name === undefined) return snapshot.clusters;
  const c = snapshot.clusters.find((x) => x.name === name);
  return c === undefined ? undefined : [c];
}

/** Every binding that names `identity`, with what it gives; access policies; system:masters. */
export function accessSummary(
  cluster: ClusterAccess,
  identity: Identity,
  accessPolicies: readonly AccessPolicyAssociation[],
): AccessSummary {
  const bindings: BindingSummary[] = [];
  for (const { binding: b, subjectIndex } of bindingsNaming(cluster.rbac, identity)) {
    const subject = b.subjects[subjectIndex];
    if (subject === undefined) continue;
    const role: RoleRefResolved = {
      kind: b.roleRef.kind,
      name: b.roleRef.name,
      namespace: b.roleRef.kind === "Role" ? b.namespace : "",
    };
    const rules = (b.rules ?? []).map((r) => summarizeRule(r.rule));
    const roleText =
      role.kind === "Role" ? `Role ${role.namespace}/${role.name}` : `ClusterRole ${role.name}`;
    const where = b.namespace === "" ? "cluster-wide" : `in namespace ${b.namespace}`;
    bindings.push({
      binding: { kind: b.kind, name: b.name, namespace: b.namespace },
      scope: b.namespace,
      role,
      subject: `${subject.kind} ${subject.name}`,
      rules,
      ...(b.unresolved !== undefined ? { unresolved: b.unresolved } : {}),
      text: `${where}: ${roleText} through ${describeBinding({ kind: b.kind, name: b.name, namespace: b.namespace })} (${subject.kind} ${subject.name})`,
    });
  }
  const policies: AccessPolicySummary[] = accessPolicies.map((a) => {
    const def = accessPolicyFor(a.policyArn);
    return {
      policyArn: a.policyArn,
      policyName: def?.name ?? arnResourceName(a.policyArn),
      scope: a.accessScope.type === "cluster" ? "" : a.accessScope.namespaces.join(","),
      rules: (def?.rules ?? []).map(summarizeRule),
      modelled: def !== undefined,
    };
  });
  return { superuser: identity.groups.includes(SUPERUSER_GROUP), bindings, accessPolicies: policies };
}

export function escalationSummaries(cluster: ClusterAccess, identity: Identity): EscalationSummary[] {
  return escalationEdges(cluster.rbac, identity).map((e) => ({
    verb: e.verb,
    resource: e.target.resource,
    names: e.target.names,
    namespace: e.namespace,
    via: describeGrant(e.grant),
    text: describeEdge(e),
  }));
}

/**
 * What `principalArn` (IAM user, role, or assumed-role session) can reach: its IAM routes
 * (roles it can assume, with the statements that allow it), and on each cluster the mapping,
 * the Kubernetes identity, the bindings and access policies it holds, and its escalation edges.
 */
export function explainPrincipal(
  snapshot: AccessSnapshot,
  principalArn: string,
  options: ExplainOptions = {},
): ExplainResult {
  const clusters = selectClusters(snapshot, options.cluster) ?? [];
  const { principal, routes } = iamRoutes(snapshot.iamIndex, principalArn, options);
  const reach: ClusterReach[] = [];
  for (const route of routes) {
    for (const cluster of clusters) {
      const mapping = mapPrincipal(cluster, route.caller);
      const hops = [...route.hops, ...mappingHops(mapping)];
      if (!mapping.mapped) {
        reach.push({ cluster: cluster.name, route, mapping, hops, escalations: [] });
        continue;
      }
      reach.push({
        cluster: cluster.name,
        route,
        mapping,
        hops,
        access: accessSummary(cluster, mapping.identity, mapping.accessPolicies),
        escalations: escalationSummaries(cluster, mapping.identity),
      });
    }
  }
  return { principal, clusters: clusters.map((c) => c.name), routes, reach };
}
