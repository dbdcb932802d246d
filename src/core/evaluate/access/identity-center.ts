/**
 * Identity Center routes: how a person in IAM Identity Center reaches a role session.
 *
 * user -> group (membership) -> permission set -> account assignment (group or user, permission
 * set, account) -> the role Identity Center created in that account for the permission set
 * (`AWSReservedSSO_<PermissionSet>_<hex>` under `/aws-reserved/sso.amazonaws.com/[region/]`,
 * found by listing the account's roles and matching the name). Signing in gives a session of
 * that role named after the person's Identity Center user name, whatever the client asks for.
 *
 * A principal is written `idc:user/NAME` (the user name, case-insensitive, or the user id).
 */
import {
  RESERVED_ROLE_PATH_PREFIX,
  reservedRolePermissionSet,
  type IdentityCenterAssignment,
  type IdentityCenterDirectory,
  type IdentityCenterGroup,
  type IdentityCenterPermissionSet,
  type IdentityCenterUser,
} from "../../model/identity-center.js";
import { iamPathOf } from "../../model/arn.js";
import type { IamIndex, IamRole } from "../iam/index.js";
import type { Hop } from "./model.js";

export const IDC_USER_PREFIX = "idc:user/";

/** The user name (or id) of an `idc:user/NAME` principal, or undefined for any other text. */
export function identityCenterUserOf(principal: string): string | undefined {
  if (!principal.toLowerCase().startsWith(IDC_USER_PREFIX)) return undefined;
  const name = principal.slice(IDC_USER_PREFIX.length);
  return name === "" ? undefined : name;
}

/** Why the session name is the person's user name (for explanations). */
export function idcSessionReason(userName: string): string {
  return `${userName}'s Identity Center user name: Identity Center names the role session after the person who signs in`;
}

/** An assignment that reaches the person, and through what. */
export interface IdcGrant {
  readonly assignment: IdentityCenterAssignment;
  readonly permissionSet: IdentityCenterPermissionSet;
  /** The group the assignment names; undefined for an assignment to the user itself. */
  readonly group?: IdentityCenterGroup;
  readonly membershipSource?: string;
}

/** One way in: the hops up to and into the reserved role session. */
export interface IdcStart {
  readonly grant: IdcGrant;
  readonly role: IamRole;
  readonly hops: readonly Hop[];
  readonly sessionName: string;
  readonly sessionNameReason: string;
}

/** An assignment whose role the snapshot does not hold: it gives no session here. */
export interface IdcUnresolved {
  readonly grant: IdcGrant;
  readonly reason: string;
}

export interface IdcRoutes {
  readonly user?: IdentityCenterUser;
  readonly grants: readonly IdcGrant[];
  readonly starts: readonly IdcStart[];
  readonly unresolved: readonly IdcUnresolved[];
}

/** The path of a role ARN (`/` when none). */
export function rolePath(role: IamRole): string {
  return iamPathOf(role.arn);
}

const reservedByAccount = new WeakMap<IamIndex, Map<string, IamRole[]>>();

/** The roles Identity Center made for `permissionSetName` in `account`. */
export function reservedRolesFor(index: IamIndex, account: string, permissionSetName: string): IamRole[] {
  let byKey = reservedByAccount.get(index);
  if (byKey === undefined) {
    byKey = new Map();
    for (const role of index.roles) {
      const ps = reservedRolePermissionSet(role.name, rolePath(role));
      if (ps === undefined) continue;
      const key = `${role.account}|${ps}`;
      const list = byKey.get(key) ?? [];
      list.push(role);
      byKey.set(key, list);
    }
    reservedByAccount.set(index, byKey);
  }
  return byKey.get(`${account}|${permissionSetName}`) ?? [];
}

/** Every assignment that reaches `user`, directly or through a group. */
export function grantsOf(directory: IdentityCenterDirectory, user: IdentityCenterUser): IdcGrant[] {
  const out: IdcGrant[] = [];
  const add = (a: IdentityCenterAssignment, group?: IdentityCenterGroup, membershipSource?: string): void => {
    const permissionSet = directory.permissionSet(a.permissionSetArn);
    if (permissionSet === undefined) return;
    out.push({
      assignment: a,
      permissionSet,
      ...(group !== undefined ? { group } : {}),
      ...(membershipSource !== undefined ? { membershipSource } : {}),
    });
  };
  for (const a of directory.state.assignments)
    if (a.principalType === "USER" && a.principalId === user.userId) add(a);
  for (const m of directory.membershipsOf(user.userId)) {
    const group = directory.group(m.groupId);
    if (group === undefined) continue;
    for (const a of directory.state.assignments)
      if (a.principalType === "GROUP" && a.principalId === group.groupId) add(a, group, m.source);
  }
  return out;
}

export function idcUserHop(user: IdentityCenterUser, why?: string): Hop {
  return {
    kind: "idc-user",
    id: `idc:user:${user.userId}`,
    what: `Identity Center user ${user.userName}`,
    why:
      why ??
      `the Identity Center user asked about (user id ${user.userId}${user.displayName !== undefined ? `, ${user.displayName}` : ""})`,
    source: user.source,
  };
}

