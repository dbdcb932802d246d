/**
 * The normalized access configuration: what `eksgate.yaml` means once it has passed
 * schema, normalization and rule checks. Everything downstream (render, plan, explain)
 * works from this model, never from raw YAML.
 */
import { formatRoleArn, partitionOf } from "./arn.js";

export type AuthenticationMode = "aws-auth" | "access-entries" | "auto";

/** How the role session name is chosen when a member assumes the team role. */
export type SessionNamePolicy =
  /** The trust policy forces session name = the caller's IAM user name. */
  | "caller"
  /** Any session name is accepted (audit logs then trust what the caller says). */
  | "free";

export interface Cluster {
  readonly name: string;
  readonly region: string;
  readonly authentication: AuthenticationMode;
  /** `arn:<partition>:eks:<region>:<account>:cluster/<name>` */
  readonly arn: string;
  /** The account the cluster is in (12 digits). */
  readonly accountId: string;
}

/** How eksgate reaches an account's APIs. */
export type AccountReach =
  /** With the identity eksgate runs as (its profile or the standard credential chain). */
  | { readonly kind: "default" }
  /** With the credentials of this AWS CLI profile. */
  | { readonly kind: "profile"; readonly profile: string }
  /** By assuming this role from the identity eksgate runs as. */
  | { readonly kind: "role"; readonly roleArn: string };

export interface Account {
  /** 12 digits. */
  readonly id: string;
  readonly alias?: string;
  readonly reach: AccountReach;
}

/** Members from an IAM Identity Center group, through a permission set. */
export interface IdentityCenterMembers {
  /** The group's display name, or undefined when given by id. */
  readonly group?: string;
  /** The group's identity store id, or undefined when given by name. */
  readonly groupId?: string;
  readonly permissionSet: string;
  /** Whether eksgate creates and updates the permission set and the account assignments. */
  readonly manage: boolean;
  /** ISO 8601 duration of a managed permission set's sessions. */
  readonly sessionDuration: string;
}

/** The IAM Identity Center instance; what is not given is discovered (ListInstances). */
export interface IdentityCenterSettings {
  readonly instanceArn?: string;
  readonly identityStoreId?: string;
  /** Region of the instance (default: the first cluster's). */
  readonly region: string;
  /** The account that administers Identity Center. */
  readonly accountId: string;
}

/** A built-in ClusterRole name or one of the config's custom roles. */
export type BuiltInClusterRole = "view" | "edit" | "admin" | "cluster-admin";

/**
 * An EKS access policy granted through the team's access entry instead of an RBAC
 * binding (access-entries clusters only): AmazonEKSViewPolicy, AmazonEKSEditPolicy,
 * AmazonEKSAdminPolicy, AmazonEKSAdminViewPolicy, AmazonEKSClusterAdminPolicy.
 */
export type AccessPolicyChoice = "view" | "edit" | "admin" | "admin-view" | "cluster-admin";

export interface TeamAccess {
  readonly cluster: string;
  /** The ClusterRole bound for the team; absent when the access is an access policy. */
  readonly clusterRole?: string;
  /** An EKS access policy instead of RBAC. Exactly one of clusterRole and accessPolicy is set. */
  readonly accessPolicy?: AccessPolicyChoice;
  /**
   * Empty: cluster-wide (a ClusterRoleBinding, or cluster scope for an access policy).
   * Otherwise one RoleBinding per namespace (or namespace scope).
   */
  readonly namespaces: readonly string[];
  readonly allowClusterAdmin: boolean;
}

export interface Team {
  readonly name: string;
  /** IAM group name (no path) the members belong to; "" for an Identity Center team. */
  readonly iamGroup: string;
  /** Set when the members come from IAM Identity Center instead of an IAM group. */
  readonly identityCenter?: IdentityCenterMembers;
  readonly sessionName: SessionNamePolicy;
  readonly requireMfa: boolean;
  readonly access: readonly TeamAccess[];
  /** IAM role name eksgate manages for this team (no path, so aws-auth can match it). */
  readonly roleName: string;
  /**
   * `arn:<partition>:iam::<identity account>:role/<roleName>`. In a config with several
   * accounts the role lives in each cluster account instead: see `roleArns`.
   */
  readonly roleArn: string;
  /** The Kubernetes group the team's role maps to. */
  readonly kubernetesGroup: string;
  /** Kubernetes username template, e.g. `eksgate:rnd:{{SessionName}}`. */
  readonly kubernetesUsername: string;
  /** Explicitly asked-for `system:masters` mapping (never by default). */
  readonly systemMasters: boolean;
}

/** One rule of a Kubernetes ClusterRole, as in rbac.authorization.k8s.io/v1. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

export interface CustomRole {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
}

export interface AccessConfig {
  /** The identity account: where the IAM groups are (and every cluster of a single-account config). */
  readonly accountId: string;
  /** Every account the config names, the identity account included; one for a single-account config. */
  readonly accounts: readonly Account[];
  /** Set when any team is an Identity Center team. */
  readonly identityCenter?: IdentityCenterSettings;
  readonly partition: string;
  readonly clusters: readonly Cluster[];
  readonly teams: readonly Team[];
  readonly customRoles: readonly CustomRole[];
}

/** Whether a team's members come from IAM Identity Center. */
export function isIdentityCenterTeam(
  team: Team,
): team is Team & { readonly identityCenter: IdentityCenterMembers } {
  return team.identityCenter !== undefined;
}

/** Accounts of a team's clusters, sorted, without repeats. */
export function teamAccounts(config: Pick<AccessConfig, "clusters">, team: Team): readonly string[] {
  const byName = new Map(config.clusters.map((c) => [c.name, c.accountId]));
  const ids = new Set<string>();
  for (const access of team.access) {
    const id = byName.get(access.cluster);
    if (id !== undefined) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * The team's role ARN in one account: an IAM-group team has its role (same name) in each
 * account of its clusters. Identity Center teams have no eksgate role.
 */
export function teamRoleArnIn(team: Pick<Team, "roleArn" | "roleName">, accountId: string): string {
  return formatRoleArn(partitionOf(team.roleArn), accountId, team.roleName);
}

/** The team's role ARN for one of its clusters (the role in the cluster's account). */
export function teamRoleArnFor(team: Pick<Team, "roleArn" | "roleName">, cluster: Cluster): string {
  return teamRoleArnIn(team, cluster.accountId);
}

/** Whether the config spans more than one account. */
export function isMultiAccount(config: Pick<AccessConfig, "accounts">): boolean {
  return config.accounts.length > 1;
}

// What marks an object as eksgate's is defined in ownership.ts.
export {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_TAG_KEY,
  TEAM_LABEL,
  TEAM_TAG_KEY,
} from "./ownership.js";
