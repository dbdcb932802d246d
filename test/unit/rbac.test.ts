import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import type { PolicyRule } from "../../src/core/model/access-config.js";
import {
  RBAC_API_GROUP,
  RBAC_API_VERSION,
  clusterRbacObjects,
  customClusterRole,
  rbacBindingName,
  rulesLikeClusterAdmin,
  teamRbacBindings,
  validateClusterRoleRules,
  validateCustomRole,
  validateLabelValue,
  validateRbacObjectName,
  validateTeamRbac,
  type RbacObject,
} from "../../src/core/model/rbac.js";
import { expectGolden } from "../support/golden.js";
import { DEV, PROD, access, exampleConfig, team } from "../support/example-access-config.js";

/** Multi-document YAML as `kubectl apply -f` reads it. */
function manifest(objects: readonly RbacObject[]): string {
  return objects.map((o) => stringify(o)).join("---\n");
}

/**
 * The structure the API server requires of these objects (what `kubectl apply` would send):
 * checked here because kubectl cannot dry-run without a server (see the integration test).
 */
function expectWellFormed(o: RbacObject): void {
  expect(o.apiVersion).toBe(RBAC_API_VERSION);
  expect(validateRbacObjectName(o.metadata.name, "metadata.name")).toEqual([]);
  for (const [key, value] of Object.entries(o.metadata.labels)) {
    expect(key).toMatch(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    expect(validateLabelValue(value, key)).toEqual([]);
  }
  if (o.kind === "ClusterRole") {
    expect(o.metadata.namespace).toBeUndefined();
    expect(validateClusterRoleRules(o.rules, "rules").filter((d) => d.severity === "error")).toEqual([]);
    return;
  }
  if (o.kind === "RoleBinding") expect(o.metadata.namespace).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  else expect(o.metadata.namespace).toBeUndefined();
  expect(o.roleRef).toEqual({ apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name: o.roleRef.name });
  expect(o.subjects.length).toBeGreaterThan(0);
  for (const s of o.subjects) expect(s).toEqual({ kind: "Group", apiGroup: RBAC_API_GROUP, name: s.name });
}

describe("cluster RBAC manifests (golden)", () => {
  const config = exampleConfig();
  it.each(config.clusters.map((c) => c.name))("matches the golden manifest for cluster %s", (name) => {
    const objects = clusterRbacObjects(config, name);
    objects.forEach(expectWellFormed);
    expectGolden(`rbac/${name}.yaml`, manifest(objects));
  });
});

describe("teamRbacBindings", () => {
  it("binds cluster-wide access with one ClusterRoleBinding to the team's group", () => {
    const t = team("rnd", { access: [access(DEV.name, "cluster-admin")] });
    expect(teamRbacBindings(t, DEV.name)).toEqual([
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: {
          name: "eksgate:rnd:cluster-admin",
          labels: { "app.kubernetes.io/managed-by": "eksgate", "eksgate.dev/team": "rnd" },
        },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "eksgate:rnd" }],
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      },
    ]);
  });

  it("binds namespaced access with one RoleBinding per namespace to the ClusterRole", () => {
    const t = team("payments", { access: [access(DEV.name, "edit", ["payments-staging", "payments"])] });
    const bindings = teamRbacBindings(t, DEV.name);
    expect(
      bindings.map((b) => [b.kind, b.metadata.namespace, b.metadata.name, b.roleRef.kind, b.roleRef.name]),
    ).toEqual([
      ["RoleBinding", "payments", "eksgate:payments:edit", "ClusterRole", "edit"],
      ["RoleBinding", "payments-staging", "eksgate:payments:edit", "ClusterRole", "edit"],
    ]);
  });

  it("only renders the given cluster's access", () => {
    const t = team("x", { access: [access(DEV.name, "view"), access(PROD.name, "edit")] });
    expect(teamRbacBindings(t, PROD.name).map((b) => b.roleRef.name)).toEqual(["edit"]);
    expect(teamRbacBindings(t, "elsewhere")).toEqual([]);
  });

  it("renders a repeated role or namespace once and keeps different roles apart", () => {
    const t = team("x", {
      access: [
        access(DEV.name, "view", ["a", "a"]),
        access(DEV.name, "view", ["a"]),
        access(DEV.name, "edit", ["a"]),
        access(DEV.name, "view"),
      ],
    });
    expect(
      teamRbacBindings(t, DEV.name).map((b) => `${b.kind}/${b.metadata.namespace ?? ""}/${b.metadata.name}`),
    ).toEqual([
      "ClusterRoleBinding//eksgate:x:view",
      "RoleBinding/a/eksgate:x:edit",
      "RoleBinding/a/eksgate:x:view",
    ]);
  });

  it("names bindings eksgate:<team>:<role>", () => {
    expect(rbacBindingName("rnd", "log-reader")).toBe("eksgate:rnd:log-reader");
  });
});

