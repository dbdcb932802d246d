// The planner and Kubernetes RBAC: bindings and custom ClusterRoles, changed only when
// labelled as eksgate's.
import { describe, expect, it } from "vitest";
import type { ObservedRbacObject, RbacObject } from "../../src/core/model/rbac.js";
import type { ObservedState } from "../../src/core/plan/observed.js";
import {
  ACCOUNT,
  cluster,
  configFrom,
  emptyObservedState,
  mapCluster,
  planErrors,
  planOf,
  stepById,
  stepIds,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
} from "../support/observed-state.js";
import { applyWithEngine } from "../support/fake-cloud.js";

const YAML = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: dev
    region: us-east-2
    authentication: aws-auth
teams:
  - name: web
    iamGroup: web-devs
    access:
      - cluster: dev
        clusterRole: edit
        namespaces: [web]
      - cluster: dev
        clusterRole: log-reader
  - name: data
    iamGroup: data
    access:
      - cluster: dev
        clusterRole: log-reader
        namespaces: [data]
customRoles:
  - name: log-reader
    rules:
      - apiGroups: [""]
        resources: [pods, pods/log]
        verbs: [get, list, watch]
`;
const config = configFrom(YAML);
const empty = emptyObservedState(config);
const converged = await applyWithEngine(config, empty, planOf(config, empty));
const WEB_EDIT = "rbac/dev/RoleBinding/web/eksgate:web:edit";
const WEB_LOGS = "rbac/dev/ClusterRoleBinding//eksgate:web:log-reader";
const DATA_LOGS = "rbac/dev/RoleBinding/data/eksgate:data:log-reader";
const LOG_READER = "rbac/dev/ClusterRole//log-reader";

function managedObject(
  state: ObservedState,
  kind: RbacObject["kind"],
  name: string,
  namespace?: string,
): ObservedRbacObject {
  const found = cluster(state, "dev").managedRbac.find(
    (o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace,
  );
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

function replaceManaged(state: ObservedState, object: ObservedRbacObject): ObservedState {
  return mapCluster(state, "dev", (c) => ({
    managedRbac: c.managedRbac.map((o) =>
      o.kind === object.kind &&
      o.metadata.name === object.metadata.name &&
      o.metadata.namespace === object.metadata.namespace
        ? object
        : o,
    ),
  }));
}

const webEdit = managedObject(converged, "RoleBinding", "eksgate:web:edit", "web");
if (webEdit.kind !== "RoleBinding") throw new Error("not a RoleBinding");

describe("RBAC objects eksgate creates", () => {
  it("are the custom role first, then the bindings, and converge", () => {
    const plan = planOf(config, empty);
    expect(plan.steps.filter((s) => s.area === "rbac").map((s) => s.id)).toEqual([
      LOG_READER,
      WEB_LOGS,
      DATA_LOGS,
      WEB_EDIT,
    ]);
    expect(cluster(converged, "dev").managedRbac).toHaveLength(4);
    expect(planOf(config, converged).steps).toEqual([]);
  });

  it("are replaced when a binding's roleRef differs (it cannot change in place)", async () => {
    const state = replaceManaged(converged, { ...webEdit, roleRef: { ...webEdit.roleRef, name: "admin" } });
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action, s.reason])).toEqual([
      [WEB_EDIT, "replace", "a binding's roleRef cannot change in place"],
    ]);
    expect(stepById(plan, WEB_EDIT).changes).toEqual([
      "~ RoleBinding web/eksgate:web:edit",
      "    roleRef ClusterRole/edit",
      "    subject Group/eksgate:web",
    ]);
    expect(stepById(plan, WEB_EDIT).payload).toEqual({ type: "rbac", object: webEdit });
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);
  });

  it("are updated when subjects differ", async () => {
    const state = replaceManaged(converged, {
      ...webEdit,
      subjects: [
        ...webEdit.subjects,
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "intruders" },
      ],
    });
    const plan = planOf(config, state);
    expect(plan.steps.map((s) => [s.id, s.action, s.reason])).toEqual([
      [WEB_EDIT, "update", "the object differs from the config"],
    ]);
    expect(planOf(config, await applyWithEngine(config, state, plan)).steps).toEqual([]);
  });

  it("are updated when someone bound a service account or a Role in eksgate's binding", async () => {
    const edited = replaceManaged(converged, {
      ...webEdit,
      subjects: [{ kind: "ServiceAccount", apiGroup: "", name: "deployer", namespace: "web" }],
    });
    const plan = planOf(config, edited);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([[WEB_EDIT, "update"]]);
    expect(planOf(config, await applyWithEngine(config, edited, plan)).steps).toEqual([]);
    const toRole = replaceManaged(converged, {
      ...webEdit,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "edit" },
    });
    expect(planOf(config, toRole).steps.map((s) => [s.id, s.action])).toEqual([[WEB_EDIT, "update"]]);
  });

  it("are updated when eksgate's team label differs, but not for labels eksgate does not set", () => {
    const relabelled = replaceManaged(converged, {
      ...webEdit,
      metadata: { ...webEdit.metadata, labels: { ...webEdit.metadata.labels, "eksgate.dev/team": "data" } },
    });
    expect(planOf(config, relabelled).steps.map((s) => [s.id, s.action])).toEqual([[WEB_EDIT, "update"]]);
    const extra = replaceManaged(converged, {
      ...webEdit,
      metadata: { ...webEdit.metadata, labels: { ...webEdit.metadata.labels, "example.com/owner": "x" } },
    });
    expect(planOf(config, extra).steps).toEqual([]);
  });

  it("update a custom ClusterRole whose rules differ, but not one that differs only in form", () => {
    const role = managedObject(converged, "ClusterRole", "log-reader");
    if (role.kind !== "ClusterRole") throw new Error("not a ClusterRole");
    const widened = replaceManaged(converged, {
      ...role,
      rules: [
        { apiGroups: [""], resources: ["pods", "pods/log", "secrets"], verbs: ["get", "list", "watch"] },
      ],
    });
    const plan = planOf(config, widened);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([[LOG_READER, "update"]]);
    expect(stepById(plan, LOG_READER).changes).toEqual([
      "~ ClusterRole log-reader",
      '    rule {"verbs":["get","list","watch"],"apiGroups":[""],"resources":["pods","pods/log"]}',
    ]);
    // As the API server returns it: other key order, empty lists for absent fields.
    const reordered = replaceManaged(converged, {
      ...role,
      rules: [
        {
          resources: ["pods", "pods/log"],
          resourceNames: [],
          apiGroups: [""],
          verbs: ["get", "list", "watch"],
        },
      ],
    });
    expect(planOf(config, reordered).steps).toEqual([]);
  });

  it("that the config no longer asks for are deleted, bindings before the ClusterRole", () => {
    const noLogs = configFrom(
      YAML.replace(
        "      - cluster: dev\n        clusterRole: log-reader\n  - name: data",
        "  - name: data",
      ).replace(/  - name: data\n[\s\S]*?customRoles:/, "customRoles:"),
    );
    const plan = planOf(noLogs, converged);
    expect(plan.steps.filter((s) => s.area === "rbac").map((s) => [s.id, s.action, s.reason])).toEqual([
      [WEB_LOGS, "delete", "the config no longer asks for it"],
      [DATA_LOGS, "delete", "the config no longer asks for it"],
      [LOG_READER, "delete", "the config no longer asks for it"],
    ]);
  });
});

describe("RBAC objects eksgate does not own", () => {
  const foreignBinding: ObservedRbacObject = {
    ...webEdit,
    metadata: {
      name: "eksgate:web:edit",
      namespace: "web",
      labels: { "app.kubernetes.io/managed-by": "Helm" },
    },
  };

  it("block the plan when they have a name eksgate wants (EG220)", () => {
    const state = mapCluster(empty, "dev", () => ({ foreignRbac: [foreignBinding] }));
    const errors = planErrors(config, state);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: "EG220",
      summary: "RoleBinding web/eksgate:web:edit exists on dev but is not eksgate's",
    });
    expect(errors[0]?.detail).toContain("app.kubernetes.io/managed-by=eksgate");
  });

  it("are never deleted, by a plan or by destroy", () => {
    const unlabelled: RbacObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "eksgate:old:view", labels: {} },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "eksgate:old" }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    };
    // Observed as foreign (it has no label), and even if an observer listed it as managed.
    const asForeign = mapCluster(converged, "dev", () => ({ foreignRbac: [unlabelled] }));
    const asManaged = mapCluster(converged, "dev", (c) => ({ managedRbac: [...c.managedRbac, unlabelled] }));
    for (const state of [asForeign, asManaged]) {
      expect(planOf(config, state).steps).toEqual([]);
      expect(stepIds(planOf(config, state, { destroy: true }))).not.toContain(
        "rbac/dev/ClusterRoleBinding//eksgate:old:view",
      );
    }
  });

  it("are not taken over when listed as managed without eksgate's label", () => {
    const state = mapCluster(empty, "dev", () => ({ managedRbac: [foreignBinding] }));
    expect(planErrors(config, state).map((d) => d.code)).toEqual(["EG220"]);
  });
});

describe("namespaces", () => {
  it("that do not exist stop the plan (EG221) with the command that creates them", () => {
    const state = mapCluster(empty, "dev", (c) => ({ namespaces: { ...c.namespaces, data: false } }));
    const errors = planErrors(config, state);
    expect(errors).toEqual([
      expect.objectContaining({ code: "EG221", summary: "namespace data does not exist on cluster dev" }),
    ]);
    expect(errors[0]?.detail).toContain("kubectl create namespace data");
  });
});

describe("RBAC and scope", () => {
  it("a --team plan leaves other teams' bindings alone, even drifted ones", () => {
    const state = replaceManaged(converged, {
      ...webEdit,
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "someone" }],
    });
    expect(planOf(config, state, { team: "data" }).steps).toEqual([]);
    expect(stepIds(planOf(config, state, { team: "web" }))).toEqual([WEB_EDIT]);
  });

  it("a --team plan creates only the custom roles that team binds", () => {
    const two = configFrom(TWO_CLUSTERS_YAML);
    const fresh = emptyObservedState(two, { modes: TWO_CLUSTERS_MODES });
    const support = planOf(two, fresh, { team: "support" });
    expect(support.steps.filter((s) => s.area === "rbac").map((s) => s.id)).toEqual([
      "rbac/dev/ClusterRoleBinding//eksgate:support:view",
      "rbac/prod/ClusterRoleBinding//eksgate:support:view",
    ]);
    expect(stepIds(planOf(two, fresh, { team: "payments" }))).toContain("rbac/prod/ClusterRole//log-reader");
  });

  it("destroy --team keeps a custom ClusterRole another team still binds", async () => {
    const plan = planOf(config, converged, { destroy: true, team: "web" });
    const rbac = plan.steps.filter((s) => s.area === "rbac").map((s) => s.id);
    expect(rbac).toEqual([WEB_LOGS, WEB_EDIT]);
    const after = await applyWithEngine(config, converged, plan);
    expect(
      cluster(after, "dev")
        .managedRbac.map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["eksgate:data:log-reader", "log-reader"]);
  });

  it("a full destroy deletes the custom ClusterRole after every binding", () => {
    const rbac = planOf(config, converged, { destroy: true })
      .steps.filter((s) => s.area === "rbac")
      .map((s) => s.id);
    expect(rbac).toEqual([WEB_LOGS, DATA_LOGS, WEB_EDIT, LOG_READER]);
  });
});
