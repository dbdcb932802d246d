/**
 * IAM steps: each team's role (trust policy and tags), the role's permission policy and
 * the group policy that lets the team's members assume it; and removing the roles, and
 * their policies, of teams that are gone (or destroyed).
 *
 * Only roles tagged as eksgate's are changed or deleted, and only eksgate's inline
 * policies (ownership.ts); a role of the same name that is not eksgate's is an error.
 */
import type { Team } from "../model/access-config.js";
import { formatPath } from "../diagnostics.js";
import type { TeamIamDocuments } from "../model/iam-documents.js";
import {
  GROUP_TAG_KEY,
  groupPolicyName,
  isManagedRole,
  MANAGED_BY_VALUE,
  MANAGED_TAG_KEY,
  managedRoleTags,
  TEAM_TAG_KEY,
  tagValue,
} from "../model/ownership.js";
import { policyDocumentsEquivalent } from "../model/policy-document.js";
import { managedRoles, teamInScope, type PlanContext } from "./context.js";
import type { ObservedIamRole } from "./observed.js";
import type { PlanResource, StepPayload } from "./plan.js";
import { policyLines } from "./steps.js";

/** A team this plan creates or changes, with the IAM documents the config asks for. */
export interface TeamIam {
  readonly team: Team;
  readonly documents: TeamIamDocuments;
}

/** The steps that bring each team's role, role policy and group policy in line with the config. */
export function planTeamsIam(context: PlanContext, teams: readonly TeamIam[]): void {
  for (const { team, documents } of teams) planTeamIam(context, team, documents);
}

function planTeamIam(context: PlanContext, team: Team, docs: TeamIamDocuments): void {
  const { config, observed, draft } = context;
  const teamPath = formatPath(["teams", config.teams.indexOf(team)]);
  const tags = managedRoleTags(team);
  const role = observed.roles[team.roleName] ?? null;
  const roleResource: PlanResource = { kind: "iam-role", roleName: team.roleName };
  const rolePayload: StepPayload = {
    type: "role",
    trustPolicy: docs.trustPolicy,
    description: docs.roleDescription,
    tags,
  };
  if (role === null) {
    draft.addStep({
      action: "create",
      resource: roleResource,
      reason: `team ${team.name} needs a role to assume`,
      changes: [`+ role ${team.roleName} (${team.roleArn})`, ...policyLines("+ trust", docs.trustPolicy)],
      observed: undefined,
      payload: rolePayload,
    });
  } else if (!isManagedRole(role)) {
    draft.error(
      "EG201",
      `IAM role ${team.roleName} exists but is not eksgate's (it lacks the tag ${MANAGED_TAG_KEY}=${MANAGED_BY_VALUE})`,
      `eksgate never takes over a role it did not create. Set roleName for team ${team.name} to a new name, or, if this role is meant for eksgate, tag it ${MANAGED_TAG_KEY}=${MANAGED_BY_VALUE}.`,
      `${teamPath}.roleName`,
    );
    return;
  } else {
    const changes: string[] = [];
    if (!policyDocumentsEquivalent(role.trustPolicy, docs.trustPolicy)) {
      changes.push(...policyLines("- trust", role.trustPolicy), ...policyLines("+ trust", docs.trustPolicy));
    }
    for (const tag of tags) {
      const current = tagValue(role.tags, tag.Key);
      if (current !== tag.Value) changes.push(`~ tag ${tag.Key}: ${current ?? "(none)"} -> ${tag.Value}`);
    }
    if (changes.length > 0) {
      draft.addStep({
        action: "update",
        resource: roleResource,
        reason: "the role's trust policy or tags differ from the config",
        changes,
        observed: roleObservation(role),
        payload: rolePayload,
      });
    }
    planOldGroupPolicy(context, team, docs, role);
  }
  const current = role?.inlinePolicies[docs.rolePolicy.name];
  if (current === undefined || !policyDocumentsEquivalent(current, docs.rolePolicy.document)) {
    draft.addStep({
      action: current === undefined ? "create" : "update",
      resource: { kind: "iam-role-policy", roleName: team.roleName, policyName: docs.rolePolicy.name },
      reason:
        current === undefined
          ? "the role needs its permission policy"
          : "the role's permission policy differs from the config",
      changes: [...(current ? policyLines("-", current) : []), ...policyLines("+", docs.rolePolicy.document)],
      observed: current,
      payload: { type: "policy", document: docs.rolePolicy.document },
    });
  }
  for (const [name, doc] of Object.entries(role?.inlinePolicies ?? {})) {
    if (name !== docs.rolePolicy.name) {
      draft.addStep({
        action: "delete",
        resource: { kind: "iam-role-policy", roleName: team.roleName, policyName: name },
        reason: "eksgate no longer uses this inline policy",
        changes: policyLines("-", doc),
        observed: doc,
        payload: { type: "none" },
      });
    }
  }
  const group = observed.groups[team.iamGroup];
  if (group === undefined || !group.exists) {
    draft.error(
      "EG202",
      `IAM group ${team.iamGroup} does not exist (team ${team.name})`,
      `Create it (aws iam create-group --group-name ${team.iamGroup}) and add the team's users, or fix iamGroup.`,
      `${teamPath}.iamGroup`,
    );
    return;
  }
  const groupPolicy = group.policies[docs.groupPolicy.name];
  if (groupPolicy === undefined || !policyDocumentsEquivalent(groupPolicy, docs.groupPolicy.document)) {
    draft.addStep({
      action: groupPolicy === undefined ? "create" : "update",
      resource: { kind: "iam-group-policy", groupName: team.iamGroup, policyName: docs.groupPolicy.name },
      reason:
        groupPolicy === undefined
          ? `members of ${team.iamGroup} need permission to assume the role`
          : "the group policy differs from the config",
      changes: [
        ...(groupPolicy ? policyLines("-", groupPolicy) : []),
        ...policyLines("+", docs.groupPolicy.document),
      ],
      observed: groupPolicy,
      payload: { type: "policy", document: docs.groupPolicy.document },
    });
  }
}

