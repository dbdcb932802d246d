/**
 * Identity Center teams: the permission set and the account assignments eksgate manages
 * (or checks, with `manage: false`), and the role IAM Identity Center made in each cluster
 * account for the permission set, which the clusters then map like any team role.
 *
 * The chain (identity-center.md): group -> account assignment (group, permission set,
 * account) -> in that account the role `AWSReservedSSO_<PermissionSet>_<16 hex>` under
 * `/aws-reserved/sso.amazonaws.com/[region/]` -> a person's session of it, named after
 * their Identity Center user name.
 *
 * The role belongs to Identity Center: eksgate never creates, tags or changes it. It is
 * resolved at every plan, by listing the account's roles under the reserved path and
 * matching the permission-set name, because it changes under eksgate: re-creating the
 * permission set gives a new suffix (a new ARN); removing the last assignment deletes the
 * role and a new assignment makes a new one (likely the same ARN, a new RoleId). aws-auth
 * matches the ARN only, so a new RoleId changes nothing there, and a new suffix is a new
 * mapping replacing the old. An access entry is bound to the RoleId: eksgate records the
 * RoleId it mapped in the entry's `eksgate.dev/role-id` tag (apply, when it creates the
 * entry) and replaces the entry when the role's RoleId or creation time says it is newer.
 *
 * A role Identity Center creates exists only once the assignment is provisioned: a plan
 * that creates the assignment cannot know the role's suffix, so it maps the role at the
 * next plan (EG244 says so).
 */
import {
  isIdentityCenterTeam,
  teamAccounts,
  type AccessConfig,
  type IdentityCenterMembers,
  type Team,
} from "../model/access-config.js";
import { formatPath } from "../diagnostics.js";
import { teamRolePolicy } from "../model/iam-documents.js";
import { reservedRolePermissionSet } from "../model/identity-center.js";
import {
  isManagedPermissionSet,
  permissionSetDescription,
  permissionSetTags,
  TEAM_TAG_KEY,
  MANAGED_TAG_KEY,
  MANAGED_BY_VALUE,
} from "../model/ownership.js";
import { identityCenterRoleOf, withoutRolePath } from "../model/arn.js";
import { policyDocumentsEquivalent, type PolicyDocument } from "../model/policy-document.js";
import { parseAwsAuthData } from "../model/aws-auth.js";
import { teamInScope, type PlanContext } from "./context.js";
import {
  assignmentKey,
  type ObservedIamRole,
  type ObservedIdentityCenter,
  type ObservedIdentityCenterInstance,
  type ObservedPermissionSetState,
  type ObservedState,
} from "./observed.js";
import type { StepPayload } from "./plan.js";
import { policyLines } from "./steps.js";

type IdentityCenterTeam = Team & { readonly identityCenter: IdentityCenterMembers };

/** The instance the config names, or the only one there is. */
export type InstanceChoice =
  | { readonly ok: true; readonly instance: ObservedIdentityCenterInstance }
  | { readonly ok: false; readonly summary: string; readonly detail: string; readonly path: string };

export function chooseInstance(
  config: Pick<AccessConfig, "identityCenter">,
  instances: readonly ObservedIdentityCenterInstance[],
): InstanceChoice {
  const settings = config.identityCenter;
  const named = settings?.instanceArn;
  const store = settings?.identityStoreId;
  if (named !== undefined) {
    const found = instances.find((i) => i.instanceArn === named);
    if (found !== undefined) return { ok: true, instance: found };
    return {
      ok: false,
      summary: `the Identity Center instance ${named} was not found`,
      detail: `ListInstances in ${settings?.region ?? "the region"} answered ${instances.length === 0 ? "none" : instances.map((i) => i.instanceArn).join(", ")}. Check identityCenter.instanceArn, identityCenter.region and identityCenter.account (the management or delegated administrator account).`,
      path: "identityCenter.instanceArn",
    };
  }
  if (store !== undefined) {
    const found = instances.find((i) => i.identityStoreId === store);
    if (found !== undefined) return { ok: true, instance: found };
  }
  const [only, ...more] = instances;
  if (only !== undefined && more.length === 0 && store === undefined) return { ok: true, instance: only };
  return {
    ok: false,
    summary:
      instances.length === 0
        ? "no IAM Identity Center instance was found"
        : store !== undefined
          ? `no Identity Center instance has the identity store ${store}`
          : `there are ${instances.length} Identity Center instances and the config names none`,
    detail:
      instances.length === 0
        ? `ListInstances in ${settings?.region ?? "the region"} answered none. Set identityCenter.region to the instance's region and identityCenter.account to the account that administers it (the management or delegated administrator account).`
        : `Name one: identityCenter.instanceArn: ${instances.map((i) => i.instanceArn).join(" or ")}.`,
    path: store !== undefined ? "identityCenter.identityStoreId" : "identityCenter",
  };
}

