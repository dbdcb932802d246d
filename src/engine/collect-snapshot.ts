/**
 * Collects an access snapshot live, read-only: IAM authorization details, and per cluster
 * DescribeCluster, access entries (when the mode reads them), aws-auth, RBAC objects and
 * namespaces. The result is the snapshot's files (src/core/snapshot), to write or to read
 * back in memory.
 */
import type { Diagnostic } from "../core/diagnostics.js";
import { snapshotFiles, type CollectedCluster, type SnapshotFile } from "../core/snapshot/index.js";
import type { SnapshotSources } from "../ports/snapshot-sources.js";
import { accountIdOf, isAccountId } from "../core/model/arn.js";
import { failureDiagnostic, isExpectedFailure } from "./failure-diagnostic.js";

export interface SnapshotTarget {
  readonly name: string;
  readonly region: string;
}

export interface CollectOptions {
  /** Clusters to collect; when empty, every cluster of `regions`. */
  readonly clusters: readonly SnapshotTarget[];
  /** Regions to list clusters in when `clusters` is empty. */
  readonly regions?: readonly string[];
  /**
   * SCPs: a file's content (the iam/scps.json shape), or read from AWS Organizations
   * (`sources.organizations`). Without it the snapshot has no SCPs.
   */
  readonly serviceControlPolicies?:
    { readonly from: "file"; readonly content: unknown } | { readonly from: "organizations" };
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
  const accountIamPages: { accountId: string; pages: readonly unknown[] }[] = [];
  for (const account of sources.accounts ?? []) {
    progress(`IAM ${account.accountId}: GetAccountAuthorizationDetails`);
    accountIamPages.push({
      accountId: account.accountId,
      pages: await account.iam.accountAuthorizationDetails(),
    });
  }
  const allPages = [...iamPages, ...accountIamPages.flatMap((a) => a.pages)];
  const scps = await collectServiceControlPolicies(sources, options, allPages, diagnostics, progress);
  let identityCenter: readonly { path: string; value: unknown }[] | undefined;
  if (sources.identityCenter !== undefined) {
    // Assignments are listed per account: the accounts the IAM pages hold.
    const accounts = accountsOf(allPages);
    progress(
      `Identity Center: users, groups, permission sets, assignments in ${accounts.join(", ") || "no account"}`,
    );
    identityCenter = await sources.identityCenter.files(accounts);
  }

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
    progress(`${target.name}: connecting to the Kubernetes API`);
    const connected = await sources.kube({
      name: target.name,
      arn,
      ...(endpoint !== undefined ? { endpoint } : {}),
    });
    diagnostics.push(...connected.diagnostics);
    // No usable context (or only ones that point at another server): this cluster is not
    // read, and the error says why; the others still are, so every problem shows at once.
    if (!connected.ok) continue;
    const kube = connected.value;
    progress(`${target.name}: Kubernetes objects from ${kube.origin ?? kube.server}`);
    let awsAuth: unknown;
    let rbac: readonly unknown[];
    let namespaces: readonly unknown[];
    try {
      awsAuth = mode === "API" ? undefined : await kube.configMap("kube-system", "aws-auth");
      rbac = await kube.rbacObjects();
      namespaces = await kube.namespaces();
    } catch (error) {
      // A read the cluster refuses (or a server that goes away) leaves this cluster out with
      // the reason, as plan reports it; the other clusters are still collected.
      if (!isExpectedFailure(error)) throw error;
      diagnostics.push(failureDiagnostic(error, { during: "read" }));
      continue;
    }
    if (mode !== "API" && awsAuth === undefined) {
      diagnostics.push({
        code: "SNAP113",
        severity: "info",
        summary: `cluster ${target.name} has no aws-auth ConfigMap: no IAM principal is mapped through it`,
        detail:
          mode === "API_AND_CONFIG_MAP"
            ? "Only access entries map principals in this cluster."
            : "In CONFIG_MAP mode only the cluster's creator can authenticate; map principals in kube-system/aws-auth.",
      });
    }
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
    files: snapshotFiles({
      iamPages,
      ...(accountIamPages.length > 0 ? { accountIamPages } : {}),
      clusters,
      ...(scps === undefined ? {} : { scps }),
      ...(identityCenter === undefined ? {} : { identityCenter }),
    }),
    clusters: clusters.map((c) => c.name),
    diagnostics,
  };
}

/** The account IDs the IAM pages hold principals of. */
function accountsOf(iamPages: readonly unknown[]): string[] {
  const accounts = new Set<string>();
  for (const page of iamPages) {
    const p = record(page);
    for (const list of ["UserDetailList", "GroupDetailList", "RoleDetailList"]) {
      const items = p?.[list];
      if (!Array.isArray(items)) continue;
      for (const item of items) {
        const arn = record(item)?.["Arn"];
        const account = typeof arn === "string" ? accountIdOf(arn) : undefined;
        if (account !== undefined && isAccountId(account)) accounts.add(account);
      }
    }
  }
  return [...accounts].sort();
}

async function collectServiceControlPolicies(
  sources: SnapshotSources,
  options: CollectOptions,
  iamPages: readonly unknown[],
  diagnostics: Diagnostic[],
  progress: (step: string) => void,
): Promise<unknown> {
  const wanted = options.serviceControlPolicies;
  if (wanted === undefined) return undefined;
  if (wanted.from === "file") return wanted.content;
  const organizations = sources.organizations;
  if (organizations === undefined) return undefined;
  const accounts = accountsOf(iamPages);
  progress(`Organizations: SCPs for ${accounts.join(", ") || "no account"}`);
  const answer = await organizations.serviceControlPolicies(accounts);
  switch (answer.kind) {
    case "policies":
      for (const note of answer.notes) diagnostics.push({ code: "SNAP112", severity: "info", summary: note });
      return answer.accounts;
    case "not-enabled":
      diagnostics.push({
        code: "SNAP112",
        severity: "info",
        summary: "the organization has not enabled service control policies: no SCP applies",
      });
      return undefined;
    case "no-organization":
      diagnostics.push({
        code: "SNAP112",
        severity: "info",
        summary: "the account is in no AWS organization: no SCP applies",
      });
      return undefined;
    case "denied":
      diagnostics.push({
        code: "SNAP111",
        severity: "warning",
        summary: `SCPs were not read from AWS Organizations (${answer.message}); the snapshot has none, so an SCP deny would go unseen`,
        detail:
          "Run from the management account or a delegated administrator with organizations:DescribeOrganization, ListRoots, ListParents, ListPoliciesForTarget and DescribePolicy, or pass --scps FILE.",
      });
      return undefined;
  }
}