/**
 * The team moved to another IAM group, or the role belonged to a team since renamed: the
 * old group policy would still let that group's members assume the role.
 */
function planOldGroupPolicy(
  context: PlanContext,
  team: Team,
  docs: TeamIamDocuments,
  role: ObservedIamRole,
): void {
  const oldGroup = tagValue(role.tags, GROUP_TAG_KEY);
  const oldTeam = tagValue(role.tags, TEAM_TAG_KEY);
  if (oldGroup === undefined || oldTeam === undefined) return;
  const oldPolicy = groupPolicyName({ name: oldTeam });
  const teamGone = !context.config.teams.some((t) => t.name === oldTeam);
  if (!(oldTeam === team.name || teamGone)) return;
  if (oldGroup === team.iamGroup && oldPolicy === docs.groupPolicy.name) return;
  const oldDoc = context.observed.groups[oldGroup]?.policies[oldPolicy];
  if (oldDoc === undefined) return;
  context.draft.addStep({
    action: "delete",
    resource: { kind: "iam-group-policy", groupName: oldGroup, policyName: oldPolicy },
    reason: `the role now belongs to team ${team.name} with the IAM group ${team.iamGroup}`,
    changes: policyLines("-", oldDoc),
    observed: oldDoc,
    payload: { type: "none" },
  });
}

/**
 * Roles to remove, with their inline policies and their team's group policy: on destroy,
 * the scoped teams' roles; otherwise roles of teams no longer in the config, unless a team
 * in the config still uses the role (a renamed team keeping its roleName). A plan for one
 * cluster removes no roles (they are account-wide). Returns the removed roles' ARNs, in
 * lower case.
 */
export function planRoleRemovals(context: PlanContext): ReadonlySet<string> {
  const { config, observed, scope, draft } = context;
  const configTeamNames = new Set(config.teams.map((t) => t.name));
  const configRoleNames = new Set(config.teams.map((t) => t.roleName));
  const rolesToRemove =
    scope.cluster !== undefined
      ? []
      : managedRoles(observed).filter((role) => {
          const team = tagValue(role.tags, TEAM_TAG_KEY);
          if (team === undefined) return false;
          return scope.destroy
            ? teamInScope(scope, team)
            : !configTeamNames.has(team) && scope.team === undefined && !configRoleNames.has(role.name);
        });
  for (const role of rolesToRemove) {
    const team = tagValue(role.tags, TEAM_TAG_KEY) ?? "?";
    const reason = scope.destroy ? `destroy: team ${team}` : `team ${team} is no longer in the config`;
    for (const [name, doc] of Object.entries(role.inlinePolicies)) {
      draft.addStep({
        action: "delete",
        resource: { kind: "iam-role-policy", roleName: role.name, policyName: name },
        reason,
        changes: policyLines("-", doc),
        observed: doc,
        payload: { type: "none" },
      });
    }
    const groupName = tagValue(role.tags, GROUP_TAG_KEY);
    const group = groupName !== undefined ? observed.groups[groupName] : undefined;
    if (group?.exists) {
      // Only this team's policy: teams may share a group.
      for (const [name, doc] of Object.entries(group.policies)) {
        if (name !== groupPolicyName({ name: team })) continue;
        draft.addStep({
          action: "delete",
          resource: { kind: "iam-group-policy", groupName: group.name, policyName: name },
          reason,
          changes: policyLines("-", doc),
          observed: doc,
          payload: { type: "none" },
        });
      }
    }
    draft.addStep({
      action: "delete",
      resource: { kind: "iam-role", roleName: role.name },
      reason,
      changes: [`- role ${role.name} (${role.arn})`],
      observed: roleObservation(role),
      payload: { type: "none" },
    });
  }
  return new Set(rolesToRemove.map((r) => r.arn.toLowerCase()));
}

/** What a role step saw of the role: its trust policy, tags (by key) and unique id. */
function roleObservation(role: ObservedIamRole): unknown {
  return {
    trust: role.trustPolicy,
    tags: [...role.tags].sort((a, b) => (a.Key < b.Key ? -1 : 1)),
    id: role.roleId,
  };
}
