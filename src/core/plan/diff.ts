/**
 * The planner: compares the desired state of a config with the observed state and
 * produces a Plan. Pure: the same inputs always give the same plan.
 *
 * What it may touch: IAM roles tagged as eksgate's, eksgate's own inline policies
 * (`eksgate-<team>-...`), aws-auth entries whose role is eksgate's, access entries of
 * eksgate's roles, and RBAC objects labelled as eksgate's. Anything else found in the way
 * is an error that says what to do, never something to take over.
 */
import type { AccessConfig, Team } from "../model/access-config.js";
import { formatPath, hasErrors, type Result } from "../diagnostics.js";
import { teamIamDocuments } from "../model/iam-documents.js";
import { teamAccessEntry, teamAwsAuthMapping } from "../model/access-entry.js";
import { clusterRbacObjects } from "../model/rbac.js";
import type { ObservedState } from "./observed.js";
import { PLAN_FORMAT_VERSION, type Plan, type PlanScope } from "./plan.js";
import { createPlanDraft } from "./steps.js";
import type { PlanContext } from "./context.js";
import { planRoleRemovals, planTeamsIam } from "./iam-steps.js";
import { clusterAuthentication, ownedRoleArns, planClusterAuthentication } from "./authentication-steps.js";
import { planClusterRbac } from "./rbac-steps.js";

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

    planClusterRbac(context, {
      cluster,
      state,
      objects: clusterRbacObjects({ ...config, teams: desiredTeams }, cluster.name),
    });
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
