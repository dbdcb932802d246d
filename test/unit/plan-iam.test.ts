// The IAM side of the planner: team roles, their trust and permission policies, the
// groups' policies; ownership checks; removed teams; --team scope and destroy.
import { describe, expect, it } from "vitest";
import type { ObservedState } from "../../src/core/plan/observed.js";
import type { PolicyDocument } from "../../src/core/model/policy-document.js";
import {
  ACCOUNT,
  cluster,
  configFrom,
  eksgateRoleTags,
  emptyObservedState,
  mapRole,
  observedRole,
  planErrors,
  planOf,
  roleArn,
  runPlanner,
  stepById,
  stepIds,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
  withGroup,
  withRole,
} from "../support/observed-state.js";
import { applyAndObserve, applyWithEngine } from "../support/fake-cloud.js";
import { fingerprint } from "../../src/core/plan/plan.js";

const config = configFrom(TWO_CLUSTERS_YAML);
const empty = emptyObservedState(config, { modes: TWO_CLUSTERS_MODES });
const converged = await applyWithEngine(config, empty, planOf(config, empty));

function role(state: ObservedState, name: string) {
  const found = state.roles[name];
  if (found === undefined || found === null) throw new Error(`no role ${name}`);
  return found;
}

/** The config text without one team's block. */
function without(yaml: string, teamName: string): string {
  const start = yaml.indexOf(`  - name: ${teamName}\n`);
  const custom = yaml.indexOf("customRoles:");
  const limit = custom < 0 ? yaml.length : custom;
  const next = yaml.indexOf("\n  - name: ", start + 1);
  const end = next < 0 || next > limit ? limit : next + 1;
  return yaml.slice(0, start) + yaml.slice(end);
}

