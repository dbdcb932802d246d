/**
 * The planner: compares the desired state of a config with the observed state and
 * produces a Plan. Pure: the same inputs always give the same plan.
 *
 * What it may touch: IAM roles tagged as eksgate's, eksgate's own inline policies
 * (`eksgate-<team>-...`), aws-auth entries whose role is eksgate's, access entries of
 * eksgate's roles, and RBAC objects labelled as eksgate's (ownership.ts). Anything else
 * found in the way is an error that says what to do, never something to take over.
 *
 * This module only composes: IAM first (account-wide), then per cluster its
 * authentication and its RBAC (iam-steps, authentication-steps, rbac-steps). The steps
 * are ordered by steps.ts.
 */
import { isIdentityCenterTeam, type AccessConfig, type Team } from "../model/access-config.js";
import { formatPath, hasErrors, type Result } from "../diagnostics.js";
import { teamOnCluster, type DesiredState } from "./desired.js";
import type { ObservedState } from "./observed.js";
import { PLAN_FORMAT_VERSION, type Plan, type PlanScope } from "./plan.js";
import { createPlanDraft } from "./steps.js";
import { teamInScope, type PlanContext } from "./context.js";
import { planRoleRemovals, planTeamsIam } from "./iam-steps.js";
import { clusterAuthentication, ownedRoleArns, planClusterAuthentication } from "./authentication-steps.js";
import { planClusterRbac } from "./rbac-steps.js";

export interface PlanInput {
  readonly config: AccessConfig;
  /** What the config asks for once this plan is applied: desiredAfterPlan(config, scope). */
  readonly desired: DesiredState;
  readonly observed: ObservedState;
  readonly scope: PlanScope;
  readonly createdAt: string;
  readonly configFile: string;
  /** SHA-256 (hex) of the config file's text. */
  readonly configDigest: string;
}

export function planChanges(input: PlanInput): Result<Plan> {
  const { config, desired, observed, scope } = input;
  const draft = createPlanDraft();
  const context: PlanContext = { config, observed, scope, draft };
  const teamNamed = (name: string): Team => {
    const team = config.teams.find((t) => t.name === name);
    if (team === undefined)
      throw new Error(`the desired state names team ${name}, which is not in the config`);
    return team;
  };

  // IAM is account-wide: a --cluster plan changes the teams that reach that cluster.
  if (!scope.destroy) {
    planTeamsIam(
      context,
      desired.iam
        .filter((documents) => teamInScope(scope, documents.team))
        .map((documents) => ({ team: teamNamed(documents.team), documents })),
    );
  }
  const removedRoleArns = planRoleRemovals(context);
  const owned = ownedRoleArns(context);

  for (const wanted of desired.clusters) {
    const { cluster } = wanted;
    const state = observed.clusters[cluster.name];
    const clusterPath = formatPath(["clusters", config.clusters.findIndex((c) => c.name === cluster.name)]);
    if (state?.authenticationMode === undefined) {
      draft.error(
        "EG210",
        `EKS cluster ${cluster.name} was not found in ${cluster.region}`,
        "Check the cluster name and region in the config, and that your AWS credentials are for the right account.",
        `${clusterPath}.name`,
      );
      continue;
    }
    // Each team as this cluster sees it (its role in the cluster's account); Identity
    // Center teams are mapped through their resolved role instead.
    const teams = wanted.teams
      .map(teamNamed)
      .filter((t) => !isIdentityCenterTeam(t))
      .map((t) => teamOnCluster(t, cluster));
    const authentication = clusterAuthentication(
      context,
      cluster,
      state.authenticationMode,
      teams,
      clusterPath,
    );
    if (authentication === undefined) continue;
    planClusterAuthentication(context, {
      cluster,
      state,
      authentication,
      teams,
      awsAuthMappings: wanted.awsAuthMappings,
      accessEntries: wanted.accessEntries,
      owned,
      removedRoleArns,
    });
    planClusterRbac(context, { cluster, state, objects: wanted.rbacObjects });
  }

  if (hasErrors(draft.diagnostics)) return { ok: false, diagnostics: draft.diagnostics };
  const reaches = (team: Team, cluster: string): boolean => team.access.some((a) => a.cluster === cluster);
  const touched = config.teams.some(
    (t) => teamInScope(scope, t.name) && (scope.cluster === undefined || reaches(t, scope.cluster)),
  );
  if (!touched && scope.team !== undefined) {
    draft.warn(
      "EG230",
      `team ${scope.team} has no access to cluster ${scope.cluster ?? "?"}`,
      "Nothing to do for this team on this cluster.",
    );
  }
  const clusters: Record<string, { region: string; account?: string }> = {};
  for (const { cluster } of desired.clusters) {
    clusters[cluster.name] = {
      region: cluster.region,
      ...(cluster.accountId !== config.accountId ? { account: cluster.accountId } : {}),
    };
  }
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
      configDigest: input.configDigest,
    },
    diagnostics: draft.diagnostics,
  };
}
