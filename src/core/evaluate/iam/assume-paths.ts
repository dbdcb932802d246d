/**
 * Who can assume a role, and which roles a principal can assume: candidate selection through
 * the indexes in `IamIndex` (trust statements by principal, identity grants by resource), then
 * one full `canAssumeRole` per candidate. No query scans every statement of the account.
 */
import { classifyPrincipalArn, arnResourceName } from "../../model/arn.js";
import {
  ASSUME_ROLE,
  indexSnapshot,
  type AssumeHolder,
  type IamIndex,
  type IamRole,
  type IamUser,
} from "./account-index.js";
import type { AssumeRoleDecision } from "./decision.js";
import { canAssumeRole, resolveCaller, type AssumeRoleOptions, type SnapshotInput } from "./evaluator.js";
import { isLiteral, wildcardMatch } from "./wildcard.js";

export interface CandidateCaller {
  readonly arn: string;
  readonly type: "user" | "role" | "assumed-role";
  /** User name, role name, or session name. */
  readonly name: string;
}

export interface WhoCanAssumeOptions extends Omit<AssumeRoleOptions, "sessionName"> {
  /**
   * Session name each candidate would use. Default: a user's own user name (what a
   * `sts:RoleSessionName = ${aws:username}` trust condition asks for), a role's name.
   */
  readonly sessionName?: string | ((caller: CandidateCaller) => string);
  /** Consider roles (role chaining, I11) as callers too. Default true. */
  readonly includeRoles?: boolean;
  /** Also return the candidates that were denied, with their reasons. Default false. */
  readonly includeDenied?: boolean;
}

export interface AssumeCandidate {
  /** User ARN, role ARN, or the session ARN a trust policy named. */
  readonly principalArn: string;
  readonly principalType: "user" | "role" | "assumed-role";
  readonly decision: AssumeRoleDecision;
  /** Names of the groups whose policies supplied identity-side Allow statements. */
  readonly viaGroups: readonly string[];
}

/** A trust-policy principal the snapshot cannot resolve to a user or role. */
export interface UnresolvedTrustPrincipal {
  readonly principal: string;
  readonly reason: string;
  readonly sid?: string;
  readonly statementIndex: number;
}

export interface WhoCanAssume {
  readonly roleArn: string;
  readonly principals: readonly AssumeCandidate[];
  readonly unresolved: readonly UnresolvedTrustPrincipal[];
  /** How many candidates were fully evaluated. */
  readonly evaluated: number;
}

type Candidate =
  | { readonly kind: "user"; readonly user: IamUser }
  | { readonly kind: "role"; readonly role: IamRole }
  | { readonly kind: "session"; readonly arn: string };

export function principalsThatCanAssume(
  snapshot: SnapshotInput,
  roleArn: string,
  options: WhoCanAssumeOptions = {},
): WhoCanAssume {
  const index = indexSnapshot(snapshot);
  const role = index.role(roleArn);
  const includeRoles = options.includeRoles ?? true;
  const unresolved: UnresolvedTrustPrincipal[] = [];
  const candidates = new Map<string, Candidate>();
  const addUser = (u: IamUser): void => {
    candidates.set(u.arn.toLowerCase(), { kind: "user", user: u });
  };
  const addRole = (r: IamRole): void => {
    if (includeRoles) candidates.set(r.arn.toLowerCase(), { kind: "role", role: r });
  };
  let grantHolders: Set<AssumeHolder> | undefined;
  const holdersIn = (account: string): AssumeHolder[] => {
    grantHolders ??= index.assumeGrantHolders(roleArn);
    return [...grantHolders].filter((h) => h.account === account);
  };
  const addHolder = (h: AssumeHolder): void => {
    if (h.type === "user") addUser(h);
    else if (h.type === "group") h.members.forEach(addUser);
    else addRole(h);
  };

  for (const statement of role?.trust?.policy.statementsFor(ASSUME_ROLE) ?? []) {
    if (statement.effect !== "Allow") continue;
    const note = (principal: string, reason: string): void => {
      unresolved.push({
        principal,
        reason,
        ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
        statementIndex: statement.index,
      });
    };
    if (statement.notPrincipal !== undefined || statement.principal?.anyone === true) {
      index.users.forEach(addUser);
      index.roles.forEach(addRole);
      note("*", "any AWS principal, including those of accounts outside the snapshot");
      continue;
    }
    const set = statement.principal;
    if (set === undefined) continue;
    for (const s of set.service) note(s, "service principal");
    for (const f of set.federated) note(f, "federated principal");
    for (const c of set.canonicalUser) note(c, "canonical user");
    for (const entry of set.aws) {
      const kind = classifyPrincipalArn(entry);
      const account = /^\d{12}$/.test(entry) ? entry : kind.kind === "root" ? kind.accountId : undefined;
      if (account !== undefined) {
        if (index.accounts.has(account)) holdersIn(account).forEach(addHolder);
        else
          note(
            entry,
            `account ${account} is not in the snapshot; its principals need an identity policy there too`,
          );
        continue;
      }
      if (kind.kind === "user") {
        const u = index.user(entry);
        if (u === undefined) note(entry, "user is not in the snapshot");
        else addUser(u);
      } else if (kind.kind === "role") {
        const r = index.role(entry);
        if (r === undefined) note(entry, "role is not in the snapshot");
        else addRole(r);
      } else if (kind.kind === "assumed-role") {
        candidates.set(entry.toLowerCase(), { kind: "session", arn: entry });
      } else if (kind.kind === "group") {
        note(entry, "IAM groups are not principals; this entry never matches (I2)");
      } else {
        note(entry, "not a principal ARN (a deleted principal's unique id?); it never matches");
      }
    }
  }

  const principals: AssumeCandidate[] = [];
  for (const c of candidates.values()) {
    const caller: CandidateCaller =
      c.kind === "user"
        ? { arn: c.user.arn, type: "user", name: c.user.name }
        : c.kind === "role"
          ? { arn: c.role.arn, type: "role", name: c.role.name }
          : { arn: c.arn, type: "assumed-role", name: arnResourceName(c.arn) };
    const decision = canAssumeRole(index, caller.arn, roleArn, {
      ...options,
      sessionName: sessionNameFor(options, caller),
    });
    if (!decision.allowed && options.includeDenied !== true) continue;
    principals.push({
      principalArn: caller.arn,
      principalType: caller.type,
      decision,
      viaGroups: groupsOf(decision),
    });
  }
  principals.sort((a, b) => a.principalArn.localeCompare(b.principalArn));
  return { roleArn, principals, unresolved, evaluated: candidates.size };
}

