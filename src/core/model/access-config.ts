/**
 * The normalized access configuration: what `eksgate.yaml` means once it has passed
 * schema, normalization and rule checks. Everything downstream (render, plan, explain)
 * works from this model, never from raw YAML.
 */

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
  /** IAM group name (no path) the members belong to. */
  readonly iamGroup: string;
  readonly sessionName: SessionNamePolicy;
  readonly requireMfa: boolean;
  readonly access: readonly TeamAccess[];
  /** IAM role name eksgate manages for this team (no path, so aws-auth can match it). */
  readonly roleName: string;
  /** `arn:<partition>:iam::<account>:role/<roleName>` */
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
  readonly accountId: string;
  readonly partition: string;
  readonly clusters: readonly Cluster[];
  readonly teams: readonly Team[];
  readonly customRoles: readonly CustomRole[];
}

// What marks an object as eksgate's is defined in ownership.ts.
export {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_TAG_KEY,
  TEAM_LABEL,
  TEAM_TAG_KEY,
} from "./ownership.js";
