/**
 * The planner: compares the desired state of a config with the observed state and
 * produces a Plan. Pure: the same inputs always give the same plan.
 *
 * What it may touch: IAM roles tagged as eksgate's, eksgate's own inline policies
 * (`eksgate-<team>-...`), aws-auth entries whose role is eksgate's, access entries of
 * eksgate's roles, and RBAC objects labelled as eksgate's. Anything else found in the way
 * is an error that says what to do, never something to take over.
 */
import type { AccessConfig, PolicyRule, Team } from "../model/access-config.js";
import { formatPath, hasErrors, type Result } from "../diagnostics.js";
import { teamIamDocuments } from "../model/iam-documents.js";
import { isManagedObject, MANAGED_BY_LABEL, MANAGED_BY_VALUE, TEAM_LABEL } from "../model/ownership.js";
import { teamAccessEntry, teamAwsAuthMapping } from "../model/access-entry.js";
import { clusterRbacObjects, type RbacObject } from "../model/rbac.js";
import type { ObservedState } from "./observed.js";
import { PLAN_FORMAT_VERSION, fingerprint, type Plan, type PlanResource, type PlanScope } from "./plan.js";
import { createPlanDraft } from "./steps.js";
import type { PlanContext } from "./context.js";
import { planRoleRemovals, planTeamsIam } from "./iam-steps.js";
import { clusterAuthentication, ownedRoleArns, planClusterAuthentication } from "./authentication-steps.js";

export interface PlanInput {
  readonly config: AccessConfig;
  readonly observed: ObservedState;
  readonly scope: PlanScope;
  readonly createdAt: string;
  readonly configFile: string;
}

export function planChanges(input: PlanInput): Result<Plan> {
  const { config, observed, scope } = input;
  const draft = createPlanDraft();

  const inScopeCluster = (name: string): boolean => scope.cluster === undefined || scope.cluster === name;
  const teamInScope = (name: string): boolean => scope.team === undefined || scope.team === name;
  const reaches = (team: Team, cluster: string): boolean => team.access.some((a) => a.cluster === cluster);
  /** Teams whose objects this plan may create or change. */
  const touchedTeams = config.teams.filter(
    (t) => teamInScope(t.name) && (scope.cluster === undefined || reaches(t, scope.cluster)),
  );

  // ---------------------------------------------------------------- IAM
  const context: PlanContext = { config, observed, scope, draft };
  if (!scope.destroy) {
    planTeamsIam(
      context,
      touchedTeams.map((team) => ({ team, documents: teamIamDocuments(config, team) })),
    );
  }
  const removedRoleArns = planRoleRemovals(context);
  const owned = ownedRoleArns(context);

  // ---------------------------------------------------------------- clusters
  for (const cluster of config.clusters.filter((c) => inScopeCluster(c.name))) {
    const state = observed.clusters[cluster.name];
    const clusterPath = formatPath(["clusters", config.clusters.indexOf(cluster)]);
    if (state?.authenticationMode === undefined) {
      draft.error(
        "EG210",
        `EKS cluster ${cluster.name} was not found in ${cluster.region}`,
        "Check the cluster name and region in the config, and that your AWS credentials are for the right account.",
        `${clusterPath}.name`,
      );
      continue;
    }
    // Teams mapped on this cluster after the plan.
    const desiredTeams = config.teams.filter(
      (t) => reaches(t, cluster.name) && !(scope.destroy && teamInScope(t.name)),
    );
    const authentication = clusterAuthentication(
      context,
      cluster,
      state.authenticationMode,
      desiredTeams,
      clusterPath,
    );
    if (authentication === undefined) continue;
    planClusterAuthentication(context, {
      cluster,
      state,
      authentication,
      teams: desiredTeams,
      awsAuthMappings: desiredTeams.map(teamAwsAuthMapping),
      accessEntries: desiredTeams.map((team) => teamAccessEntry(team, cluster.name)),
      owned,
      removedRoleArns,
    });

    // RBAC
    const allDesired = clusterRbacObjects({ ...config, teams: desiredTeams }, cluster.name);
    // A --team plan touches the team's bindings and only the custom roles they bind.
    const scopedRoles = new Set(
      allDesired.flatMap((o) =>
        o.kind !== "ClusterRole" && o.metadata.labels[TEAM_LABEL] === scope.team ? [o.roleRef.name] : [],
      ),
    );
    const desiredObjects = allDesired.filter(
      (o) =>
        scope.team === undefined ||
        o.metadata.labels[TEAM_LABEL] === scope.team ||
        (o.kind === "ClusterRole" && scopedRoles.has(o.metadata.name)),
    );
    const managed = new Map(state.managedRbac.filter(isManagedObject).map((o) => [rbacKey(o), o]));
    const foreign = new Map(
      [...state.foreignRbac, ...state.managedRbac.filter((o) => !isManagedObject(o))].map((o) => [
        rbacKey(o),
        o,
      ]),
    );
    for (const object of desiredObjects) {
      const key = rbacKey(object);
      const resource: PlanResource = {
        kind: "rbac",
        cluster: cluster.name,
        objectKind: object.kind,
        name: object.metadata.name,
        ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
      };
      if (foreign.has(key)) {
        draft.error(
          "EG220",
          `${object.kind} ${describeObject(object)} exists on ${cluster.name} but is not eksgate's`,
          `eksgate only changes objects labelled ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}. Delete or rename the existing object, or label it if it should be eksgate's.`,
        );
        continue;
      }
      const ns = object.metadata.namespace;
      if (ns !== undefined && state.namespaces[ns] === false) {
        draft.error(
          "EG221",
          `namespace ${ns} does not exist on cluster ${cluster.name}`,
          `Create it (kubectl create namespace ${ns}) or remove it from the team's namespaces.`,
        );
        continue;
      }
      const current = managed.get(key);
      if (current === undefined) {
        draft.addStep({
          action: "create",
          resource,
          reason: describeRbacReason(object),
          changes: [`+ ${object.kind} ${describeObject(object)}`, ...rbacLines(object)],
          observed: undefined,
          payload: { type: "rbac", object },
        });
      } else {
        const diff = rbacDifference(current, object);
        if (diff !== undefined) {
          draft.addStep({
            action: diff === "roleRef" ? "replace" : "update",
            resource,
            reason:
              diff === "roleRef"
                ? "a binding's roleRef cannot change in place"
                : "the object differs from the config",
            changes: [`~ ${object.kind} ${describeObject(object)}`, ...rbacLines(object)],
            observed: comparableRbac(current),
            payload: { type: "rbac", object },
          });
        }
      }
    }
    const wantedKeys = new Set(desiredObjects.map(rbacKey));
    const allDesiredKeys = new Set(allDesired.map(rbacKey));
    for (const object of managed.values()) {
      const key = rbacKey(object);
      if (wantedKeys.has(key) || allDesiredKeys.has(key)) continue;
      const team = object.metadata.labels[TEAM_LABEL];
      const removable = scope.team === undefined || team === scope.team;
      if (!removable) continue;
      draft.addStep({
        action: "delete",
        resource: {
          kind: "rbac",
          cluster: cluster.name,
          objectKind: object.kind,
          name: object.metadata.name,
          ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
        },
        reason: scope.destroy ? "destroy" : "the config no longer asks for it",
        changes: [`- ${object.kind} ${describeObject(object)}`],
        observed: comparableRbac(object),
        payload: { type: "none" },
      });
    }
  }

  if (hasErrors(draft.diagnostics)) return { ok: false, diagnostics: draft.diagnostics };
  if (touchedTeams.length === 0 && scope.team !== undefined) {
    draft.warn(
      "EG230",
      `team ${scope.team} has no access to cluster ${scope.cluster ?? "?"}`,
      "Nothing to do for this team on this cluster.",
    );
  }
  const clusters: Record<string, { region: string }> = {};
  for (const c of config.clusters.filter((c) => inScopeCluster(c.name)))
    clusters[c.name] = { region: c.region };
  return {
    ok: true,
    value: {
      formatVersion: PLAN_FORMAT_VERSION,
      kind: "EksgatePlan",
      createdAt: input.createdAt,
      configFile: input.configFile,
      accountId: config.accountId,
      scope,
      clusters,
      steps: draft.orderedSteps(),
      diagnostics: draft.diagnostics,
    },
    diagnostics: draft.diagnostics,
  };
}

