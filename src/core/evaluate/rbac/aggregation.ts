/**
 * ClusterRole aggregation (R10), computed from manifests the way the
 * clusterrole-aggregation controller of kube-controller-manager fills them in:
 *
 * - a ClusterRole with an `aggregationRule` gets its rules REPLACED by the union of the
 *   rules of every OTHER ClusterRole matched by any of its `clusterRoleSelectors`;
 * - the union goes selector by selector, matched roles in name order, rules in their
 *   order, and a rule equal to one already taken is dropped;
 * - a role that aggregates another aggregated role sees that role's aggregated rules,
 *   so chains (view -> edit -> admin) need a fixpoint.
 *
 * We compute the least fixpoint: aggregated roles start empty and grow until nothing
 * changes. Without cycles the result is unique and equals what a live cluster shows. With
 * a selector cycle the live result can also depend on rules written into the manifests
 * before the controller ran; we ignore those (a diagnostic says so).
 * A role whose selector is invalid is left as written: the controller fails on it and
 * never rewrites it (the API server would also have refused the manifest).
 */
import type { Diagnostic } from "../../diagnostics.js";
import type { ClusterRole, PolicyRule } from "./model.js";
import { labelSelectorMatches, labelSelectorProblem, ruleKey } from "./match.js";

export interface EffectiveRule {
  readonly rule: PolicyRule;
  /**
   * Where an aggregated rule came from: the ClusterRole it was copied from, then that
   * role's own source if it was aggregated too, down to the role that wrote it.
   * Empty for a rule written in the role itself.
   */
  readonly via: readonly string[];
}

export interface AggregatedClusterRole {
  readonly name: string;
  readonly rules: readonly EffectiveRule[];
  /** True when the rules were computed by aggregation, not read from the manifest. */
  readonly aggregated: boolean;
}

export interface AggregationResult {
  readonly clusterRoles: ReadonlyMap<string, AggregatedClusterRole>;
  readonly diagnostics: readonly Diagnostic[];
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ownRules(role: ClusterRole): EffectiveRule[] {
  return (role.rules ?? []).map((rule) => ({ rule, via: [] }));
}

function sameRules(a: readonly EffectiveRule[], b: readonly EffectiveRule[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return false;
    // Provenance is not compared: in a selector cycle it could grow forever.
    if (x.rule !== y.rule && ruleKey(x.rule) !== ruleKey(y.rule)) return false;
  }
  return true;
}

/**
 * Fills in every aggregated ClusterRole. Names must be unique (the caller keeps the last
 * of duplicates).
 */
export function aggregateClusterRoles(roles: readonly ClusterRole[]): AggregationResult {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map<string, ClusterRole>();
  for (const role of roles) byName.set(role.metadata.name, role);
  const names = [...byName.keys()].sort(byteOrder);

  const current = new Map<string, EffectiveRule[]>();
  /** aggregated role name -> the member names, in the controller's visiting order */
  const members = new Map<string, string[]>();

  for (const name of names) {
    const role = byName.get(name);
    if (role === undefined) continue;
    const rule = role.aggregationRule;
    if (rule === undefined) {
      current.set(name, ownRules(role));
      continue;
    }
    const selectors = rule.clusterRoleSelectors ?? [];
    const problem = selectors.map(labelSelectorProblem).find((p) => p !== undefined);
    if (problem !== undefined) {
      diagnostics.push({
        code: "RBAC106",
        severity: "warning",
        summary: `ClusterRole ${name}: aggregation selector is invalid (${problem}); its rules are used as written`,
        path: `clusterroles/${name}.aggregationRule`,
      });
      current.set(name, ownRules(role));
      continue;
    }
    const list: string[] = [];
    for (const selector of selectors) {
      for (const other of names) {
        if (other === name) continue;
        const o = byName.get(other);
        if (o !== undefined && labelSelectorMatches(selector, o.metadata.labels)) list.push(other);
      }
    }
    members.set(name, list);
    current.set(name, []);
  }

  // Selector cycles: report them, since their live result may differ (see above).
  for (const name of members.keys()) {
    if (reaches(name, name, members)) {
      diagnostics.push({
        code: "RBAC107",
        severity: "info",
        summary: `ClusterRole ${name} aggregates itself through other aggregated roles; rules written in those manifests are ignored`,
        path: `clusterroles/${name}.aggregationRule`,
      });
    }
  }

  const aggregatedNames = [...members.keys()];
  const maxRounds = aggregatedNames.length * 2 + 4;
  let converged = aggregatedNames.length === 0;
  for (let round = 0; round < maxRounds && !converged; round++) {
    converged = true;
    for (const name of aggregatedNames) {
      const next: EffectiveRule[] = [];
      const seen = new Set<string>();
      for (const member of members.get(name) ?? []) {
        for (const r of current.get(member) ?? []) {
          const key = ruleKey(r.rule);
          if (seen.has(key)) continue;
          seen.add(key);
          next.push({ rule: r.rule, via: [member, ...r.via] });
        }
      }
      if (!sameRules(next, current.get(name) ?? [])) {
        current.set(name, next);
        converged = false;
      }
    }
  }
  if (!converged) {
    diagnostics.push({
      code: "RBAC108",
      severity: "warning",
      summary: `ClusterRole aggregation did not settle after ${maxRounds} rounds; aggregated rules may be incomplete`,
    });
  }

  const clusterRoles = new Map<string, AggregatedClusterRole>();
  for (const name of names) {
    clusterRoles.set(name, { name, rules: current.get(name) ?? [], aggregated: members.has(name) });
  }
  return { clusterRoles, diagnostics };
}

function reaches(from: string, target: string, members: ReadonlyMap<string, readonly string[]>): boolean {
  const stack = [...(members.get(from) ?? [])];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === undefined) break;
    if (n === target) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(members.get(n) ?? []));
  }
  return false;
}
