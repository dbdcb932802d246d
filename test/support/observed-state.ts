// Builders for the planner's input: configs from YAML text and synthetic ObservedState
// (an empty account and cluster, roles, groups, clusters). To apply a plan and observe the
// result, tests use the real engine over in-memory ports (fake-cloud.ts).
import { expect } from "vitest";
import { parseAccessConfig } from "../../src/core/config/load.js";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import type { IamTag } from "../../src/core/model/iam-documents.js";
import { clusterRbacObjects } from "../../src/core/model/rbac.js";
import { desiredAfterPlan } from "../../src/core/plan/desired.js";
import { planChanges } from "../../src/core/plan/diff.js";
import type {
  ClusterAuthenticationMode,
  ObservedClusterState,
  ObservedIamGroup,
  ObservedIamRole,
  ObservedState,
} from "../../src/core/plan/observed.js";
import type { Plan, PlanScope } from "../../src/core/plan/plan.js";
import type { Diagnostic } from "../../src/core/diagnostics.js";

export const ACCOUNT = "111122223333";
export const PLANNED_AT = "2024-05-01T12:00:00.000Z";
export const CONFIG_FILE = "eksgate.yaml";
/** Stands for the SHA-256 of the config text, which these tests do not have as a file. */
export const CONFIG_DIGEST = "c0ffee".padEnd(64, "0");

/** Parses config text and fails the test when it does not validate. */
export function configFrom(yaml: string): AccessConfig {
  const parsed = parseAccessConfig(CONFIG_FILE, yaml);
  if (!parsed.ok) {
    throw new Error(`test config does not validate: ${JSON.stringify(parsed.diagnostics, null, 2)}`);
  }
  return parsed.value;
}

