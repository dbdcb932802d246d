/**
 * The indexed form of an IAM snapshot: users with their groups resolved, roles, managed
 * policies parsed once, SCPs per account, and (built on first use) the indexes that make
 * "who can assume this role" and "which roles can this principal assume" cheap.
 */
import type { Diagnostic } from "../../diagnostics.js";
import { accountIdOf, classifyPrincipalArn, readArn } from "../../model/arn.js";
import {
  Policy,
  parsePolicyDocument,
  type PolicyAttachment,
  type PolicyKind,
  type Statement,
} from "./policy-document.js";
import type {
  AccountAuthorizationDetails,
  IamSnapshot,
  RawAttachedPolicy,
  RawInlinePolicy,
  RawManagedPolicyDetail,
  RawPolicyDocument,
  RawTag,
} from "./iam-snapshot.js";
import { isLiteral, wildcardMatch } from "./wildcard.js";

export const ASSUME_ROLE = "sts:AssumeRole";

export interface IamUser {
  readonly type: "user";
  readonly arn: string;
  readonly name: string;
  readonly id?: string;
  readonly account: string;
  readonly partition: string;
  readonly groups: readonly IamGroup[];
  /** The user's own inline and managed policies. */
  readonly policies: readonly PolicyAttachment[];
  readonly boundary?: PolicyAttachment;
  readonly tags: ReadonlyMap<string, string>;
}

export interface IamGroup {
  readonly type: "group";
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly policies: readonly PolicyAttachment[];
  readonly members: IamUser[];
}

export interface IamRole {
  readonly type: "role";
  readonly arn: string;
  readonly name: string;
  readonly id?: string;
  readonly account: string;
  readonly partition: string;
  readonly trust?: PolicyAttachment;
  readonly policies: readonly PolicyAttachment[];
  readonly boundary?: PolicyAttachment;
  readonly tags: ReadonlyMap<string, string>;
}

export interface ScpLevel {
  readonly target: string;
  readonly policies: readonly PolicyAttachment[];
}

/** One trust statement that may let someone call sts:AssumeRole on `role`. */
export interface TrustEntry {
  readonly role: IamRole;
  readonly statement: Statement;
}

/** A user, group or role holding an identity policy that may allow sts:AssumeRole. */
export type AssumeHolder = IamUser | IamGroup | IamRole;

interface AssumeGrantPattern {
  readonly holder: AssumeHolder;
  readonly patterns: readonly string[];
  readonly negated: boolean;
}

interface AssumeIndexes {
  /** Key: lowercased principal ARN, or `account:<id>`. */
  readonly trustByPrincipal: Map<string, TrustEntry[]>;
  /** `Principal: "*"` and `NotPrincipal` statements: anyone may match. */
  readonly trustOpen: TrustEntry[];
  /** Identity Allow statements for sts:AssumeRole with literal resources, by resource ARN. */
  readonly grantsByResource: Map<string, Set<AssumeHolder>>;
  /** ... and those with wildcards, variables or NotResource. */
  readonly grantPatterns: AssumeGrantPattern[];
}

export class IamIndex {
  readonly diagnostics: Diagnostic[] = [];
  readonly users: IamUser[] = [];
  readonly groups: IamGroup[] = [];
  readonly roles: IamRole[] = [];
  private readonly usersByArn = new Map<string, IamUser>();
  private readonly usersByName = new Map<string, IamUser>();
  private readonly rolesByArn = new Map<string, IamRole>();
  private readonly rolesByName = new Map<string, IamRole>();
  private readonly groupsByName = new Map<string, IamGroup>();
  private readonly managed = new Map<string, { name: string; policy: Policy }>();
  private readonly scps = new Map<string, ScpLevel[]>();
  readonly accounts = new Set<string>();
  private assume: AssumeIndexes | undefined;

  constructor(snapshot: IamSnapshot) {
    snapshot.accounts.forEach((details, i) => {
      this.loadManaged(details.Policies ?? [], `accounts[${i}].Policies`);
    });
    snapshot.accounts.forEach((details, i) => {
      this.loadAccount(details, `accounts[${i}]`);
    });
    (snapshot.serviceControlPolicies ?? []).forEach((entry, i) => {
      const levels = entry.Levels.map((level, j) => ({
        target: level.Target,
        policies: level.Policies.map((p, k) => ({
          policy: this.parse(p.Document, `serviceControlPolicies[${i}].Levels[${j}].Policies[${k}].Document`),
          source: {
            kind: "scp" as const,
            policyName: p.Name,
            ...(p.Arn !== undefined ? { policyArn: p.Arn } : {}),
            attachedTo: level.Target,
          },
        })),
      }));
      this.scps.set(entry.AccountId, levels);
    });
  }

