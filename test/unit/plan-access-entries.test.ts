// The planner and EKS access entries: create, update, replace (a recreated role), access
// policies for systemMasters, orphans, mode checks, auto mode and migration from aws-auth.
import { describe, expect, it } from "vitest";
import { updateAwsAuthData } from "../../src/core/model/aws-auth.js";
import type { ObservedAccessEntryState, ObservedState } from "../../src/core/plan/observed.js";
import { ROLE_ID_TAG_KEY } from "../../src/core/model/ownership.js";
import {
  ACCOUNT,
  cluster,
  configFrom,
  emptyObservedState,
  mapCluster,
  mapRole,
  planErrors,
  planOf,
  roleArn,
  stepById,
  stepIds,
} from "../support/observed-state.js";
import { applyWithEngine } from "../support/fake-cloud.js";

/** One cluster authenticating through access entries (mode set per test). */
function oneClusterYaml(authentication: string, extraTeamLines = ""): string {
  return `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: prod
    region: eu-west-1
    authentication: ${authentication}
teams:
  - name: ops
    iamGroup: ops
    access:
      - cluster: prod
        clusterRole: cluster-admin
        allowClusterAdmin: true
${extraTeamLines}  - name: web
    iamGroup: web-devs
    access:
      - cluster: prod
        clusterRole: edit
        namespaces: [web]
`;
}

const config = configFrom(oneClusterYaml("access-entries"));
const empty = emptyObservedState(config, { modes: { prod: "API" } });
const converged = await applyWithEngine(config, empty, planOf(config, empty));
const WEB = roleArn("eksgate-web");
const OPS = roleArn("eksgate-ops");
const ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

function mapEntry(
  state: ObservedState,
  principal: string,
  change: (e: ObservedAccessEntryState) => ObservedAccessEntryState,
): ObservedState {
  return mapCluster(state, "prod", (c) => ({
    accessEntries: c.accessEntries.map((e) => (e.principalArn === principal ? change(e) : e)),
  }));
}

function entryOf(state: ObservedState, principal: string): ObservedAccessEntryState {
  const found = cluster(state, "prod").accessEntries.find((e) => e.principalArn === principal);
  if (found === undefined) throw new Error(`no entry for ${principal}`);
  return found;
}

