// The whole plan document, byte for byte, for fixed configs and observed states: what
// `eksgate plan --json` prints (and `--out` saves). Any change to the planner that changes
// a plan shows up here as a golden diff (test/fixtures/golden/plan/; UPDATE_GOLDEN=1
// rewrites them for review). The observed states are fixtures (test/fixtures/plan/), so
// the inputs do not depend on how a test gets to a converged state.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { desiredAfterPlan } from "../../src/core/plan/desired.js";
import { planChanges } from "../../src/core/plan/diff.js";
import type { ObservedState } from "../../src/core/plan/observed.js";
import type { PlanScope } from "../../src/core/plan/plan.js";
import { expectGolden } from "../support/golden.js";
import {
  ACCOUNT,
  configFrom,
  emptyObservedState,
  mapCluster,
  mapRole,
  observedRole,
  PLANNED_AT,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
  withGroup,
  withRole,
} from "../support/observed-state.js";

const REPO = join(import.meta.dirname, "../..");
const EXAMPLE_FILE = "examples/eksgate.yaml";
const EXAMPLE_YAML = readFileSync(join(REPO, EXAMPLE_FILE), "utf8");
const EXAMPLE_CLUSTER = "dev.my-eks-cluster";

function observedFixture(name: string): ObservedState {
  return JSON.parse(readFileSync(join(REPO, "test/fixtures/plan", `${name}.json`), "utf8")) as ObservedState;
}

/**
 * The document the CLI prints for a plan of `yaml` against `observed`: the plan with the
 * SHA-256 digest of the config text, or the diagnostics when planning refuses.
 */
function planDocument(
  yaml: string,
  configFile: string,
  observed: ObservedState,
  scope: Partial<PlanScope> = {},
): string {
  const config = configFrom(yaml);
  const fullScope: PlanScope = { destroy: false, ...scope };
  const result = planChanges({
    config,
    desired: desiredAfterPlan(config, fullScope),
    observed,
    scope: fullScope,
    createdAt: PLANNED_AT,
    configFile,
    configDigest: createHash("sha256").update(yaml).digest("hex"),
  });
  const document = result.ok ? result.value : { ok: false, diagnostics: result.diagnostics };
  return `${JSON.stringify(document, null, 2)}\n`;
}

type GoldenCase = readonly [name: string, yaml: string, observed: ObservedState, scope: Partial<PlanScope>];

/** One test per case, each comparing its plan document with `plan/<name>.json`. */
function goldenPlans(configFile: string, cases: readonly GoldenCase[]): void {
  for (const [name, yaml, observed, scope] of cases) {
    it(name, () => {
      expectGolden(`plan/${name}.json`, planDocument(yaml, configFile, observed, scope));
    });
  }
}

// ------------------------------------------------------------------ the example config

const example = configFrom(EXAMPLE_YAML);
const exampleEmpty = emptyObservedState(example);
const exampleConverged = observedFixture("example-converged");

const NODE_ROLE = `- rolearn: arn:aws:iam::${example.accountId}:role/eks-nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;

/** Someone changed things by hand since the last apply, on both sides. */
const exampleDrifted: ObservedState = mapCluster(
  mapRole(
    withGroup(
      mapRole(exampleConverged, "eksgate-rnd", (role) => ({
        ...role,
        trustPolicy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${example.accountId}:root` },
              Action: "sts:AssumeRole",
            },
          ],
        },
        inlinePolicies: {
          ...role.inlinePolicies,
          "eksgate-rnd-legacy": { Version: "2012-10-17", Statement: [] },
        },
      })),
      {
        name: "payments-devs",
        exists: true,
        policies: {
          "eksgate-payments-assume": {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
          },
        },
      },
    ),
    "eksgate-support",
    (role) => ({
      ...role,
      tags: role.tags.map((t) => (t.Key === "eksgate.dev/iam-group" ? { ...t, Value: "helpdesk" } : t)),
    }),
  ),
  EXAMPLE_CLUSTER,
  (c) => ({
    awsAuth: {
      data: {
        mapRoles: `${NODE_ROLE}${(c.awsAuth?.data["mapRoles"] ?? "").replace("- eksgate:support", "- eksgate:helpdesk")}`,
      },
      resourceVersion: "42",
    },
    managedRbac: [
      ...c.managedRbac
        .filter((o) => o.metadata.namespace !== "payments-staging")
        .map((o) =>
          o.kind === "ClusterRoleBinding" && o.metadata.name === "eksgate:support:view"
            ? { ...o, roleRef: { ...o.roleRef, name: "edit" } }
            : o,
        ),
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: {
          name: "eksgate:payments:admin",
          namespace: "payments",
          labels: { "app.kubernetes.io/managed-by": "eksgate", "eksgate.dev/team": "payments" },
        },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "eksgate:payments" }],
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      },
    ],
  }),
);

/** The example with `authentication: auto`, after the cluster was switched to API_AND_CONFIG_MAP. */
const EXAMPLE_AUTO_YAML = EXAMPLE_YAML.replace("authentication: aws-auth", "authentication: auto");
const exampleMigrating = mapCluster(exampleConverged, EXAMPLE_CLUSTER, (c) => ({
  authenticationMode: "API_AND_CONFIG_MAP",
  awsAuth: {
    data: { mapRoles: `${NODE_ROLE}${c.awsAuth?.data["mapRoles"] ?? ""}` },
    resourceVersion: "43",
  },
}));

