/**
 * IAM Identity Center (formerly AWS SSO) state as the audit reads it: the identity store's
 * users, groups and memberships, the permission sets and their account assignments, and the
 * roles Identity Center creates in each assigned account for a permission set.
 *
 * The role is `AWSReservedSSO_<PermissionSetName>_<16 hex>` under the path
 * `/aws-reserved/sso.amazonaws.com/` (or `/aws-reserved/sso.amazonaws.com/<region>/`). A person
 * who signs in gets a session of it whose session name is their Identity Center user name
 * ("Permission sets" and "IAM Identity Center and AWS accounts", IAM Identity Center User Guide).
 */
import type { RawPolicyDocument } from "./policy-document.js";

export interface IdentityCenterInstance {
  readonly instanceArn: string;
  readonly identityStoreId?: string;
  readonly name?: string;
  readonly ownerAccountId?: string;
  readonly source: string;
}

export interface IdentityCenterUser {
  readonly userId: string;
  /** What the person signs in with; becomes the role session name. */
  readonly userName: string;
  readonly displayName?: string;
  readonly identityStoreId?: string;
  /** Where it was read, e.g. `identity-center/users.json Users[3]`. */
  readonly source: string;
}

export interface IdentityCenterGroup {
  readonly groupId: string;
  readonly displayName: string;
  readonly identityStoreId?: string;
  readonly source: string;
}

export interface IdentityCenterMembership {
  readonly groupId: string;
  readonly userId: string;
  readonly membershipId?: string;
  readonly source: string;
}

export interface CustomerManagedPolicyReference {
  readonly name: string;
  readonly path: string;
}

export interface IdentityCenterPermissionSet {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  /** ISO 8601 duration, e.g. `PT8H`. */
  readonly sessionDuration?: string;
  readonly inlinePolicy?: RawPolicyDocument;
  readonly managedPolicyArns: readonly string[];
  readonly customerManagedPolicies: readonly CustomerManagedPolicyReference[];
  readonly source: string;
}

export type IdentityCenterPrincipalType = "USER" | "GROUP";

export interface IdentityCenterAssignment {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: IdentityCenterPrincipalType;
  readonly principalId: string;
  readonly source: string;
}

export interface IdentityCenterState {
  readonly instances: readonly IdentityCenterInstance[];
  readonly users: readonly IdentityCenterUser[];
  readonly groups: readonly IdentityCenterGroup[];
  readonly memberships: readonly IdentityCenterMembership[];
  readonly permissionSets: readonly IdentityCenterPermissionSet[];
  readonly assignments: readonly IdentityCenterAssignment[];
}

export const EMPTY_IDENTITY_CENTER: IdentityCenterState = {
  instances: [],
  users: [],
  groups: [],
  memberships: [],
  permissionSets: [],
  assignments: [],
};

/** The path prefix of every role Identity Center creates. */
export const RESERVED_ROLE_PATH_PREFIX = "/aws-reserved/sso.amazonaws.com/";

const RESERVED_NAME = /^AWSReservedSSO_(.+)_([0-9a-f]{16})$/;
const RESERVED_PATH = /^\/aws-reserved\/sso\.amazonaws\.com\/(?:[a-z]{2}(?:-[a-z]+)+-\d\/)?$/;

/**
 * The permission-set name behind a role Identity Center created, or undefined when the role
 * is not one (wrong name form or not under the reserved path).
 */
export function reservedRolePermissionSet(roleName: string, path: string): string | undefined {
  if (!RESERVED_PATH.test(path)) return undefined;
  return RESERVED_NAME.exec(roleName)?.[1];
}

/** Whether a role name has the reserved form for `permissionSetName` (any suffix). */
export function isReservedRoleNameFor(roleName: string, permissionSetName: string): boolean {
  return RESERVED_NAME.exec(roleName)?.[1] === permissionSetName;
}

/** What Identity Center looks people up by, in one place: users and groups by id and name. */
export class IdentityCenterDirectory {
  private readonly usersById = new Map<string, IdentityCenterUser>();
  private readonly usersByName = new Map<string, IdentityCenterUser>();
  private readonly groupsById = new Map<string, IdentityCenterGroup>();
  private readonly groupsByName = new Map<string, IdentityCenterGroup>();
  private readonly groupsOfUser = new Map<string, IdentityCenterMembership[]>();
  private readonly membersOfGroup = new Map<string, IdentityCenterMembership[]>();
  private readonly permissionSetsByArn = new Map<string, IdentityCenterPermissionSet>();
  private readonly permissionSetsByName = new Map<string, IdentityCenterPermissionSet>();

  constructor(readonly state: IdentityCenterState) {
    for (const u of state.users) {
      this.usersById.set(u.userId, u);
      this.usersByName.set(u.userName.toLowerCase(), u);
    }
    for (const g of state.groups) {
      this.groupsById.set(g.groupId, g);
      this.groupsByName.set(g.displayName.toLowerCase(), g);
    }
    for (const m of state.memberships) {
      push(this.groupsOfUser, m.userId, m);
      push(this.membersOfGroup, m.groupId, m);
    }
    for (const p of state.permissionSets) {
      this.permissionSetsByArn.set(p.arn, p);
      this.permissionSetsByName.set(p.name, p);
    }
  }

  get empty(): boolean {
    return this.state.users.length === 0 && this.state.assignments.length === 0;
  }

  /** By user name (case-insensitive, as Identity Center compares them) or user id. */
  user(nameOrId: string): IdentityCenterUser | undefined {
    return this.usersByName.get(nameOrId.toLowerCase()) ?? this.usersById.get(nameOrId);
  }

  userById(id: string): IdentityCenterUser | undefined {
    return this.usersById.get(id);
  }

  group(nameOrId: string): IdentityCenterGroup | undefined {
    return this.groupsById.get(nameOrId) ?? this.groupsByName.get(nameOrId.toLowerCase());
  }

  membershipsOf(userId: string): readonly IdentityCenterMembership[] {
    return this.groupsOfUser.get(userId) ?? [];
  }

  membersOf(groupId: string): readonly IdentityCenterMembership[] {
    return this.membersOfGroup.get(groupId) ?? [];
  }

  permissionSet(arn: string): IdentityCenterPermissionSet | undefined {
    return this.permissionSetsByArn.get(arn);
  }

  permissionSetByName(name: string): IdentityCenterPermissionSet | undefined {
    return this.permissionSetsByName.get(name);
  }

  /** The assignments of one account and permission set. */
  assignmentsFor(accountId: string, permissionSetArn: string): readonly IdentityCenterAssignment[] {
    return this.state.assignments.filter(
      (a) => a.accountId === accountId && a.permissionSetArn === permissionSetArn,
    );
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