/** The newest role Identity Center made for `permissionSet` among an account's reserved roles. */
export function reservedRoleFor(
  roles: readonly ObservedIamRole[],
  permissionSet: string,
): ObservedIamRole | undefined {
  return roles
    .filter((r) => reservedRolePermissionSet(r.name, r.path) === permissionSet)
    .sort((a, b) => (a.createDate < b.createDate ? 1 : a.createDate > b.createDate ? -1 : 0))[0];
}

/** Key of a resolved role in IdentityCenterRoles: team and account. */
function roleSlot(team: string, accountId: string): string {
  return `${team}/${accountId}`;
}

/** The role each Identity Center team has in each of its accounts, as this plan resolved it. */
export interface IdentityCenterRoles {
  roleOf(team: string, accountId: string): ObservedIamRole | undefined;
}

/**
 * The role each scoped Identity Center team has in each of its accounts, from what was
 * observed (no diagnostics): for mapping, and on destroy for what to unmap.
 */
export function resolveIdentityCenterRoles(
  config: AccessConfig,
  observed: ObservedState,
): IdentityCenterRoles {
  const roles = new Map<string, ObservedIamRole>();
  for (const team of config.teams.filter(isIdentityCenterTeam)) {
    for (const accountId of teamAccounts(config, team)) {
      const role = reservedRoleFor(
        observed.reservedRoles?.[accountId] ?? [],
        team.identityCenter.permissionSet,
      );
      if (role !== undefined) roles.set(roleSlot(team.name, accountId), role);
    }
  }
  return { roleOf: (team, accountId) => roles.get(roleSlot(team, accountId)) };
}

/**
 * The steps that bring each scoped Identity Center team's permission set and account
 * assignments in line with the config (none with `manage: false`, which only checks), and
 * every problem found on the way: an instance that cannot be chosen, a group or permission
 * set that does not exist, a permission set in the way that is not eksgate's, a missing
 * assignment eksgate may not make, a role Identity Center has not made yet.
 */
export function planIdentityCenter(context: PlanContext): void {
  const { config, observed, scope, draft } = context;
  const teams = config.teams
    .filter(isIdentityCenterTeam)
    .filter((t) => teamInScope(scope, t.name) && t.access.length > 0)
    .filter((t) => scope.cluster === undefined || t.access.some((a) => a.cluster === scope.cluster));
  if (teams.length === 0) return;
  const idc = observed.identityCenter;
  if (idc === undefined)
    throw new Error("Identity Center teams were planned without observing Identity Center");
  const choice = chooseInstance(config, idc.instances);
  if (!choice.ok) {
    draft.error("EG240", choice.summary, choice.detail, choice.path);
    return;
  }
  if (scope.destroy) {
    for (const team of teams) planTeamRemoval(context, team, choice.instance, idc);
    return;
  }
  for (const team of teams) planTeam(context, team, choice.instance, idc);
}

function teamPaths(
  config: AccessConfig,
  team: Team,
): { members: string; permissionSet: string; group: string } {
  const members = formatPath(["teams", config.teams.indexOf(team), "identityCenter"]);
  return {
    members,
    permissionSet: `${members}.permissionSet`,
    group: `${members}.${team.identityCenter?.groupId !== undefined ? "groupId" : "group"}`,
  };
}

/** What a managed permission set should be. */
function wantedPermissionSet(
  config: AccessConfig,
  team: IdentityCenterTeam,
): StepPayload & {
  readonly type: "permission-set";
} {
  return {
    type: "permission-set",
    description: permissionSetDescription(team),
    sessionDuration: team.identityCenter.sessionDuration,
    inlinePolicy: teamRolePolicy(config.clusters, team),
    tags: permissionSetTags(team),
  };
}

