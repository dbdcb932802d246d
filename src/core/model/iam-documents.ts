/**
 * The IAM side of a team: the role members assume, its trust policy and permission policy,
 * the group policy that lets members assume it, names and tags. All pure and deterministic:
 * the same config always yields byte-identical documents.
 *
 * Why a role at all: IAM groups are not principals, so neither aws-auth nor access entries
 * can map a group. Trusting the account root and granting `sts:AssumeRole` to the group
 * (IAM evaluation I3: same account + root principal needs an identity-policy allow too)
 * makes group membership the thing that decides who can become the team's role.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { AccessConfig, Cluster, Team } from "./access-config.js";
import { groupPolicyName, rolePolicyName, TEAM_TAG_KEY, teamRoleTags } from "./ownership.js";
import {
  policyDocumentSize,
  validatePolicyDocument,
  type PolicyDocument,
  type Statement,
} from "./policy-document.js";
import { formatRootArn } from "./arn.js";

/** The account a config manages: enough to build root and role ARNs. */
export type AccountRef = Pick<AccessConfig, "accountId" | "partition">;

export interface IamTag {
  readonly Key: string;
  readonly Value: string;
}

export interface InlinePolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** Everything eksgate creates in IAM for one team. */
export interface TeamIamDocuments {
  readonly team: string;
  readonly roleName: string;
  readonly roleArn: string;
  readonly roleDescription: string;
  readonly roleTags: readonly IamTag[];
  readonly trustPolicy: PolicyDocument;
  /** Inline policy on the role. */
  readonly rolePolicy: InlinePolicy;
  /** Inline policy on the team's IAM group. */
  readonly groupName: string;
  readonly groupPolicy: InlinePolicy;
}

/** Stable statement ids: IAM allows only letters and digits. */
export const TRUST_STATEMENT_SID = "EksgateTeamAssumeRole";
export const ROLE_POLICY_STATEMENT_SID = "EksgateDescribeTeamClusters";
export const GROUP_POLICY_STATEMENT_SID = "EksgateAssumeTeamRole";

// Names and tags that mark eksgate's IAM objects are defined in ownership.ts.
export { groupPolicyName, rolePolicyName, teamRoleTags } from "./ownership.js";

export function accountRootArn(account: AccountRef): string {
  return formatRootArn(account.partition, account.accountId);
}

export function teamRoleDescription(team: Pick<Team, "name">): string {
  return `Managed by eksgate: Amazon EKS access for team ${team.name}`;
}

/**
 * The role's trust policy. Principal is the account root, so the trust policy by itself
 * lets no one in: a caller also needs an identity policy allowing sts:AssumeRole on the
 * role, which only the team's group policy grants.
 *
 * Only `sts:AssumeRole`, not `sts:TagSession`: nothing eksgate sets up passes session tags
 * (neither `eksgate token` nor the aws CLI profile), and allowing them would let a member
 * attach principal tags of their choosing to the session, which matters wherever
 * tag-based (ABAC) conditions are used. Least privilege says leave it out; a team that
 * needs it can get it through a later option.
 *
 * `sessionName: caller` adds `StringEquals sts:RoleSessionName = ${aws:username}`: STS then
 * refuses any session not named after the caller's own IAM user name, so each person shows
 * up under their own name in Kubernetes audit logs (username `...:{{SessionName}}`). For
 * callers without `aws:username` (federated or SSO sessions) the key is missing and the
 * condition fails (IAM evaluation I9): such callers cannot assume the role.
 *
 * `requireMfa` adds `Bool aws:MultiFactorAuthPresent = "true"`: the caller's credentials
 * must come from an MFA-authenticated session (long-term access keys alone do not).
 */
