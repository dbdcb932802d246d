/** What eksgate needs from IAM, and nothing more. */
import type { PolicyDocument } from "../core/model/policy-document.js";
import type { IamTag } from "../core/model/iam-documents.js";

export interface ObservedRole {
  readonly name: string;
  readonly arn: string;
  /** The unique id (AROA...), which changes when a role is deleted and recreated. */
  readonly roleId: string;
  readonly path: string;
  /** Decoded from the URL-encoded form IAM returns. */
  readonly trustPolicy: PolicyDocument;
  readonly tags: readonly IamTag[];
  readonly description?: string;
  /** ISO 8601. */
  readonly createDate: string;
}

export interface NewRole {
  readonly name: string;
  readonly trustPolicy: PolicyDocument;
  readonly description: string;
  readonly tags: readonly IamTag[];
}

/** A role with its inline policies, as one batch read returns it. */
export interface AccountRole extends ObservedRole {
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
}

/** Every role and group of the account with their inline policies (one batch read). */
export interface AccountIam {
  readonly roles: readonly AccountRole[];
  readonly groups: readonly {
    readonly name: string;
    readonly policies: Readonly<Record<string, PolicyDocument>>;
  }[];
}

export interface IamPort {
  /**
   * Every role (with tags and inline policies) and group (with inline policies) of the
   * account in a few paginated calls (IAM GetAccountAuthorizationDetails). An identity that
   * may not call it gets `access-denied`; the per-role calls below then do instead.
   */
  readAccount(): Promise<AccountIam>;
  getRole(name: string): Promise<ObservedRole | undefined>;
  /** Roles whose names start with `prefix` and whose tags match every given tag. */
  listRolesTagged(prefix: string, tags: readonly IamTag[]): Promise<readonly ObservedRole[]>;
  /**
   * Roles whose path starts with `pathPrefix` (IAM ListRoles with PathPrefix), without their
   * tags (ListRoles does not return them): how eksgate finds the roles IAM Identity Center
   * creates under `/aws-reserved/sso.amazonaws.com/`.
   */
  listRolesByPath(pathPrefix: string): Promise<readonly ObservedRole[]>;
  createRole(role: NewRole): Promise<ObservedRole>;
  updateTrustPolicy(roleName: string, document: PolicyDocument): Promise<void>;
  tagRole(roleName: string, tags: readonly IamTag[]): Promise<void>;
  listRolePolicies(roleName: string): Promise<readonly string[]>;
  getRolePolicy(roleName: string, policyName: string): Promise<PolicyDocument | undefined>;
  putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteRolePolicy(roleName: string, policyName: string): Promise<void>;
  /** Detaches nothing: eksgate only ever puts inline policies on its roles. */
  deleteRole(roleName: string): Promise<void>;
  groupExists(groupName: string): Promise<boolean>;
  getGroupPolicy(groupName: string, policyName: string): Promise<PolicyDocument | undefined>;
  putGroupPolicy(groupName: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteGroupPolicy(groupName: string, policyName: string): Promise<void>;
  /** The ARN of the identity making the calls (STS GetCallerIdentity), for error messages. */
  callerArn(): Promise<string>;
}