function planTeam(
  context: PlanContext,
  team: IdentityCenterTeam,
  instance: ObservedIdentityCenterInstance,
  idc: ObservedIdentityCenter,
): void {
  const { config, observed, draft } = context;
  const members = team.identityCenter;
  const paths = teamPaths(config, team);
  const group = idc.groups[team.name] ?? null;
  if (group === null) {
    const given = members.groupId !== undefined ? `with id ${members.groupId}` : `"${members.group ?? ""}"`;
    draft.error(
      "EG241",
      `the Identity Center group ${given} of team ${team.name} was not found in identity store ${instance.identityStoreId}`,
      members.groupId !== undefined
        ? "Check the id (aws identitystore list-groups --identity-store-id ...), or give the group by its display name (group:)."
        : `Display names are compared exactly, letter case included: aws identitystore get-group-id --identity-store-id ${instance.identityStoreId} --alternate-identifier 'UniqueAttribute={AttributePath=displayName,AttributeValue=...}' finds one; or give groupId.`,
      paths.group,
    );
  }
  const set = idc.permissionSets[members.permissionSet] ?? null;
  const wanted = wantedPermissionSet(config, team);
  if (members.manage) {
    if (set === null) {
      draft.addStep({
        action: "create",
        resource: { kind: "permission-set", instanceArn: instance.instanceArn, name: members.permissionSet },
        reason: `team ${team.name}'s members sign in through this permission set`,
        changes: [
          `+ permission set ${members.permissionSet} (session ${wanted.sessionDuration})`,
          ...policyLines("+ inline", wanted.inlinePolicy),
        ],
        observed: undefined,
        payload: wanted,
      });
    } else if (!isManagedPermissionSet(set)) {
      draft.error(
        "EG242",
        `the permission set ${members.permissionSet} exists but is not eksgate's (its description does not start with "Managed by eksgate:")`,
        `eksgate never takes over a permission set it did not create. To use it as it is, set manage: false for team ${team.name}; or give the team another permissionSet name.`,
        paths.permissionSet,
      );
      return;
    } else {
      planPermissionSetUpdate(context, team, instance, set, wanted);
    }
  } else if (set === null) {
    draft.error(
      "EG242",
      `the permission set ${members.permissionSet} of team ${team.name} does not exist (manage: false: eksgate does not create it)`,
      "Create it in IAM Identity Center and assign the group to the team's cluster accounts, or remove manage: false so eksgate does.",
      paths.permissionSet,
    );
  }

  for (const accountId of teamAccounts(config, team)) {
    const assigned = set !== null ? (idc.assignments[assignmentKey(set.name, accountId)] ?? []) : [];
    const hasGroup = group !== null && assigned.includes(group.groupId);
    if (!hasGroup && group !== null && members.manage) {
      draft.addStep({
        action: "create",
        resource: {
          kind: "account-assignment",
          instanceArn: instance.instanceArn,
          permissionSet: members.permissionSet,
          accountId,
          groupId: group.groupId,
        },
        reason: `members of ${group.displayName} need the permission set in account ${accountId}, where team ${team.name}'s clusters are`,
        changes: [
          `+ assign ${group.displayName} (${group.groupId}) to ${accountId} with ${members.permissionSet}`,
        ],
        observed: undefined,
        payload: { type: "none" },
      });
    }
    if (!hasGroup && group !== null && !members.manage && set !== null) {
      draft.error(
        "EG243",
        `the group ${group.displayName} has no assignment of the permission set ${members.permissionSet} in account ${accountId} (team ${team.name}, manage: false)`,
        `Its members could not sign in to the clusters there. Assign it (aws sso-admin create-account-assignment --instance-arn ${instance.instanceArn} --target-id ${accountId} --target-type AWS_ACCOUNT --permission-set-arn ${set.arn} --principal-type GROUP --principal-id ${group.groupId}), or remove manage: false so eksgate does.`,
        paths.permissionSet,
      );
    }
    const others = assigned.filter((id) => id !== group?.groupId);
    if (others.length > 0) {
      draft.warn(
        "EG245",
        `the permission set ${members.permissionSet} is assigned in account ${accountId} to ${others.length} principal${others.length === 1 ? "" : "s"} besides team ${team.name}'s group (${others.join(", ")}): they get the team's Kubernetes access too`,
        "Identity Center makes one role per permission set and account, shared by everyone assigned it there. Give the team a permission set of its own.",
      );
    }
    const role = reservedRoleFor(observed.reservedRoles?.[accountId] ?? [], members.permissionSet);
    if (role === undefined && (hasGroup || members.manage) && group !== null) {
      draft.warn(
        "EG244",
        `IAM Identity Center has not made the role for ${members.permissionSet} in account ${accountId} yet (no AWSReservedSSO_${members.permissionSet}_... under /aws-reserved/sso.amazonaws.com/): team ${team.name} is not mapped there by this plan`,
        hasGroup
          ? "The role appears once the assignment is provisioned (check its status in IAM Identity Center); then run eksgate plan again."
          : "Apply this plan to create the assignment; Identity Center then makes the role, and the next eksgate plan maps it.",
      );
    }
  }
}

