/** What eksgate needs from the EKS API. */
import type { AccessEntryType, AccessScope } from "../core/model/access-entry.js";

export type ClusterAuthenticationMode = "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API";

export interface ObservedCluster {
  readonly name: string;
  readonly arn: string;
  readonly endpoint: string;
  /** Base64 PEM, as DescribeCluster returns it. */
  readonly certificateAuthorityData: string;
  readonly authenticationMode: ClusterAuthenticationMode;
}

export interface ObservedAccessEntry {
  readonly principalArn: string;
  readonly type: AccessEntryType;
  readonly kubernetesGroups: readonly string[];
  readonly username: string;
  readonly tags: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** An update EKS reports for a cluster (UpdateClusterConfig answers one). */
export interface ObservedUpdate {
  readonly id: string;
  readonly status: "InProgress" | "Failed" | "Cancelled" | "Successful";
  /** The update's error messages, when it failed. */
  readonly errors: readonly string[];
}

/** One access policy AWS offers (ListAccessPolicies). */
export interface ListedAccessPolicy {
  readonly name: string;
  readonly arn: string;
}

export interface ObservedAccessPolicy {
  readonly policyArn: string;
  readonly accessScope: AccessScope;
}

export interface EksPort {
  describeCluster(cluster: string): Promise<ObservedCluster | undefined>;
  listAccessEntries(cluster: string): Promise<readonly string[]>;
  describeAccessEntry(cluster: string, principalArn: string): Promise<ObservedAccessEntry | undefined>;
  createAccessEntry(
    cluster: string,
    entry: {
      readonly principalArn: string;
      /** Default STANDARD. */
      readonly type?: AccessEntryType;
      readonly kubernetesGroups: readonly string[];
      /** Absent: the server's default (the node types take no username). */
      readonly username?: string;
      readonly tags: Readonly<Record<string, string>>;
    },
  ): Promise<void>;
  updateAccessEntry(
    cluster: string,
    entry: {
      readonly principalArn: string;
      readonly kubernetesGroups: readonly string[];
      readonly username: string;
    },
  ): Promise<void>;
  deleteAccessEntry(cluster: string, principalArn: string): Promise<void>;
  listAssociatedAccessPolicies(
    cluster: string,
    principalArn: string,
  ): Promise<readonly ObservedAccessPolicy[]>;
  associateAccessPolicy(cluster: string, principalArn: string, policy: ObservedAccessPolicy): Promise<void>;
  disassociateAccessPolicy(cluster: string, principalArn: string, policyArn: string): Promise<void>;
  /**
   * UpdateClusterConfig of `accessConfig.authenticationMode` (one step forward only; EKS
   * refuses anything else as invalid); answers the update's id.
   */
  updateAuthenticationMode(cluster: string, mode: ClusterAuthenticationMode): Promise<string>;
  /** DescribeUpdate; undefined when the cluster has no update with that id. */
  describeUpdate(cluster: string, updateId: string): Promise<ObservedUpdate | undefined>;
  /** ListAccessPolicies, every page: the policies AWS offers today. */
  listAccessPolicies(): Promise<readonly ListedAccessPolicy[]>;
}

/** One EKS port per region. */
export type EksPortForRegion = (region: string) => EksPort;