const EXAMPLE_WITHOUT_SUPPORT_YAML = EXAMPLE_YAML.replace(/\n {2}# Support engineers[\s\S]*$/, "\n");

/** Everything in the way that eksgate must not take over or cannot write to. */
const exampleRefused = mapCluster(
  withGroup(
    withRole(
      exampleEmpty,
      observedRole("eksgate-rnd", { arn: `arn:aws:iam::${example.accountId}:role/eksgate-rnd` }),
    ),
    { name: "support", exists: false, policies: {} },
  ),
  EXAMPLE_CLUSTER,
  () => ({
    awsAuth: { data: { mapRoles: "- rolearn: [unclosed\n" }, resourceVersion: "9" },
    foreignRbac: [
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "eksgate:rnd:cluster-admin", labels: {} },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "someone" }],
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      },
    ],
    namespaces: { payments: true, "payments-staging": false },
  }),
);

describe("plan documents for the example config", () => {
  const cases: readonly GoldenCase[] = [
    ["example-empty", EXAMPLE_YAML, exampleEmpty, {}],
    ["example-converged", EXAMPLE_YAML, exampleConverged, {}],
    ["example-drifted", EXAMPLE_YAML, exampleDrifted, {}],
    ["example-drifted-team-rnd", EXAMPLE_YAML, exampleDrifted, { team: "rnd" }],
    ["example-team-removed", EXAMPLE_WITHOUT_SUPPORT_YAML, exampleConverged, {}],
    ["example-auto-migrating", EXAMPLE_AUTO_YAML, exampleMigrating, {}],
    ["example-destroy", EXAMPLE_YAML, exampleDrifted, { destroy: true }],
    ["example-destroy-team-payments", EXAMPLE_YAML, exampleConverged, { destroy: true, team: "payments" }],
    ["example-refused", EXAMPLE_YAML, exampleRefused, {}],
  ];
  goldenPlans(EXAMPLE_FILE, cases);
});

// ------------------------------------------------------- two clusters, two authentication modes

const two = configFrom(TWO_CLUSTERS_YAML);
const twoEmpty = emptyObservedState(two, { modes: TWO_CLUSTERS_MODES });
const twoConverged = observedFixture("two-clusters-converged");

/** eksgate-payments was deleted and created again by hand; eksgate-support is gone. */
const twoRecreated = withRole(
  mapRole(twoConverged, "eksgate-payments", (role) => ({
    ...role,
    roleId: "AROAPAYMENTSEXAMPLE2",
    createDate: "2024-07-01T00:00:00.000Z",
  })),
  null,
  "eksgate-support",
);

const twoDrifted = mapCluster(twoConverged, "prod", (c) => ({
  accessEntries: c.accessEntries.map((e) =>
    e.principalArn.endsWith("/eksgate-support")
      ? { ...e, kubernetesGroups: ["eksgate:support", "viewers"], username: "support" }
      : {
          ...e,
          policies: [
            {
              policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
              accessScope: { type: "cluster" },
            },
          ],
        },
  ),
  managedRbac: c.managedRbac.map((o) =>
    o.kind === "ClusterRole"
      ? { ...o, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] }
      : o,
  ),
}));

const ACCESS_POLICY_YAML = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: prod
    region: eu-west-1
    authentication: access-entries
teams:
  - name: web
    iamGroup: web-devs
    systemMasters: true
    access:
      - cluster: prod
        accessPolicy: edit
        namespaces: [web, web-*]
      - cluster: prod
        clusterRole: cluster-admin
        allowClusterAdmin: true
`;
const accessPolicies = configFrom(ACCESS_POLICY_YAML);

describe("plan documents for two clusters (aws-auth and access entries)", () => {
  const cases: readonly GoldenCase[] = [
    ["two-clusters-empty", TWO_CLUSTERS_YAML, twoEmpty, {}],
    ["two-clusters-converged", TWO_CLUSTERS_YAML, twoConverged, {}],
    ["two-clusters-recreated-role", TWO_CLUSTERS_YAML, twoRecreated, {}],
    ["two-clusters-drifted-cluster-prod", TWO_CLUSTERS_YAML, twoDrifted, { cluster: "prod" }],
    ["two-clusters-team-without-access", TWO_CLUSTERS_YAML, twoConverged, { team: "rnd", cluster: "prod" }],
    ["two-clusters-destroy-cluster-dev", TWO_CLUSTERS_YAML, twoConverged, { destroy: true, cluster: "dev" }],
    [
      "two-clusters-modes-refused",
      TWO_CLUSTERS_YAML,
      mapCluster(
        mapCluster(twoEmpty, "dev", () => ({ authenticationMode: "API" })),
        "prod",
        () => ({ authenticationMode: undefined }),
      ),
      {},
    ],
    [
      "access-policies-empty",
      ACCESS_POLICY_YAML,
      emptyObservedState(accessPolicies, { modes: { prod: "API" } }),
      {},
    ],
    [
      "access-policies-refused-on-aws-auth",
      ACCESS_POLICY_YAML.replace("authentication: access-entries", "authentication: auto"),
      emptyObservedState(accessPolicies, { modes: { prod: "CONFIG_MAP" } }),
      {},
    ],
  ];
  goldenPlans("eksgate.yaml", cases);
});