export type PlanOutcome =
  | { readonly ok: true; readonly plan: Plan; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function runPlanner(
  config: AccessConfig,
  observed: ObservedState,
  scope: Partial<PlanScope> = {},
): PlanOutcome {
  const fullScope: PlanScope = { destroy: false, ...scope };
  const result = planChanges({
    config,
    desired: desiredAfterPlan(config, fullScope),
    observed,
    scope: fullScope,
    createdAt: PLANNED_AT,
    configFile: CONFIG_FILE,
    configDigest: CONFIG_DIGEST,
  });
  return result.ok
    ? { ok: true, plan: result.value, diagnostics: result.diagnostics }
    : { ok: false, diagnostics: result.diagnostics };
}

/** Plans and expects success. */
export function planOf(config: AccessConfig, observed: ObservedState, scope: Partial<PlanScope> = {}): Plan {
  const outcome = runPlanner(config, observed, scope);
  if (!outcome.ok) {
    expect.fail(`planning failed: ${outcome.diagnostics.map((d) => `${d.code} ${d.summary}`).join("; ")}`);
  }
  return outcome.plan;
}

/** Plans and expects failure; returns the error diagnostics. */
export function planErrors(
  config: AccessConfig,
  observed: ObservedState,
  scope: Partial<PlanScope> = {},
): readonly Diagnostic[] {
  const outcome = runPlanner(config, observed, scope);
  if (outcome.ok) {
    expect.fail(`planning succeeded with steps ${outcome.plan.steps.map((s) => s.id).join(", ")}`);
  }
  return outcome.diagnostics.filter((d) => d.severity === "error");
}

export function stepIds(plan: Pick<Plan, "steps">): string[] {
  return plan.steps.map((s) => s.id);
}

export function stepById(plan: Pick<Plan, "steps">, id: string): Plan["steps"][number] {
  const step = plan.steps.find((s) => s.id === id);
  if (step === undefined) {
    return expect.fail(`no step ${id}; steps: ${stepIds(plan).join(", ")}`);
  }
  return step;
}

// ------------------------------------------------------------------------- builders

export interface EmptyStateOptions {
  /** Live authentication mode per cluster (default CONFIG_MAP). */
  readonly modes?: Readonly<Record<string, ClusterAuthenticationMode>>;
  /** IAM groups that do not exist (all of the config's groups exist otherwise). */
  readonly missingGroups?: readonly string[];
}

/**
 * An account and clusters where eksgate has done nothing yet: no team role, the teams'
 * groups exist without eksgate's policies, clusters without aws-auth, access entries or
 * eksgate's RBAC objects, and every namespace the config names exists.
 */
export function emptyObservedState(config: AccessConfig, options: EmptyStateOptions = {}): ObservedState {
  const roles: Record<string, ObservedIamRole | null> = {};
  for (const team of config.teams) roles[team.roleName] = null;
  const groups: Record<string, ObservedIamGroup> = {};
  for (const team of config.teams) {
    groups[team.iamGroup] = {
      name: team.iamGroup,
      exists: !(options.missingGroups ?? []).includes(team.iamGroup),
      policies: {},
    };
  }
  const clusters: Record<string, ObservedClusterState> = {};
  for (const cluster of config.clusters) {
    const mode = options.modes?.[cluster.name] ?? "CONFIG_MAP";
    const namespaces: Record<string, boolean> = {};
    for (const object of clusterRbacObjects(config, cluster.name)) {
      if (object.metadata.namespace !== undefined) namespaces[object.metadata.namespace] = true;
    }
    clusters[cluster.name] = observedCluster(cluster.name, mode, { namespaces });
  }
  return { roles, groups, clusters };
}

export function observedCluster(
  name: string,
  mode: ClusterAuthenticationMode | undefined,
  overrides: Partial<ObservedClusterState> = {},
): ObservedClusterState {
  return {
    name,
    authenticationMode: mode,
    awsAuth: undefined,
    awsAuthRead: mode !== undefined && mode !== "API",
    accessEntries: [],
    managedRbac: [],
    foreignRbac: [],
    namespaces: {},
    ...overrides,
  };
}

export function roleArn(name: string, account = ACCOUNT): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

export function observedRole(name: string, overrides: Partial<ObservedIamRole> = {}): ObservedIamRole {
  return {
    name,
    arn: roleArn(name),
    roleId: `AROA${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
    path: "/",
    trustPolicy: { Version: "2012-10-17", Statement: [] },
    tags: [],
    createDate: "2024-01-01T00:00:00.000Z",
    inlinePolicies: {},
    ...overrides,
  };
}

/** Tags eksgate puts on a team's role. */
export function eksgateRoleTags(team: string, group: string): IamTag[] {
  return [
    { Key: "eksgate.dev/managed-by", Value: "eksgate" },
    { Key: "eksgate.dev/team", Value: team },
    { Key: "eksgate.dev/iam-group", Value: group },
  ];
}

export function withRole(state: ObservedState, role: ObservedIamRole | null, name?: string): ObservedState {
  const key = name ?? role?.name;
  if (key === undefined) throw new Error("withRole(null) needs a name");
  return { ...state, roles: { ...state.roles, [key]: role } };
}

export function withGroup(state: ObservedState, group: ObservedIamGroup): ObservedState {
  return { ...state, groups: { ...state.groups, [group.name]: group } };
}

export function mapRole(
  state: ObservedState,
  name: string,
  change: (role: ObservedIamRole) => ObservedIamRole,
): ObservedState {
  const role = state.roles[name];
  if (role === undefined || role === null) throw new Error(`no observed role ${name}`);
  return withRole(state, change(role));
}

export function mapCluster(
  state: ObservedState,
  name: string,
  change: (cluster: ObservedClusterState) => Partial<ObservedClusterState>,
): ObservedState {
  const cluster = state.clusters[name];
  if (cluster === undefined) throw new Error(`no observed cluster ${name}`);
  return { ...state, clusters: { ...state.clusters, [name]: { ...cluster, ...change(cluster) } } };
}

export function cluster(state: ObservedState, name: string): ObservedClusterState {
  const found = state.clusters[name];
  if (found === undefined) throw new Error(`no observed cluster ${name}`);
  return found;
}

/**
 * Two clusters: `dev` authenticates through aws-auth, `prod` through access entries.
 * rnd administers dev; payments edits two namespaces on dev and reads logs (custom role)
 * in one namespace on prod; support views both clusters and needs MFA.
 */
export const TWO_CLUSTERS_YAML = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: dev
    region: us-east-2
    authentication: aws-auth
  - name: prod
    region: eu-west-1
    authentication: access-entries
teams:
  - name: rnd
    iamGroup: dev.rnd.group
    access:
      - cluster: dev
        clusterRole: cluster-admin
        allowClusterAdmin: true
  - name: payments
    iamGroup: payments-devs
    access:
      - cluster: dev
        clusterRole: edit
        namespaces: [payments, payments-staging]
      - cluster: prod
        clusterRole: log-reader
        namespaces: [payments]
  - name: support
    iamGroup: support
    requireMfa: true
    access:
      - cluster: dev
        clusterRole: view
      - cluster: prod
        clusterRole: view
customRoles:
  - name: log-reader
    rules:
      - apiGroups: [""]
        resources: [pods, pods/log]
        verbs: [get, list, watch]
`;

/** The live modes that fit TWO_CLUSTERS_YAML. */
export const TWO_CLUSTERS_MODES = { dev: "CONFIG_MAP", prod: "API" } as const;