describe("access entries", () => {
  it("are created for each team, after its role, with the role id recorded when applied", () => {
    const plan = planOf(config, empty);
    const ids = stepIds(plan);
    expect(ids.indexOf(`access-entry/prod/${WEB}`)).toBeGreaterThan(ids.indexOf("iam-role/eksgate-web"));
    expect(stepById(plan, `access-entry/prod/${WEB}`)).toMatchObject({
      action: "create",
      area: "authentication",
      reason: "team web's role needs an access entry",
      resource: { kind: "access-entry", cluster: "prod", principalArn: WEB },
    });
    expect(stepIds(plan).some((id) => id.startsWith("aws-auth/"))).toBe(false);
    expect(entryOf(converged, WEB).tags[ROLE_ID_TAG_KEY]).toBe(converged.roles["eksgate-web"]?.roleId);
    expect(planOf(config, converged).steps).toEqual([]);
  });

  it("are updated when their groups or username differ", async () => {
    const state = mapEntry(converged, WEB, (e) => ({ ...e, kubernetesGroups: ["web", "extra"] }));
    const plan = planOf(config, state);
    expect(stepIds(plan)).toEqual([`access-entry/prod/${WEB}`]);
    const step = stepById(plan, `access-entry/prod/${WEB}`);
    expect(step.action).toBe("update");
    expect(step.reason).toBe("the entry's groups or username differ from the config");
    expect(step.changes).toEqual([
      "- access entry groups=[web, extra] username=eksgate:web:{{SessionName}}",
      "+ access entry groups=[eksgate:web] username=eksgate:web:{{SessionName}}",
    ]);
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);

    const renamed = mapEntry(converged, WEB, (e) => ({ ...e, username: "web:{{SessionName}}" }));
    expect(planOf(config, renamed).steps.map((s) => [s.id, s.action])).toEqual([
      [`access-entry/prod/${WEB}`, "update"],
    ]);
  });

  it("match their principal case-insensitively and ignore group order", () => {
    const state = mapCluster(converged, "prod", (c) => ({
      accessEntries: c.accessEntries.map((e) => ({ ...e, principalArn: e.principalArn.toUpperCase() })),
    }));
    expect(planOf(config, state).steps).toEqual([]);
  });

  it("are replaced when the role was created after the entry (deleted and recreated)", async () => {
    const state = mapRole(converged, "eksgate-web", (r) => ({
      ...r,
      createDate: "2030-01-01T00:00:00.000Z",
    }));
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([[`access-entry/prod/${WEB}`, "replace"]]);
    const step = stepById(plan, `access-entry/prod/${WEB}`);
    expect(step.reason).toBe(
      "role eksgate-web was created after its access entry: the entry is bound to the old role and no longer authenticates it",
    );
    expect(step.changes).toEqual([
      `-/+ access entry ${WEB} groups=[eksgate:web] username=eksgate:web:{{SessionName}}`,
    ]);
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);
  });

  it("are replaced when the role id recorded on the entry is not the role's id", async () => {
    const state = mapRole(converged, "eksgate-web", (r) => ({ ...r, roleId: "AROANEWID" }));
    const plan = planOf(config, state);
    const step = stepById(plan, `access-entry/prod/${WEB}`);
    expect(step.action).toBe("replace");
    expect(step.reason).toBe(
      `role eksgate-web was recreated (id ${entryOf(converged, WEB).tags[ROLE_ID_TAG_KEY] ?? ""} -> AROANEWID): the old entry no longer authenticates it`,
    );
    expect(entryOf(await applyWithEngine(config, state, plan), WEB).tags[ROLE_ID_TAG_KEY]).toBe("AROANEWID");
  });

  it("are replaced when the role is gone and will be created again by this plan", async () => {
    const state: ObservedState = { ...converged, roles: { ...converged.roles, "eksgate-web": null } };
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["iam-role/eksgate-web", "create"],
      ["iam-role-policy/eksgate-web/eksgate-web-eks", "create"],
      [`access-entry/prod/${WEB}`, "replace"],
    ]);
    expect(stepById(plan, `access-entry/prod/${WEB}`).reason).toBe(
      `the role ${WEB} does not exist: the entry is bound to a deleted role and would not authenticate the one this plan creates`,
    );
    const after = await applyWithEngine(config, state, plan);
    expect(entryOf(after, WEB).tags[ROLE_ID_TAG_KEY]).toBe(after.roles["eksgate-web"]?.roleId);
    expect(planOf(config, after).steps).toEqual([]);
  });

  it("are replaced when their type is not STANDARD", () => {
    const state = mapEntry(converged, WEB, (e) => ({ ...e, type: "EC2_LINUX" }));
    const step = stepById(planOf(config, state), `access-entry/prod/${WEB}`);
    expect(step.action).toBe("replace");
    expect(step.reason).toBe("the entry has type EC2_LINUX, not STANDARD");
  });

  it("of a team that no longer reaches the cluster are deleted; others' entries are never touched", () => {
    const foreign: ObservedAccessEntryState = {
      principalArn: roleArn("platform"),
      type: "STANDARD",
      kubernetesGroups: ["platform"],
      username: "platform:{{SessionName}}",
      tags: {},
      createdAt: "2023-01-01T00:00:00.000Z",
      policies: [{ policyArn: ADMIN_POLICY, accessScope: { type: "cluster" } }],
    };
    const state = mapCluster(converged, "prod", (c) => ({ accessEntries: [...c.accessEntries, foreign] }));
    const opsOnly = configFrom(oneClusterYaml("access-entries").replace(/  - name: web\n[\s\S]*$/, ""));
    // web is gone from the config: its entry, role and bindings go; platform's entry stays.
    const plan = planOf(opsOnly, state);
    expect(stepById(plan, `access-entry/prod/${WEB}`)).toMatchObject({
      action: "delete",
      reason: "no team maps this role any more",
      payload: { type: "none" },
    });
    expect(stepIds(plan).filter((id) => id.includes("platform"))).toEqual([]);
    expect(stepIds(planOf(config, state, { destroy: true })).filter((id) => id.includes("platform"))).toEqual(
      [],
    );

    // web still in the config but without access to prod.
    const elsewhere = configFrom(
      oneClusterYaml("access-entries")
        .replace(
          "clusters:\n",
          "clusters:\n  - name: stage\n    region: eu-west-1\n    authentication: access-entries\n",
        )
        .replace(
          "      - cluster: prod\n        clusterRole: edit",
          "      - cluster: stage\n        clusterRole: edit",
        ),
    );
    const moved = {
      ...state,
      clusters: { ...state.clusters, stage: { ...cluster(state, "prod"), name: "stage", accessEntries: [] } },
    };
    const movedPlan = planOf(elsewhere, moved);
    expect(stepById(movedPlan, `access-entry/prod/${WEB}`).action).toBe("delete");
    expect(stepById(movedPlan, `access-entry/stage/${WEB}`).action).toBe("create");
  });

  it("that eksgate made for a team that is gone are deleted, even when the role is gone too", () => {
    const orphan: ObservedAccessEntryState = {
      principalArn: roleArn("eksgate-legacy"),
      type: "STANDARD",
      kubernetesGroups: ["eksgate:legacy"],
      username: "eksgate:legacy:{{SessionName}}",
      tags: { "eksgate.dev/managed-by": "eksgate", "eksgate.dev/team": "legacy" },
      createdAt: "2023-01-01T00:00:00.000Z",
      policies: [],
    };
    const state = mapCluster(converged, "prod", (c) => ({ accessEntries: [...c.accessEntries, orphan] }));
    const id = `access-entry/prod/${roleArn("eksgate-legacy")}`;
    expect(planOf(config, state).steps.map((s) => [s.id, s.action, s.reason])).toEqual([
      [id, "delete", "no team maps this role any more"],
    ]);
    expect(planOf(config, state, { cluster: "prod" }).steps.map((s) => s.id)).toEqual([id]);
    // A plan for another team leaves it; destroying that team by name removes it.
    expect(planOf(config, state, { team: "web" }).steps).toEqual([]);
    expect(stepIds(planOf(config, state, { destroy: true, team: "legacy" }))).toEqual([id]);
    // The same entry without eksgate's marker is not eksgate's to delete.
    const unmarked = mapCluster(converged, "prod", (c) => ({
      accessEntries: [...c.accessEntries, { ...orphan, tags: { "eksgate.dev/team": "legacy" } }],
    }));
    expect(planOf(config, unmarked).steps).toEqual([]);
  });

  it("are deleted on destroy, with reason destroy, before the role", async () => {
    const plan = planOf(config, converged, { destroy: true });
    const step = stepById(plan, `access-entry/prod/${OPS}`);
    expect(step.reason).toBe("destroy");
    const ids = stepIds(plan);
    expect(ids.indexOf(`access-entry/prod/${OPS}`)).toBeLessThan(ids.indexOf("iam-role/eksgate-ops"));
    expect(cluster(await applyWithEngine(config, converged, plan), "prod").accessEntries).toEqual([]);
  });
});

