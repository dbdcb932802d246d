/**
 * Authentication steps for one cluster: how the cluster maps IAM roles to Kubernetes
 * identities (aws-auth or access entries, per the config and the cluster's live mode),
 * eksgate's entries there, and the migration between the two.
 *
 * aws-auth is one step per cluster that carries the entries eksgate wants and the role
 * ARNs it owns; the writer keeps every other entry, key and field. Access entries are one
 * step each, plus one per access policy; an entry of a role that was deleted and recreated
 * is replaced, since EKS binds it to the old role's unique id.
 */
import type { AwsAuthRoleMapping } from "../model/access-entry.js";
import type { AccessEntrySpec } from "../model/access-entry.js";
import { isIdentityCenterTeam, teamRoleArnIn, type Cluster, type Team } from "../model/access-config.js";
import { teamRoleAccounts } from "../model/iam-documents.js";
import { formatAwsAuthChanges, parseAwsAuthData, updateAwsAuthData } from "../model/aws-auth.js";
import {
  accessEntryTags,
  isManagedAccessEntry,
  ROLE_ID_TAG_KEY,
  TEAM_TAG_KEY,
  tagValue,
} from "../model/ownership.js";
import { managedRoles, teamInScope, type PlanContext } from "./context.js";
import { roleKey } from "./observed.js";
import type {
  ClusterAuthenticationMode,
  ObservedAccessEntryState,
  ObservedClusterState,
  ObservedIamRole,
} from "./observed.js";
import { fingerprint, type PlanResource, type StepPayload } from "./plan.js";
import {
  accessEntryObservation,
  accessPolicyObservation,
  awsAuthObservation,
  awsAuthRoles,
} from "./step-observation.js";

/** How eksgate maps its roles on a cluster. */
export type Authentication = "aws-auth" | "access-entries";

/**
 * How eksgate maps its roles on the cluster: what the config says, or with `auto` what the
 * live mode allows. A config that the live mode contradicts is an error (EG211, EG212).
 */
export function clusterAuthentication(
  context: PlanContext,
  cluster: Cluster,
  live: ClusterAuthenticationMode,
  teams: readonly Team[],
  clusterPath: string,
): Authentication | undefined {
  const { draft } = context;
  const mode = resolveMode(cluster, live, (summary, detail) => {
    draft.error("EG211", summary, detail, `${clusterPath}.authentication`);
  });
  if (mode === undefined) return undefined;
  const policyTeams = teams.filter((t) =>
    t.access.some((a) => a.cluster === cluster.name && a.accessPolicy !== undefined),
  );
  if (mode === "aws-auth" && policyTeams.length > 0) {
    draft.error(
      "EG212",
      `cluster ${cluster.name} authenticates through aws-auth (mode ${live}), which has no access policies (team ${policyTeams.map((t) => t.name).join(", ")})`,
      `Switch the cluster to API_AND_CONFIG_MAP (aws eks update-cluster-config --name ${cluster.name} --region ${cluster.region} --access-config authenticationMode=API_AND_CONFIG_MAP), or use clusterRole instead of accessPolicy.`,
      `${clusterPath}.authentication`,
    );
    return undefined;
  }
  return mode;
}

function resolveMode(
  cluster: Cluster,
  live: ClusterAuthenticationMode,
  fail: (summary: string, detail: string) => void,
): Authentication | undefined {
  if (cluster.authentication === "auto") return live === "CONFIG_MAP" ? "aws-auth" : "access-entries";
  if (cluster.authentication === "aws-auth" && live === "API") {
    fail(
      `cluster ${cluster.name} authenticates through access entries only (mode API): aws-auth is ignored there`,
      "Set authentication: access-entries (or auto) for this cluster.",
    );
    return undefined;
  }
  if (cluster.authentication === "access-entries" && live === "CONFIG_MAP") {
    fail(
      `cluster ${cluster.name} does not accept access entries (authentication mode CONFIG_MAP)`,
      `Switch the cluster first (one way only): aws eks update-cluster-config --name ${cluster.name} --region ${cluster.region} --access-config authenticationMode=API_AND_CONFIG_MAP; or set authentication: aws-auth.`,
    );
    return undefined;
  }
  return cluster.authentication;
}

/**
 * The role ARNs whose aws-auth entries and access entries this plan may change: the
 * scoped teams' roles in the config, and eksgate's roles of scoped teams it observed.
 */
export function ownedRoleArns(context: PlanContext): ReadonlySet<string> {
  const { config, observed, scope } = context;
  return new Set<string>([
    ...config.teams
      .filter((t) => teamInScope(scope, t.name) && !isIdentityCenterTeam(t))
      .flatMap((t) => teamRoleAccounts(config, t).map((account) => teamRoleArnIn(t, account))),
    ...managedRoles(observed)
      .filter((r) => teamInScope(scope, tagValue(r.tags, TEAM_TAG_KEY) ?? ""))
      .map((r) => r.arn),
  ]);
}

