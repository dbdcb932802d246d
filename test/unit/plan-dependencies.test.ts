// The dependencies plan steps carry (src/core/plan/dependencies.ts), on the golden plans the
// planner makes: only earlier steps, and the orders that matter for safety.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan/plan.js";
import { parseSavedPlan } from "../../src/core/plan/plan-file.js";
import { GOLDEN_DIR } from "../support/golden.js";

const PLANS = join(GOLDEN_DIR, "plan");
const load = (name: string): Plan => JSON.parse(readFileSync(join(PLANS, name), "utf8")) as Plan;
const deps = (plan: Plan): Record<string, readonly string[]> =>
  Object.fromEntries(plan.steps.map((s) => [s.id, s.dependsOn]));

describe("plan step dependencies", () => {
  it("every step depends only on steps before it in the plan", () => {
    const files = readdirSync(PLANS).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const plan: Partial<Plan> = load(file);
      // Some goldens are refusals, not plans.
      const steps: readonly Plan["steps"][number][] = Array.isArray(plan.steps) ? plan.steps : [];
      const position = new Map(steps.map((s, i) => [s.id, i]));
      steps.forEach((step, i) => {
        for (const dep of step.dependsOn)
          expect(position.get(dep), `${file}: ${step.id} <- ${dep}`).toBeLessThan(i);
      });
    }
  });

  it("a role before its policy, its access entry and the aws-auth that maps it; the mapping and ClusterRole before the binding", () => {
    const d = deps(load("two-clusters-empty.json"));
    const entry = "access-entry/prod/arn:aws:iam::111122223333:role/eksgate-payments";
    expect(d["iam-role-policy/eksgate-payments/eksgate-payments-eks"]).toEqual(["iam-role/eksgate-payments"]);
    expect(d[entry]).toEqual(["iam-role-policy/eksgate-payments/eksgate-payments-eks"]);
    expect(d["aws-auth/dev"]).toContain("iam-role-policy/eksgate-rnd/eksgate-rnd-eks");
    expect(d["rbac/dev/RoleBinding/payments/eksgate:payments:edit"]).toEqual(["aws-auth/dev"]);
    expect(d["rbac/prod/RoleBinding/payments/eksgate:payments:log-reader"]).toEqual([
      entry,
      "rbac/prod/ClusterRole//log-reader",
    ]);
    // Roles of different teams, and group policies, do not wait for each other.
    expect(d["iam-role/eksgate-rnd"]).toEqual([]);
    expect(d["iam-group-policy/support/eksgate-support-assume"]).toEqual([]);
  });

  it("destroy: a role's inline policies before the role, and the aws-auth mapping removed before either", () => {
    const d = deps(load("example-destroy.json"));
    expect(d["iam-role/eksgate-rnd"]).toEqual([
      "iam-role-policy/eksgate-rnd/eksgate-rnd-eks",
      "iam-role-policy/eksgate-rnd/eksgate-rnd-legacy",
    ]);
    expect(d["iam-role-policy/eksgate-rnd/eksgate-rnd-eks"]).toEqual(["aws-auth/dev.my-eks-cluster"]);
  });

  it("a plan saved before steps carried dependencies gets the same ones when read", () => {
    const plan = load("two-clusters-empty.json");
    const old = { ...plan, steps: plan.steps.map(({ dependsOn: _unused, ...rest }) => rest) };
    const read = parseSavedPlan("old.json", JSON.stringify(old));
    if (!read.ok) throw new Error("not read");
    expect(deps(read.value)).toEqual(deps(plan));
  });
});
