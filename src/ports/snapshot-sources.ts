/**
 * Read-only sources for `eksgate snapshot`: each returns data in the shape the AWS CLI and
 * kubectl print, so the collected snapshot reads exactly like one written by hand.
 */
import type { Result } from "../core/diagnostics.js";

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

/** What AWS Organizations says about service control policies (SCPs). */
export type ServiceControlPolicyAnswer =
  /** Per account, its levels from the root down to the account (the iam/scps.json shape). */
  | { readonly kind: "policies"; readonly accounts: readonly unknown[]; readonly notes: readonly string[] }
  /** The SCP policy type is not enabled at the root: no SCP applies. */
  | { readonly kind: "not-enabled" }
  /** The account is in no organization: no SCP applies. */
  | { readonly kind: "no-organization" }
  /** The caller may not read the organization's policies. */
  | { readonly kind: "denied"; readonly message: string };

export interface OrganizationsSnapshotSource {
  /**
   * The SCPs that apply to each account: for every level from the organization root down
   * to the account, the policies attached there. The management account is left out (SCPs
   * do not apply to it), with a note.
   */
  serviceControlPolicies(accountIds: readonly string[]): Promise<ServiceControlPolicyAnswer>;
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
  /** Where the connection came from, for messages: `context "x" in /home/me/.kube/config`. */
  readonly origin?: string;
  /** A ConfigMap object as `kubectl get cm -o yaml` prints it; undefined when missing. */
  configMap(namespace: string, name: string): Promise<unknown>;
  /** ClusterRoles, ClusterRoleBindings, Roles and RoleBindings, each with kind and apiVersion. */
  rbacObjects(): Promise<readonly unknown[]>;
  /** Namespace objects. */
  namespaces(): Promise<readonly unknown[]>;
}

export interface SnapshotSources {
  readonly iam: IamSnapshotSource;
  /** Only when SCPs are to be read from AWS Organizations. */
  readonly organizations?: OrganizationsSnapshotSource;
  /** One EKS source per region. */
  readonly eks: (region: string) => EksSnapshotSource;
  /**
   * Connects to a cluster's Kubernetes API, or says why it cannot (no kubeconfig context
   * for the cluster, one that points at another server, ...). Warnings come with a source.
   */
  readonly kube: (cluster: SnapshotClusterRef) => Promise<Result<KubeSnapshotSource>>;
}
