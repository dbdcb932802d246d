/**
 * What eksgate needs from IAM Identity Center (sso-admin and identitystore), and nothing
 * more: find the instance, the team's group and permission set, the group's account
 * assignments; create and update a permission set eksgate manages, and assign the group to
 * an account. Every call is made with the credentials of the account that administers
 * Identity Center (the management or delegated administrator account).
 *
 * Writes in Identity Center are asynchronous: creating an account assignment and
 * provisioning a permission set answer a request id whose status the caller polls.
 */
import type { PolicyDocument } from "../core/model/policy-document.js";
import type { IamTag } from "../core/model/iam-documents.js";

export interface IdentityCenterInstanceRef {
  readonly instanceArn: string;
  readonly identityStoreId: string;
}

export interface IdentityCenterGroupRef {
  readonly groupId: string;
  readonly displayName: string;
}

export interface ObservedPermissionSet {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  /** ISO 8601 duration, e.g. `PT1H`. */
  readonly sessionDuration: string;
}

export interface NewPermissionSet {
  readonly name: string;
  readonly description: string;
  readonly sessionDuration: string;
  readonly tags: readonly IamTag[];
}

export interface AssignmentTarget {
  readonly permissionSetArn: string;
  readonly accountId: string;
  readonly principalType: "GROUP" | "USER";
  readonly principalId: string;
}

/** The state of an asynchronous Identity Center request. */
export interface IdentityCenterRequestStatus {
  readonly requestId: string;
  readonly status: "IN_PROGRESS" | "FAILED" | "SUCCEEDED";
  readonly failureReason?: string;
}

/** Which request a status belongs to, to ask for it again. */
export type IdentityCenterRequestKind = "assignment-creation" | "assignment-deletion" | "provisioning";

export interface IdentityCenterPort {
  /** sso-admin ListInstances. */
  listInstances(): Promise<readonly IdentityCenterInstanceRef[]>;
  /**
   * identitystore GetGroupId by display name (unique in an identity store, compared
   * exactly); undefined when no group has it.
   */
  findGroupByName(identityStoreId: string, displayName: string): Promise<IdentityCenterGroupRef | undefined>;
  /** identitystore DescribeGroup; undefined when there is no such group. */
  describeGroup(identityStoreId: string, groupId: string): Promise<IdentityCenterGroupRef | undefined>;
  /** Every permission set of the instance, described (ListPermissionSets, DescribePermissionSet). */
  listPermissionSets(instanceArn: string): Promise<readonly ObservedPermissionSet[]>;
  /** The inline policy; undefined when the permission set has none. */
  getInlinePolicy(instanceArn: string, permissionSetArn: string): Promise<PolicyDocument | undefined>;
  /** The assignments of one permission set in one account. */
  listAccountAssignments(
    instanceArn: string,
    accountId: string,
    permissionSetArn: string,
  ): Promise<readonly AssignmentTarget[]>;
  /** A name in use: `already-exists`. Answers the new permission set's ARN. */
  createPermissionSet(instanceArn: string, permissionSet: NewPermissionSet): Promise<string>;
  updatePermissionSet(
    instanceArn: string,
    permissionSetArn: string,
    change: { readonly description: string; readonly sessionDuration: string },
  ): Promise<void>;
  putInlinePolicy(instanceArn: string, permissionSetArn: string, document: PolicyDocument): Promise<void>;
  /** Pushes the permission set's current policies to every account it is provisioned in. */
  provisionPermissionSet(instanceArn: string, permissionSetArn: string): Promise<IdentityCenterRequestStatus>;
  createAccountAssignment(
    instanceArn: string,
    target: AssignmentTarget,
  ): Promise<IdentityCenterRequestStatus>;
  deleteAccountAssignment(
    instanceArn: string,
    target: AssignmentTarget,
  ): Promise<IdentityCenterRequestStatus>;
  deletePermissionSet(instanceArn: string, permissionSetArn: string): Promise<void>;
  /** The current status of an earlier asynchronous request. */
  requestStatus(
    instanceArn: string,
    kind: IdentityCenterRequestKind,
    requestId: string,
  ): Promise<IdentityCenterRequestStatus>;
}
