/**
 * The planner: compares the desired state of a config with the observed state and
 * produces a Plan. Pure: the same inputs always give the same plan.
 *
 * What it may touch: IAM roles tagged as eksgate's, eksgate's own inline policies
 * (`eksgate-<team>-...`), aws-auth entries whose role is eksgate's, access entries of
 * eksgate's roles, and RBAC objects labelled as eksgate's. Anything else found in the way
 * is an error that says what to do, never something to take over.
 */
import type { AccessConfig, Cluster, PolicyRule, Team } from "../model/access-config.js";
import { formatPath, hasErrors, type Result } from "../diagnostics.js";
import { teamIamDocuments } from "../model/iam-documents.js";
import {
  accessEntryTags,
  isManagedAccessEntry,
  isManagedObject,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  ROLE_ID_TAG_KEY,
  TEAM_LABEL,
  TEAM_TAG_KEY,
  tagValue,
} from "../model/ownership.js";
import { teamAccessEntry, teamAwsAuthMapping } from "../model/access-entry.js";
import { clusterRbacObjects, type RbacObject } from "../model/rbac.js";
import { formatAwsAuthChanges, parseAwsAuthData, updateAwsAuthData } from "../model/aws-auth.js";
import type {
  ClusterAuthenticationMode,
  ObservedAccessEntryState,
  ObservedClusterState,
  ObservedIamRole,
  ObservedState,
} from "./observed.js";
import {
  PLAN_FORMAT_VERSION,
  fingerprint,
  type Plan,
  type PlanResource,
  type PlanScope,
  type StepPayload,
} from "./plan.js";
import { createPlanDraft, type PlanDraft } from "./steps.js";
import { managedRoles as observedManagedRoles, type PlanContext } from "./context.js";
import { planRoleRemovals, planTeamsIam } from "./iam-steps.js";

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
  const managedRoles = observedManagedRoles(observed);
  const configTeamNames = new Set(config.teams.map((t) => t.name));
  if (!scope.destroy) {
    planTeamsIam(
      context,
      touchedTeams.map((team) => ({ team, documents: teamIamDocuments(config, team) })),
    );
  }
  const removedRoleArns = planRoleRemovals(context);

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
    const mode = resolveMode(cluster, state.authenticationMode, (summary, detail) => {
      draft.error("EG211", summary, detail, `${clusterPath}.authentication`);
    });
    if (mode === undefined) continue;

    // Teams mapped on this cluster after the plan, and the role ARNs whose entries it may change.
    const desiredTeams = config.teams.filter(
      (t) => reaches(t, cluster.name) && !(scope.destroy && teamInScope(t.name)),
    );
    const owned = new Set<string>([
      ...config.teams.filter((t) => teamInScope(t.name)).map((t) => t.roleArn),
      ...managedRoles.filter((r) => teamInScope(tagValue(r.tags, TEAM_TAG_KEY) ?? "")).map((r) => r.arn),
    ]);

    const policyTeams = desiredTeams.filter((t) =>
      t.access.some((a) => a.cluster === cluster.name && a.accessPolicy !== undefined),
    );
    if (mode === "aws-auth" && policyTeams.length > 0) {
      draft.error(
        "EG212",
        `cluster ${cluster.name} authenticates through aws-auth (mode ${state.authenticationMode}), which has no access policies (team ${policyTeams.map((t) => t.name).join(", ")})`,
        `Switch the cluster to API_AND_CONFIG_MAP (aws eks update-cluster-config --name ${cluster.name} --region ${cluster.region} --access-config authenticationMode=API_AND_CONFIG_MAP), or use clusterRole instead of accessPolicy.`,
        `${clusterPath}.authentication`,
      );
      continue;
    }
    if (mode === "aws-auth") {
      // Only entries eksgate may change go in: the writer refuses a desired entry it does not
      // own, and a --team plan must leave other teams' entries as they are.
      const mapped = desiredTeams.filter((t) => owned.has(t.roleArn)).map(teamAwsAuthMapping);
      planAwsAuth(cluster, state, mapped, owned, draft);
    } else {
      // Access entries.
      for (const team of desiredTeams.filter((t) => owned.has(t.roleArn))) {
        planAccessEntry(cluster, state, team, observed.roles[team.roleName] ?? null, draft);
      }
      // Migration: entries eksgate owns in aws-auth are no longer needed once access entries serve them.
      if (state.awsAuth !== undefined) {
        planAwsAuth(
          cluster,
          state,
          [],
          owned,
          draft,
          "the cluster authenticates these roles through access entries now",
        );
      }
    }

    // Access entries eksgate no longer wants. In aws-auth mode it wants none: on an
    // API_AND_CONFIG_MAP cluster an entry would take precedence over the aws-auth mapping.
    for (const entry of state.accessEntries) {
      const arn = entry.principalArn.toLowerCase();
      const mapped = desiredTeams.some((t) => t.roleArn.toLowerCase() === arn);
      const wanted = mode === "access-entries" && mapped;
      const tagged = isManagedAccessEntry(entry);
      const ours = tagged && [...owned].some((o) => o.toLowerCase() === arn);
      // An entry eksgate made for a team that is gone, even when its role is gone too.
      const entryTeam = entry.tags[TEAM_TAG_KEY];
      const orphan =
        tagged &&
        entryTeam !== undefined &&
        (scope.destroy
          ? teamInScope(entryTeam)
          : scope.team === undefined && !configTeamNames.has(entryTeam));
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
          observed: entry,
          payload: { type: "none" },
        });
      }
    }

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

function resolveMode(
  cluster: Cluster,
  live: ClusterAuthenticationMode,
  fail: (summary: string, detail: string) => void,
): "aws-auth" | "access-entries" | undefined {
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

function planAwsAuth(
  cluster: Cluster,
  state: ObservedClusterState,
  desired: readonly { rolearn: string; username: string; groups: readonly string[] }[],
  owned: ReadonlySet<string>,
  draft: PlanDraft,
  reason?: string,
): void {
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
      observed: undefined,
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
    observed: state.awsAuth.data,
    payload,
  });
}

function planAccessEntry(
  cluster: Cluster,
  state: ObservedClusterState,
  team: Team,
  role: ObservedIamRole | null,
  draft: PlanDraft,
): void {
  const spec = teamAccessEntry(team, cluster.name);
  const entry = state.accessEntries.find((e) => e.principalArn.toLowerCase() === team.roleArn.toLowerCase());
  const resource: PlanResource = { kind: "access-entry", cluster: cluster.name, principalArn: team.roleArn };
  const tags = accessEntryTags(team);
  const payload: StepPayload = {
    type: "access-entry",
    kubernetesGroups: spec.kubernetesGroups,
    username: spec.username,
    tags,
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
        observed: entry,
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
        observed: entry,
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
        observed: existing,
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
        observed: policy,
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
