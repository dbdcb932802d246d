/**
 * The planner: compares the desired state of a config with the observed state and
 * produces a Plan. Pure: the same inputs always give the same plan.
 *
 * What it may touch: IAM roles tagged as eksgate's, eksgate's own inline policies
 * (`eksgate-<team>-...`), aws-auth entries whose role is eksgate's, access entries of
 * eksgate's roles, and RBAC objects labelled as eksgate's. Anything else found in the way
 * is an error that says what to do, never something to take over.
 */
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_TAG_KEY,
  TEAM_LABEL,
  TEAM_TAG_KEY,
  type AccessConfig,
  type Cluster,
  type PolicyRule,
  type Team,
} from "../model/access-config.js";
import { formatPath, hasErrors, type Diagnostic, type Result } from "../diagnostics.js";
import { groupPolicyName, teamIamDocuments, type IamTag } from "../model/iam-documents.js";
import {
  policyDocumentsEquivalent,
  serializePolicyDocument,
  type PolicyDocument,
} from "../model/policy-document.js";
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
  type PlanAction,
  type PlanResource,
  type PlanScope,
  type PlanStep,
  type StepPayload,
} from "./plan.js";

/** The role tag that records the team's IAM group, so a removed team's group policy can be found. */
export const GROUP_TAG_KEY = "eksgate.dev/iam-group";
/** The access-entry tag that records the role's unique id when the entry was made. */
export const ROLE_ID_TAG_KEY = "eksgate.dev/role-id";

export interface PlanInput {
  readonly config: AccessConfig;
  readonly observed: ObservedState;
  readonly scope: PlanScope;
  readonly createdAt: string;
  readonly configFile: string;
}

type Phase = number;
const PHASE = {
  role: 0,
  rolePolicy: 1,
  groupPolicy: 2,
  accessEntry: 3,
  accessPolicy: 4,
  awsAuth: 5,
  clusterRole: 6,
  binding: 7,
  deleteBinding: 10,
  deleteClusterRole: 11,
  deleteAccessPolicy: 12,
  deleteAccessEntry: 13,
  deleteGroupPolicy: 14,
  deleteRolePolicy: 15,
  deleteRole: 16,
} as const;

interface Draft extends PlanStep {
  readonly phase: Phase;
}

export function isManagedRole(role: Pick<ObservedIamRole, "tags">): boolean {
  return role.tags.some((t) => t.Key === MANAGED_TAG_KEY && t.Value === MANAGED_BY_VALUE);
}

function tagValue(tags: readonly IamTag[], key: string): string | undefined {
  return tags.find((t) => t.Key === key)?.Value;
}

/** Role tags eksgate sets: the marker, the team, and the team's group. */
export function roleTagsFor(team: Team, base: readonly IamTag[]): IamTag[] {
  return [...base.filter((t) => t.Key !== GROUP_TAG_KEY), { Key: GROUP_TAG_KEY, Value: team.iamGroup }];
}

function policyLines(sign: string, doc: PolicyDocument): string[] {
  return serializePolicyDocument(doc, 0)
    .split("\n")
    .map((l) => `${sign} ${l}`);
}