  user(arnOrKey: string): IamUser | undefined {
    return this.usersByArn.get(arnOrKey.toLowerCase());
  }

  userByName(account: string, name: string): IamUser | undefined {
    return this.usersByName.get(`${account}:${name.toLowerCase()}`);
  }

  role(arn: string): IamRole | undefined {
    return this.rolesByArn.get(arn.toLowerCase());
  }

  roleByName(account: string, name: string): IamRole | undefined {
    return this.rolesByName.get(`${account}:${name.toLowerCase()}`);
  }

  group(account: string, name: string): IamGroup | undefined {
    return this.groupsByName.get(`${account}:${name.toLowerCase()}`);
  }

  serviceControlPolicies(account: string): readonly ScpLevel[] | undefined {
    return this.scps.get(account);
  }

  /** Trust and identity indexes for sts:AssumeRole, built once on first use. */
  assumeIndexes(): AssumeIndexes {
    this.assume ??= this.buildAssumeIndexes();
    return this.assume;
  }

  private parse(raw: RawPolicyDocument, path: string): Policy {
    const parsed = parsePolicyDocument(raw, path);
    this.diagnostics.push(...parsed.diagnostics);
    return new Policy(parsed.document);
  }

  private loadManaged(policies: readonly RawManagedPolicyDetail[], path: string): void {
    policies.forEach((p, i) => {
      const versions = p.PolicyVersionList ?? [];
      const chosen =
        versions.find((v) => v.IsDefaultVersion === true) ??
        versions.find((v) => v.VersionId !== undefined && v.VersionId === p.DefaultVersionId) ??
        (versions.length === 1 ? versions[0] : undefined);
      if (chosen?.Document === undefined) {
        this.diagnostics.push({
          code: "IAM103",
          severity: "warning",
          summary: `Managed policy ${p.Arn} has no default version document; it grants nothing here.`,
          path: `${path}[${i}]`,
        });
        return;
      }
      const j = versions.indexOf(chosen);
      this.managed.set(p.Arn, {
        name: p.PolicyName,
        policy: this.parse(chosen.Document, `${path}[${i}].PolicyVersionList[${j}].Document`),
      });
    });
  }

  private attachments(
    inline: readonly RawInlinePolicy[] | undefined,
    attached: readonly RawAttachedPolicy[] | undefined,
    owner: string,
    kinds: { inline: PolicyKind; managed: PolicyKind },
    path: string,
  ): PolicyAttachment[] {
    const out: PolicyAttachment[] = [];
    (inline ?? []).forEach((p, i) => {
      out.push({
        policy: this.parse(p.PolicyDocument, `${path}.inline[${i}].PolicyDocument`),
        source: { kind: kinds.inline, policyName: p.PolicyName, attachedTo: owner },
      });
    });
    (attached ?? []).forEach((a, i) => {
      const m = this.managedAttachment(
        a.PolicyArn,
        kinds.managed,
        owner,
        `${path}.AttachedManagedPolicies[${i}]`,
      );
      if (m !== undefined) out.push(m);
    });
    return out;
  }

  private managedAttachment(
    arn: string,
    kind: PolicyKind,
    owner: string,
    path: string,
  ): PolicyAttachment | undefined {
    const found = this.managed.get(arn);
    if (found === undefined) {
      this.diagnostics.push({
        code: "IAM104",
        severity: "warning",
        summary: `Managed policy ${arn} is attached to ${owner} but is not in the snapshot; it is ignored.`,
        detail: "Collect the snapshot without a --filter so that AWS managed policies are included.",
        path,
      });
      return undefined;
    }
    return {
      policy: found.policy,
      source: { kind, policyName: found.name, policyArn: arn, attachedTo: owner },
    };
  }

