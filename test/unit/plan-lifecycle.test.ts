// The planner over a whole lifecycle: from an empty account and clusters, through a
// converged state (a no-op plan), to removing a team and destroying everything.
import { describe, expect, it } from "vitest";
import { fingerprint, planSummary, type PlanStep } from "../../src/core/plan/plan.js";
import { parseAwsAuthData } from "../../src/core/model/aws-auth.js";
import { teamIamDocuments } from "../../src/core/model/iam-documents.js";
import {
  ACCOUNT,
  cluster,
  configFrom,
  emptyObservedState,
  planOf,
  roleArn,
  stepById,
  stepIds,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
} from "../support/observed-state.js";
import { applyWithEngine } from "../support/fake-cloud.js";

const config = configFrom(TWO_CLUSTERS_YAML);
const empty = emptyObservedState(config, { modes: TWO_CLUSTERS_MODES });
const converged = await applyWithEngine(config, empty, planOf(config, empty));

/** Where a step must come relative to others: creates bottom-up, deletes top-down. */
function rank(step: PlanStep): number {
  const create = [
    "iam-role",
    "iam-role-policy",
    "iam-group-policy",
    "access-entry",
    "access-policy",
    "aws-auth",
  ];
  const kind = step.resource.kind;
  const rbacRank = (): number =>
    step.resource.kind === "rbac" && step.resource.objectKind === "ClusterRole" ? 0 : 1;
  if (step.action === "delete") {
    if (kind === "rbac") return 100 + rbacRank();
    return 110 + (create.length - create.indexOf(kind));
  }
  if (kind === "rbac") return 10 + rbacRank();
  return create.indexOf(kind);
}

