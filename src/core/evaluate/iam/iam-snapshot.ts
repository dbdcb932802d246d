/**
 * The IAM snapshot: what `aws iam get-account-authorization-details` prints (or what the SDK
 * returns, pages merged), accepted as-is. Policy documents may be objects (the CLI decodes them)
 * or URL-encoded JSON strings (the raw API and the SDK). Unknown fields are allowed and ignored.
 */

import type { RawPolicyDocument } from "../../model/policy-document.js";

/** A policy document as found in the input: the model's raw form. */
export type { RawPolicyDocument };

export interface RawTag {
  readonly Key: string;
  readonly Value: string;
}

export interface RawInlinePolicy {
  readonly PolicyName: string;
  readonly PolicyDocument: RawPolicyDocument;
}

export interface RawAttachedPolicy {
  readonly PolicyName?: string;
  readonly PolicyArn: string;
}

export interface RawPermissionsBoundary {
  readonly PermissionsBoundaryType?: string;
  readonly PermissionsBoundaryArn: string;
}

export interface RawUserDetail {
  readonly Path?: string;
  readonly UserName: string;
  readonly UserId?: string;
  readonly Arn: string;
  readonly UserPolicyList?: readonly RawInlinePolicy[];
  /** Group names (not ARNs). */
  readonly GroupList?: readonly string[];
  readonly AttachedManagedPolicies?: readonly RawAttachedPolicy[];
  readonly PermissionsBoundary?: RawPermissionsBoundary;
  readonly Tags?: readonly RawTag[];
}

export interface RawGroupDetail {
  readonly Path?: string;
  readonly GroupName: string;
  readonly GroupId?: string;
  readonly Arn: string;
  readonly GroupPolicyList?: readonly RawInlinePolicy[];
  readonly AttachedManagedPolicies?: readonly RawAttachedPolicy[];
}

export interface RawRoleDetail {
  readonly Path?: string;
  readonly RoleName: string;
  readonly RoleId?: string;
  readonly Arn: string;
  readonly AssumeRolePolicyDocument?: RawPolicyDocument;
  readonly RolePolicyList?: readonly RawInlinePolicy[];
  readonly AttachedManagedPolicies?: readonly RawAttachedPolicy[];
  readonly PermissionsBoundary?: RawPermissionsBoundary;
  readonly Tags?: readonly RawTag[];
}

export interface RawPolicyVersion {
  readonly Document?: RawPolicyDocument;
  readonly VersionId?: string;
  readonly IsDefaultVersion?: boolean;
}

export interface RawManagedPolicyDetail {
  readonly PolicyName: string;
  readonly PolicyId?: string;
  readonly Arn: string;
  readonly Path?: string;
  readonly DefaultVersionId?: string;
  readonly PolicyVersionList?: readonly RawPolicyVersion[];
}

/** The output of `aws iam get-account-authorization-details` for one account. */
export interface AccountAuthorizationDetails {
  readonly UserDetailList?: readonly RawUserDetail[];
  readonly GroupDetailList?: readonly RawGroupDetail[];
  readonly RoleDetailList?: readonly RawRoleDetail[];
  readonly Policies?: readonly RawManagedPolicyDetail[];
  /** Present on SDK pages; ignored. */
  readonly IsTruncated?: boolean;
  readonly Marker?: string;
}

/** One SCP as given to the evaluator. */
export interface ServiceControlPolicy {
  readonly Name: string;
  readonly Arn?: string;
  readonly Document: RawPolicyDocument;
}

/**
 * The SCPs in force for one member account, one level per node on the path from the
 * organization root to the account (root, each OU, the account itself). Every level needs an
 * Allow; a Deny at any level wins (I6).
 */
export interface AccountServiceControlPolicies {
  readonly AccountId: string;
  readonly Levels: readonly {
    /** `r-xxxx`, `ou-xxxx-yyyy` or the account id: for explanations only. */
    readonly Target: string;
    readonly Policies: readonly ServiceControlPolicy[];
  }[];
}

/** Everything the evaluator reads: one or more accounts, and optional SCPs. */
export interface IamSnapshot {
  readonly accounts: readonly AccountAuthorizationDetails[];
  readonly serviceControlPolicies?: readonly AccountServiceControlPolicies[];
}

/** Wraps a single CLI output (and optional SCPs) as a snapshot. */
export function snapshotOf(
  details: AccountAuthorizationDetails,
  serviceControlPolicies?: readonly AccountServiceControlPolicies[],
): IamSnapshot {
  return serviceControlPolicies === undefined
    ? { accounts: [details] }
    : { accounts: [details], serviceControlPolicies };
}

/** Concatenates SDK pages (`IsTruncated`/`Marker`) into one account's details. */
export function mergeAuthorizationDetailsPages(
  pages: readonly AccountAuthorizationDetails[],
): AccountAuthorizationDetails {
  return {
    UserDetailList: pages.flatMap((p) => p.UserDetailList ?? []),
    GroupDetailList: pages.flatMap((p) => p.GroupDetailList ?? []),
    RoleDetailList: pages.flatMap((p) => p.RoleDetailList ?? []),
    Policies: pages.flatMap((p) => p.Policies ?? []),
  };
}
