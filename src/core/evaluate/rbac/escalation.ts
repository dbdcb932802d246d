/**
 * Escalation edges (R13, R14): rules that let their holder become someone else
 * (`impersonate`) or hand out rights they do not hold (`bind`, `escalate`). Each is an
 * edge in an access path: "can impersonate ServiceAccount ci/deployer", "can bind
 * ClusterRole cluster-admin in namespace dev".
 */
import type { BindingGrant, Grant } from "./authorize.js";
import { bindingRef, resolvedRole } from "./authorize.js";
import { apiGroupMatches, resourceMatches, verbMatches } from "./match.js";
import type { Identity, PolicyRule, Subject } from "./model.js";
import { RBAC_API_GROUP, SUPERUSER_GROUP } from "./model.js";
import type { BindingRecord, RbacSnapshot } from "./rbac-snapshot.js";
import { bindingsNaming } from "./rbac-snapshot.js";

export type EscalationVerb = "impersonate" | "bind" | "escalate";

/** What an escalation rule reaches. */
export interface EscalationTarget {
  readonly apiGroup: string;
  /** `users`, `groups`, `serviceaccounts`, `uids`, `userextras/<key>`, `roles`, `clusterroles`. */
  readonly resource: string;
  /** Names the rule is limited to; empty means any name. */
  readonly names: readonly string[];
}

export interface EscalationEdge {
  readonly verb: EscalationVerb;
  readonly target: EscalationTarget;
  /**
   * `""`: everywhere (ClusterRoleBinding or superuser). Otherwise the namespace of the
   * RoleBinding: only namespaced targets there (service accounts, Roles, and ClusterRoles
   * bound by RoleBindings in that namespace).
   */
  readonly namespace: string;
  readonly grant: Grant;
}

/** An escalation rule together with the binding subjects that hold it. */
export interface EscalationCapability {
  readonly verb: EscalationVerb;
  readonly target: EscalationTarget;
  readonly namespace: string;
  readonly holders: readonly Subject[];
  readonly grant: Omit<BindingGrant, "subject" | "subjectIndex">;
  readonly binding: BindingRecord;
}

const PROBES: readonly { verb: EscalationVerb; apiGroup: string; resource: string }[] = [
  { verb: "impersonate", apiGroup: "", resource: "users" },
  { verb: "impersonate", apiGroup: "", resource: "groups" },
  { verb: "impersonate", apiGroup: "", resource: "serviceaccounts" },
  { verb: "impersonate", apiGroup: "authentication.k8s.io", resource: "uids" },
  { verb: "bind", apiGroup: RBAC_API_GROUP, resource: "roles" },
  { verb: "bind", apiGroup: RBAC_API_GROUP, resource: "clusterroles" },
  { verb: "escalate", apiGroup: RBAC_API_GROUP, resource: "roles" },
  { verb: "escalate", apiGroup: RBAC_API_GROUP, resource: "clusterroles" },
];

/** The escalation targets one rule reaches. */
export function escalationTargets(rule: PolicyRule): { verb: EscalationVerb; target: EscalationTarget }[] {
  const out: { verb: EscalationVerb; target: EscalationTarget }[] = [];
  const names = rule.resourceNames ?? [];
  for (const p of PROBES) {
    if (
      verbMatches(rule, p.verb) &&
      apiGroupMatches(rule, p.apiGroup) &&
      resourceMatches(rule, p.resource, "")
    ) {
      out.push({ verb: p.verb, target: { apiGroup: p.apiGroup, resource: p.resource, names } });
    }
  }
  // Impersonating user extras is checked as `userextras/<key>` in authentication.k8s.io.
  if (verbMatches(rule, "impersonate") && apiGroupMatches(rule, "authentication.k8s.io")) {
    for (const r of rule.resources ?? []) {
      if (r === "*")
        out.push({
          verb: "impersonate",
          target: { apiGroup: "authentication.k8s.io", resource: "userextras/*", names },
        });
      else if (r.startsWith("userextras/")) {
        out.push({ verb: "impersonate", target: { apiGroup: "authentication.k8s.io", resource: r, names } });
      }
    }
  }
  return out;
}