export function rbacKey(o: Pick<RbacObject, "kind" | "metadata">): string {
  return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

function describeObject(o: RbacObject): string {
  return o.metadata.namespace !== undefined ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function describeRbacReason(o: RbacObject): string {
  if (o.kind === "ClusterRole") return "a team binds this custom role";
  return `team ${o.metadata.labels[TEAM_LABEL] ?? "?"} gets ${o.roleRef.name}${o.kind === "RoleBinding" ? ` in ${o.metadata.namespace}` : " cluster-wide"}`;
}

function rbacLines(o: RbacObject): string[] {
  if (o.kind === "ClusterRole") return o.rules.map((r) => `    rule ${JSON.stringify(r)}`);
  return [
    `    roleRef ClusterRole/${o.roleRef.name}`,
    ...o.subjects.map((s) => `    subject ${s.kind}/${s.name}`),
  ];
}

/** The fields eksgate sets, for comparison with what the server returns. */
export function comparableRbac(o: RbacObject): unknown {
  const labels = Object.fromEntries(
    Object.entries(o.metadata.labels).filter(([k]) => k === MANAGED_BY_LABEL || k === TEAM_LABEL),
  );
  if (o.kind === "ClusterRole") return { kind: o.kind, labels, rules: o.rules.map((r) => normalizeRule(r)) };
  return {
    kind: o.kind,
    labels,
    roleRef: { kind: o.roleRef.kind, name: o.roleRef.name },
    subjects: o.subjects.map((s) => ({ kind: s.kind, name: s.name })),
  };
}

function normalizeRule(rule: PolicyRule): unknown {
  const out: Record<string, unknown> = {};
  for (const key of ["apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs"] as const) {
    const value = rule[key];
    if (Array.isArray(value) && value.length > 0) out[key] = value;
  }
  return out;
}

function rbacDifference(current: RbacObject, desired: RbacObject): "roleRef" | "other" | undefined {
  if (
    current.kind !== "ClusterRole" &&
    desired.kind !== "ClusterRole" &&
    current.roleRef.name !== desired.roleRef.name
  ) {
    return "roleRef";
  }
  return fingerprint(comparableRbac(current)) === fingerprint(comparableRbac(desired)) ? undefined : "other";
}
