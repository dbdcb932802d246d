/**
 * Observed state: what eksgate read from AWS and the clusters before planning. Plain
 * data, collected by the engine through the ports; the planner only reads it.
 * Timestamps are ISO 8601 in UTC as `Date.prototype.toISOString` writes them, so they
 * compare as text.
 */
import type { PolicyDocument } from "../model/policy-document.js";
import type { IamTag } from "../model/iam-documents.js";
import type { AccessScope } from "../model/access-entry.js";
import type { ObservedRbacObject } from "../model/rbac.js";

export interface ObservedIamRole {
  readonly name: string;
  readonly arn: string;
  readonly roleId: string;
  readonly path: string;
  readonly trustPolicy: PolicyDocument;
  readonly tags: readonly IamTag[];
  readonly createDate: string;
  /** Inline policies by name (only those eksgate reads: its own names). */
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
}

export interface ObservedIamGroup {
  readonly name: string;
  readonly exists: boolean;
  /** eksgate's inline policies on the group, by name; absent ones are missing. */
  readonly policies: Readonly<Record<string, PolicyDocument>>;
}

export type ClusterAuthenticationMode = "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API";

export interface ObservedAccessEntryState {
  readonly principalArn: string;
  readonly type: string;
  readonly kubernetesGroups: readonly string[];
  readonly username: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly policies: readonly { readonly policyArn: string; readonly accessScope: AccessScope }[];
}

export interface ObservedClusterState {
  readonly name: string;
  /** undefined: DescribeCluster found no such cluster. */
  readonly authenticationMode: ClusterAuthenticationMode | undefined;
  /** undefined when the ConfigMap does not exist (or was not read). */
  readonly awsAuth:
    { readonly data: Readonly<Record<string, string>>; readonly resourceVersion: string } | undefined;
  /** Whether aws-auth was read at all (it is not needed in API mode). */
  readonly awsAuthRead: boolean;
  /** Access entries eksgate may care about: its own (tagged) and those of desired principals. */
  readonly accessEntries: readonly ObservedAccessEntryState[];
  /** RBAC objects labelled as eksgate's. */
  readonly managedRbac: readonly ObservedRbacObject[];
  /** Objects that have the name of a desired object but are not eksgate's. */
  readonly foreignRbac: readonly ObservedRbacObject[];
  /** Namespaces the desired RoleBindings need, and whether each exists. */
  readonly namespaces: Readonly<Record<string, boolean>>;
}

/**
 * Key of a role in `ObservedState.roles`: its name in the identity account (so a
 * single-account state is keyed by name only), `<account>/<name>` in any other account.
 * IAM names cannot hold a `/`, so keys never collide.
 */
export function roleKey(identityAccount: string, accountId: string, name: string): string {
  return accountId === identityAccount ? name : `${accountId}/${name}`;
}

/** An Identity Center instance and its identity store. */
export interface ObservedIdentityCenterInstance {
  readonly instanceArn: string;
  readonly identityStoreId: string;
}

export interface ObservedPermissionSetState {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly sessionDuration: string;
  /** The inline policy; undefined when it has none (or was not read: not eksgate's). */
  readonly inlinePolicy?: PolicyDocument;
}

/**
 * What eksgate read of IAM Identity Center for the config's Identity Center teams. Absent
 * from the state when the config has none.
 */
export interface ObservedIdentityCenter {
  /** Every instance ListInstances answered (or the one the config names, not listed). */
  readonly instances: readonly ObservedIdentityCenterInstance[];
  /** Per team name: its group as found by name or id; null when there is none. */
  readonly groups: Readonly<
    Record<string, { readonly groupId: string; readonly displayName: string } | null>
  >;
  /** The teams' permission sets by name; null when the instance has none of that name. */
  readonly permissionSets: Readonly<Record<string, ObservedPermissionSetState | null>>;
  /**
   * Group ids assigned a permission set in an account, by assignmentKey(permission set
   * name, account); only for permission sets that exist and the accounts of their teams.
   */
  readonly assignments: Readonly<Record<string, readonly string[]>>;
}

/** Key of `ObservedIdentityCenter.assignments`. */
export function assignmentKey(permissionSet: string, accountId: string): string {
  return `${permissionSet}/${accountId}`;
}

export interface ObservedState {
  /**
   * Roles by roleKey: the teams' roles in each of their accounts (null when missing) and
   * every eksgate-tagged role.
   */
  readonly roles: Readonly<Record<string, ObservedIamRole | null>>;
  readonly groups: Readonly<Record<string, ObservedIamGroup>>;
  readonly clusters: Readonly<Record<string, ObservedClusterState>>;
  /** Identity Center, when the config has Identity Center teams. */
  readonly identityCenter?: ObservedIdentityCenter;
  /**
   * Per account of an Identity Center team's clusters: the roles IAM Identity Center made
   * there (path `/aws-reserved/sso.amazonaws.com/...`), without tags or inline policies.
   */
  readonly reservedRoles?: Readonly<Record<string, readonly ObservedIamRole[]>>;
}