  private loadAccount(details: AccountAuthorizationDetails, path: string): void {
    (details.GroupDetailList ?? []).forEach((g, i) => {
      const account = accountIdOf(g.Arn) ?? "";
      const group: IamGroup = {
        type: "group",
        arn: g.Arn,
        name: g.GroupName,
        account,
        policies: this.attachments(
          g.GroupPolicyList,
          g.AttachedManagedPolicies,
          g.Arn,
          { inline: "group-inline", managed: "group-managed" },
          `${path}.GroupDetailList[${i}]`,
        ),
        members: [],
      };
      this.accounts.add(account);
      this.groups.push(group);
      this.groupsByName.set(`${account}:${g.GroupName.toLowerCase()}`, group);
    });
    (details.UserDetailList ?? []).forEach((u, i) => {
      const upath = `${path}.UserDetailList[${i}]`;
      const parsed = readArn(u.Arn);
      const account = parsed?.accountId ?? "";
      const groups: IamGroup[] = [];
      (u.GroupList ?? []).forEach((name, j) => {
        const g = this.group(account, name);
        if (g === undefined) {
          this.diagnostics.push({
            code: "IAM105",
            severity: "warning",
            summary: `User ${u.UserName} is in group ${name}, which is not in the snapshot; its policies are ignored.`,
            path: `${upath}.GroupList[${j}]`,
          });
        } else groups.push(g);
      });
      const boundary =
        u.PermissionsBoundary === undefined
          ? undefined
          : this.managedAttachment(
              u.PermissionsBoundary.PermissionsBoundaryArn,
              "permissions-boundary",
              u.Arn,
              `${upath}.PermissionsBoundary`,
            );
      const user: IamUser = {
        type: "user",
        arn: u.Arn,
        name: u.UserName,
        ...(u.UserId !== undefined ? { id: u.UserId } : {}),
        account,
        partition: parsed?.partition ?? "aws",
        groups,
        policies: this.attachments(
          u.UserPolicyList,
          u.AttachedManagedPolicies,
          u.Arn,
          { inline: "user-inline", managed: "user-managed" },
          upath,
        ),
        ...(boundary !== undefined ? { boundary } : {}),
        tags: tagMap(u.Tags),
      };
      for (const g of groups) g.members.push(user);
      this.accounts.add(account);
      this.users.push(user);
      this.usersByArn.set(u.Arn.toLowerCase(), user);
      this.usersByName.set(`${account}:${u.UserName.toLowerCase()}`, user);
    });
    (details.RoleDetailList ?? []).forEach((r, i) => {
      const rpath = `${path}.RoleDetailList[${i}]`;
      const parsed = readArn(r.Arn);
      const account = parsed?.accountId ?? "";
      const boundary =
        r.PermissionsBoundary === undefined
          ? undefined
          : this.managedAttachment(
              r.PermissionsBoundary.PermissionsBoundaryArn,
              "permissions-boundary",
              r.Arn,
              `${rpath}.PermissionsBoundary`,
            );
      const trust: PolicyAttachment | undefined =
        r.AssumeRolePolicyDocument === undefined
          ? undefined
          : {
              policy: this.parse(r.AssumeRolePolicyDocument, `${rpath}.AssumeRolePolicyDocument`),
              source: { kind: "trust", policyName: "AssumeRolePolicyDocument", attachedTo: r.Arn },
            };
      const role: IamRole = {
        type: "role",
        arn: r.Arn,
        name: r.RoleName,
        ...(r.RoleId !== undefined ? { id: r.RoleId } : {}),
        account,
        partition: parsed?.partition ?? "aws",
        ...(trust !== undefined ? { trust } : {}),
        policies: this.attachments(
          r.RolePolicyList,
          r.AttachedManagedPolicies,
          r.Arn,
          { inline: "role-inline", managed: "role-managed" },
          rpath,
        ),
        ...(boundary !== undefined ? { boundary } : {}),
        tags: tagMap(r.Tags),
      };
      if (trust !== undefined) this.lintTrust(role, trust, `${rpath}.AssumeRolePolicyDocument`);
      this.accounts.add(account);
      this.roles.push(role);
      this.rolesByArn.set(r.Arn.toLowerCase(), role);
      this.rolesByName.set(`${account}:${r.RoleName.toLowerCase()}`, role);
    });
  }

  /** Trust-policy problems AWS would reject or that silently match nobody (I2). */
  private lintTrust(role: IamRole, trust: PolicyAttachment, path: string): void {
    for (const s of trust.policy.document.statements) {
      const spath = `${path}.Statement[${s.index}]`;
      if (s.principal === undefined && s.notPrincipal === undefined) {
        this.diagnostics.push({
          code: "IAM106",
          severity: "error",
          summary: `Trust policy of ${role.name} has a statement without Principal; it matches nobody.`,
          path: spath,
        });
      }
      for (const p of [...(s.principal?.aws ?? []), ...(s.notPrincipal?.aws ?? [])]) {
        const kind = classifyPrincipalArn(p);
        if (kind.kind === "group") {
          this.diagnostics.push({
            code: "IAM107",
            severity: "error",
            summary: `Trust policy of ${role.name} names IAM group ${p}; groups are not principals and never match.`,
            detail: "Name the account root and grant sts:AssumeRole to the group in a group policy instead.",
            path: spath,
          });
        } else if (kind.kind === "other" && !/^\d{12}$/.test(p)) {
          this.diagnostics.push({
            code: "IAM108",
            severity: "warning",
            summary: `Trust policy of ${role.name} names ${p}, which is not a principal ARN (a deleted principal's unique id?); it matches nobody.`,
            path: spath,
          });
        }
      }
    }
  }

