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
import { isIdentityCenterTeam, type AccessConfig, type Cluster, type Team } from "../model/access-config.js";
import {
  teamAccessEntry,
  teamAwsAuthMapping,
  type AccessEntrySpec,
  type AwsAuthRoleMapping,
} from "../model/access-entry.js";
import { withoutRolePath } from "../model/arn.js";
import { formatPath, hasErrors, type Result } from "../diagnostics.js";
import { teamOnCluster, type DesiredState } from "./desired.js";
import type { ObservedIamRole, ObservedState } from "./observed.js";
import { PLAN_FORMAT_VERSION, type Plan, type PlanScope } from "./plan.js";
import { createPlanDraft } from "./steps.js";
import { teamInScope, type PlanContext } from "./context.js";
import { planRoleRemovals, planTeamsIam } from "./iam-steps.js";
import { clusterAuthentication, ownedRoleArns, planClusterAuthentication } from "./authentication-steps.js";
import { planClusterRbac } from "./rbac-steps.js";
import {
  identityCenterOwnedArns,
  planIdentityCenter,
  resolveIdentityCenterRoles,
  type IdentityCenterRoles,
} from "./identity-center-steps.js";

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
  planIdentityCenter(context);
  const removedRoleArns = planRoleRemovals(context);
  const identityCenterRoles = resolveIdentityCenterRoles(config, observed);
  const owned = new Set([
    ...ownedRoleArns(context),
    ...identityCenterOwnedArns(context, identityCenterRoles),
  ]);

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
    // Each team as this cluster sees it: its role in the cluster's account, or for an
    // Identity Center team the role Identity Center made there (unmapped until it exists).
    const mapped = mappedTeams(wanted.teams.map(teamNamed), cluster, identityCenterRoles);
    const teams = mapped.map((m) => m.team);
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
      awsAuthMappings: mapped.map((m) => m.awsAuth ?? pick(wanted.awsAuthMappings, m.team.roleArn)),
      accessEntries: [
        ...wanted.accessEntries,
        ...mapped.flatMap((m) => (m.accessEntry !== undefined ? [m.accessEntry] : [])),
      ],
      owned,
      removedRoleArns,
      identityCenterRoles: new Map(
        mapped.flatMap((m) => (m.role !== undefined ? [[m.team.roleArn, m.role]] : [])),
      ),
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
  const steps = draft.orderedSteps();
  const ic = config.identityCenter;
  const identityCenter =
    ic !== undefined && steps.some((s) => s.area === "identity-center")
      ? { region: ic.region, ...(ic.accountId !== config.accountId ? { account: ic.accountId } : {}) }
      : undefined;
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
      ...(identityCenter !== undefined ? { identityCenter } : {}),
      steps,
      diagnostics: draft.diagnostics,
      configDigest: input.configDigest,
    },
    diagnostics: draft.diagnostics,
  };
}

/** A team mapped on one cluster, with the mappings of an Identity Center team's role. */
interface MappedTeam {
  readonly team: Team;
  /** Identity Center teams: the role Identity Center made, and its two mappings. */
  readonly role?: ObservedIamRole;
  readonly awsAuth?: AwsAuthRoleMapping;
  readonly accessEntry?: AccessEntrySpec;
}

/**
 * The teams mapped on a cluster, in config order. An IAM-group team as the cluster sees it
 * (its role in the cluster's account). An Identity Center team through the role Identity
 * Center made in the cluster's account: aws-auth with the ARN without its path (the
 * authenticator compares the path-less ARN it derives from the session), access entries
 * with the full ARN (EKS resolves it to the role's id); not at all while the role is missing.
 */
function mappedTeams(teams: readonly Team[], cluster: Cluster, roles: IdentityCenterRoles): MappedTeam[] {
  return teams.flatMap((team): MappedTeam[] => {
    if (!isIdentityCenterTeam(team)) return [{ team: teamOnCluster(team, cluster) }];
    const role = roles.roleOf(team.name, cluster.accountId);
    if (role === undefined) return [];
    const view: Team = { ...team, roleArn: role.arn, roleName: role.name };
    return [
      {
        team: view,
        role,
        awsAuth: teamAwsAuthMapping({ ...view, roleArn: withoutRolePath(role.arn) }),
        accessEntry: teamAccessEntry(view, cluster.name),
      },
    ];
  });
}

function pick(mappings: readonly AwsAuthRoleMapping[], roleArn: string): AwsAuthRoleMapping {
  const found = mappings.find((m) => m.rolearn === roleArn);
  if (found === undefined) throw new Error(`the desired state has no aws-auth entry for ${roleArn}`);
  return found;
}