export function teamTrustPolicy(account: AccountRef, team: Team): PolicyDocument {
  const condition: Record<string, Record<string, string>> = {};
  if (team.sessionName === "caller") {
    condition["StringEquals"] = { "sts:RoleSessionName": "${aws:username}" };
  }
  if (team.requireMfa) {
    condition["Bool"] = { "aws:MultiFactorAuthPresent": "true" };
  }
  const statement: Statement = {
    Sid: TRUST_STATEMENT_SID,
    Effect: "Allow",
    Principal: { AWS: accountRootArn(account) },
    Action: "sts:AssumeRole",
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  return { Version: "2012-10-17", Statement: [statement] };
}

/**
 * ARNs of the clusters a team has access to, sorted and de-duplicated. A reference to a
 * cluster the config does not define is a broken invariant (the config rules reject it)
 * and throws.
 */
export function teamClusterArns(clusters: readonly Cluster[], team: Team): readonly string[] {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const arns = new Set<string>();
  for (const access of team.access) {
    const cluster = byName.get(access.cluster);
    if (cluster === undefined) {
      throw new Error(
        `team ${team.name} refers to cluster ${access.cluster}, which the config does not define`,
      );
    }
    arns.add(cluster.arn);
  }
  return [...arns].sort();
}

/**
 * The role's permission policy: `eks:DescribeCluster` on exactly the team's clusters, which
 * is what `aws eks update-kubeconfig` needs when run with the role's credentials. Nothing
 * else: Kubernetes permissions come from RBAC, and a token (a presigned
 * sts:GetCallerIdentity) needs no IAM permission at all. A team without any access is a
 * broken invariant (no valid statement exists) and throws.
 */
export function teamRolePolicy(clusters: readonly Cluster[], team: Team): PolicyDocument {
  const arns = teamClusterArns(clusters, team);
  if (arns.length === 0) throw new Error(`team ${team.name} has no cluster access`);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: ROLE_POLICY_STATEMENT_SID,
        Effect: "Allow",
        Action: "eks:DescribeCluster",
        Resource: arns.length === 1 ? (arns[0] as string) : arns,
      },
    ],
  };
}

/** The group's inline policy: `sts:AssumeRole` on exactly the team's role. */
export function teamGroupPolicy(team: Team): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: GROUP_POLICY_STATEMENT_SID,
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: team.roleArn,
      },
    ],
  };
}