describe("clusterRbacObjects", () => {
  it("includes the custom ClusterRoles bound on that cluster, with the managed label and no team label", () => {
    const objects = clusterRbacObjects(exampleConfig(), PROD.name);
    const roles = objects.filter((o) => o.kind === "ClusterRole");
    expect(roles.map((r) => r.metadata.name)).toEqual(["log-reader"]);
    expect(roles[0]?.metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "eksgate" });
  });

  it("leaves out custom roles nobody binds on the cluster and never renders built-in roles", () => {
    const objects = clusterRbacObjects(exampleConfig(), DEV.name);
    expect(objects.filter((o) => o.kind === "ClusterRole")).toEqual([]);
  });

  it("orders ClusterRoles, then ClusterRoleBindings, then RoleBindings by namespace and name", () => {
    const kinds = clusterRbacObjects(exampleConfig(), PROD.name).map((o) => o.kind);
    expect(kinds).toEqual(["ClusterRole", "ClusterRoleBinding", "RoleBinding"]);
  });

  it("shares no nested objects, so one YAML document of all of them has no anchors or aliases", () => {
    const text = stringify(clusterRbacObjects(exampleConfig(), DEV.name));
    expect(text).not.toMatch(/[&*]a\d/);
  });

  it("is the same whatever order teams come in", () => {
    const config = exampleConfig();
    const reversed = { ...config, teams: [...config.teams].reverse() };
    expect(manifest(clusterRbacObjects(reversed, DEV.name))).toBe(
      manifest(clusterRbacObjects(config, DEV.name)),
    );
  });
});

describe("customClusterRole", () => {
  it("copies the rules with absent fields left out", () => {
    const role = customClusterRole({
      name: "metrics",
      rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }],
    });
    expect(role.rules).toEqual([{ verbs: ["get"], nonResourceURLs: ["/metrics"] }]);
    expect(stringify(role)).not.toContain("apiGroups");
  });
});