function planPermissionSetUpdate(
  context: PlanContext,
  team: IdentityCenterTeam,
  instance: ObservedIdentityCenterInstance,
  set: ObservedPermissionSetState,
  wanted: StepPayload & { readonly type: "permission-set" },
): void {
  const changes: string[] = [];
  if (set.sessionDuration !== wanted.sessionDuration) {
    changes.push(`~ session duration: ${set.sessionDuration} -> ${wanted.sessionDuration}`);
  }
  if (set.description !== wanted.description) {
    changes.push(`~ description: ${set.description ?? "(none)"} -> ${wanted.description}`);
  }
  const current: PolicyDocument | undefined = set.inlinePolicy;
  if (current === undefined || !policyDocumentsEquivalent(current, wanted.inlinePolicy)) {
    changes.push(
      ...(current !== undefined ? policyLines("- inline", current) : []),
      ...policyLines("+ inline", wanted.inlinePolicy),
    );
  }
  if (changes.length === 0) return;
  context.draft.addStep({
    action: "update",
    resource: { kind: "permission-set", instanceArn: instance.instanceArn, name: set.name },
    reason: `team ${team.name}'s permission set differs from the config`,
    changes,
    observed: set,
    payload: wanted,
  });
}

/** Destroy: the assignments eksgate made for the team's group, then its permission set. */
function planTeamRemoval(
  context: PlanContext,
  team: IdentityCenterTeam,
  instance: ObservedIdentityCenterInstance,
  idc: ObservedIdentityCenter,
): void {
  const { config, draft } = context;
  const members = team.identityCenter;
  const set = idc.permissionSets[members.permissionSet] ?? null;
  const group = idc.groups[team.name] ?? null;
  if (!members.manage || set === null || !isManagedPermissionSet(set)) return;
  let othersRemain = false;
  for (const accountId of teamAccounts(config, team)) {
    const assigned = idc.assignments[assignmentKey(set.name, accountId)] ?? [];
    if (assigned.some((id) => id !== group?.groupId)) othersRemain = true;
    if (group === null || !assigned.includes(group.groupId)) continue;
    draft.addStep({
      action: "delete",
      resource: {
        kind: "account-assignment",
        instanceArn: instance.instanceArn,
        permissionSet: set.name,
        accountId,
        groupId: group.groupId,
      },
      reason: `destroy: team ${team.name}`,
      changes: [`- assignment of ${group.displayName} (${group.groupId}) to ${accountId} with ${set.name}`],
      observed: assigned,
      payload: { type: "none" },
    });
  }
  if (othersRemain) {
    draft.warn(
      "EG245",
      `destroy keeps the permission set ${set.name}: it is assigned to other principals too`,
      "Remove their assignments in IAM Identity Center, then run eksgate destroy again to remove the permission set.",
    );
    return;
  }
  draft.addStep({
    action: "delete",
    resource: { kind: "permission-set", instanceArn: instance.instanceArn, name: set.name },
    reason: `destroy: team ${team.name}`,
    changes: [`- permission set ${set.name}`],
    observed: set,
    payload: { type: "none" },
  });
}

/**
 * ARNs of Identity Center roles whose mappings this plan may change, as written: for each
 * scoped Identity Center team, its resolved role in each account (with and without path), and
 * on each cluster the entries eksgate made for the team earlier, of a role since re-made under
 * a new suffix (access entries tagged with the team; aws-auth entries of a role of the team's
 * permission set in the team's account that carry the team's username).
 */
export function identityCenterOwnedArns(context: PlanContext, roles: IdentityCenterRoles): string[] {
  const { config, observed, scope } = context;
  const out: string[] = [];
  const teams = config.teams.filter(isIdentityCenterTeam).filter((t) => teamInScope(scope, t.name));
  for (const team of teams) {
    const accounts = teamAccounts(config, team);
    for (const accountId of accounts) {
      const role = roles.roleOf(team.name, accountId);
      if (role !== undefined) out.push(role.arn, withoutRolePath(role.arn));
    }
    const ofTeam = (arn: string): boolean => {
      const reserved = identityCenterRoleOf(arn);
      return (
        reserved !== undefined &&
        reserved.permissionSetName === team.identityCenter.permissionSet &&
        accounts.includes(reserved.accountId)
      );
    };
    for (const state of Object.values(observed.clusters)) {
      for (const entry of state.accessEntries) {
        const tagged =
          entry.tags[MANAGED_TAG_KEY] === MANAGED_BY_VALUE && entry.tags[TEAM_TAG_KEY] === team.name;
        if (tagged && ofTeam(entry.principalArn)) out.push(entry.principalArn);
      }
      if (state.awsAuth === undefined) continue;
      const parsed = parseAwsAuthData(state.awsAuth.data);
      if (!parsed.ok) continue;
      for (const mapping of parsed.value.roles) {
        if (ofTeam(mapping.rolearn) && mapping.username === team.kubernetesUsername)
          out.push(mapping.rolearn);
      }
    }
  }
  return out;
}
