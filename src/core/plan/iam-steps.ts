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
import { policyDocumentsEquivalent, type PolicyDocument } from "../model/policy-document.js";
import { managedRoles, teamInScope, type PlanContext } from "./context.js";
import { accountIdOf } from "../model/arn.js";
import { roleKey, type ObservedIamRole } from "./observed.js";
import type { PlanResource, StepPayload } from "./plan.js";
import { policyObservation, roleObservation } from "./step-observation.js";
import { policyLines } from "./steps.js";

/** A team this plan creates or changes, with the IAM documents the config asks for. */
export interface TeamIam {
  readonly team: Team;
  readonly documents: TeamIamDocuments;
}

/** The steps that bring each team's role, role policy and group policy in line with the config. */
export function planTeamsIam(context: PlanContext, teams: readonly TeamIam[]): void {
  // A team has one role per account of its clusters, and one group policy.
  const groupPlanned = new Set<string>();
  for (const { team, documents } of teams) {
    planTeamIam(context, team, documents, !groupPlanned.has(team.name));
    groupPlanned.add(team.name);
  }
}

/** The `account` field of an IAM resource: only for roles outside the identity account. */
function accountField(context: PlanContext, accountId: string): { readonly account?: string } {
  return accountId === context.config.accountId ? {} : { account: accountId };
}

function planTeamIam(context: PlanContext, team: Team, docs: TeamIamDocuments, withGroup: boolean): void {
  const { config, observed, draft } = context;
  const teamPath = formatPath(["teams", config.teams.indexOf(team)]);
  const tags = managedRoleTags(team);
  // The role's account is in its ARN (a cluster account, or the identity account).
  const accountId = accountIdOf(docs.roleArn) ?? "";
  const inAccount = accountField(context, accountId);
  const role = observed.roles[roleKey(config.accountId, accountId, team.roleName)] ?? null;
  const roleResource: PlanResource = { kind: "iam-role", roleName: team.roleName, ...inAccount };
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
      changes: [`+ role ${team.roleName} (${docs.roleArn})`, ...policyLines("+ trust", docs.trustPolicy)],
      observed: undefined,
      payload: rolePayload,
    });
  } else if (!isManagedRole(role)) {
    draft.error(
      "EG201",
      `IAM role ${team.roleName}${accountId === config.accountId ? "" : ` in account ${accountId}`} exists but is not eksgate's (it lacks the tag ${MANAGED_TAG_KEY}=${MANAGED_BY_VALUE})`,
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
    if (withGroup) planOldGroupPolicy(context, team, docs, role);
  }
  planInlinePolicy(context, {
    resource: {
      kind: "iam-role-policy",
      roleName: team.roleName,
      policyName: docs.rolePolicy.name,
      ...inAccount,
    },
    current: role?.inlinePolicies[docs.rolePolicy.name],
    wanted: docs.rolePolicy.document,
    missing: "the role needs its permission policy",
    different: "the role's permission policy differs from the config",
  });
  for (const [name, doc] of Object.entries(role?.inlinePolicies ?? {})) {
    if (name !== docs.rolePolicy.name) {
      removePolicy(
        context,
        { kind: "iam-role-policy", roleName: team.roleName, policyName: name, ...inAccount },
        doc,
        "eksgate no longer uses this inline policy",
      );
    }
  }
  if (!withGroup) return;
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
  planInlinePolicy(context, {
    resource: { kind: "iam-group-policy", groupName: team.iamGroup, policyName: docs.groupPolicy.name },
    current: group.policies[docs.groupPolicy.name],
    wanted: docs.groupPolicy.document,
    missing: `members of ${team.iamGroup} need permission to assume the role`,
    different: "the group policy differs from the config",
  });
}

function removePolicy(
  context: PlanContext,
  resource: PlanResource,
  doc: PolicyDocument,
  reason: string,
): void {
  context.draft.addStep({
    action: "delete",
    resource,
    reason,
    changes: policyLines("-", doc),
    observed: policyObservation(doc),
    payload: { type: "none" },
  });
}

interface InlinePolicyOptions {
  readonly resource: PlanResource;
  /** The policy as observed; undefined when it does not exist. */
  readonly current: PolicyDocument | undefined;
  readonly wanted: PolicyDocument;
  /** The reason when the policy is missing, and when it differs. */
  readonly missing: string;
  readonly different: string;
}

/** Creates or updates an inline policy unless it is already equivalent to the one wanted. */
function planInlinePolicy(context: PlanContext, options: InlinePolicyOptions): void {
  const { current, wanted } = options;
  if (current !== undefined && policyDocumentsEquivalent(current, wanted)) return;
  context.draft.addStep({
    action: current === undefined ? "create" : "update",
    resource: options.resource,
    reason: current === undefined ? options.missing : options.different,
    changes: [...(current ? policyLines("-", current) : []), ...policyLines("+", wanted)],
    observed: policyObservation(current),
    payload: { type: "policy", document: wanted },
  });
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
  removePolicy(
    context,
    { kind: "iam-group-policy", groupName: oldGroup, policyName: oldPolicy },
    oldDoc,
    `the role now belongs to team ${team.name} with the IAM group ${team.iamGroup}`,
  );
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
    const inAccount = accountField(context, accountIdOf(role.arn) ?? "");
    const reason = scope.destroy ? `destroy: team ${team}` : `team ${team} is no longer in the config`;
    for (const [name, doc] of Object.entries(role.inlinePolicies)) {
      removePolicy(
        context,
        { kind: "iam-role-policy", roleName: role.name, policyName: name, ...inAccount },
        doc,
        reason,
      );
    }
    const groupName = tagValue(role.tags, GROUP_TAG_KEY);
    const group = groupName !== undefined ? observed.groups[groupName] : undefined;
    // The group policy is removed once, with the role in the identity account or the first.
    const firstOfTeam = rolesToRemove.find((r) => tagValue(r.tags, TEAM_TAG_KEY) === team) === role;
    if (group?.exists && firstOfTeam) {
      // Only this team's policy: teams may share a group.
      for (const [name, doc] of Object.entries(group.policies)) {
        if (name !== groupPolicyName({ name: team })) continue;
        removePolicy(
          context,
          { kind: "iam-group-policy", groupName: group.name, policyName: name },
          doc,
          reason,
        );
      }
    }
    draft.addStep({
      action: "delete",
      resource: { kind: "iam-role", roleName: role.name, ...inAccount },
      reason,
      changes: [`- role ${role.name} (${role.arn})`],
      observed: roleObservation(role),
      payload: { type: "none" },
    });
  }
  return new Set(rolesToRemove.map((r) => r.arn.toLowerCase()));
}
