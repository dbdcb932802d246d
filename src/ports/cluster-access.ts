/**
 * What `eksgate kubeconfig` needs from AWS: the cluster's endpoint and CA (read with the
 * member's own credentials, or as the team role the token will assume), and who the member
 * is (the role session name defaults to the IAM user name behind the credentials).
 */
import type { ObservedCluster } from "./eks.js";

export interface ClusterRef {
  readonly name: string;
  readonly region: string;
}

/** Whose credentials ask GetCallerIdentity. */
export type CallerCredentials =
  /** The standard chain (environment, then the profile given to the port, ...). */
  | { readonly from: "chain" }
  /**
   * Exactly one profile of the shared config and credentials files, never environment
   * keys: what the aws CLI uses for a `source_profile`.
   */
  | { readonly from: "profile"; readonly profile: string };

export interface ClusterAccessPort {
  /**
   * DescribeCluster with the caller's own credentials (default: the chain), or those of one
   * profile; a failure is a PortError.
   */
  describeCluster(cluster: ClusterRef, credentials?: CallerCredentials): Promise<ObservedCluster | undefined>;
  /**
   * DescribeCluster as `roleArn`, assumed for 15 minutes under `sessionName` with the
   * caller's credentials; throws what the SDK throws.
   */
  describeClusterAsRole(
    cluster: ClusterRef,
    roleArn: string,
    sessionName: string,
  ): Promise<ObservedCluster | undefined>;
  /** The ARN STS GetCallerIdentity answers for those credentials; throws what the SDK throws. */
  callerArn(region: string, credentials: CallerCredentials): Promise<string | undefined>;
}