/** The hops from the person to the account assignment (without the role). */
export function grantHops(user: IdentityCenterUser, g: IdcGrant): Hop[] {
  const hops: Hop[] = [];
  const ps = g.permissionSet;
  const a = g.assignment;
  if (g.group !== undefined) {
    hops.push({
      kind: "idc-group",
      id: `idc:group:${g.group.groupId}`,
      what: `Identity Center group ${g.group.displayName}`,
      why: `${user.userName} is a member`,
      ...(g.membershipSource !== undefined ? { source: g.membershipSource } : {}),
    });
  }
  const holder = g.group !== undefined ? `group ${g.group.displayName}` : `user ${user.userName} itself`;
  hops.push({
    kind: "permission-set",
    id: `idc:permission-set:${ps.arn}`,
    what: `permission set ${ps.name}`,
    why: `assigned to ${holder}${ps.sessionDuration !== undefined ? `; sessions last ${ps.sessionDuration}` : ""}`,
    source: ps.source,
  });
  hops.push({
    kind: "account-assignment",
    id: `idc:assignment:${a.accountId}:${ps.arn}:${a.principalType}:${a.principalId}`,
    what: `account assignment of ${ps.name} in account ${a.accountId}`,
    why: `${a.principalType === "GROUP" ? "the group" : "the user"} may sign in to account ${a.accountId} with ${ps.name}`,
    source: a.source,
  });
  return hops;
}

export function reservedRoleHop(role: IamRole, ps: IdentityCenterPermissionSet, sessionName: string): Hop {
  return {
    kind: "iam-role",
    id: `iam:${role.arn.toLowerCase()}`,
    what: `IAM role ${role.name}`,
    why:
      `the role Identity Center created in account ${role.account} for permission set ${ps.name} ` +
      `(path ${rolePath(role)}, matched by name); signing in gives a session named ${JSON.stringify(sessionName)} ` +
      "(Identity Center sets the session name to the user name)",
    source: role.arn,
  };
}

/** The routes of one Identity Center user into role sessions. */
export function identityCenterRoutes(
  index: IamIndex,
  directory: IdentityCenterDirectory | undefined,
  nameOrId: string,
): IdcRoutes {
  const user = directory?.user(nameOrId);
  if (directory === undefined || user === undefined) return { grants: [], starts: [], unresolved: [] };
  const grants = grantsOf(directory, user);
  const starts: IdcStart[] = [];
  const unresolved: IdcUnresolved[] = [];
  const seen = new Set<string>();
  for (const g of grants) {
    const roles = reservedRolesFor(index, g.assignment.accountId, g.permissionSet.name);
    if (roles.length === 0) {
      unresolved.push({
        grant: g,
        reason: `account ${g.assignment.accountId} has no role AWSReservedSSO_${g.permissionSet.name}_* under ${RESERVED_ROLE_PATH_PREFIX} in the snapshot (not provisioned yet, or the account's IAM is not in the snapshot)`,
      });
      continue;
    }
    for (const role of roles) {
      const key = `${role.arn.toLowerCase()}|${g.group?.groupId ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      starts.push({
        grant: g,
        role,
        hops: [
          idcUserHop(user),
          ...grantHops(user, g),
          reservedRoleHop(role, g.permissionSet, user.userName),
        ],
        sessionName: user.userName,
        sessionNameReason: idcSessionReason(user.userName),
      });
    }
  }
  return { user, grants, starts, unresolved };
}

/** For who-can: the people who get a session of `role`, with their hops into it. */
export function identityCenterSessionsOf(
  directory: IdentityCenterDirectory | undefined,
  role: IamRole,
): { readonly user: IdentityCenterUser; readonly start: IdcStart }[] {
  if (directory === undefined) return [];
  const psName = reservedRolePermissionSet(role.name, rolePath(role));
  if (psName === undefined) return [];
  const ps = directory.permissionSetByName(psName);
  if (ps === undefined) return [];
  const out: { user: IdentityCenterUser; start: IdcStart }[] = [];
  const seen = new Set<string>();
  for (const a of directory.assignmentsFor(role.account, ps.arn)) {
    const members =
      a.principalType === "USER"
        ? [{ user: directory.userById(a.principalId), group: undefined, source: undefined }]
        : directory.membersOf(a.principalId).map((m) => ({
            user: directory.userById(m.userId),
            group: directory.group(a.principalId),
            source: m.source,
          }));
    for (const { user, group, source } of members) {
      if (user === undefined || (a.principalType === "GROUP" && group === undefined)) continue;
      const key = `${user.userId}|${group?.groupId ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const grant: IdcGrant = {
        assignment: a,
        permissionSet: ps,
        ...(group !== undefined ? { group } : {}),
        ...(source !== undefined ? { membershipSource: source } : {}),
      };
      out.push({
        user,
        start: {
          grant,
          role,
          hops: [
            idcUserHop(user, "a person in Identity Center"),
            ...grantHops(user, grant),
            reservedRoleHop(role, ps, user.userName),
          ],
          sessionName: user.userName,
          sessionNameReason: idcSessionReason(user.userName),
        },
      });
    }
  }
  return out;
}