  private buildAssumeIndexes(): AssumeIndexes {
    const trustByPrincipal = new Map<string, TrustEntry[]>();
    const trustOpen: TrustEntry[] = [];
    const add = (key: string, entry: TrustEntry): void => {
      const list = trustByPrincipal.get(key);
      if (list === undefined) trustByPrincipal.set(key, [entry]);
      else list.push(entry);
    };
    for (const role of this.roles) {
      if (role.trust === undefined) continue;
      for (const statement of role.trust.policy.statementsFor(ASSUME_ROLE)) {
        if (statement.effect !== "Allow") continue;
        const entry = { role, statement };
        if (statement.notPrincipal !== undefined || statement.principal?.anyone === true) {
          trustOpen.push(entry);
          continue;
        }
        for (const p of statement.principal?.aws ?? []) {
          const key = principalKey(p);
          if (key !== undefined) add(key, entry);
        }
      }
    }
    const grantsByResource = new Map<string, Set<AssumeHolder>>();
    const grantPatterns: AssumeGrantPattern[] = [];
    const holders: AssumeHolder[] = [...this.users, ...this.groups, ...this.roles];
    for (const holder of holders) {
      for (const attachment of holder.policies) {
        for (const s of attachment.policy.statementsFor(ASSUME_ROLE)) {
          if (s.effect !== "Allow") continue;
          if (s.notResource !== undefined) {
            grantPatterns.push({ holder, patterns: s.notResource, negated: true });
            continue;
          }
          const literal: string[] = [];
          const wild: string[] = [];
          for (const r of s.resource ?? ["*"]) {
            if (isLiteral(r) && !r.includes("${")) literal.push(r);
            else wild.push(r.replace(/\$\{[^}]*\}/g, "*"));
          }
          for (const r of literal) {
            let set = grantsByResource.get(r);
            if (set === undefined) grantsByResource.set(r, (set = new Set()));
            set.add(holder);
          }
          if (wild.length > 0) grantPatterns.push({ holder, patterns: wild, negated: false });
        }
      }
    }
    return { trustByPrincipal, trustOpen, grantsByResource, grantPatterns };
  }

  /**
   * Users, groups and roles with an identity Allow for sts:AssumeRole that may cover
   * `roleArn` (a superset: conditions and denies are checked by the full evaluation).
   */
  assumeGrantHolders(roleArn: string): Set<AssumeHolder> {
    const { grantsByResource, grantPatterns } = this.assumeIndexes();
    const out = new Set<AssumeHolder>(grantsByResource.get(roleArn) ?? []);
    for (const g of grantPatterns) {
      if (out.has(g.holder)) continue;
      const hit = g.patterns.some((p) => wildcardMatch(p, roleArn));
      if (hit !== g.negated) out.add(g.holder);
    }
    return out;
  }
}

/** The trust-index key of a principal entry: `account:<id>` for account principals. */
export function principalKey(entry: string): string | undefined {
  if (/^\d{12}$/.test(entry)) return `account:${entry}`;
  const kind = classifyPrincipalArn(entry);
  if (kind.kind === "root") return `account:${kind.accountId}`;
  if (kind.kind === "other" || kind.kind === "group") return undefined;
  return entry.toLowerCase();
}

function tagMap(tags: readonly RawTag[] | undefined): ReadonlyMap<string, string> {
  return new Map((tags ?? []).map((t) => [t.Key, t.Value]));
}

const cache = new WeakMap<IamSnapshot, IamIndex>();

/** The index of a snapshot, built once per snapshot object. */
export function indexSnapshot(snapshot: IamSnapshot | IamIndex): IamIndex {
  if (snapshot instanceof IamIndex) return snapshot;
  let index = cache.get(snapshot);
  if (index === undefined) {
    index = new IamIndex(snapshot);
    cache.set(snapshot, index);
  }
  return index;
}
