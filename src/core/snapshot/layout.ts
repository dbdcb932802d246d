/**
 * The snapshot directory layout (documented in docs/audit.md). Paths are relative to the
 * snapshot directory and always use `/`.
 *
 * ```
 * iam/account-authorization-details.json      aws iam get-account-authorization-details
 * iam/account-authorization-details-2.json    more pages or accounts (any name starting so)
 * iam/scps.json                               optional: SCPs per account, root to account
 * clusters/<name>/cluster.json                aws eks describe-cluster --name <name>
 * clusters/<name>/access-entries.json         entries with their associated access policies
 * clusters/<name>/aws-auth.yaml               kubectl get cm aws-auth -n kube-system -o yaml
 * clusters/<name>/rbac.yaml                   kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml
 * clusters/<name>/rbac/*.yaml|json            ... or several such files
 * clusters/<name>/namespaces.yaml             kubectl get namespaces -o yaml
 * accounts/<id>/iam/account-authorization-details*.json   the same, one directory per account
 * accounts/<id>/iam/scps.json                 optional: that account's SCP levels
 * identity-center/instances.json              aws sso-admin list-instances
 * identity-center/users.json                  aws identitystore list-users
 * identity-center/groups.json                 aws identitystore list-groups
 * identity-center/group-memberships*.json     aws identitystore list-group-memberships (per group)
 * identity-center/permission-sets/<name>.json aws sso-admin describe-permission-set (+ its policies)
 * identity-center/account-assignments*.json   aws sso-admin list-account-assignments
 * ```
 */

/** One file of a snapshot: its path relative to the snapshot root, and its text. */
export interface SnapshotFile {
  readonly path: string;
  readonly text: string;
}

export const IAM_DIR = "iam";
export const IAM_DETAILS_PREFIX = "iam/account-authorization-details";
export const IAM_DETAILS_FILE = "iam/account-authorization-details.json";
export const SCPS_FILE = "iam/scps.json";
export const CLUSTERS_DIR = "clusters";
export const ACCOUNTS_DIR = "accounts";
export const IDENTITY_CENTER_DIR = "identity-center";
export const CLUSTER_FILE = "cluster.json";
export const ACCESS_ENTRIES_FILE = "access-entries.json";
export const AWS_AUTH_FILE = "aws-auth.yaml";
export const RBAC_FILE = "rbac.yaml";
export const RBAC_DIR = "rbac";
export const NAMESPACES_FILE = "namespaces.yaml";

/** Whether a path names a file the snapshot reader looks at (by extension). */
export function isSnapshotDataFile(path: string): boolean {
  return /\.(json|ya?ml)$/i.test(path);
}

export function clusterFilePath(cluster: string, file: string): string {
  return `${CLUSTERS_DIR}/${cluster}/${file}`;
}
