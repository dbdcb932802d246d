/**
 * How eksgate reaches one EKS cluster's Kubernetes API.
 *
 * First choice is the person's own kubeconfig, as `aws eks update-kubeconfig` or eksctl
 * wrote it: a context named after the cluster ARN (update-kubeconfig's default), a context
 * whose cluster entry is named after the ARN (update-kubeconfig with `--alias`), a context
 * named like the cluster, or a context whose server is the cluster's endpoint. Whatever
 * credentials that context uses (exec plugins included) are handled by client-node's
 * KubeConfig. When no context fits, and the caller knows the endpoint and CA (from EKS
 * DescribeCluster) and can mint bearer tokens, a connection is built from those.
 *
 * A context that names the cluster but points at another server is never used: after a
 * cluster is recreated under the same name, a stale kubeconfig would otherwise send writes
 * to an address that is no longer this cluster.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { describeReadFailure, MAX_SETTINGS_BYTES, readRegularFileSync } from "../fs/read-input.js";
import type { Diagnostic, DiagnosticCode, Result } from "../../core/diagnostics.js";
import { regionOf } from "../../core/model/arn.js";
import { parseKubeconfigText } from "../../core/kubeconfig/merge.js";

export interface KubeConnection {
  /** The API server URL requests go to. */
  readonly server: string;
  /** A KubeConfig whose current context is the one to use. */
  readonly kubeConfig: KubeConfig;
  /** Where the connection came from, for messages: `context "x" in /home/me/.kube/config`. */
  readonly origin: string;
  /** When set, every request carries `Authorization: Bearer <token>` from this function. */
  readonly tokenProvider?: () => Promise<string>;
}

export interface KubeClusterIdentity {
  readonly name: string;
  readonly arn: string;
  /** The EKS endpoint (`https://<id>.<suffix>.<region>.eks.amazonaws.com`), when known. */
  readonly endpoint?: string;
  /** The cluster CA: base64 PEM as EKS DescribeCluster returns it, or PEM text. */
  readonly caData?: string;
}

