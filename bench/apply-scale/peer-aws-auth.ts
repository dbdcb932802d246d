// The side-by-side peer of bench/apply-scale: keikoproj/aws-auth v0.7.0, a CLI that upserts
// one aws-auth mapping per call (`aws-auth upsert --maproles ... --retry`), against eksgate's
// one aws-auth write for all of them, on the same kube-apiserver, from the same seeded
// aws-auth (a node role entry with a field the authenticator does not read, a comment,
// mapUsers and mapAccounts). Reports wall time, the ConfigMap writes the apiserver counted
// (its own apiserver_request_total metric), and what of the seed survived.
//
// The binary is built once from the Go module proxy in a throwaway module (`go install M@V`
// is refused here) and cached next to the test binaries (test/env/binaries.ts):
//   ${XDG_CACHE_HOME:-~/.cache}/eksgate-test-bin/keikoproj-aws-auth-v0.7.0/aws-auth
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { binaryCacheRoot, run } from "../../test/env/binaries.js";
import { findGo } from "../../test/env/prereqs.js";
import type { KubeEnv } from "../../test/env/kube.js";

export const PEER_MODULE = "github.com/keikoproj/aws-auth";
export const PEER_VERSION = "v0.7.0";

/** The peer's binary, built on first use. */
export async function ensurePeerBinary(log: (line: string) => void): Promise<string> {
  const dir = join(binaryCacheRoot(), `keikoproj-aws-auth-${PEER_VERSION}`);
  const binary = join(dir, "aws-auth");
  if (existsSync(binary)) return binary;
  const go = await findGo({ purpose: `build ${PEER_MODULE}@${PEER_VERSION} for bench/apply-scale` });
  const work = await mkdtemp(join(tmpdir(), "eksgate-peer-build-"));
  const staging = `${dir}.partial-${process.pid}`;
  try {
    log(`building ${PEER_MODULE}@${PEER_VERSION} (first run only; cached in ${dir})...`);
    for (const args of [
      ["mod", "init", "tmp"],
      ["get", `${PEER_MODULE}@${PEER_VERSION}`],
      ["build", "-o", join(staging, "aws-auth"), PEER_MODULE],
    ]) {
      if (args[0] === "build") await mkdir(staging, { recursive: true });
      const result = await run(go, args, work);
      if (result.code !== 0) throw new Error(`go ${args.join(" ")} failed:\n${result.stderr.slice(-4000)}`);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return binary;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

/** One mapping both tools write: role `peer-N` to user `peer-N`, group `peer-group-N`. */
export interface PeerMapping {
  readonly rolearn: string;
  readonly username: string;
  readonly groups: readonly string[];
}

export function peerMappings(account: string, count: number): PeerMapping[] {
  return Array.from({ length: count }, (_, i) => ({
    rolearn: `arn:aws:iam::${account}:role/peer-${i}`,
    username: `peer-${i}`,
    groups: [`peer-group-${i}`],
  }));
}

/** What another writer left in aws-auth before either tool runs. */
export function seededAwsAuth(account: string): Record<string, string> {
  return {
    mapRoles:
      `# node role, managed by the cluster's bootstrap\n` +
      `- rolearn: arn:aws:iam::${account}:role/eks-nodes\n` +
      `  username: system:node:{{EC2PrivateDNSName}}\n` +
      `  groups:\n    - system:bootstrappers\n    - system:nodes\n` +
      `  owner: platform-team\n`,
    mapUsers: `- userarn: arn:aws:iam::${account}:user/break-glass\n  username: break-glass\n  groups: [system:masters]\n`,
    mapAccounts: `- "210987654321"\n`,
  };
}

export interface Survival {
  readonly nodeEntry: boolean;
  /** The node entry's `owner` field, which no reader models. */
  readonly unknownField: boolean;
  readonly comment: boolean;
  readonly mapUsers: boolean;
  readonly mapAccounts: boolean;
  /** Every mapping written, each once. */
  readonly allMappings: boolean;
}

export function survival(
  data: Readonly<Record<string, string>> | undefined,
  account: string,
  mappings: readonly PeerMapping[],
): Survival {
  const mapRoles = data?.["mapRoles"] ?? "";
  const entries = (parse(mapRoles) as { rolearn?: string; owner?: string }[] | null) ?? [];
  const node = entries.find((e) => e.rolearn === `arn:aws:iam::${account}:role/eks-nodes`);
  const counts = new Map<string, number>();
  for (const e of entries)
    if (e.rolearn !== undefined) counts.set(e.rolearn, (counts.get(e.rolearn) ?? 0) + 1);
  return {
    nodeEntry: node !== undefined,
    unknownField: node?.owner === "platform-team",
    comment: mapRoles.includes("# node role"),
    mapUsers: (data?.["mapUsers"] ?? "").includes("break-glass"),
    mapAccounts: (data?.["mapAccounts"] ?? "").includes("210987654321"),
    allMappings: mappings.every((m) => counts.get(m.rolearn) === 1),
  };
}

/** A request to the apiserver as its admin; the body is sent as JSON. */
export function adminRequest(
  kube: KubeEnv,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${kube.server}${path}`,
      {
        method,
        ca: kube.caData,
        headers: {
          authorization: `Bearer ${kube.adminToken}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body: text });
        });
      },
    );
    req.on("error", reject);
    req.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}

/** ConfigMap writes (create, update, patch) the apiserver has answered so far, by its metrics. */
export async function configMapWrites(kube: KubeEnv): Promise<number> {
  const { body } = await adminRequest(kube, "GET", "/metrics");
  let total = 0;
  for (const line of body.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    if (!line.includes('resource="configmaps"') || !/verb="(POST|PUT|PATCH)"/.test(line)) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Runs the peer once per mapping, one after another, as a shell loop over the list would. */
export async function runPeer(
  binary: string,
  kubeconfig: string,
  mappings: readonly PeerMapping[],
): Promise<void> {
  for (const m of mappings) {
    const args = [
      "upsert",
      "--kubeconfig",
      kubeconfig,
      "--maproles",
      "--rolearn",
      m.rolearn,
      "--username",
      m.username,
      "--groups",
      m.groups.join(","),
      "--retry",
    ];
    const code = await new Promise<number>((resolve, reject) => {
      // v0.7.0's upsert reads the kubeconfig path of its `get` command, not its own
      // --kubeconfig, and so falls back to KUBECONFIG: set both.
      const child = spawn(binary, args, {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, KUBECONFIG: kubeconfig },
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-2000)));
      child.on("error", reject);
      child.on("close", (status) => {
        if (status !== 0) process.stderr.write(`aws-auth upsert ${m.rolearn}: exit ${status}: ${stderr}\n`);
        resolve(status ?? 1);
      });
    });
    if (code !== 0) throw new Error(`aws-auth upsert failed for ${m.rolearn}`);
  }
}
