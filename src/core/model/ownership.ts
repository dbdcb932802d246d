/**
 * What makes an object eksgate's. eksgate creates, changes and deletes only objects that
 * carry these marks; anything else in its way is an error that says what to do, never
 * something to take over.
 *
 * - IAM roles: tagged `eksgate.dev/managed-by=eksgate`, with the team (`eksgate.dev/team`)
 *   and the team's IAM group (`eksgate.dev/iam-group`, so a removed team's group policy can
 *   still be found). The default name is `eksgate-<team>`.
 * - Inline policies: named `eksgate-<team>-eks` (on the role) and `eksgate-<team>-assume`
 *   (on the group); eksgate reads no other inline policies.
 * - Access entries: the role's tags (managed-by and team), plus the role's unique id when
 *   the entry was made (`eksgate.dev/role-id`), to notice a role deleted and recreated.
 * - Kubernetes objects: labelled `app.kubernetes.io/managed-by=eksgate` (and the team).
 * - aws-auth entries: by role ARN, those of roles that are eksgate's.
 */
import type { IamTag } from "./iam-documents.js";

/** Labels that mark a Kubernetes object as eksgate's. Only such objects are ever changed. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "eksgate";
export const TEAM_LABEL = "eksgate.dev/team";
/** IAM tag keys that mark an IAM role (and its access entries) as eksgate's. */
export const MANAGED_TAG_KEY = "eksgate.dev/managed-by";
export const TEAM_TAG_KEY = "eksgate.dev/team";
/** The role tag that records the team's IAM group, so a removed team's group policy can be found. */
export const GROUP_TAG_KEY = "eksgate.dev/iam-group";
/** The access-entry tag that records the role's unique id when the entry was made. */
export const ROLE_ID_TAG_KEY = "eksgate.dev/role-id";

/** The prefix of every IAM name eksgate chooses (roles by default, inline policies always). */
export const NAME_PREFIX = "eksgate-";

/** Default IAM role name for a team. */
export function defaultRoleName(team: string): string {
  return `${NAME_PREFIX}${team}`;
}

/** Name of the inline policy on the team's IAM group. */
export function groupPolicyName(team: { readonly name: string }): string {
  return `${NAME_PREFIX}${team.name}-assume`;
}

/** Name of the inline policy on the team's role. */
export function rolePolicyName(team: { readonly name: string }): string {
  return `${NAME_PREFIX}${team.name}-eks`;
}

/** Whether an inline policy's name is one eksgate may have written (and so reads). */
export function isEksgatePolicyName(name: string): boolean {
  return name.startsWith(NAME_PREFIX);
}

/**
 * Whether a principal ARN names a role with eksgate's default naming (`role/eksgate-<team>`,
 * no path): an access entry of such a role may be left over from a team whose role is gone.
 */
export function hasDefaultRoleName(principalArn: string): boolean {
  return /:role\/eksgate-[^/]+$/.test(principalArn);
}

/** The tag every eksgate role carries; IAM is searched for it to find roles of removed teams. */
export const MANAGED_ROLE_TAG: IamTag = { Key: MANAGED_TAG_KEY, Value: MANAGED_BY_VALUE };

/** Tags that mark a role as eksgate's; only roles carrying them are ever changed or deleted. */
export function teamRoleTags(team: { readonly name: string }): readonly IamTag[] {
  return [{ ...MANAGED_ROLE_TAG }, { Key: TEAM_TAG_KEY, Value: team.name }];
}

/** Every tag eksgate sets on a team's role: the marker, the team, and the team's group. */
export function managedRoleTags(team: { readonly name: string; readonly iamGroup: string }): IamTag[] {
  return [...teamRoleTags(team), { Key: GROUP_TAG_KEY, Value: team.iamGroup }];
}

export function tagValue(tags: readonly IamTag[], key: string): string | undefined {
  return tags.find((t) => t.Key === key)?.Value;
}

export function isManagedRole(role: { readonly tags: readonly IamTag[] }): boolean {
  return role.tags.some((t) => t.Key === MANAGED_TAG_KEY && t.Value === MANAGED_BY_VALUE);
}

/** Tags eksgate puts on a team's access entry (the role id is added when it is created). */
export function accessEntryTags(team: { readonly name: string }): Readonly<Record<string, string>> {
  return { [MANAGED_TAG_KEY]: MANAGED_BY_VALUE, [TEAM_TAG_KEY]: team.name };
}

export function isManagedAccessEntry(entry: { readonly tags: Readonly<Record<string, string>> }): boolean {
  return entry.tags[MANAGED_TAG_KEY] === MANAGED_BY_VALUE;
}

/** The label selector that finds eksgate's Kubernetes objects. */
export const MANAGED_LABELS: Readonly<Record<string, string>> = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };

/** Whatever list an object came in, the label decides: unlabelled objects are never eksgate's. */
export function isManagedObject(object: {
  readonly metadata: { readonly labels?: Readonly<Record<string, string>> };
}): boolean {
  return object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/**
 * The description eksgate gives a permission set it manages; its prefix marks the permission
 * set as eksgate's (Identity Center tags are not read: sso-admin's ListTagsForResource is one
 * more call per permission set, and the description is returned with it anyway).
 */
export function permissionSetDescription(team: { readonly name: string }): string {
  return `${MANAGED_DESCRIPTION_PREFIX}: Amazon EKS access for team ${team.name}`;
}

const MANAGED_DESCRIPTION_PREFIX = "Managed by eksgate";

/** Whether a permission set is eksgate's (its description says so). */
export function isManagedPermissionSet(set: { readonly description?: string }): boolean {
  return set.description?.startsWith(`${MANAGED_DESCRIPTION_PREFIX}:`) === true;
}

/** Tags eksgate sets on a permission set it creates, for people looking at it. */
export function permissionSetTags(team: { readonly name: string }): readonly IamTag[] {
  return teamRoleTags(team);
}