export interface ResolveKubeConnectionOptions {
  /** A kubeconfig file. Default: the files in KUBECONFIG, else ~/.kube/config. */
  readonly kubeconfigPath?: string;
  /** Use exactly this context (it must exist and, when the endpoint is known, point at it). */
  readonly context?: string;
  readonly cluster: KubeClusterIdentity;
  /** Mints a bearer token for the cluster; needed for a connection built from the endpoint. */
  readonly tokenProvider?: () => Promise<string>;
  /** Environment to read KUBECONFIG and HOME from (default: the process environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const KUBE_CONNECTION_CODES = {
  kubeconfigUnreadable: "KUBE002",
  kubeconfigMissing: "KUBE001",
  contextNotFound: "KUBE003",
  contextOtherServer: "KUBE004",
  contextAmbiguous: "KUBE005",
  noConnection: "KUBE006",
} as const satisfies Record<string, DiagnosticCode>;

interface LoadedKubeconfig {
  readonly file: string;
  readonly config: KubeConfig;
}

interface Candidate {
  readonly file: string;
  readonly config: KubeConfig;
  readonly context: string;
  readonly server: string;
}

/** Finds the kubeconfig context for a cluster, or builds a connection from its endpoint. */
export function resolveKubeConnection(
  options: ResolveKubeConnectionOptions,
): Promise<Result<KubeConnection>> {
  return Promise.resolve(resolveSync(options));
}

function resolveSync(options: ResolveKubeConnectionOptions): Result<KubeConnection> {
  const { cluster } = options;
  const diagnostics: Diagnostic[] = [];
  const env = options.env ?? process.env;
  const files = kubeconfigFiles(options.kubeconfigPath, env);

  if (options.kubeconfigPath !== undefined && !existsSync(options.kubeconfigPath)) {
    return fail([
      {
        code: KUBE_CONNECTION_CODES.kubeconfigMissing,
        severity: "error",
        summary: `kubeconfig ${options.kubeconfigPath} does not exist.`,
        detail: "Check the path, or leave it out to use KUBECONFIG or ~/.kube/config.",
        path: options.kubeconfigPath,
      },
    ]);
  }

  const loaded: LoadedKubeconfig[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const config = new KubeConfig();
    let problem: string | undefined;
    try {
      // Read like every other input (a regular file, bounded), then checked with eksgate's
      // own kubeconfig reader, which refuses alias bombs and lists of the wrong shape that
      // client-node would take as they are, then loaded as loadFromFile does.
      const read = readRegularFileSync(file, MAX_SETTINGS_BYTES);
      if (!read.ok) throw new Error(describeReadFailure(read, "kubeconfig", file));
      const text = new TextDecoder().decode(read.bytes);
      const checked = parseKubeconfigText(text, file);
      if (checked.ok) {
        config.loadFromString(text);
        config.makePathsAbsolute(dirname(file));
      } else {
        problem = checked.diagnostics[0]?.summary ?? `${file} is not a kubeconfig`;
      }
    } catch (error) {
      problem = `kubeconfig ${file} cannot be read: ${messageOf(error)}`;
    }
    if (problem !== undefined) {
      diagnostics.push({
        code: KUBE_CONNECTION_CODES.kubeconfigUnreadable,
        severity: options.kubeconfigPath !== undefined ? "error" : "warning",
        summary: problem,
        detail: "Fix or remove the file; eksgate skips it otherwise.",
        path: file,
      });
      continue;
    }
    loaded.push({ file, config });
  }
  if (diagnostics.some((d) => d.severity === "error")) return fail(diagnostics);

  const endpoint = cluster.endpoint === undefined ? undefined : normalizeServer(cluster.endpoint);

  if (options.context !== undefined) {
    const found = loaded
      .map((l) => candidate(l, options.context ?? ""))
      .find((c): c is Candidate => c !== undefined);
    if (found === undefined) {
      return fail([
        ...diagnostics,
        {
          code: KUBE_CONNECTION_CODES.contextNotFound,
          severity: "error",
          summary: `kubeconfig context "${options.context}" not found.`,
          detail: `Looked in ${describeFiles(files)}. List contexts with \`kubectl config get-contexts\`, or add this cluster's with ${updateKubeconfigCommand(cluster)}.`,
        },
      ]);
    }
    if (endpoint !== undefined && normalizeServer(found.server) !== endpoint) {
      return fail([
        ...diagnostics,
        {
          code: KUBE_CONNECTION_CODES.contextOtherServer,
          severity: "error",
          summary: `kubeconfig context "${found.context}" points at ${found.server}, not at cluster ${cluster.name} (${cluster.endpoint ?? ""}).`,
          detail: `Choose the context of this cluster, or refresh it with ${updateKubeconfigCommand(cluster)}.`,
          path: contextPath(found),
        },
      ]);
    }
    return ok(connectionFrom(found), diagnostics);
  }

  // Candidates in order of how surely they mean this cluster.
  const tiers: ((c: Candidate) => boolean)[] = [
    (c) => c.context === cluster.arn,
    (c) => c.config.getContextObject(c.context)?.cluster === cluster.arn,
    (c) => c.context === cluster.name,
    (c) => endpoint !== undefined && normalizeServer(c.server) === endpoint,
  ];
  const all = loaded.flatMap((l) =>
    l.config
      .getContexts()
      .map((ctx) => candidate(l, ctx.name))
      .filter((c): c is Candidate => c !== undefined),
  );
  const skipped = new Set<Candidate>();
  for (const inTier of tiers) {
    const matches = all.filter((c) => inTier(c) && !skipped.has(c));
    const usable: Candidate[] = [];
    for (const m of matches) {
      if (endpoint !== undefined && normalizeServer(m.server) !== endpoint) {
        skipped.add(m);
        diagnostics.push({
          code: KUBE_CONNECTION_CODES.contextOtherServer,
          severity: "warning",
          summary: `kubeconfig context "${m.context}" in ${m.file} names cluster ${cluster.name} but points at ${m.server}, not at its endpoint ${cluster.endpoint ?? ""}; skipped.`,
          detail: `Refresh it with ${updateKubeconfigCommand(cluster)}.`,
          path: contextPath(m),
        });
        continue;
      }
      usable.push(m);
    }
    const chosen = pick(usable, loaded);
    if (chosen === undefined) continue;
    if (usable.length > 1) {
      diagnostics.push({
        code: KUBE_CONNECTION_CODES.contextAmbiguous,
        severity: "warning",
        summary: `Several kubeconfig contexts fit cluster ${cluster.name} (${usable.map((u) => `"${u.context}"`).join(", ")}); using "${chosen.context}".`,
        detail: "Pass the context explicitly to choose another.",
        path: contextPath(chosen),
      });
    }
    return ok(connectionFrom(chosen), diagnostics);
  }

  if (cluster.endpoint !== undefined && cluster.caData !== undefined && options.tokenProvider !== undefined) {
    return ok(
      endpointConnection(cluster, cluster.endpoint, cluster.caData, options.tokenProvider),
      diagnostics,
    );
  }

  const looked = [`a context named "${cluster.arn}" or "${cluster.name}"`];
  if (cluster.endpoint !== undefined) looked.push(`a cluster with server ${cluster.endpoint}`);
  return fail([
    ...diagnostics,
    {
      code: KUBE_CONNECTION_CODES.noConnection,
      severity: "error",
      summary: `No way to reach the Kubernetes API of cluster ${cluster.name}.`,
      detail:
        `Looked in ${describeFiles(files)} for ${looked.join(" or ")}. ` +
        `Add a context with ${updateKubeconfigCommand(cluster)} or with \`eksgate kubeconfig\`, ` +
        "or name an existing context explicitly.",
      path: files.join(delimiter) || "KUBECONFIG",
    },
  ]);
}

/** Where a context is, for a diagnostic's location: the file and the context's field. */
function contextPath(c: Candidate): string {
  return `${c.file}: contexts[${JSON.stringify(c.context)}]`;
}

function candidate(loaded: LoadedKubeconfig, contextName: string): Candidate | undefined {
  const ctx = loaded.config.getContextObject(contextName);
  if (ctx === null) return undefined;
  const clusterEntry = loaded.config.getCluster(ctx.cluster);
  if (clusterEntry === null) return undefined;
  return { file: loaded.file, config: loaded.config, context: contextName, server: clusterEntry.server };
}

/** Among equally good candidates: the file's current context if it is one, else the first. */
function pick(usable: readonly Candidate[], loaded: readonly LoadedKubeconfig[]): Candidate | undefined {
  for (const l of loaded) {
    const current = l.config.getCurrentContext();
    const hit = usable.find((u) => u.config === l.config && u.context === current);
    if (hit !== undefined) return hit;
  }
  return usable[0];
}

function connectionFrom(c: Candidate): KubeConnection {
  // A private copy, so choosing the context does not change what the caller loaded.
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: c.config.getClusters(),
    users: c.config.getUsers(),
    contexts: c.config.getContexts(),
    currentContext: c.context,
  });
  return { server: c.server, kubeConfig: config, origin: `context "${c.context}" in ${c.file}` };
}