function sessionNameFor(options: WhoCanAssumeOptions, caller: CandidateCaller): string {
  const s = options.sessionName;
  if (typeof s === "function") return s(caller);
  return s ?? caller.name;
}

function groupsOf(decision: AssumeRoleDecision): string[] {
  const names = new Set<string>();
  for (const m of decision.layers.identity.allows) {
    if (
      (m.source.kind === "group-inline" || m.source.kind === "group-managed") &&
      m.source.attachedTo !== undefined
    ) {
      names.add(arnResourceName(m.source.attachedTo));
    }
  }
  return [...names].sort();
}

/**
 * The roles `principalArn` can assume (allowed decisions only unless `includeDenied`), each
 * with the identity and trust statements that allow it.
 */
export function rolesAssumableBy(
  snapshot: SnapshotInput,
  principalArn: string,
  options: AssumeRoleOptions & { readonly includeDenied?: boolean } = {},
): AssumeRoleDecision[] {
  const index: IamIndex = indexSnapshot(snapshot);
  const caller = resolveCaller(index, principalArn, options);
  const { trustByPrincipal, trustOpen } = index.assumeIndexes();
  const roles = new Set<IamRole>();
  const direct = [caller.arn.toLowerCase()];
  if (caller.role !== undefined) direct.push(caller.role.arn.toLowerCase());
  for (const key of direct) for (const e of trustByPrincipal.get(key) ?? []) roles.add(e.role);
  for (const e of trustOpen) roles.add(e.role);
  // Account-level trust needs an identity Allow as well: pre-filter with the caller's grants.
  const patterns: { patterns: readonly string[]; negated: boolean }[] = [];
  for (const a of caller.identity) {
    for (const s of a.policy.statementsFor(ASSUME_ROLE)) {
      if (s.effect !== "Allow") continue;
      if (s.notResource !== undefined) patterns.push({ patterns: s.notResource, negated: true });
      else
        patterns.push({
          patterns: (s.resource ?? ["*"]).map((r) => r.replace(/\$\{[^}]*\}/g, "*")),
          negated: false,
        });
    }
  }
  const accountTrust = trustByPrincipal.get(`account:${caller.account}`) ?? [];
  const literal = patterns.every((p) => !p.negated && p.patterns.every(isLiteral));
  if (literal && patterns.length > 0) {
    // Common case: grants name roles exactly; look them up instead of scanning the trust list.
    const named = new Set<IamRole>();
    for (const p of patterns) {
      for (const arn of p.patterns) {
        const role = index.role(arn);
        if (role !== undefined) named.add(role);
      }
    }
    for (const e of accountTrust) if (named.has(e.role)) roles.add(e.role);
  } else if (patterns.length > 0) {
    for (const e of accountTrust) {
      if (roles.has(e.role)) continue;
      if (patterns.some((p) => p.patterns.some((x) => wildcardMatch(x, e.role.arn)) !== p.negated))
        roles.add(e.role);
    }
  }
  const out: AssumeRoleDecision[] = [];
  for (const role of roles) {
    const decision = canAssumeRole(index, principalArn, role.arn, options);
    if (decision.allowed || options.includeDenied === true) out.push(decision);
  }
  return out.sort((a, b) => a.roleArn.localeCompare(b.roleArn));
}