const masters = configFrom(
  oneClusterYaml("access-entries").replace(
    "    iamGroup: ops\n",
    "    iamGroup: ops\n    systemMasters: true\n",
  ),
);
const mastersStart = emptyObservedState(masters, { modes: { prod: "API" } });
const mastersApplied = await applyWithEngine(masters, mastersStart, planOf(masters, mastersStart));

describe("access policies", () => {
  const start = mastersStart;
  const applied = mastersApplied;
  const policyId = `access-policy/prod/${OPS}/${ADMIN_POLICY}`;

  it("associate AmazonEKSClusterAdminPolicy cluster-wide for systemMasters, after the entry", () => {
    const plan = planOf(masters, start);
    const step = stepById(plan, policyId);
    expect(step).toMatchObject({
      action: "create",
      reason: "the config asks for this access policy (systemMasters)",
      resource: { kind: "access-policy", cluster: "prod", principalArn: OPS, policyArn: ADMIN_POLICY },
      payload: { type: "access-policy", accessScope: { type: "cluster" } },
      changes: [`+ access policy ${ADMIN_POLICY} (cluster)`],
    });
    expect(stepIds(plan).indexOf(policyId)).toBe(stepIds(plan).indexOf(`access-entry/prod/${OPS}`) + 2);
    expect(stepIds(plan).filter((id) => id.startsWith("access-policy/"))).toEqual([policyId]);
    expect(entryOf(applied, OPS).policies).toEqual([
      { policyArn: ADMIN_POLICY, accessScope: { type: "cluster" } },
    ]);
    expect(planOf(masters, applied).steps).toEqual([]);
  });

  it("update an association whose scope differs", () => {
    const state = mapEntry(applied, OPS, (e) => ({
      ...e,
      policies: [{ policyArn: ADMIN_POLICY, accessScope: { type: "namespace", namespaces: ["ops"] } }],
    }));
    expect(planOf(masters, state).steps.map((s) => [s.id, s.action])).toEqual([[policyId, "update"]]);
  });

  it("are associated again with a replaced entry", () => {
    const state = mapRole(applied, "eksgate-ops", (r) => ({ ...r, roleId: "AROAOTHER" }));
    expect(planOf(masters, state).steps.map((s) => [s.id, s.action])).toEqual([
      [`access-entry/prod/${OPS}`, "replace"],
      [policyId, "create"],
    ]);
  });

  it("are disassociated when the config does not ask for them", async () => {
    const plan = planOf(config, applied);
    expect(plan.steps.map((s) => [s.id, s.action, s.reason])).toEqual([
      [policyId, "delete", "the config does not ask for this access policy"],
    ]);
    expect(planOf(config, await applyWithEngine(config, applied, plan)).steps).toEqual([]);
  });
});