export interface ClusterAuthenticationOptions {
  readonly cluster: Cluster;
  readonly state: ObservedClusterState;
  readonly authentication: Authentication;
  /** Teams mapped on this cluster once the plan is applied, in config order. */
  readonly teams: readonly Team[];
  /** Their aws-auth entries and access entries, as the config asks for them. */
  readonly awsAuthMappings: readonly AwsAuthRoleMapping[];
  readonly accessEntries: readonly AccessEntrySpec[];
  /** Role ARNs whose entries this plan may change (ownedRoleArns). */
  readonly owned: ReadonlySet<string>;
  /** ARNs (lower case) of the roles this plan removes. */
  readonly removedRoleArns: ReadonlySet<string>;
}

export function planClusterAuthentication(context: PlanContext, options: ClusterAuthenticationOptions): void {
  const { cluster, state, owned } = options;
  if (options.authentication === "aws-auth") {
    // Only entries eksgate may change go in: the writer refuses a desired entry it does not
    // own, and a --team plan must leave other teams' entries as they are.
    const mapped = options.awsAuthMappings.filter((m) => owned.has(m.rolearn));
    planAwsAuth(context, cluster, state, mapped, owned);
  } else {
    for (const team of options.teams.filter((t) => owned.has(t.roleArn))) {
      const spec = options.accessEntries.find((e) => e.principalArn === team.roleArn);
      if (spec === undefined) throw new Error(`no access entry for team ${team.name} on ${cluster.name}`);
      planAccessEntry(context, cluster, state, team, spec);
    }
    // Migration: entries eksgate owns in aws-auth are no longer needed once access entries serve them.
    if (state.awsAuth !== undefined) {
      planAwsAuth(
        context,
        cluster,
        state,
        [],
        owned,
        "the cluster authenticates these roles through access entries now",
      );
    }
  }
  planAccessEntryRemovals(context, options);
}

/**
 * Access entries eksgate no longer wants. In aws-auth mode it wants none: on an
 * API_AND_CONFIG_MAP cluster an entry would take precedence over the aws-auth mapping.
 */
function planAccessEntryRemovals(context: PlanContext, options: ClusterAuthenticationOptions): void {
  const { config, scope, draft } = context;
  const { cluster, state, owned, removedRoleArns } = options;
  for (const entry of state.accessEntries) {
    const arn = entry.principalArn.toLowerCase();
    const mapped = options.teams.some((t) => t.roleArn.toLowerCase() === arn);
    const wanted = options.authentication === "access-entries" && mapped;
    const tagged = isManagedAccessEntry(entry);
    const ours = tagged && [...owned].some((o) => o.toLowerCase() === arn);
    // An entry eksgate made for a team that is gone, even when its role is gone too.
    const entryTeam = entry.tags[TEAM_TAG_KEY];
    const orphan =
      tagged &&
      entryTeam !== undefined &&
      (scope.destroy
        ? teamInScope(scope, entryTeam)
        : scope.team === undefined && !config.teams.some((t) => t.name === entryTeam));
    if (!wanted && (ours || orphan || removedRoleArns.has(arn))) {
      draft.addStep({
        action: "delete",
        resource: { kind: "access-entry", cluster: cluster.name, principalArn: entry.principalArn },
        reason: scope.destroy
          ? "destroy"
          : mapped
            ? "the cluster authenticates this role through aws-auth now; the entry would take precedence"
            : "no team maps this role any more",
        changes: [`- access entry ${entry.principalArn}`],
        observed: accessEntryObservation(entry),
        payload: { type: "none" },
      });
    }
  }
}

function planAwsAuth(
  context: PlanContext,
  cluster: Cluster,
  state: ObservedClusterState,
  desired: readonly AwsAuthRoleMapping[],
  owned: ReadonlySet<string>,
  reason?: string,
): void {
  const { draft } = context;
  const resource: PlanResource = { kind: "aws-auth", cluster: cluster.name };
  const payload: StepPayload = { type: "aws-auth", desired, owned: [...owned].sort() };
  if (state.awsAuth === undefined) {
    if (desired.length === 0) return;
    draft.addStep({
      action: "create",
      resource,
      reason: reason ?? "the cluster has no aws-auth ConfigMap yet",
      changes: formatAwsAuthChanges(
        desired.map((d, i) => ({
          action: "add" as const,
          rolearn: d.rolearn,
          path: `mapRoles[${i}]`,
          after: d,
        })),
      ),
      observed: awsAuthObservation(undefined, awsAuthRoles(payload)),
      payload,
    });
    return;
  }
  const parsed = parseAwsAuthData(state.awsAuth.data);
  const dropped = parsed.ok ? Object.entries(parsed.value.status).filter(([, s]) => s === "dropped") : [];
  if (dropped.length > 0) {
    draft.error(
      "EG213",
      `aws-auth on ${cluster.name} has ${dropped.map(([k]) => k).join(", ")} that the authenticator cannot parse: eksgate writes nothing to it`,
      `Run: kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml && eksgate lint aws-auth aws-auth.yaml, fix the YAML, then plan again.`,
    );
    return;
  }
  const update = updateAwsAuthData(state.awsAuth.data, desired, owned);
  if (!update.ok) {
    for (const d of update.diagnostics)
      draft.error(d.code, `aws-auth on ${cluster.name}: ${d.summary}`, d.detail ?? "");
    return;
  }
  if (update.value.changes.length === 0) return;
  draft.addStep({
    action: "update",
    resource,
    reason: reason ?? "eksgate's entries in mapRoles differ from the config",
    changes: formatAwsAuthChanges(update.value.changes),
    observed: awsAuthObservation(state.awsAuth.data, awsAuthRoles(payload)),
    payload,
  });
}