describe("role trust policy and tags", () => {
  it("updates a role whose trust policy drifted, showing old and new", async () => {
    const loose: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
    };
    const state = mapRole(converged, "eksgate-support", (r) => ({ ...r, trustPolicy: loose }));
    const plan = planOf(config, state);
    expect(stepIds(plan)).toEqual(["iam-role/eksgate-support"]);
    const step = stepById(plan, "iam-role/eksgate-support");
    expect(step.action).toBe("update");
    expect(step.reason).toBe("the role's trust policy or tags differ from the config");
    expect(step.changes).toEqual([
      `- trust {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`,
      expect.stringMatching(/^\+ trust \{.*"aws:MultiFactorAuthPresent":"true".*\}$/),
    ]);
    if (step.payload.type !== "role") throw new Error("not a role payload");
    expect(step.payload.trustPolicy).toEqual(role(converged, "eksgate-support").trustPolicy);
    expect(step.observed).not.toBe("absent");
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);
  });

  it("updates a role that lacks the group tag, and ignores tags it does not set", async () => {
    const state = mapRole(converged, "eksgate-rnd", (r) => ({
      ...r,
      tags: [...r.tags.filter((t) => t.Key !== "eksgate.dev/iam-group"), { Key: "cost-center", Value: "42" }],
    }));
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([["iam-role/eksgate-rnd", "update"]]);
    expect(stepById(plan, "iam-role/eksgate-rnd").changes).toEqual([
      "~ tag eksgate.dev/iam-group: (none) -> dev.rnd.group",
    ]);
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);
  });

  it("sees no change in documents that differ only in form: order, one value vs a list, Sid, bare account id", () => {
    const reshaped = mapRole(converged, "eksgate-support", (r) => ({
      ...r,
      // As IAM may return it: a single statement object, the account as a bare id, lists.
      trustPolicy: {
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Action: ["sts:AssumeRole"],
          Principal: { AWS: [ACCOUNT] },
          Condition: {
            Bool: { "aws:MultiFactorAuthPresent": true },
            StringEquals: { "sts:RoleSessionName": ["${aws:username}"] },
          },
        },
      },
      inlinePolicies: {
        "eksgate-support-eks": {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["EKS:DescribeCluster"],
              Resource: [
                `arn:aws:eks:us-east-2:${ACCOUNT}:cluster/dev`,
                `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
              ],
            },
          ],
        },
      },
    }));
    const state = withGroup(reshaped, {
      name: "support",
      exists: true,
      policies: {
        "eksgate-support-assume": {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [roleArn("eksgate-support")] },
          ],
        },
      },
    });
    expect(planOf(config, state).steps).toEqual([]);
  });

  it("updates a permission policy and a group policy that differ in meaning", async () => {
    const widened = mapRole(converged, "eksgate-rnd", (r) => ({
      ...r,
      inlinePolicies: {
        "eksgate-rnd-eks": {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "eks:*", Resource: "*" }],
        },
      },
    }));
    const state = withGroup(widened, {
      name: "dev.rnd.group",
      exists: true,
      policies: {
        "eksgate-rnd-assume": {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
        },
      },
    });
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action, s.reason])).toEqual([
      [
        "iam-role-policy/eksgate-rnd/eksgate-rnd-eks",
        "update",
        "the role's permission policy differs from the config",
      ],
      [
        "iam-group-policy/dev.rnd.group/eksgate-rnd-assume",
        "update",
        "the group policy differs from the config",
      ],
    ]);
    const group = stepById(plan, "iam-group-policy/dev.rnd.group/eksgate-rnd-assume");
    expect(group.changes).toEqual([
      `- {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`,
      `+ {"Version":"2012-10-17","Statement":[{"Sid":"EksgateAssumeTeamRole","Effect":"Allow","Action":"sts:AssumeRole","Resource":"${roleArn("eksgate-rnd")}"}]}`,
    ]);
    expect(group.observed).toBe(
      fingerprint({ document: state.groups["dev.rnd.group"]?.policies["eksgate-rnd-assume"] }),
    );
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);
  });

  it("deletes an eksgate inline policy on a team role that the config no longer produces", () => {
    const stale: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "eks:ListClusters", Resource: "*" }],
    };
    const state = mapRole(converged, "eksgate-rnd", (r) => ({
      ...r,
      inlinePolicies: { ...r.inlinePolicies, "eksgate-rnd-list": stale },
    }));
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action, s.reason])).toEqual([
      ["iam-role-policy/eksgate-rnd/eksgate-rnd-list", "delete", "eksgate no longer uses this inline policy"],
    ]);
    expect(stepById(plan, "iam-role-policy/eksgate-rnd/eksgate-rnd-list").payload).toEqual({ type: "none" });
  });
});

describe("ownership", () => {
  it("refuses a role of the same name that eksgate did not create (EG201) and plans nothing", () => {
    const foreign = observedRole("eksgate-payments", { tags: [{ Key: "owner", Value: "platform" }] });
    const errors = planErrors(config, withRole(empty, foreign));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "EG201", severity: "error", path: "teams[1].roleName" });
    expect(errors[0]?.summary).toContain("eksgate.dev/managed-by=eksgate");
    expect(errors[0]?.detail).toContain("Set roleName for team payments");
  });

  it("treats a managed-by tag with another value as not eksgate's", () => {
    const other = observedRole("eksgate-rnd", {
      tags: [
        { Key: "eksgate.dev/managed-by", Value: "terraform" },
        { Key: "eksgate.dev/team", Value: "rnd" },
      ],
    });
    expect(planErrors(config, withRole(converged, other)).map((d) => d.code)).toEqual(["EG201"]);
  });

  it("reports a missing IAM group (EG202) with the command that creates it", () => {
    const state = emptyObservedState(config, { modes: TWO_CLUSTERS_MODES, missingGroups: ["payments-devs"] });
    const errors = planErrors(config, state);
    expect(errors).toEqual([
      expect.objectContaining({
        code: "EG202",
        path: "teams[1].iamGroup",
        summary: "IAM group payments-devs does not exist (team payments)",
      }),
    ]);
    expect(errors[0]?.detail).toContain("aws iam create-group --group-name payments-devs");
  });

  it("reports EG202 for a group that was not observed at all", () => {
    const groups = { ...empty.groups };
    Reflect.deleteProperty(groups, "support");
    expect(planErrors(config, { ...empty, groups }).map((d) => d.code)).toEqual(["EG202"]);
  });

  it("never deletes roles without eksgate's marker, or marked roles without a team", () => {
    let state = withRole(
      converged,
      observedRole("legacy-admin", { tags: [{ Key: "eksgate.dev/team", Value: "old" }] }),
    );
    state = withRole(
      state,
      observedRole("eksgate-orphan", { tags: [{ Key: "eksgate.dev/managed-by", Value: "eksgate" }] }),
    );
    expect(planOf(config, state).steps).toEqual([]);
    const destroyIds = stepIds(planOf(config, state, { destroy: true }));
    expect(destroyIds).not.toContain("iam-role/legacy-admin");
    expect(destroyIds).not.toContain("iam-role/eksgate-orphan");
  });
});

describe("a team removed from the config", () => {
  const withoutSupport = configFrom(without(TWO_CLUSTERS_YAML, "support"));

  it("deletes its role, inline policy, group policy, aws-auth entry, access entry and bindings", async () => {
    const plan = planOf(withoutSupport, converged);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["aws-auth/dev", "update"],
      ["rbac/dev/ClusterRoleBinding//eksgate:support:view", "delete"],
      ["rbac/prod/ClusterRoleBinding//eksgate:support:view", "delete"],
      [`access-entry/prod/${roleArn("eksgate-support")}`, "delete"],
      ["iam-group-policy/support/eksgate-support-assume", "delete"],
      ["iam-role-policy/eksgate-support/eksgate-support-eks", "delete"],
      ["iam-role/eksgate-support", "delete"],
    ]);
    for (const id of ["iam-role/eksgate-support", "iam-group-policy/support/eksgate-support-assume"]) {
      expect(stepById(plan, id).reason).toBe("team support is no longer in the config");
    }
    expect(stepById(plan, "iam-role/eksgate-support").changes).toEqual([
      `- role eksgate-support (${roleArn("eksgate-support")})`,
    ]);
    expect(stepById(plan, `access-entry/prod/${roleArn("eksgate-support")}`).reason).toBe(
      "no team maps this role any more",
    );
    const awsAuth = stepById(plan, "aws-auth/dev");
    expect(awsAuth.changes).toEqual([
      `- mapRoles[2] ${roleArn("eksgate-support")} username=eksgate:support:{{SessionName}} groups=[eksgate:support]`,
    ]);
    if (awsAuth.payload.type !== "aws-auth") throw new Error("not an aws-auth payload");
    expect(awsAuth.payload.owned).toContain(roleArn("eksgate-support"));
    expect(awsAuth.payload.desired.map((d) => d.rolearn)).toEqual([
      roleArn("eksgate-rnd"),
      roleArn("eksgate-payments"),
    ]);
    expect(plan.steps.filter((s) => s.action === "delete").every((s) => s.payload.type === "none")).toBe(
      true,
    );

    const { cloud, observed: after } = await applyAndObserve(withoutSupport, converged, plan);
    expect(after.roles["eksgate-support"]).toBeUndefined();
    expect(await cloud.iam.getRole("eksgate-support")).toBeUndefined();
    expect(await cloud.iam.groupExists("support")).toBe(true);
    expect(await cloud.iam.getGroupPolicy("support", "eksgate-support-assume")).toBeUndefined();
    expect(planOf(withoutSupport, after).steps).toEqual([]);
  });

  it("is left alone by a plan scoped to another team", () => {
    const drifted = mapRole(converged, "eksgate-payments", (r) => ({
      ...r,
      tags: r.tags.filter((t) => t.Key !== "eksgate.dev/iam-group"),
    }));
    const plan = planOf(withoutSupport, drifted, { team: "payments" });
    expect(stepIds(plan)).toEqual(["iam-role/eksgate-payments"]);
  });

  it("keeps its role in a plan scoped to one cluster, removing only what it had there", () => {
    const plan = planOf(withoutSupport, converged, { cluster: "dev" });
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["aws-auth/dev", "update"],
      ["rbac/dev/ClusterRoleBinding//eksgate:support:view", "delete"],
    ]);
    expect(Object.keys(plan.clusters)).toEqual(["dev"]);
  });

  it("deletes only its own policy from an IAM group that another team shares", async () => {
    const shared = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: dev
    region: us-east-2
    authentication: aws-auth
teams:
  - name: blue
    iamGroup: devs
    access:
      - cluster: dev
        clusterRole: view
  - name: green
    iamGroup: devs
    access:
      - cluster: dev
        clusterRole: edit
`;
    const both = configFrom(shared);
    const start = emptyObservedState(both);
    const applied = await applyWithEngine(both, start, planOf(both, start));
    expect(Object.keys(applied.groups["devs"]?.policies ?? {}).sort()).toEqual([
      "eksgate-blue-assume",
      "eksgate-green-assume",
    ]);
    const greenOnly = configFrom(without(shared, "blue"));
    const plan = planOf(greenOnly, applied);
    const groupSteps = plan.steps.filter((s) => s.resource.kind === "iam-group-policy");
    expect(groupSteps.map((s) => [s.id, s.action])).toEqual([
      ["iam-group-policy/devs/eksgate-blue-assume", "delete"],
    ]);
    expect(new Set(stepIds(plan)).size).toBe(plan.steps.length);
    const after = await applyWithEngine(greenOnly, applied, plan);
    expect(Object.keys(after.groups["devs"]?.policies ?? {})).toEqual(["eksgate-green-assume"]);
    expect(planOf(greenOnly, after).steps).toEqual([]);
  });
});

describe("a team that changes its IAM group", () => {
  it("moves the assume-role policy: created on the new group, deleted from the old one", async () => {
    const moved = configFrom(TWO_CLUSTERS_YAML.replace("iamGroup: payments-devs", "iamGroup: payments-team"));
    const state = withGroup(converged, { name: "payments-team", exists: true, policies: {} });
    const plan = planOf(moved, state);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["iam-role/eksgate-payments", "update"],
      ["iam-group-policy/payments-team/eksgate-payments-assume", "create"],
      ["iam-group-policy/payments-devs/eksgate-payments-assume", "delete"],
    ]);
    expect(stepById(plan, "iam-role/eksgate-payments").changes).toEqual([
      "~ tag eksgate.dev/iam-group: payments-devs -> payments-team",
    ]);
    expect(stepById(plan, "iam-group-policy/payments-devs/eksgate-payments-assume").reason).toBe(
      "the role now belongs to team payments with the IAM group payments-team",
    );
    const { cloud, observed: after } = await applyAndObserve(moved, state, plan);
    expect(await cloud.iam.getGroupPolicy("payments-devs", "eksgate-payments-assume")).toBeUndefined();
    expect(await cloud.iam.getGroupPolicy("payments-team", "eksgate-payments-assume")).toBeDefined();
    expect(planOf(moved, after).steps).toEqual([]);
  });
});

describe("a team renamed while keeping its role", () => {
  it("keeps the role, retags it, and swaps the old names' policies and bindings for the new ones", async () => {
    const renamed = configFrom(
      TWO_CLUSTERS_YAML.replace("  - name: support\n", "  - name: helpdesk\n    roleName: eksgate-support\n"),
    );
    const plan = planOf(renamed, converged);
    const ids = stepIds(plan);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan.steps.filter((s) => s.resource.kind.startsWith("iam")).map((s) => [s.id, s.action])).toEqual([
      ["iam-role/eksgate-support", "update"],
      ["iam-role-policy/eksgate-support/eksgate-helpdesk-eks", "create"],
      ["iam-group-policy/support/eksgate-helpdesk-assume", "create"],
      ["iam-group-policy/support/eksgate-support-assume", "delete"],
      ["iam-role-policy/eksgate-support/eksgate-support-eks", "delete"],
    ]);
    expect(stepById(plan, "iam-role/eksgate-support").changes).toEqual([
      "~ tag eksgate.dev/team: support -> helpdesk",
    ]);
    expect(stepById(plan, "iam-group-policy/support/eksgate-support-assume").reason).toBe(
      "the role now belongs to team helpdesk with the IAM group support",
    );
    // Its Kubernetes identity follows the new name: aws-auth entry, access entry and bindings.
    expect(stepById(plan, "aws-auth/dev").action).toBe("update");
    expect(stepById(plan, `access-entry/prod/${roleArn("eksgate-support")}`).action).toBe("update");
    expect(stepById(plan, "rbac/dev/ClusterRoleBinding//eksgate:helpdesk:view").action).toBe("create");
    expect(stepById(plan, "rbac/dev/ClusterRoleBinding//eksgate:support:view").action).toBe("delete");
    const after = await applyWithEngine(renamed, converged, plan);
    expect(after.roles["eksgate-support"]?.roleId).toBe(role(converged, "eksgate-support").roleId);
    expect(planOf(renamed, after).steps).toEqual([]);
  });
});

describe("destroy", () => {
  it("removes everything eksgate created, bindings first and roles last, and leaves the groups", async () => {
    const plan = planOf(config, converged, { destroy: true });
    expect(plan.steps.every((s) => s.action === "delete" || s.resource.kind === "aws-auth")).toBe(true);
    expect(plan.steps.filter((s) => s.resource.kind === "iam-role").map((s) => s.id)).toEqual([
      "iam-role/eksgate-payments",
      "iam-role/eksgate-rnd",
      "iam-role/eksgate-support",
    ]);
    const ids = stepIds(plan);
    const last = (prefix: string): number =>
      Math.max(...ids.map((id, i) => (id.startsWith(prefix) ? i : -1)));
    const first = (prefix: string): number => ids.findIndex((id) => id.startsWith(prefix));
    expect(last("rbac/")).toBeLessThan(first("access-entry/"));
    expect(last("access-entry/")).toBeLessThan(first("iam-group-policy/"));
    expect(last("iam-group-policy/")).toBeLessThan(first("iam-role-policy/"));
    expect(last("iam-role-policy/")).toBeLessThan(first("iam-role/"));
    expect(stepById(plan, "iam-role/eksgate-rnd").reason).toBe("destroy: team rnd");
    expect(stepById(plan, "rbac/prod/ClusterRole//log-reader").reason).toBe("destroy");

    const { cloud, observed: after } = await applyAndObserve(config, converged, plan);
    expect(await cloud.iam.listRolesTagged("", [])).toEqual([]);
    expect(Object.values(after.roles)).toEqual([null, null, null]);
    expect(Object.values(after.groups).map((g) => [g.name, g.exists, g.policies])).toEqual([
      ["dev.rnd.group", true, {}],
      ["payments-devs", true, {}],
      ["support", true, {}],
    ]);
    expect(cluster(after, "dev").managedRbac).toEqual([]);
    expect(cluster(after, "prod").managedRbac).toEqual([]);
    expect(cluster(after, "prod").accessEntries).toEqual([]);
    expect(planOf(config, after, { destroy: true }).steps).toEqual([]);
  });

  it("with --team removes only that team's objects", async () => {
    const plan = planOf(config, converged, { destroy: true, team: "payments" });
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["aws-auth/dev", "update"],
      ["rbac/dev/RoleBinding/payments-staging/eksgate:payments:edit", "delete"],
      ["rbac/dev/RoleBinding/payments/eksgate:payments:edit", "delete"],
      ["rbac/prod/RoleBinding/payments/eksgate:payments:log-reader", "delete"],
      [`access-entry/prod/${roleArn("eksgate-payments")}`, "delete"],
      ["iam-group-policy/payments-devs/eksgate-payments-assume", "delete"],
      ["iam-role-policy/eksgate-payments/eksgate-payments-eks", "delete"],
      ["iam-role/eksgate-payments", "delete"],
    ]);
    expect(stepById(plan, "aws-auth/dev").changes).toEqual([
      `- mapRoles[1] ${roleArn("eksgate-payments")} username=eksgate:payments:{{SessionName}} groups=[eksgate:payments]`,
    ]);
    const after = await applyWithEngine(config, converged, plan);
    const remaining = Object.values(after.roles).flatMap((r) => (r !== null ? [r.name] : []));
    expect(remaining.sort()).toEqual(["eksgate-rnd", "eksgate-support"]);
    expect(cluster(after, "prod").accessEntries.map((e) => e.principalArn)).toEqual([
      roleArn("eksgate-support"),
    ]);
    // The other teams are still exactly as the config says.
    expect(planOf(config, after, { team: "rnd" }).steps).toEqual([]);
    expect(planOf(config, after, { team: "support" }).steps).toEqual([]);
  });

  it("with --team for a team already gone from the config still finds its tagged role", () => {
    const gone = configFrom(without(TWO_CLUSTERS_YAML, "support"));
    const outcome = runPlanner(gone, converged, { destroy: true, team: "support" });
    if (!outcome.ok) throw new Error("plan failed");
    expect(stepIds(outcome.plan)).toContain("iam-role/eksgate-support");
    expect(stepIds(outcome.plan).filter((id) => id.includes("payments") || id.includes("rnd"))).toEqual([]);
  });

  it("plans nothing for IAM objects of teams on a cluster-scoped destroy", () => {
    const plan = planOf(config, converged, { destroy: true, cluster: "prod" });
    expect(plan.steps.some((s) => s.area === "iam")).toBe(false);
    expect(plan.steps.every((s) => s.id.includes("/prod/"))).toBe(true);
  });
});

it("keeps the role tags that mark ownership in every role payload", () => {
  const plan = planOf(config, empty);
  for (const step of plan.steps) {
    if (step.payload.type !== "role") continue;
    const team = step.resource.kind === "iam-role" ? step.resource.roleName.replace("eksgate-", "") : "";
    const group = config.teams.find((t) => t.name === team)?.iamGroup ?? "";
    expect(step.payload.tags).toEqual(eksgateRoleTags(team, group));
  }
});