describe("authentication modes", () => {
  it("refuses access-entries on a CONFIG_MAP cluster (EG211) with the one-way switch command", () => {
    const errors = planErrors(config, emptyObservedState(config, { modes: { prod: "CONFIG_MAP" } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "EG211", path: "clusters[0].authentication" });
    expect(errors[0]?.summary).toContain("does not accept access entries");
    expect(errors[0]?.detail).toContain(
      "aws eks update-cluster-config --name prod --region eu-west-1 --access-config authenticationMode=API_AND_CONFIG_MAP",
    );
  });

  it("auto picks aws-auth in CONFIG_MAP mode and access entries otherwise", () => {
    const auto = configFrom(oneClusterYaml("auto"));
    const kinds = (mode: "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API"): string[] => [
      ...new Set(
        planOf(auto, emptyObservedState(auto, { modes: { prod: mode } }))
          .steps.filter((s) => s.area === "authentication")
          .map((s) => s.resource.kind),
      ),
    ];
    expect(kinds("CONFIG_MAP")).toEqual(["aws-auth"]);
    expect(kinds("API_AND_CONFIG_MAP")).toEqual(["access-entry"]);
    expect(kinds("API")).toEqual(["access-entry"]);
  });

  it("auto with the default (no authentication key) behaves the same", () => {
    const implicit = configFrom(oneClusterYaml("auto").replace("    authentication: auto\n", ""));
    expect(implicit.clusters[0]?.authentication).toBe("auto");
    const plan = planOf(implicit, emptyObservedState(implicit, { modes: { prod: "API" } }));
    expect(stepIds(plan)).toContain(`access-entry/prod/${WEB}`);
  });
});

const NODE = `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;
const auto = configFrom(oneClusterYaml("auto"));
const beforeMigration = emptyObservedState(auto, { modes: { prod: "CONFIG_MAP" } });
const onAwsAuth = await applyWithEngine(auto, beforeMigration, planOf(auto, beforeMigration));

describe("migration from aws-auth to access entries", () => {
  it("creates the entries first, then removes eksgate's aws-auth entries and keeps the rest", async () => {
    const mapRoles = `${NODE}${cluster(onAwsAuth, "prod").awsAuth?.data.mapRoles ?? ""}`;
    const switched = mapCluster(onAwsAuth, "prod", () => ({
      authenticationMode: "API_AND_CONFIG_MAP",
      awsAuth: {
        data: {
          mapRoles,
          mapUsers: "- userarn: arn:aws:iam::111122223333:user/a\n  username: a\n  groups: []\n",
        },
        resourceVersion: "7",
      },
    }));
    const plan = planOf(auto, switched);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      [`access-entry/prod/${OPS}`, "create"],
      [`access-entry/prod/${WEB}`, "create"],
      ["aws-auth/prod", "update"],
    ]);
    const step = stepById(plan, "aws-auth/prod");
    expect(step.reason).toBe("the cluster authenticates these roles through access entries now");
    expect(step.changes).toEqual([
      `- mapRoles[1] ${OPS} username=eksgate:ops:{{SessionName}} groups=[eksgate:ops]`,
      `- mapRoles[2] ${WEB} username=eksgate:web:{{SessionName}} groups=[eksgate:web]`,
    ]);
    if (step.payload.type !== "aws-auth") throw new Error("not aws-auth");
    expect(step.payload.desired).toEqual([]);
    const data = cluster(switched, "prod").awsAuth?.data ?? {};
    const result = updateAwsAuthData(data, step.payload.desired, step.payload.owned);
    if (!result.ok) throw new Error("writer refused");
    expect(result.value.data.mapRoles).toBe(NODE);
    expect(result.value.data.mapUsers).toBe(data.mapUsers);

    const after = await applyWithEngine(auto, switched, plan);
    expect(planOf(auto, after).steps).toEqual([]);
  });

  it("plans no aws-auth step when aws-auth holds nothing of eksgate's", () => {
    const state = emptyObservedState(auto, { modes: { prod: "API_AND_CONFIG_MAP" } });
    const withNodes = mapCluster(state, "prod", () => ({
      awsAuth: { data: { mapRoles: NODE }, resourceVersion: "3" },
    }));
    expect(stepIds(planOf(auto, withNodes)).some((id) => id.startsWith("aws-auth/"))).toBe(false);
  });

  it("removes eksgate's access entries when the config goes back to aws-auth, since they would win over it", async () => {
    const state = mapCluster(converged, "prod", () => ({ authenticationMode: "API_AND_CONFIG_MAP" }));
    const back = configFrom(oneClusterYaml("aws-auth"));
    const plan = planOf(back, state);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["aws-auth/prod", "create"],
      [`access-entry/prod/${OPS}`, "delete"],
      [`access-entry/prod/${WEB}`, "delete"],
    ]);
    expect(stepById(plan, `access-entry/prod/${WEB}`).reason).toBe(
      "the cluster authenticates this role through aws-auth now; the entry would take precedence",
    );
    expect(planOf(back, await applyWithEngine(back, state, plan)).steps).toEqual([]);
  });
});
