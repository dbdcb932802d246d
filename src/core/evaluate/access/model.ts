/**
 * Access paths as data. A path is a list of hops from an IAM principal to the rule that
 * allows a Kubernetes request: user -> group -> assumed role -> mapping -> Kubernetes
 * identity -> binding -> role rule. Every hop says what it reaches, why, and where that is
 * written, so a path can be printed as text, JSON or a graph.
 */
import type { HopCondition } from "./request-context.js";

export type HopKind =
  /** An IAM Identity Center user a path starts from. */
  | "idc-user"
  /** An Identity Center group the user is a member of. */
  | "idc-group"
  /** An Identity Center permission set assigned to the user or group. */
  | "permission-set"
  /** The assignment of the permission set to the user or group in one account. */
  | "account-assignment"
  /** The IAM user a path starts from. */
  | "iam-user"
  /** An IAM group whose policy lets the user assume the next role. */
  | "iam-group"
  /** An IAM role session: assumed (with the statements that allow it) or used directly. */
  | "iam-role"
  /** The aws-auth entry or access entry that maps the session. */
  | "mapping"
  /** The Kubernetes user name and groups the cluster gives. */
  | "kubernetes-identity"
  /** Membership of `system:masters`: allowed before RBAC. */
  | "superuser"
  /** A RoleBinding or ClusterRoleBinding whose subject matches. */
  | "binding"
  /** The Role or ClusterRole and the rule of it that allows the request. */
  | "rule"
  /** An EKS access policy associated with the access entry. */
  | "access-policy"
  /** Acting as another Kubernetes identity through `impersonate`. */
  | "impersonation";

/** An IAM statement that made a hop. */
export interface HopStatement {
  /** What the statement is for in this hop. */
  readonly role: "identity" | "trust";
  /** e.g. `group-inline`, `trust`, `role-managed` */
  readonly policyKind: string;
  readonly policyName: string;
  readonly policyArn?: string;
  /** ARN of the user, group or role the policy belongs to. */
  readonly attachedTo?: string;
  readonly sid?: string;
  readonly statementIndex: number;
  readonly why: string;
}

export interface Hop {
  readonly kind: HopKind;
  /** Stable node id: the same thing has the same id in every path (for merged graphs). */
  readonly id: string;
  /** What this hop reaches, e.g. `IAM role eksgate-rnd`. */
  readonly what: string;
  /** Why the previous hop leads here. */
  readonly why: string;
  /** Where it is written: a policy and Sid, an aws-auth entry, a binding. */
  readonly source?: string;
  readonly statements?: readonly HopStatement[];
  /** Set when the hop holds only under a condition of the request (today: MFA). */
  readonly requires?: readonly HopCondition[];
}

/** One way an IAM principal gets to do something, or gets an identity, on a cluster. */
export interface AccessPath {
  readonly principalArn: string;
  readonly cluster: string;
  readonly hops: readonly Hop[];
  /** The conditions of its hops; set only when there are some ("yes, with MFA"). */
  readonly requires?: readonly HopCondition[];
}

/** A rule of a Role, ClusterRole or access policy, for summaries. */
export interface RuleSummary {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
  /** One line, e.g. `get,list,watch pods,pods/log` */
  readonly text: string;
}
