/**
 * An access snapshot: everything `explain`, `who-can`, `can-i` and `audit` read. IAM once
 * for the account(s), and per cluster its authentication mode, access entries, aws-auth and
 * RBAC objects. Built from plain files (see layout.ts) whether they were collected live or
 * written by hand.
 */
import type { IamIndex, IamSnapshot } from "../evaluate/iam/index.js";
import type { AccessPolicyAssociation, RbacSnapshot } from "../evaluate/rbac/index.js";
import type { AwsAuthMappings } from "../model/aws-auth.js";
import type { IdentityCenterDirectory } from "../model/identity-center.js";

/** `accessConfig.authenticationMode` of an EKS cluster. */
export type ClusterAuthenticationMode = "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API";

export const AUTHENTICATION_MODES: readonly ClusterAuthenticationMode[] = [
  "CONFIG_MAP",
  "API_AND_CONFIG_MAP",
  "API",
];

/** One EKS access entry with the access policies associated with it. */
export interface AccessEntryRecord {
  readonly principalArn: string;
  /** STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX, EC2. */
  readonly type: string;
  readonly kubernetesGroups: readonly string[];
  /** As DescribeAccessEntry returns it; absent when the file leaves it out. */
  readonly username?: string;
  readonly associations: readonly AccessPolicyAssociation[];
  /** `createdAt` as DescribeAccessEntry prints it (ISO 8601), when the file has it. */
  readonly createdAt?: string;
  /** The entry's tags (eksgate records the role's RoleId in `eksgate.dev/role-id`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Where it was read, e.g. `clusters/prod/access-entries.json accessEntries[2]`. */
  readonly source: string;
}

export interface ClusterAwsAuth {
  /** The file it was read from (for explanations). */
  readonly file: string;
  readonly mappings: AwsAuthMappings;
}

export interface ClusterAccess {
  readonly name: string;
  readonly arn?: string;
  readonly authenticationMode: ClusterAuthenticationMode;
  /** `cluster.json` when it said so; `default` when it was absent (CONFIG_MAP assumed). */
  readonly modeSource: "cluster.json" | "default";
  readonly accessEntries: readonly AccessEntryRecord[];
  /** Undefined when the snapshot has no aws-auth ConfigMap for the cluster. */
  readonly awsAuth?: ClusterAwsAuth;
  readonly rbac: RbacSnapshot;
}

export interface AccessSnapshot {
  readonly iam: IamSnapshot;
  /** The IAM snapshot, indexed once. */
  readonly iamIndex: IamIndex;
  readonly clusters: readonly ClusterAccess[];
  /** Identity Center users, groups, permission sets and assignments, when the snapshot has them. */
  readonly identityCenter?: IdentityCenterDirectory;
}
