/**
 * Read-only sources for `eksgate snapshot`: each returns data in the shape the AWS CLI and
 * kubectl print, so the collected snapshot reads exactly like one written by hand.
 */

/** The cluster to reach, as EKS describes it. */
export interface SnapshotClusterRef {
  readonly name: string;
  readonly arn: string;
  readonly endpoint?: string;
}

export interface IamSnapshotSource {
  /** GetAccountAuthorizationDetails, every page. */
  accountAuthorizationDetails(): Promise<readonly unknown[]>;
}

export interface EksSnapshotSource {
  listClusters(): Promise<readonly string[]>;
  /** `{"cluster": {...}}` as `aws eks describe-cluster` prints it; undefined when not found. */
  describeCluster(name: string): Promise<unknown>;
  /**
   * Every access entry (DescribeAccessEntry's `accessEntry`) with an extra
   * `associatedAccessPolicies` list (ListAssociatedAccessPolicies).
   */
  accessEntries(cluster: string): Promise<readonly unknown[]>;
}

export interface KubeSnapshotSource {
  /** The server's URL, for messages. */
  readonly server: string;
  /** A ConfigMap object as `kubectl get cm -o yaml` prints it; undefined when missing. */
  configMap(namespace: string, name: string): Promise<unknown>;
  /** ClusterRoles, ClusterRoleBindings, Roles and RoleBindings, each with kind and apiVersion. */
  rbacObjects(): Promise<readonly unknown[]>;
  /** Namespace objects. */
  namespaces(): Promise<readonly unknown[]>;
}

export interface SnapshotSources {
  readonly iam: IamSnapshotSource;
  /** One EKS source per region. */
  readonly eks: (region: string) => EksSnapshotSource;
  /** Connects to a cluster's Kubernetes API. */
  readonly kube: (cluster: SnapshotClusterRef) => Promise<KubeSnapshotSource>;
}