describe("validateClusterRoleRules", () => {
  const codes = (
    rules: PolicyRule[],
    scope: "cluster" | "namespace" = "cluster",
  ): [string, string, string | undefined][] =>
    validateClusterRoleRules(rules, "customRoles[0].rules", scope).map((d) => [d.code, d.severity, d.path]);

  it("accepts resource rules and non-resource rules", () => {
    expect(
      codes([
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { nonResourceURLs: ["/healthz", "/api*"], verbs: ["get"] },
      ]),
    ).toEqual([]);
  });

  it("requires verbs", () => {
    expect(codes([{ apiGroups: [""], resources: ["pods"], verbs: [] }])).toEqual([
      ["RBAC001", "error", "customRoles[0].rules[0].verbs"],
    ]);
  });

  it("rejects a rule mixing non-resource URLs with resources, apiGroups or resourceNames", () => {
    expect(
      codes([
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { resourceNames: ["x"], nonResourceURLs: ["/metrics"], verbs: ["get"] },
      ]),
    ).toEqual([["RBAC002", "error", "customRoles[0].rules[1].nonResourceURLs"]]);
    expect(
      codes([{ apiGroups: [""], nonResourceURLs: ["/metrics"], verbs: ["get"] }]).map((c) => c[0]),
    ).toEqual(["RBAC002"]);
  });

  it("rejects non-resource URLs in namespaced roles only", () => {
    const rules = [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }];
    expect(codes(rules, "cluster")).toEqual([]);
    expect(codes(rules, "namespace")).toEqual([
      ["RBAC003", "error", "customRoles[0].rules[0].nonResourceURLs"],
    ]);
  });

  it("requires apiGroups and resources in a resource rule", () => {
    expect(codes([{ verbs: ["get"] }])).toEqual([
      ["RBAC004", "error", "customRoles[0].rules[0].apiGroups"],
      ["RBAC005", "error", "customRoles[0].rules[0].resources"],
    ]);
  });

  it("warns about URLs without a leading slash, everything-grants and escalation verbs", () => {
    expect(codes([{ nonResourceURLs: ["metrics"], verbs: ["get"] }])).toEqual([
      ["RBAC006", "warning", "customRoles[0].rules[0].nonResourceURLs[0]"],
    ]);
    expect(codes([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }])).toEqual([
      ["RBAC007", "warning", "customRoles[0].rules[0]"],
    ]);
    expect(
      codes([
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles"],
          verbs: ["bind", "escalate"],
        },
      ]),
    ).toEqual([["RBAC008", "warning", "customRoles[0].rules[0].verbs"]]);
  });

  it("recognizes rules like cluster-admin", () => {
    expect(rulesLikeClusterAdmin([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }])).toBe(true);
    expect(rulesLikeClusterAdmin([{ apiGroups: [""], resources: ["*"], verbs: ["*"] }])).toBe(false);
    expect(rulesLikeClusterAdmin([{ apiGroups: ["*"], resources: ["*"], verbs: ["get", "list"] }])).toBe(
      false,
    );
    expect(
      rulesLikeClusterAdmin([{ apiGroups: ["*"], resources: ["*"], resourceNames: ["x"], verbs: ["*"] }]),
    ).toBe(false);
  });
});

describe("name and team validation", () => {
  it("rejects RBAC names that are not path segments", () => {
    expect(validateRbacObjectName("eksgate:rnd:view", "n")).toEqual([]);
    for (const bad of [".", "..", "a/b", "a%b", ""]) {
      expect(validateRbacObjectName(bad, "n").map((d) => d.code)).toEqual(["RBAC009"]);
    }
  });

  it("reports a system: group, a bad namespace and a team name that is no label value", () => {
    const t = team("-bad-", {
      kubernetesGroup: "system:masters",
      access: [access(DEV.name, "edit", ["ok", "Not_OK"]), access(DEV.name, "a/b")],
    });
    expect(validateTeamRbac(t, "teams[2]").map((d) => [d.code, d.path])).toEqual([
      ["RBAC011", "teams[2].name"],
      ["RBAC012", "teams[2].kubernetesGroup"],
      ["RBAC010", "teams[2].access[0].namespaces[1]"],
      ["RBAC009", "teams[2].access[1].clusterRole"],
    ]);
  });

  it("accepts the example config's teams and custom roles", () => {
    const config = exampleConfig();
    config.teams.forEach((t, i) => {
      expect(validateTeamRbac(t, `teams[${i}]`)).toEqual([]);
    });
    config.customRoles.forEach((r, i) => {
      expect(validateCustomRole(r, `customRoles[${i}]`)).toEqual([]);
    });
  });

  it("refuses custom roles that would replace built-in or system ClusterRoles", () => {
    for (const name of ["edit", "system:node"]) {
      expect(
        validateCustomRole(
          { name, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
          "customRoles[0]",
        ).map((d) => [d.code, d.path]),
      ).toEqual([["RBAC009", "customRoles[0].name"]]);
    }
  });

  it("reports rule problems of a custom role under its rules path", () => {
    expect(
      validateCustomRole(
        { name: "x", rules: [{ verbs: [], nonResourceURLs: ["/a"] }] },
        "customRoles[1]",
      ).map((d) => d.path),
    ).toEqual(["customRoles[1].rules[0].verbs"]);
  });
});