function planAccessEntry(
  context: PlanContext,
  cluster: Cluster,
  state: ObservedClusterState,
  team: Team,
  spec: AccessEntrySpec,
): void {
  const { draft } = context;
  const role =
    context.observed.roles[roleKey(context.config.accountId, cluster.accountId, team.roleName)] ?? null;
  const entry = state.accessEntries.find((e) => e.principalArn.toLowerCase() === team.roleArn.toLowerCase());
  const resource: PlanResource = { kind: "access-entry", cluster: cluster.name, principalArn: team.roleArn };
  const payload: StepPayload = {
    type: "access-entry",
    kubernetesGroups: spec.kubernetesGroups,
    username: spec.username,
    tags: accessEntryTags(team),
  };
  const describe = `groups=[${spec.kubernetesGroups.join(", ")}] username=${spec.username}`;
  let replaced = false;
  if (entry === undefined) {
    draft.addStep({
      action: "create",
      resource,
      reason: `team ${team.name}'s role needs an access entry`,
      changes: [`+ access entry ${team.roleArn} ${describe}`],
      observed: undefined,
      payload,
    });
  } else {
    const stale = staleEntryReason(entry, role);
    if (stale !== undefined || entry.type !== "STANDARD") {
      replaced = true;
      draft.addStep({
        action: "replace",
        resource,
        reason: stale ?? `the entry has type ${entry.type}, not STANDARD`,
        changes: [`-/+ access entry ${team.roleArn} ${describe}`],
        observed: accessEntryObservation(entry),
        payload,
      });
    } else if (!sameSet(entry.kubernetesGroups, spec.kubernetesGroups) || entry.username !== spec.username) {
      draft.addStep({
        action: "update",
        resource,
        reason: "the entry's groups or username differ from the config",
        changes: [
          `- access entry groups=[${entry.kubernetesGroups.join(", ")}] username=${entry.username}`,
          `+ access entry ${describe}`,
        ],
        observed: accessEntryObservation(entry),
        payload,
      });
    }
  }
  const current = replaced ? [] : (entry?.policies ?? []);
  for (const policy of spec.accessPolicies) {
    const existing = current.find((p) => p.policyArn === policy.policyArn);
    if (existing === undefined || fingerprint(existing.accessScope) !== fingerprint(policy.accessScope)) {
      draft.addStep({
        action: existing === undefined ? "create" : "update",
        resource: {
          kind: "access-policy",
          cluster: cluster.name,
          principalArn: team.roleArn,
          policyArn: policy.policyArn,
        },
        reason: "the config asks for this access policy (systemMasters)",
        changes: [`+ access policy ${policy.policyArn} (${policy.accessScope.type})`],
        observed: accessPolicyObservation(existing),
        payload: { type: "access-policy", accessScope: policy.accessScope },
      });
    }
  }
  for (const policy of current) {
    if (!spec.accessPolicies.some((p) => p.policyArn === policy.policyArn)) {
      draft.addStep({
        action: "delete",
        resource: {
          kind: "access-policy",
          cluster: cluster.name,
          principalArn: team.roleArn,
          policyArn: policy.policyArn,
        },
        reason: "the config does not ask for this access policy",
        changes: [`- access policy ${policy.policyArn}`],
        observed: accessPolicyObservation(policy),
        payload: { type: "none" },
      });
    }
  }
}

/**
 * EKS binds an access entry to the role's unique id: if the role was deleted and
 * recreated under the same ARN, the entry silently stops working.
 */
function staleEntryReason(entry: ObservedAccessEntryState, role: ObservedIamRole | null): string | undefined {
  // The role is gone and this plan creates it again: the entry is bound to the deleted one.
  if (role === null) {
    return `the role ${entry.principalArn} does not exist: the entry is bound to a deleted role and would not authenticate the one this plan creates`;
  }
  const recorded = entry.tags[ROLE_ID_TAG_KEY];
  if (recorded !== undefined && recorded !== role.roleId) {
    return `role ${role.name} was recreated (id ${recorded} -> ${role.roleId}): the old entry no longer authenticates it`;
  }
  // Both are normalized ISO 8601 UTC strings (see ObservedState), so they compare as text.
  if (role.createDate > entry.createdAt) {
    return `role ${role.name} was created after its access entry: the entry is bound to the old role and no longer authenticates it`;
  }
  return undefined;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
}