describe("plan from an empty account and clusters", () => {
  const plan = planOf(config, empty);

  it("creates every IAM object, the authentication for each cluster and every binding, in dependency order", () => {
    expect(stepIds(plan)).toEqual([
      "iam-role/eksgate-payments",
      "iam-role/eksgate-rnd",
      "iam-role/eksgate-support",
      "iam-role-policy/eksgate-payments/eksgate-payments-eks",
      "iam-role-policy/eksgate-rnd/eksgate-rnd-eks",
      "iam-role-policy/eksgate-support/eksgate-support-eks",
      "iam-group-policy/dev.rnd.group/eksgate-rnd-assume",
      "iam-group-policy/payments-devs/eksgate-payments-assume",
      "iam-group-policy/support/eksgate-support-assume",
      `access-entry/prod/${roleArn("eksgate-payments")}`,
      `access-entry/prod/${roleArn("eksgate-support")}`,
      "aws-auth/dev",
      "rbac/prod/ClusterRole//log-reader",
      "rbac/dev/ClusterRoleBinding//eksgate:rnd:cluster-admin",
      "rbac/dev/ClusterRoleBinding//eksgate:support:view",
      "rbac/dev/RoleBinding/payments-staging/eksgate:payments:edit",
      "rbac/dev/RoleBinding/payments/eksgate:payments:edit",
      "rbac/prod/ClusterRoleBinding//eksgate:support:view",
      "rbac/prod/RoleBinding/payments/eksgate:payments:log-reader",
    ]);
    expect(plan.steps.every((s) => s.action === "create")).toBe(true);
    // Nothing existed; aws-auth steps observe eksgate's entries, of which there are none.
    expect(
      plan.steps.every((s) => s.observed === (s.resource.kind === "aws-auth" ? fingerprint({}) : "absent")),
    ).toBe(true);
    const ranks = plan.steps.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(planSummary(plan)).toEqual({ create: 19, update: 0, delete: 0, replace: 0 });
  });

  it("puts each step in its area and says why", () => {
    const areas = new Map(plan.steps.map((s) => [s.id, s.area]));
    expect(areas.get("iam-role/eksgate-rnd")).toBe("iam");
    expect(areas.get("aws-auth/dev")).toBe("authentication");
    expect(areas.get(`access-entry/prod/${roleArn("eksgate-support")}`)).toBe("authentication");
    expect(areas.get("rbac/prod/ClusterRole//log-reader")).toBe("rbac");
    expect(stepById(plan, "iam-role/eksgate-rnd").reason).toBe("team rnd needs a role to assume");
    expect(stepById(plan, "iam-group-policy/support/eksgate-support-assume").reason).toBe(
      "members of support need permission to assume the role",
    );
    expect(stepById(plan, "aws-auth/dev").reason).toBe("the cluster has no aws-auth ConfigMap yet");
    expect(stepById(plan, "rbac/dev/RoleBinding/payments/eksgate:payments:edit").reason).toBe(
      "team payments gets edit in payments",
    );
    expect(stepById(plan, "rbac/dev/ClusterRoleBinding//eksgate:rnd:cluster-admin").reason).toBe(
      "team rnd gets cluster-admin cluster-wide",
    );
  });

  it("carries the documents the model builds as payloads, and shows them as + lines", () => {
    const rnd = config.teams.find((t) => t.name === "rnd");
    if (rnd === undefined) throw new Error("no rnd");
    const docs = teamIamDocuments(config, rnd);
    const role = stepById(plan, "iam-role/eksgate-rnd");
    expect(role.resource).toEqual({ kind: "iam-role", roleName: "eksgate-rnd" });
    expect(role.payload).toEqual({
      type: "role",
      trustPolicy: docs.trustPolicy,
      description: docs.roleDescription,
      tags: [
        { Key: "eksgate.dev/managed-by", Value: "eksgate" },
        { Key: "eksgate.dev/team", Value: "rnd" },
        { Key: "eksgate.dev/iam-group", Value: "dev.rnd.group" },
      ],
    });
    expect(role.changes[0]).toBe(`+ role eksgate-rnd (${roleArn("eksgate-rnd")})`);
    expect(role.changes.slice(1).every((l) => l.startsWith("+ trust "))).toBe(true);
    expect(role.changes.join("\n")).toContain(`arn:aws:iam::${ACCOUNT}:root`);

    expect(stepById(plan, "iam-role-policy/eksgate-rnd/eksgate-rnd-eks").payload).toEqual({
      type: "policy",
      document: docs.rolePolicy.document,
    });
    const group = stepById(plan, "iam-group-policy/dev.rnd.group/eksgate-rnd-assume");
    expect(group.payload).toEqual({ type: "policy", document: docs.groupPolicy.document });
    expect(group.changes).toHaveLength(1);
    expect(group.changes[0]).toMatch(/^\+ \{.*"Action":"sts:AssumeRole".*eksgate-rnd/);
  });

  it("maps every team reaching an aws-auth cluster in one aws-auth step, in config order", () => {
    const step = stepById(plan, "aws-auth/dev");
    expect(step.payload).toEqual({
      type: "aws-auth",
      desired: [
        { rolearn: roleArn("eksgate-rnd"), username: "eksgate:rnd:{{SessionName}}", groups: ["eksgate:rnd"] },
        {
          rolearn: roleArn("eksgate-payments"),
          username: "eksgate:payments:{{SessionName}}",
          groups: ["eksgate:payments"],
        },
        {
          rolearn: roleArn("eksgate-support"),
          username: "eksgate:support:{{SessionName}}",
          groups: ["eksgate:support"],
        },
      ],
      owned: [roleArn("eksgate-payments"), roleArn("eksgate-rnd"), roleArn("eksgate-support")],
    });
    expect(step.changes).toEqual([
      `+ mapRoles[0] ${roleArn("eksgate-rnd")} username=eksgate:rnd:{{SessionName}} groups=[eksgate:rnd]`,
      `+ mapRoles[1] ${roleArn("eksgate-payments")} username=eksgate:payments:{{SessionName}} groups=[eksgate:payments]`,
      `+ mapRoles[2] ${roleArn("eksgate-support")} username=eksgate:support:{{SessionName}} groups=[eksgate:support]`,
    ]);
  });

  it("gives each team reaching an access-entry cluster a STANDARD-entry payload with eksgate's tags", () => {
    const step = stepById(plan, `access-entry/prod/${roleArn("eksgate-payments")}`);
    expect(step.payload).toEqual({
      type: "access-entry",
      kubernetesGroups: ["eksgate:payments"],
      username: "eksgate:payments:{{SessionName}}",
      tags: { "eksgate.dev/managed-by": "eksgate", "eksgate.dev/team": "payments" },
    });
    expect(step.changes).toEqual([
      `+ access entry ${roleArn("eksgate-payments")} groups=[eksgate:payments] username=eksgate:payments:{{SessionName}}`,
    ]);
    // rnd does not reach prod: no entry.
    expect(stepIds(plan).some((id) => id.includes("prod") && id.includes("eksgate-rnd"))).toBe(false);
  });

  it("renders bindings and the custom role with eksgate's labels", () => {
    const binding = stepById(plan, "rbac/prod/RoleBinding/payments/eksgate:payments:log-reader");
    expect(binding.resource).toEqual({
      kind: "rbac",
      cluster: "prod",
      objectKind: "RoleBinding",
      name: "eksgate:payments:log-reader",
      namespace: "payments",
    });
    expect(binding.changes).toEqual([
      "+ RoleBinding payments/eksgate:payments:log-reader",
      "    roleRef ClusterRole/log-reader",
      "    subject Group/eksgate:payments",
    ]);
    if (binding.payload.type !== "rbac") throw new Error("not rbac");
    expect(binding.payload.object.metadata.labels).toEqual({
      "app.kubernetes.io/managed-by": "eksgate",
      "eksgate.dev/team": "payments",
    });
    const role = stepById(plan, "rbac/prod/ClusterRole//log-reader");
    expect(role.reason).toBe("a team binds this custom role");
    expect(role.changes[0]).toBe("+ ClusterRole log-reader");
    // The custom role is only rendered where a team binds it.
    expect(stepIds(plan)).not.toContain("rbac/dev/ClusterRole//log-reader");
  });
});

describe("plan when the live state matches the config", () => {
  it("has no steps and no diagnostics", () => {
    const plan = planOf(config, converged);
    expect(plan.steps).toEqual([]);
    expect(plan.diagnostics).toEqual([]);
    expect(planSummary(plan)).toEqual({ create: 0, update: 0, delete: 0, replace: 0 });
  });

  it("wrote mapRoles that the authenticator reads as the teams' entries", () => {
    const awsAuth = cluster(converged, "dev").awsAuth;
    if (awsAuth === undefined) throw new Error("no aws-auth");
    const parsed = parseAwsAuthData(awsAuth.data);
    if (!parsed.ok) throw new Error("does not parse");
    expect(parsed.value.status.mapRoles).toBe("read");
    expect(parsed.value.effectiveRoles.map((r) => [r.rolearn, r.username, r.groups])).toEqual([
      [roleArn("eksgate-rnd"), "eksgate:rnd:{{SessionName}}", ["eksgate:rnd"]],
      [roleArn("eksgate-payments"), "eksgate:payments:{{SessionName}}", ["eksgate:payments"]],
      [roleArn("eksgate-support"), "eksgate:support:{{SessionName}}", ["eksgate:support"]],
    ]);
  });

  it("stays a no-op for a plan scoped to one cluster or one team", () => {
    expect(planOf(config, converged, { cluster: "dev" }).steps).toEqual([]);
    expect(planOf(config, converged, { cluster: "prod" }).steps).toEqual([]);
    expect(planOf(config, converged, { team: "payments" }).steps).toEqual([]);
  });
});

describe("a changed config", () => {
  it("moves a team to other namespaces: new bindings created, old ones deleted, IAM untouched", async () => {
    const moved = configFrom(
      TWO_CLUSTERS_YAML.replace(
        "namespaces: [payments, payments-staging]",
        "namespaces: [payments, payments-qa]",
      ),
    );
    const state = {
      ...converged,
      clusters: {
        ...converged.clusters,
        dev: { ...cluster(converged, "dev"), namespaces: { payments: true, "payments-qa": true } },
      },
    };
    const plan = planOf(moved, state);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["rbac/dev/RoleBinding/payments-qa/eksgate:payments:edit", "create"],
      ["rbac/dev/RoleBinding/payments-staging/eksgate:payments:edit", "delete"],
    ]);
    expect(stepById(plan, "rbac/dev/RoleBinding/payments-staging/eksgate:payments:edit").reason).toBe(
      "the config no longer asks for it",
    );
    expect(planOf(moved, await applyWithEngine(moved, state, plan)).steps).toEqual([]);
  });

  it("gives a team one more cluster: its permission policy names both clusters, an access entry is added", async () => {
    const wider = configFrom(
      TWO_CLUSTERS_YAML.replace(
        "        clusterRole: cluster-admin\n        allowClusterAdmin: true\n",
        "        clusterRole: cluster-admin\n        allowClusterAdmin: true\n      - cluster: prod\n        clusterRole: view\n",
      ),
    );
    const plan = planOf(wider, converged);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["iam-role-policy/eksgate-rnd/eksgate-rnd-eks", "update"],
      [`access-entry/prod/${roleArn("eksgate-rnd")}`, "create"],
      ["rbac/prod/ClusterRoleBinding//eksgate:rnd:view", "create"],
    ]);
    const policy = stepById(plan, "iam-role-policy/eksgate-rnd/eksgate-rnd-eks");
    expect(policy.reason).toBe("the role's permission policy differs from the config");
    expect(policy.changes.filter((l) => l.startsWith("- "))).toHaveLength(1);
    expect(policy.changes.filter((l) => l.startsWith("+ "))[0]).toContain(
      `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
    );
    expect(planOf(wider, await applyWithEngine(wider, converged, plan)).steps).toEqual([]);
  });
});
