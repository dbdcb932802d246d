// The snapshot's Kubernetes source finds its kubeconfig context through the same resolver
// as plan and apply (src/adapters/kube/connection.ts), with the guard against a context
// that points at another server than the cluster's endpoint. Real kubeconfig files, read by
// client-node; nothing is requested from a server (the refused contexts are never used, and
// the accepted one is only checked for where it would go).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUBE_CONNECTION_CODES } from "../../src/adapters/kube/connection.js";
import { createKubeSnapshotSource } from "../../src/adapters/kube/snapshot-collector.js";
import { collectSnapshot } from "../../src/engine/collect-snapshot.js";
import type { SnapshotClusterRef, SnapshotSources } from "../../src/ports/snapshot-sources.js";

const CLUSTER_ARN = "arn:aws:eks:eu-west-1:111122223333:cluster/prod";
const ENDPOINT = "https://ABCDEF0123.gr7.eu-west-1.eks.amazonaws.com";
const ELSEWHERE = "https://0FEDCBA987.yl4.eu-west-1.eks.amazonaws.com";
const CLUSTER: SnapshotClusterRef = { name: "prod", arn: CLUSTER_ARN, endpoint: ENDPOINT };

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "eksgate-snapshot-kubeconfig-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(file: string, contexts: readonly { name: string; server: string }[]): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      ...contexts.flatMap((c) => [`  - name: ${c.name}`, "    cluster:", `      server: ${c.server}`]),
      "users:",
      ...contexts.flatMap((c) => [`  - name: u-${c.name}`, "    user:", "      token: not-used"]),
      "contexts:",
      ...contexts.flatMap((c) => [
        `  - name: ${c.name}`,
        "    context:",
        `      cluster: ${c.name}`,
        `      user: u-${c.name}`,
      ]),
      `current-context: ${contexts[0]?.name ?? ""}`,
      "",
    ].join("\n"),
  );
  return path;
}

describe("snapshot: the kubeconfig context of a cluster", () => {
  it("skips a context named after the cluster ARN that points at another server, and says so", async () => {
    const file = kubeconfig("stale.yaml", [{ name: CLUSTER_ARN, server: ELSEWHERE }]);
    const result = await createKubeSnapshotSource(CLUSTER, { kubeconfigPath: file });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      [KUBE_CONNECTION_CODES.contextOtherServer, "warning"],
      [KUBE_CONNECTION_CODES.noConnection, "error"],
    ]);
    expect(result.diagnostics[0]?.summary).toContain(ELSEWHERE);
    expect(result.diagnostics[0]?.detail).toContain(
      "aws eks update-kubeconfig --name prod --region eu-west-1",
    );
  });

  it("refuses an explicitly named context (--kube-context) that points at another server", async () => {
    const file = kubeconfig("explicit.yaml", [
      { name: "prod-admin", server: ELSEWHERE },
      { name: CLUSTER_ARN, server: ENDPOINT },
    ]);
    const wrong = await createKubeSnapshotSource(CLUSTER, { kubeconfigPath: file, context: "prod-admin" });
    expect(wrong.ok).toBe(false);
    expect(wrong.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      [KUBE_CONNECTION_CODES.contextOtherServer, "error"],
    ]);
    const missing = await createKubeSnapshotSource(CLUSTER, { kubeconfigPath: file, context: "nope" });
    expect(missing.diagnostics.map((d) => d.code)).toEqual([KUBE_CONNECTION_CODES.contextNotFound]);
  });

  it("uses the next context that fits when the first one points elsewhere (the server decides)", async () => {
    const file = kubeconfig("two.yaml", [
      { name: CLUSTER_ARN, server: ELSEWHERE },
      { name: "admin@prod.eu-west-1.eksctl.io", server: `${ENDPOINT}/` },
    ]);
    const result = await createKubeSnapshotSource(CLUSTER, { kubeconfigPath: file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.server).toBe(ENDPOINT);
    expect(result.value.origin).toBe(`context "admin@prod.eu-west-1.eksctl.io" in ${file}`);
    expect(result.diagnostics.map((d) => d.code)).toEqual([KUBE_CONNECTION_CODES.contextOtherServer]);
  });

  it("collects nothing from a cluster whose only context points elsewhere; the others still count", async () => {
    const file = kubeconfig("engine.yaml", [{ name: CLUSTER_ARN, server: ELSEWHERE }]);
    const asked: string[] = [];
    const sources: SnapshotSources = {
      iam: { accountAuthorizationDetails: () => Promise.resolve([]) },
      eks: () => ({
        listClusters: () => Promise.resolve(["prod"]),
        describeCluster: (name) =>
          Promise.resolve({
            cluster: {
              name,
              arn: CLUSTER_ARN,
              endpoint: ENDPOINT,
              accessConfig: { authenticationMode: "CONFIG_MAP" },
            },
          }),
        accessEntries: () => Promise.resolve([]),
      }),
      kube: (cluster) => {
        asked.push(cluster.endpoint ?? "");
        return createKubeSnapshotSource(cluster, { kubeconfigPath: file });
      },
    };
    const collected = await collectSnapshot(sources, { clusters: [{ name: "prod", region: "eu-west-1" }] });
    expect(asked).toEqual([ENDPOINT]);
    expect(collected.clusters).toEqual([]);
    expect(collected.diagnostics.map((d) => d.code)).toEqual([
      KUBE_CONNECTION_CODES.contextOtherServer,
      KUBE_CONNECTION_CODES.noConnection,
    ]);
    expect(collected.files.some((f) => f.path.startsWith("clusters/"))).toBe(false);
  });
});
