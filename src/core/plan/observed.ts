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

export interface ObservedState {
  /**
   * Roles by roleKey: the teams' roles in each of their accounts (null when missing) and
   * every eksgate-tagged role.
   */
  readonly roles: Readonly<Record<string, ObservedIamRole | null>>;
  readonly groups: Readonly<Record<string, ObservedIamGroup>>;
  readonly clusters: Readonly<Record<string, ObservedClusterState>>;
}