/** All IAM documents and names for one team. */
export function teamIamDocuments(config: AccessConfig, team: Team): TeamIamDocuments {
  return {
    team: team.name,
    roleName: team.roleName,
    roleArn: team.roleArn,
    roleDescription: teamRoleDescription(team),
    roleTags: teamRoleTags(team),
    trustPolicy: teamTrustPolicy(config, team),
    rolePolicy: { name: rolePolicyName(team), document: teamRolePolicy(config.clusters, team) },
    groupName: team.iamGroup,
    groupPolicy: { name: groupPolicyName(team), document: teamGroupPolicy(team) },
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

export type IamNameKind = "role" | "group" | "user" | "policy";

/** IAM quotas (IAM User Guide, "IAM and AWS STS quotas"). */
export const IAM_NAME_MAX_LENGTH: Readonly<Record<IamNameKind, number>> = {
  role: 64,
  user: 64,
  group: 128,
  policy: 128,
};
/** Default size quotas in characters, whitespace not counted. */
export const IAM_POLICY_SIZE_LIMITS = {
  /** Role trust policy (default quota; can be raised to 4,096). */
  trustPolicy: 2048,
  /** All inline policies of one role together. */
  roleInline: 10240,
  /** All inline policies of one group together. */
  groupInline: 5120,
} as const;
const IAM_NAME_PATTERN = /^[\w+=,.@-]+$/;
/** Characters IAM accepts in tag keys and values. */
const IAM_TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const IAM_TAG_VALUE_MAX = 256;

export const IAM_DIAGNOSTIC_CODES = {
  nameEmpty: "IAM001",
  nameTooLong: "IAM002",
  nameCharacters: "IAM003",
  tagValue: "IAM004",
  policyTooLarge: "IAM005",
} as const;

/** Checks an IAM name against the length and character rules for its kind. */
export function validateIamName(kind: IamNameKind, name: string, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const max = IAM_NAME_MAX_LENGTH[kind];
  if (name.length === 0) {
    out.push({
      code: IAM_DIAGNOSTIC_CODES.nameEmpty,
      severity: "error",
      summary: `The IAM ${kind} name is empty.`,
      path,
    });
    return out;
  }
  if (name.length > max) {
    out.push({
      code: IAM_DIAGNOSTIC_CODES.nameTooLong,
      severity: "error",
      summary: `IAM ${kind} name "${name}" is ${name.length} characters; IAM allows at most ${max}.`,
      detail: "Choose a shorter name.",
      path,
    });
  }
  if (!IAM_NAME_PATTERN.test(name)) {
    const bad = [...new Set(name.match(/[^\w+=,.@-]/gu) ?? [])].join("");
    out.push({
      code: IAM_DIAGNOSTIC_CODES.nameCharacters,
      severity: "error",
      summary: `IAM ${kind} name "${name}" contains characters IAM does not allow: ${JSON.stringify(bad)}.`,
      detail: "Use only letters, digits and + = , . @ _ -.",
      path,
    });
  }
  return out;
}

function sizeCheck(doc: PolicyDocument, limit: number, what: string, path: string): Diagnostic[] {
  const size = policyDocumentSize(doc);
  if (size <= limit) return [];
  return [
    {
      code: IAM_DIAGNOSTIC_CODES.policyTooLarge,
      severity: "error",
      summary: `The ${what} is ${size} characters; IAM's default quota is ${limit}.`,
      detail: "Split the team or reduce the number of clusters it covers.",
      path,
    },
  ];
}

/**
 * Every IAM-level problem with a team's names and documents, as diagnostics. `teamPath` is
 * the team's field path in the config, e.g. `teams[2]`; names derived from the team name
 * (policy names, tag value) are reported at `<teamPath>.name`.
 */
export function validateTeamIam(config: AccessConfig, team: Team, teamPath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  out.push(...validateIamName("role", team.roleName, `${teamPath}.roleName`));
  out.push(...validateIamName("group", team.iamGroup, `${teamPath}.iamGroup`));
  // Both policy names derive from the team name: report each kind of problem once.
  out.push(
    ...firstPerCode([
      ...validateIamName("policy", groupPolicyName(team), `${teamPath}.name`),
      ...validateIamName("policy", rolePolicyName(team), `${teamPath}.name`),
    ]),
  );
  if (team.name.length > IAM_TAG_VALUE_MAX || !IAM_TAG_PATTERN.test(team.name)) {
    out.push({
      code: IAM_DIAGNOSTIC_CODES.tagValue,
      severity: "error",
      summary: `Team name "${team.name}" cannot be an IAM tag value (${TEAM_TAG_KEY}).`,
      detail: "Use at most 256 letters, digits, spaces and _ . : / = + - @.",
      path: `${teamPath}.name`,
    });
  }
  // Documents can only be built from a team whose cluster references resolve; the config
  // rules report unknown clusters themselves.
  const known = new Set(config.clusters.map((c) => c.name));
  if (team.access.length === 0 || team.access.some((a) => !known.has(a.cluster))) return out;
  const docs = teamIamDocuments(config, team);
  out.push(...validatePolicyDocument(docs.trustPolicy, "trust", `${teamPath}.trustPolicy`));
  out.push(...validatePolicyDocument(docs.rolePolicy.document, "identity", `${teamPath}.rolePolicy`));
  out.push(...validatePolicyDocument(docs.groupPolicy.document, "identity", `${teamPath}.groupPolicy`));
  out.push(...sizeCheck(docs.trustPolicy, IAM_POLICY_SIZE_LIMITS.trustPolicy, "trust policy", teamPath));
  out.push(
    ...sizeCheck(
      docs.rolePolicy.document,
      IAM_POLICY_SIZE_LIMITS.roleInline,
      "role permission policy",
      `${teamPath}.access`,
    ),
  );
  out.push(
    ...sizeCheck(
      docs.groupPolicy.document,
      IAM_POLICY_SIZE_LIMITS.groupInline,
      "group policy",
      `${teamPath}.name`,
    ),
  );
  return out;
}

function firstPerCode(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    if (seen.has(d.code)) return false;
    seen.add(d.code);
    return true;
  });
}
