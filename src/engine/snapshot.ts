/**
 * Collects an access snapshot live, read-only: IAM authorization details, and per cluster
 * DescribeCluster, access entries (when the mode reads them), aws-auth, RBAC objects and
 * namespaces. The result is the snapshot's files (src/core/snapshot), to write or to read
 * back in memory.
 */
import type { Diagnostic } from "../core/diagnostics.js";
import { snapshotFiles, type CollectedCluster, type SnapshotFile } from "../core/snapshot/index.js";
import type { SnapshotSources } from "../ports/snapshot.js";

export interface SnapshotTarget {
  readonly name: string;
  readonly region: string;
}

export interface CollectOptions {
  /** Clusters to collect; when empty, every cluster of `regions`. */
  readonly clusters: readonly SnapshotTarget[];
  /** Regions to list clusters in when `clusters` is empty. */
  readonly regions?: readonly string[];
  /** Called as each step starts, for progress output. */
  readonly progress?: (step: string) => void;
}

export interface CollectedFiles {
  readonly files: readonly SnapshotFile[];
  readonly clusters: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

export async function collectSnapshot(
  sources: SnapshotSources,
  options: CollectOptions,
): Promise<CollectedFiles> {
  const progress = options.progress ?? (() => undefined);
  const diagnostics: Diagnostic[] = [];
  progress("IAM: GetAccountAuthorizationDetails");
  const iamPages = await sources.iam.accountAuthorizationDetails();

  let targets = [...options.clusters];
  if (targets.length === 0) {
    for (const region of options.regions ?? []) {
      progress(`EKS ${region}: ListClusters`);
      for (const name of await sources.eks(region).listClusters()) targets.push({ name, region });
    }
  }
  targets = targets.filter((t, i) => targets.findIndex((x) => x.name === t.name) === i);

  const clusters: CollectedCluster[] = [];
  for (const target of targets) {
    const eks = sources.eks(target.region);
    progress(`${target.name}: DescribeCluster`);
    const describe = await eks.describeCluster(target.name);
    const body = record(record(describe)?.["cluster"]);
    if (body === undefined) {
      diagnostics.push({
        code: "SNAP110",
        severity: "error",
        summary: `cluster ${target.name} not found in ${target.region}`,
        detail: "Check the name and the region (--region, or the cluster's region in the config).",
      });
      continue;
    }
    const mode = record(body["accessConfig"])?.["authenticationMode"];
    let accessEntries: unknown;
    if (mode === "API" || mode === "API_AND_CONFIG_MAP") {
      progress(`${target.name}: access entries`);
      accessEntries = { accessEntries: await eks.accessEntries(target.name) };
    }
    const arn = typeof body["arn"] === "string" ? body["arn"] : target.name;
    const endpoint = typeof body["endpoint"] === "string" ? body["endpoint"] : undefined;
    progress(`${target.name}: Kubernetes objects`);
    const kube = await sources.kube({
      name: target.name,
      arn,
      ...(endpoint !== undefined ? { endpoint } : {}),
    });
    const awsAuth = mode === "API" ? undefined : await kube.configMap("kube-system", "aws-auth");
    const rbac = await kube.rbacObjects();
    const namespaces = await kube.namespaces();
    clusters.push({
      name: target.name,
      describe,
      ...(accessEntries !== undefined ? { accessEntries } : {}),
      ...(awsAuth !== undefined ? { awsAuth } : {}),
      rbac: { apiVersion: "v1", kind: "List", items: rbac },
      namespaces: { apiVersion: "v1", kind: "List", items: namespaces },
    });
  }
  return {
    files: snapshotFiles({ iamPages, clusters }),
    clusters: clusters.map((c) => c.name),
    diagnostics,
  };
}