const capabilityCache = new WeakMap<RbacSnapshot, readonly EscalationCapability[]>();

/** Every escalation rule granted by a binding in the snapshot, with who holds it. */
export function escalationCapabilities(snapshot: RbacSnapshot): readonly EscalationCapability[] {
  const cached = capabilityCache.get(snapshot);
  if (cached) return cached;
  const out: EscalationCapability[] = [];
  // Roles are shared by many bindings: find each role's escalation rules once.
  const perRules = new Map<
    readonly unknown[],
    { ruleIndex: number; verb: EscalationVerb; target: EscalationTarget }[]
  >();
  for (const b of snapshot.bindings) {
    if (b.rules === undefined || b.subjects.length === 0) continue;
    let found = perRules.get(b.rules);
    if (found === undefined) {
      found = [];
      for (const [ruleIndex, r] of b.rules.entries()) {
        for (const t of escalationTargets(r.rule)) found.push({ ruleIndex, ...t });
      }
      perRules.set(b.rules, found);
    }
    for (const f of found) {
      const effective = b.rules[f.ruleIndex];
      if (effective === undefined) continue;
      out.push({
        verb: f.verb,
        target: f.target,
        namespace: b.namespace,
        holders: b.subjects,
        binding: b,
        grant: {
          kind: "binding",
          binding: bindingRef(b),
          role: resolvedRole(b),
          ruleIndex: f.ruleIndex,
          rule: effective.rule,
          aggregatedVia: effective.via,
          scope: b.namespace,
        },
      });
    }
  }
  capabilityCache.set(snapshot, out);
  return out;
}

/** The escalation edges `identity` holds, in any namespace. */
export function escalationEdges(snapshot: RbacSnapshot, identity: Identity): EscalationEdge[] {
  const edges: EscalationEdge[] = [];
  if (identity.groups.includes(SUPERUSER_GROUP)) {
    for (const p of PROBES) {
      edges.push({
        verb: p.verb,
        target: { apiGroup: p.apiGroup, resource: p.resource, names: [] },
        namespace: "",
        grant: { kind: "superuser", group: SUPERUSER_GROUP },
      });
    }
  }
  // Only the bindings that name the identity can give it an edge.
  const byBinding = capabilitiesByBinding(snapshot);
  for (const { binding, subjectIndex } of bindingsNaming(snapshot, identity)) {
    const subject = binding.subjects[subjectIndex];
    if (subject === undefined) continue;
    for (const c of byBinding.get(binding) ?? []) {
      edges.push({
        verb: c.verb,
        target: c.target,
        namespace: c.namespace,
        grant: { ...c.grant, subject, subjectIndex },
      });
    }
  }
  return edges;
}

const capabilityIndexes = new WeakMap<RbacSnapshot, ReadonlyMap<BindingRecord, EscalationCapability[]>>();

function capabilitiesByBinding(snapshot: RbacSnapshot): ReadonlyMap<BindingRecord, EscalationCapability[]> {
  let index = capabilityIndexes.get(snapshot);
  if (index === undefined) {
    const built = new Map<BindingRecord, EscalationCapability[]>();
    for (const c of escalationCapabilities(snapshot)) {
      const list = built.get(c.binding);
      if (list === undefined) built.set(c.binding, [c]);
      else list.push(c);
    }
    capabilityIndexes.set(snapshot, built);
    index = built;
  }
  return index;
}

export function describeEdge(edge: EscalationEdge): string {
  const names = edge.target.names.length > 0 ? edge.target.names.join(",") : "any";
  const what = edge.target.resource.replace(/s$/, "");
  const where = edge.namespace === "" ? "" : ` in namespace ${edge.namespace}`;
  return `can ${edge.verb} ${what} ${names}${where}`;
}
