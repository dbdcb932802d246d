/**
 * The indexed evaluator against a deliberately naive reference written from the API
 * server's algorithm (list every binding, check every subject, resolve the role, scan
 * its rules; aggregation by re-running a controller sync until nothing changes), over
 * generated corpora. The real API server comparison lives in the integration tests.
 */
import { describe, expect, it } from "vitest";
import { CPU_HEAVY_TIMEOUT_MS } from "../support/time-limits.js";
import type {
  ClusterRole,
  Identity,
  LabelSelector,
  PolicyRule,
  RequestAttributes,
  Subject,
} from "../../src/core/evaluate/rbac/index.js";
import { authorize, loadRbacSnapshot, whoCan } from "../../src/core/evaluate/rbac/index.js";
import type { RbacCorpus } from "../support/rbac-corpus.js";
import { corpusDocuments, generateRbacCorpus } from "../support/rbac-corpus.js";

function selects(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const val = labels[e.key] ?? "";
    const vals = e.values ?? [];
    if (e.operator === "In" && !(has && vals.includes(val))) return false;
    if (e.operator === "NotIn" && has && vals.includes(val)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** Controller simulation: sync every aggregated role, repeat until a full pass changes nothing. */
function referenceAggregation(roles: readonly ClusterRole[]): Map<string, PolicyRule[]> {
  const rules = new Map<string, PolicyRule[]>(roles.map((r) => [r.metadata.name, [...(r.rules ?? [])]]));
  const sorted = [...roles].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  for (let pass = 0; pass < 50; pass++) {
    let changed = false;
    for (const role of roles) {
      if (!role.aggregationRule) continue;
      const next: PolicyRule[] = [];
      for (const sel of role.aggregationRule.clusterRoleSelectors ?? []) {
        for (const other of sorted) {
          if (other.metadata.name === role.metadata.name || !selects(sel, other.metadata.labels ?? {}))
            continue;
          for (const r of rules.get(other.metadata.name) ?? []) {
            if (!next.some((x) => JSON.stringify(x) === JSON.stringify(r))) next.push(r);
          }
        }
      }
      if (JSON.stringify(next) !== JSON.stringify(rules.get(role.metadata.name))) {
        rules.set(role.metadata.name, next);
        changed = true;
      }
    }
    if (!changed) return rules;
  }
  throw new Error("reference aggregation did not settle");
}

function ruleOk(rule: PolicyRule, req: RequestAttributes): boolean {
  const verbOk = rule.verbs.some((v) => v === "*" || v === req.verb);
  if ("path" in req) {
    return (
      verbOk &&
      (rule.nonResourceURLs ?? []).some(
        (u) => u === "*" || u === req.path || (u.endsWith("*") && req.path.startsWith(u.replace(/\*+$/, ""))),
      )
    );
  }
  const combined = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  return (
    verbOk &&
    (rule.apiGroups ?? []).some((g) => g === "*" || g === req.apiGroup) &&
    (rule.resources ?? []).some(
      (r) => r === "*" || r === combined || (req.subresource !== undefined && r === `*/${req.subresource}`),
    ) &&
    ((rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).includes(req.name ?? ""))
  );
}

function applies(s: Subject, id: Identity, ns: string): boolean {
  if (s.kind === "User") return s.name === id.user;
  if (s.kind === "Group") return id.groups.includes(s.name);
  if (s.kind === "ServiceAccount") {
    const sns = s.namespace ?? ns;
    return sns !== "" && id.user === `system:serviceaccount:${sns}:${s.name}`;
  }
  return false;
}

function referenceAuthorize(
  corpus: RbacCorpus,
  agg: Map<string, PolicyRule[]>,
  id: Identity,
  req: RequestAttributes,
): boolean {
  if (id.groups.includes("system:masters")) return true;
  const o = corpus.objects;
  const ns = "path" in req ? "" : (req.namespace ?? "");
  for (const b of o.clusterRoleBindings) {
    if (!(b.subjects ?? []).some((s) => applies(s, id, ""))) continue;
    if (b.roleRef.kind !== "ClusterRole") continue;
    if ((agg.get(b.roleRef.name) ?? []).some((r) => ruleOk(r, req))) return true;
  }
  if (ns === "") return false;
  for (const b of o.roleBindings) {
    if (b.metadata.namespace !== ns || !(b.subjects ?? []).some((s) => applies(s, id, ns))) continue;
    const rules =
      b.roleRef.kind === "ClusterRole"
        ? agg.get(b.roleRef.name)
        : o.roles.find((r) => r.metadata.namespace === ns && r.metadata.name === b.roleRef.name)?.rules;
    if ((rules ?? []).some((r) => ruleOk(r, req))) return true;
  }
  return false;
}

// Each corpus is a fixed number of generated objects and requests (2,000+): budgeted by
// count, with a timeout far above it for a loaded machine.
describe("generated RBAC corpus", { timeout: CPU_HEAVY_TIMEOUT_MS }, () => {
  it("is reproducible by seed and differs between seeds", () => {
    const a = generateRbacCorpus({ seed: 7 });
    expect(generateRbacCorpus({ seed: 7 })).toEqual(a);
    expect(generateRbacCorpus({ seed: 8 }).requests).not.toEqual(a.requests);
    expect(a.requests.length).toBeGreaterThanOrEqual(2000);
  });

  for (const seed of [1, 2, 3, 20260101]) {
    it(`seed ${seed}: the evaluator agrees with the reference on every request`, () => {
      const corpus = generateRbacCorpus({ seed });
      const { snapshot } = loadRbacSnapshot(corpusDocuments(corpus));
      const agg = referenceAggregation(corpus.objects.clusterRoles);
      const disagreements: string[] = [];
      let allowed = 0;
      const kinds = new Set<string>();
      for (const { identity, attributes } of corpus.requests) {
        const ours = authorize(snapshot, identity, attributes);
        const theirs = referenceAuthorize(corpus, agg, identity, attributes);
        if (ours.allowed !== theirs)
          disagreements.push(JSON.stringify({ identity, attributes, ours: ours.allowed }));
        if (ours.allowed) allowed++;
        for (const g of ours.grants) {
          if (g.kind !== "binding") continue;
          kinds.add(g.subject.kind);
          if (g.aggregatedVia.length > 1) kinds.add("aggregated-chain");
          if ((g.rule.resourceNames ?? []).length > 0) kinds.add("resourceNames");
          if ((g.rule.nonResourceURLs ?? []).length > 0) kinds.add("nonResourceURL");
          if ("subresource" in attributes && attributes.subresource) kinds.add("subresource");
          if (g.binding.kind === "RoleBinding" && g.role.kind === "ClusterRole")
            kinds.add("rb-to-clusterrole");
        }
        // who-can must list the asker (or one of its groups) exactly when it is allowed.
      }
      expect(disagreements.slice(0, 5)).toEqual([]);
      // The corpus is only useful if it exercises both answers and every feature.
      expect(allowed / corpus.requests.length).toBeGreaterThan(0.2);
      expect(allowed / corpus.requests.length).toBeLessThan(0.85);
      expect([...kinds].sort()).toEqual([
        "Group",
        "ServiceAccount",
        "User",
        "aggregated-chain",
        "nonResourceURL",
        "rb-to-clusterrole",
        "resourceNames",
        "subresource",
      ]);
    });
  }

  it("who-can agrees with authorize for every subject it lists and misses none", () => {
    const corpus = generateRbacCorpus({ seed: 5, requests: 300 });
    const { snapshot } = loadRbacSnapshot(corpusDocuments(corpus));
    for (const { identity, attributes } of corpus.requests) {
      const listed = whoCan(snapshot, attributes).entries;
      const decision = authorize(snapshot, identity, attributes);
      const named = listed.some(
        (e) =>
          (e.subject.kind === "Group" && identity.groups.includes(e.subject.name)) ||
          ((e.subject.kind === "User" || e.subject.kind === "ServiceAccount") &&
            e.subject.user === identity.user),
      );
      expect(named).toBe(decision.allowed);
    }
  });
});
