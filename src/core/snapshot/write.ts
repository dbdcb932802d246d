/**
 * The files of a snapshot collected live, in the layout of layout.ts, so that live and
 * offline input go through the same reader. Pure: the collector hands in plain objects
 * shaped like the AWS CLI's and kubectl's output.
 */
import { stringify } from "yaml";
import {
  ACCESS_ENTRIES_FILE,
  AWS_AUTH_FILE,
  CLUSTER_FILE,
  clusterFilePath,
  ACCOUNTS_DIR,
  IAM_DETAILS_FILE,
  IAM_DIR,
  IDENTITY_CENTER_DIR,
  NAMESPACES_FILE,
  RBAC_FILE,
  SCPS_FILE,
  type SnapshotFile,
} from "./layout.js";

export interface CollectedCluster {
  readonly name: string;
  /** As `aws eks describe-cluster` prints it: `{"cluster": {...}}`. */
  readonly describe: unknown;
  /** `{"accessEntries": [{...DescribeAccessEntry, "associatedAccessPolicies": [...]}]}` */
  readonly accessEntries?: unknown;
  /** The aws-auth ConfigMap object; undefined when the cluster has none. */
  readonly awsAuth?: unknown;
  /** A `List` of ClusterRoles, ClusterRoleBindings, Roles and RoleBindings. */
  readonly rbac: unknown;
  /** A `List` of Namespaces. */
  readonly namespaces: unknown;
}

export interface CollectedSnapshot {
  /** GetAccountAuthorizationDetails pages. */
  readonly iamPages: readonly unknown[];
  /** Further accounts' pages, written under accounts/<id>/iam/. */
  readonly accountIamPages?: readonly { readonly accountId: string; readonly pages: readonly unknown[] }[];
  readonly scps?: unknown;
  readonly clusters: readonly CollectedCluster[];
  /** Files of `identity-center/`, each the JSON the AWS CLI prints. */
  readonly identityCenter?: readonly { readonly path: string; readonly value: unknown }[];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The files to write (or to read back in memory) for a collected snapshot. */
export function snapshotFiles(collected: CollectedSnapshot): SnapshotFile[] {
  const files: SnapshotFile[] = [];
  collected.iamPages.forEach((page, i) => {
    files.push({
      path: i === 0 ? IAM_DETAILS_FILE : IAM_DETAILS_FILE.replace(/\.json$/, `-${i + 1}.json`),
      text: json(page),
    });
  });
  for (const account of collected.accountIamPages ?? []) {
    account.pages.forEach((page, i) => {
      const name =
        i === 0 ? "account-authorization-details.json" : `account-authorization-details-${i + 1}.json`;
      files.push({ path: `${ACCOUNTS_DIR}/${account.accountId}/${IAM_DIR}/${name}`, text: json(page) });
    });
  }
  if (collected.scps !== undefined) files.push({ path: SCPS_FILE, text: json(collected.scps) });
  for (const f of collected.identityCenter ?? [])
    if (f.path.startsWith(`${IDENTITY_CENTER_DIR}/`)) files.push({ path: f.path, text: json(f.value) });
  for (const c of collected.clusters) {
    files.push({ path: clusterFilePath(c.name, CLUSTER_FILE), text: json(c.describe) });
    if (c.accessEntries !== undefined)
      files.push({ path: clusterFilePath(c.name, ACCESS_ENTRIES_FILE), text: json(c.accessEntries) });
    if (c.awsAuth !== undefined)
      files.push({ path: clusterFilePath(c.name, AWS_AUTH_FILE), text: yaml(c.awsAuth) });
    files.push({ path: clusterFilePath(c.name, RBAC_FILE), text: yaml(c.rbac) });
    files.push({ path: clusterFilePath(c.name, NAMESPACES_FILE), text: yaml(c.namespaces) });
  }
  return files;
}
