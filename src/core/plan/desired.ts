/**
 * Desired state: everything a config asks for, per team and per cluster, computed purely
 * from the normalized config. `render` shows it; `plan` computes it once (desiredAfterPlan)
 * and hands it to observe (what to look at) and to the planner (what to compare with).
 */
import type { AccessConfig, Cluster, Team } from "../model/access-config.js";
import type { PlanScope } from "./plan.js";
import { teamIamDocuments, type TeamIamDocuments } from "../model/iam-documents.js";
import {
  teamAccessEntry,
  teamAwsAuthMapping,
  type AccessEntrySpec,
  type AwsAuthRoleMapping,
} from "../model/access-entry.js";
import { clusterRbacObjects, type RbacObject } from "../model/rbac.js";
import { eksgateExecUser, type NamedUser } from "../model/kubeconfig-entry.js";

export interface ClusterDesiredState {
  readonly cluster: Cluster;
  /** Teams with any access on this cluster, in config order. */
  readonly teams: readonly string[];
  /** mapRoles entries eksgate owns (used when the cluster authenticates through aws-auth). */
  readonly awsAuthMappings: readonly AwsAuthRoleMapping[];
  /** Access entries eksgate owns (used when the cluster authenticates through access entries). */
  readonly accessEntries: readonly AccessEntrySpec[];
  /** Custom ClusterRoles and the teams' bindings. */
  readonly rbacObjects: readonly RbacObject[];
}

export interface KubeconfigUser {
  readonly team: string;
  readonly cluster: string;
  readonly user: NamedUser;
}

export interface DesiredState {
  readonly accountId: string;
  readonly partition: string;
  readonly iam: readonly TeamIamDocuments[];
  readonly clusters: readonly ClusterDesiredState[];
  readonly kubeconfigUsers: readonly KubeconfigUser[];
}

export interface DesiredStateFilter {
  readonly cluster?: string;
  readonly team?: string;
}

function teamReaches(team: Team, cluster: string): boolean {
  return team.access.some((a) => a.cluster === cluster);
}

/**
 * The desired state, optionally narrowed to one cluster and/or one team. IAM documents
 * always describe the whole team (its permission policy names every cluster it reaches),
 * because IAM objects are account-wide.
 */
export function desiredState(config: AccessConfig, filter: DesiredStateFilter = {}): DesiredState {
  const teams = config.teams.filter((t) => filter.team === undefined || t.name === filter.team);
  const clusters = config.clusters.filter((c) => filter.cluster === undefined || c.name === filter.cluster);
  const scoped: AccessConfig = { ...config, teams };
  return {
    accountId: config.accountId,
    partition: config.partition,
    // A team without any access (EG135, a warning) needs no role: there is nothing to grant.
    iam: teams
      .filter((t) => t.access.length > 0)
      .filter((t) => filter.cluster === undefined || teamReaches(t, filter.cluster))
      .map((team) => teamIamDocuments(config, team)),
    clusters: clusters.map((cluster) => {
      const reaching = teams.filter((t) => teamReaches(t, cluster.name));
      return {
        cluster,
        teams: reaching.map((t) => t.name),
        awsAuthMappings: reaching.map(teamAwsAuthMapping),
        accessEntries: reaching.map((team) => teamAccessEntry(team, cluster.name)),
        rbacObjects: clusterRbacObjects(scoped, cluster.name),
      };
    }),
    kubeconfigUsers: clusters.flatMap((cluster) =>
      teams
        .filter((t) => teamReaches(t, cluster.name))
        .map((team) => ({ team: team.name, cluster: cluster.name, user: eksgateExecUser(team, cluster) })),
    ),
  };
}

/**
 * What the config asks for once a plan of this scope is applied: narrowed to the scope's
 * cluster, and on destroy without the scoped teams. A `--team` plan still sees every team
 * on its clusters (aws-auth and custom roles are shared); the planner itself keeps to the
 * team's objects.
 */
export function desiredAfterPlan(config: AccessConfig, scope: PlanScope): DesiredState {
  const remaining = scope.destroy
    ? config.teams.filter((t) => scope.team !== undefined && t.name !== scope.team)
    : config.teams;
  return desiredState(
    { ...config, teams: remaining },
    scope.cluster !== undefined ? { cluster: scope.cluster } : {},
  );
}