function endpointConnection(
  cluster: KubeClusterIdentity,
  endpoint: string,
  caData: string,
  tokenProvider: () => Promise<string>,
): KubeConnection {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: cluster.arn, server: endpoint, caData: caDataBase64(caData), skipTLSVerify: false }],
    // No credentials here: the bearer token is added per request from tokenProvider.
    users: [{ name: "eksgate" }],
    contexts: [{ name: cluster.arn, cluster: cluster.arn, user: "eksgate" }],
    currentContext: cluster.arn,
  });
  return {
    server: endpoint,
    kubeConfig: config,
    origin: `endpoint ${endpoint} of cluster ${cluster.name}`,
    tokenProvider,
  };
}

/** kubeconfig wants base64 PEM; accept PEM text as well. */
function caDataBase64(caData: string): string {
  const trimmed = caData.trim();
  return trimmed.startsWith("-----BEGIN") ? Buffer.from(trimmed + "\n").toString("base64") : trimmed;
}

function kubeconfigFiles(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): readonly string[] {
  if (explicit !== undefined) return [explicit];
  const fromEnv = env["KUBECONFIG"];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    // Like kubectl: a list of files, the first definition of a name wins.
    return [...new Set(fromEnv.split(delimiter).filter((f) => f !== ""))];
  }
  return [join(env["HOME"] ?? homedir(), ".kube", "config")];
}

/** Servers compare without case in the host, a trailing slash or the default port. */
export function normalizeServer(server: string): string {
  try {
    const url = new URL(server.trim());
    const path = url.pathname.replace(/\/+$/, "");
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return server.trim().replace(/\/+$/, "").toLowerCase();
  }
}

function updateKubeconfigCommand(cluster: KubeClusterIdentity): string {
  const region = regionOf(cluster.arn);
  const regionFlag = region !== undefined && region !== "" ? ` --region ${region}` : "";
  return `\`aws eks update-kubeconfig --name ${cluster.name}${regionFlag}\``;
}

function describeFiles(files: readonly string[]): string {
  return files.length === 1 ? (files[0] ?? "") : files.join(", ");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ok(value: KubeConnection, diagnostics: readonly Diagnostic[]): Result<KubeConnection> {
  return { ok: true, value, diagnostics };
}

function fail(diagnostics: readonly Diagnostic[]): Result<KubeConnection> {
  return { ok: false, diagnostics };
}