export function planChanges(input: PlanInput): Result<Plan> {
  const { config, observed, scope } = input;
  const steps: Draft[] = [];
  const diagnostics: Diagnostic[] = [];
  const error = (code: string, summary: string, detail: string, path?: string): void => {
    diagnostics.push({ code, severity: "error", summary, detail, ...(path !== undefined ? { path } : {}) });
  };
  const warn = (code: string, summary: string, detail: string): void => {
    diagnostics.push({ code, severity: "warning", summary, detail });
  };
  const add = (
    phase: Phase,
    area: PlanStep["area"],
    action: PlanAction,
    resource: PlanResource,
    reason: string,
    changes: readonly string[],
    observedValue: unknown,
    payload: StepPayload,
  ): void => {
    steps.push({
      id: stepId(resource),
      phase,
      area,
      action,
      resource,
      reason,
      changes,
      observed: fingerprint(observedValue),
      payload,
    });
  };

  const inScopeCluster = (name: string): boolean => scope.cluster === undefined || scope.cluster === name;
  const teamInScope = (name: string): boolean => scope.team === undefined || scope.team === name;
  const reaches = (team: Team, cluster: string): boolean => team.access.some((a) => a.cluster === cluster);
  /** Teams whose objects this plan may create or change (one without any access has none: EG135). */
  const touchedTeams = config.teams.filter(
    (t) =>
      t.access.length > 0 &&
      teamInScope(t.name) &&
      (scope.cluster === undefined || reaches(t, scope.cluster)),
  );

  // ---------------------------------------------------------------- IAM
  const managedRoles = Object.values(observed.roles).filter(
    (r): r is ObservedIamRole => r !== null && isManagedRole(r),
  );
  const configTeamNames = new Set(config.teams.map((t) => t.name));

  if (!scope.destroy) {
    for (const team of touchedTeams) {
      const teamPath = formatPath(["teams", config.teams.indexOf(team)]);
      const docs = teamIamDocuments(config, team);
      const tags = roleTagsFor(team, docs.roleTags);
      const role = observed.roles[team.roleName] ?? null;
      const roleResource: PlanResource = { kind: "iam-role", roleName: team.roleName };
      const rolePayload: StepPayload = {
        type: "role",
        trustPolicy: docs.trustPolicy,
        description: docs.roleDescription,
        tags,
      };
      if (role === null) {
        add(
          PHASE.role,
          "iam",
          "create",
          roleResource,
          `team ${team.name} needs a role to assume`,
          [`+ role ${team.roleName} (${team.roleArn})`, ...policyLines("+ trust", docs.trustPolicy)],
          undefined,
          rolePayload,
        );
      } else if (!isManagedRole(role)) {
        error(
          "EG201",
          `IAM role ${team.roleName} exists but is not eksgate's (it lacks the tag ${MANAGED_TAG_KEY}=${MANAGED_BY_VALUE})`,
          `eksgate never takes over a role it did not create. Set roleName for team ${team.name} to a new name, or, if this role is meant for eksgate, tag it ${MANAGED_TAG_KEY}=${MANAGED_BY_VALUE}.`,
          `${teamPath}.roleName`,
        );
        continue;
      } else {
        const changes: string[] = [];
        if (!policyDocumentsEquivalent(role.trustPolicy, docs.trustPolicy)) {
          changes.push(
            ...policyLines("- trust", role.trustPolicy),
            ...policyLines("+ trust", docs.trustPolicy),
          );
        }
        for (const tag of tags) {
          const current = tagValue(role.tags, tag.Key);
          if (current !== tag.Value) changes.push(`~ tag ${tag.Key}: ${current ?? "(none)"} -> ${tag.Value}`);
        }
        if (changes.length > 0) {
          add(
            PHASE.role,
            "iam",
            "update",
            roleResource,
            "the role's trust policy or tags differ from the config",
            changes,
            roleObservation(role),
            rolePayload,
          );
        }
        // The team moved to another IAM group, or the role belonged to a team since renamed:
        // the old group policy would still let that group's members assume the role.
        const oldGroup = tagValue(role.tags, GROUP_TAG_KEY);
        const oldTeam = tagValue(role.tags, TEAM_TAG_KEY);
        const oldPolicy = oldTeam !== undefined ? groupPolicyName({ name: oldTeam }) : undefined;
        if (
          oldGroup !== undefined &&
          oldTeam !== undefined &&
          oldPolicy !== undefined &&
          (oldTeam === team.name || !configTeamNames.has(oldTeam)) &&
          (oldGroup !== team.iamGroup || oldPolicy !== docs.groupPolicy.name)
        ) {
          const oldDoc = observed.groups[oldGroup]?.policies[oldPolicy];
          if (oldDoc !== undefined) {
            add(
              PHASE.deleteGroupPolicy,
              "iam",
              "delete",
              { kind: "iam-group-policy", groupName: oldGroup, policyName: oldPolicy },
              `the role now belongs to team ${team.name} with the IAM group ${team.iamGroup}`,
              policyLines("-", oldDoc),
              oldDoc,
              { type: "none" },
            );
          }
        }
      }
      const current = role?.inlinePolicies[docs.rolePolicy.name];
      if (current === undefined || !policyDocumentsEquivalent(current, docs.rolePolicy.document)) {
        add(
          PHASE.rolePolicy,
          "iam",
          current === undefined ? "create" : "update",
          { kind: "iam-role-policy", roleName: team.roleName, policyName: docs.rolePolicy.name },
          current === undefined
            ? "the role needs its permission policy"
            : "the role's permission policy differs from the config",
          [...(current ? policyLines("-", current) : []), ...policyLines("+", docs.rolePolicy.document)],
          current,
          { type: "policy", document: docs.rolePolicy.document },
        );
      }
      for (const [name, doc] of Object.entries(role?.inlinePolicies ?? {})) {
        if (name !== docs.rolePolicy.name) {
          add(
            PHASE.deleteRolePolicy,
            "iam",
            "delete",
            { kind: "iam-role-policy", roleName: team.roleName, policyName: name },
            "eksgate no longer uses this inline policy",
            policyLines("-", doc),
            doc,
            { type: "none" },
          );
        }
      }
      const group = observed.groups[team.iamGroup];
      if (group === undefined || !group.exists) {
        error(
          "EG202",
          `IAM group ${team.iamGroup} does not exist (team ${team.name})`,
          `Create it (aws iam create-group --group-name ${team.iamGroup}) and add the team's users, or fix iamGroup.`,
          `${teamPath}.iamGroup`,
        );
        continue;
      }
      const groupPolicy = group.policies[docs.groupPolicy.name];
      if (groupPolicy === undefined || !policyDocumentsEquivalent(groupPolicy, docs.groupPolicy.document)) {
        add(
          PHASE.groupPolicy,
          "iam",
          groupPolicy === undefined ? "create" : "update",
          { kind: "iam-group-policy", groupName: team.iamGroup, policyName: docs.groupPolicy.name },
          groupPolicy === undefined
            ? `members of ${team.iamGroup} need permission to assume the role`
            : "the group policy differs from the config",
          [
            ...(groupPolicy ? policyLines("-", groupPolicy) : []),
            ...policyLines("+", docs.groupPolicy.document),
          ],
          groupPolicy,
          { type: "policy", document: docs.groupPolicy.document },
        );
      }
    }
  }

  // Roles to remove: on destroy, the scoped teams' roles; otherwise roles of teams no longer in the
  // config, unless a team in the config still uses the role (a renamed team keeping its roleName).
  const configRoleNames = new Set(config.teams.map((t) => t.roleName));
  const rolesToRemove =
    scope.cluster !== undefined
      ? []
      : managedRoles.filter((role) => {
          const team = tagValue(role.tags, TEAM_TAG_KEY);
          if (team === undefined) return false;
          return scope.destroy
            ? teamInScope(team)
            : !configTeamNames.has(team) && scope.team === undefined && !configRoleNames.has(role.name);
        });
  for (const role of rolesToRemove) {
    const team = tagValue(role.tags, TEAM_TAG_KEY) ?? "?";
    const reason = scope.destroy ? `destroy: team ${team}` : `team ${team} is no longer in the config`;
    for (const [name, doc] of Object.entries(role.inlinePolicies)) {
      add(
        PHASE.deleteRolePolicy,
        "iam",
        "delete",
        { kind: "iam-role-policy", roleName: role.name, policyName: name },
        reason,
        policyLines("-", doc),
        doc,
        { type: "none" },
      );
    }
    const groupName = tagValue(role.tags, GROUP_TAG_KEY);
    const group = groupName !== undefined ? observed.groups[groupName] : undefined;
    if (group?.exists) {
      // Only this team's policy: teams may share a group.
      for (const [name, doc] of Object.entries(group.policies)) {
        if (name !== groupPolicyName({ name: team })) continue;
        add(
          PHASE.deleteGroupPolicy,
          "iam",
          "delete",
          { kind: "iam-group-policy", groupName: group.name, policyName: name },
          reason,
          policyLines("-", doc),
          doc,
          { type: "none" },
        );
      }
    }
    add(
      PHASE.deleteRole,
      "iam",
      "delete",
      { kind: "iam-role", roleName: role.name },
      reason,
      [`- role ${role.name} (${role.arn})`],
      roleObservation(role),
      { type: "none" },
    );
  }

  // ---------------------------------------------------------------- clusters
  const removedRoleArns = new Set(rolesToRemove.map((r) => r.arn.toLowerCase()));
  for (const cluster of config.clusters.filter((c) => inScopeCluster(c.name))) {
    const state = observed.clusters[cluster.name];
    const clusterPath = formatPath(["clusters", config.clusters.indexOf(cluster)]);
    if (state?.authenticationMode === undefined) {
      error(
        "EG210",
        `EKS cluster ${cluster.name} was not found in ${cluster.region}`,
        "Check the cluster name and region in the config, and that your AWS credentials are for the right account.",
        `${clusterPath}.name`,
      );
      continue;
    }
    const mode = resolveMode(cluster, state.authenticationMode, (summary, detail) => {
      error("EG211", summary, detail, `${clusterPath}.authentication`);
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
      error(
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
      planAwsAuth(cluster, state, mapped, owned, add, error);
    } else {
      // Access entries.
      for (const team of desiredTeams.filter((t) => owned.has(t.roleArn))) {
        planAccessEntry(cluster, state, team, observed.roles[team.roleName] ?? null, add);
      }
      // Migration: entries eksgate owns in aws-auth are no longer needed once access entries serve them.
      if (state.awsAuth !== undefined) {
        planAwsAuth(
          cluster,
          state,
          [],
          owned,
          add,
          error,
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
      const tagged = entry.tags[MANAGED_TAG_KEY] === MANAGED_BY_VALUE;
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
        add(
          PHASE.deleteAccessEntry,
          "authentication",
          "delete",
          { kind: "access-entry", cluster: cluster.name, principalArn: entry.principalArn },
          scope.destroy
            ? "destroy"
            : mapped
              ? "the cluster authenticates this role through aws-auth now; the entry would take precedence"
              : "no team maps this role any more",
          [`- access entry ${entry.principalArn}`],
          entry,
          { type: "none" },
        );
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
    // The label decides, whatever list an object came in: unlabelled objects are never eksgate's.
    const labelled = (o: RbacObject): boolean => o.metadata.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
    const managed = new Map(state.managedRbac.filter(labelled).map((o) => [rbacKey(o), o]));
    const foreign = new Map(
      [...state.foreignRbac, ...state.managedRbac.filter((o) => !labelled(o))].map((o) => [rbacKey(o), o]),
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
      const phase = object.kind === "ClusterRole" ? PHASE.clusterRole : PHASE.binding;
      if (foreign.has(key)) {
        error(
          "EG220",
          `${object.kind} ${describeObject(object)} exists on ${cluster.name} but is not eksgate's`,
          `eksgate only changes objects labelled ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}. Delete or rename the existing object, or label it if it should be eksgate's.`,
        );
        continue;
      }
      const ns = object.metadata.namespace;
      if (ns !== undefined && state.namespaces[ns] === false) {
        error(
          "EG221",
          `namespace ${ns} does not exist on cluster ${cluster.name}`,
          `Create it (kubectl create namespace ${ns}) or remove it from the team's namespaces.`,
        );
        continue;
      }
      const current = managed.get(key);
      if (current === undefined) {
        add(
          phase,
          "rbac",
          "create",
          resource,
          describeRbacReason(object),
          [`+ ${object.kind} ${describeObject(object)}`, ...rbacLines(object)],
          undefined,
          { type: "rbac", object },
        );
      } else {
        const diff = rbacDifference(current, object);
        if (diff !== undefined) {
          add(
            phase,
            "rbac",
            diff === "roleRef" ? "replace" : "update",
            resource,
            diff === "roleRef"
              ? "a binding's roleRef cannot change in place"
              : "the object differs from the config",
            [`~ ${object.kind} ${describeObject(object)}`, ...rbacLines(object)],
            comparableRbac(current),
            { type: "rbac", object },
          );
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
      add(
        object.kind === "ClusterRole" ? PHASE.deleteClusterRole : PHASE.deleteBinding,
        "rbac",
        "delete",
        {
          kind: "rbac",
          cluster: cluster.name,
          objectKind: object.kind,
          name: object.metadata.name,
          ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
        },
        scope.destroy ? "destroy" : "the config no longer asks for it",
        [`- ${object.kind} ${describeObject(object)}`],
        comparableRbac(object),
        { type: "none" },
      );
    }
  }

  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  if (touchedTeams.length === 0 && scope.team !== undefined) {
    warn(
      "EG230",
      `team ${scope.team} has no access to cluster ${scope.cluster ?? "?"}`,
      "Nothing to do for this team on this cluster.",
    );
  }
  const ordered = [...steps].sort((a, b) => a.phase - b.phase || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
      steps: ordered.map(({ phase: _phase, ...step }) => step),
      diagnostics,
    },
    diagnostics,
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

type AddStep = (
  phase: Phase,
  area: PlanStep["area"],
  action: PlanAction,
  resource: PlanResource,
  reason: string,
  changes: readonly string[],
  observedValue: unknown,
  payload: StepPayload,
) => void;

function planAwsAuth(
  cluster: Cluster,
  state: ObservedClusterState,
  desired: readonly { rolearn: string; username: string; groups: readonly string[] }[],
  owned: ReadonlySet<string>,
  add: AddStep,
  error: (code: string, summary: string, detail: string) => void,
  reason?: string,
): void {
  const resource: PlanResource = { kind: "aws-auth", cluster: cluster.name };
  const payload: StepPayload = { type: "aws-auth", desired, owned: [...owned].sort() };
  if (state.awsAuth === undefined) {
    if (desired.length === 0) return;
    add(
      PHASE.awsAuth,
      "authentication",
      "create",
      resource,
      reason ?? "the cluster has no aws-auth ConfigMap yet",
      formatAwsAuthChanges(
        desired.map((d, i) => ({
          action: "add" as const,
          rolearn: d.rolearn,
          path: `mapRoles[${i}]`,
          after: d,
        })),
      ),
      undefined,
      payload,
    );
    return;
  }
  const parsed = parseAwsAuthData(state.awsAuth.data);
  const dropped = parsed.ok ? Object.entries(parsed.value.status).filter(([, s]) => s === "dropped") : [];
  if (dropped.length > 0) {
    error(
      "EG213",
      `aws-auth on ${cluster.name} has ${dropped.map(([k]) => k).join(", ")} that the authenticator cannot parse: eksgate writes nothing to it`,
      `Run: kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml && eksgate lint aws-auth aws-auth.yaml, fix the YAML, then plan again.`,
    );
    return;
  }
  const update = updateAwsAuthData(state.awsAuth.data, desired, owned);
  if (!update.ok) {
    for (const d of update.diagnostics)
      error(d.code, `aws-auth on ${cluster.name}: ${d.summary}`, d.detail ?? "");
    return;
  }
  if (update.value.changes.length === 0) return;
  add(
    PHASE.awsAuth,
    "authentication",
    "update",
    resource,
    reason ?? "eksgate's entries in mapRoles differ from the config",
    formatAwsAuthChanges(update.value.changes),
    state.awsAuth.data,
    payload,
  );
}

function planAccessEntry(
  cluster: Cluster,
  state: ObservedClusterState,
  team: Team,
  role: ObservedIamRole | null,
  add: AddStep,
): void {
  const spec = teamAccessEntry(team, cluster.name);
  const entry = state.accessEntries.find((e) => e.principalArn.toLowerCase() === team.roleArn.toLowerCase());
  const resource: PlanResource = { kind: "access-entry", cluster: cluster.name, principalArn: team.roleArn };
  const tags = { [MANAGED_TAG_KEY]: MANAGED_BY_VALUE, [TEAM_TAG_KEY]: team.name };
  const payload: StepPayload = {
    type: "access-entry",
    kubernetesGroups: spec.kubernetesGroups,
    username: spec.username,
    tags,
  };
  const describe = `groups=[${spec.kubernetesGroups.join(", ")}] username=${spec.username}`;
  let replaced = false;
  if (entry === undefined) {
    add(
      PHASE.accessEntry,
      "authentication",
      "create",
      resource,
      `team ${team.name}'s role needs an access entry`,
      [`+ access entry ${team.roleArn} ${describe}`],
      undefined,
      payload,
    );
  } else {
    const stale = staleEntryReason(entry, role);
    if (stale !== undefined || entry.type !== "STANDARD") {
      replaced = true;
      add(
        PHASE.accessEntry,
        "authentication",
        "replace",
        resource,
        stale ?? `the entry has type ${entry.type}, not STANDARD`,
        [`-/+ access entry ${team.roleArn} ${describe}`],
        entry,
        payload,
      );
    } else if (!sameSet(entry.kubernetesGroups, spec.kubernetesGroups) || entry.username !== spec.username) {
      add(
        PHASE.accessEntry,
        "authentication",
        "update",
        resource,
        "the entry's groups or username differ from the config",
        [
          `- access entry groups=[${entry.kubernetesGroups.join(", ")}] username=${entry.username}`,
          `+ access entry ${describe}`,
        ],
        entry,
        payload,
      );
    }
  }
  const current = replaced ? [] : (entry?.policies ?? []);
  for (const policy of spec.accessPolicies) {
    const existing = current.find((p) => p.policyArn === policy.policyArn);
    if (existing === undefined || fingerprint(existing.accessScope) !== fingerprint(policy.accessScope)) {
      add(
        PHASE.accessPolicy,
        "authentication",
        existing === undefined ? "create" : "update",
        {
          kind: "access-policy",
          cluster: cluster.name,
          principalArn: team.roleArn,
          policyArn: policy.policyArn,
        },
        "the config asks for this access policy (systemMasters)",
        [`+ access policy ${policy.policyArn} (${policy.accessScope.type})`],
        existing,
        { type: "access-policy", accessScope: policy.accessScope },
      );
    }
  }
  for (const policy of current) {
    if (!spec.accessPolicies.some((p) => p.policyArn === policy.policyArn)) {
      add(
        PHASE.deleteAccessPolicy,
        "authentication",
        "delete",
        {
          kind: "access-policy",
          cluster: cluster.name,
          principalArn: team.roleArn,
          policyArn: policy.policyArn,
        },
        "the config does not ask for this access policy",
        [`- access policy ${policy.policyArn}`],
        policy,
        { type: "none" },
      );
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

function roleObservation(role: ObservedIamRole): unknown {
  return {
    trust: role.trustPolicy,
    tags: [...role.tags].sort((a, b) => (a.Key < b.Key ? -1 : 1)),
    id: role.roleId,
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

function stepId(resource: PlanResource): string {
  switch (resource.kind) {
    case "iam-role":
      return `iam-role/${resource.roleName}`;
    case "iam-role-policy":
      return `iam-role-policy/${resource.roleName}/${resource.policyName}`;
    case "iam-group-policy":
      return `iam-group-policy/${resource.groupName}/${resource.policyName}`;
    case "aws-auth":
      return `aws-auth/${resource.cluster}`;
    case "access-entry":
      return `access-entry/${resource.cluster}/${resource.principalArn}`;
    case "access-policy":
      return `access-policy/${resource.cluster}/${resource.principalArn}/${resource.policyArn}`;
    case "rbac":
      return `rbac/${resource.cluster}/${resource.objectKind}/${resource.namespace ?? ""}/${resource.name}`;
  }
}
