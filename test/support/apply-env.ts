// Shared setup for the end-to-end tests of `eksgate plan`, `apply` and `destroy`
// (test/integration/apply-*.test.ts): the CLI is built from src/ with the same esbuild
// settings as `npm run build` and run as a child process against
//   - a private moto (IAM, STS), reached through a small recording proxy so a test can
//     count the IAM write calls the CLI made,
//   - the EKS access-entry double (clusters seeded with the shared apiserver's endpoint
//     and CA, request log),
//   - the shared real kube-apiserver of the integration global setup (kubeconfig context
//     named after the cluster ARN, as `aws eks update-kubeconfig` writes it).
//
// All "clusters" of a test point at the one apiserver, so aws-auth and eksgate's RBAC
// objects are shared: `resetCluster()` puts them back to a known state before each test.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  GetRoleCommand,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
} from "@aws-sdk/client-iam";
import {
  awsClients,
  createGroup,
  SEED_CREDENTIALS,
  type AwsClients,
  type AwsCredentials,
} from "../env/aws-seed.js";
import { adminClient, kubeEnv } from "../env/context.js";
import { type EksDouble, startEksDouble } from "../env/eks-double/index.js";
import { apiRequest, type ApiClient, type ApiResponse } from "../env/kube.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";
import type { ProvidedKube } from "../env/provided.js";

export const ACCOUNT = MOTO_ACCOUNT_ID;
export const REGION = "us-east-2";
export const MANAGED_LABEL = "app.kubernetes.io/managed-by=eksgate";

const REPO = join(import.meta.dirname, "../..");

// ------------------------------------------------------------------------------ the CLI

let built: Promise<string> | undefined;

/**
 * Builds the CLI from the working tree with scripts/build.mjs (the build `npm run build`
 * runs) into a private directory under node_modules/.cache, so packages still resolve and a
 * concurrent `npm run build` elsewhere cannot swap dist/ under a running test.
 */
export function buildCli(): Promise<string> {
  built ??= new Promise((done, fail) => {
    const outdir = join(REPO, "node_modules", ".cache", "eksgate-apply-e2e", String(process.pid));
    execFile(
      process.execPath,
      [join(REPO, "scripts", "build.mjs"), "--outdir", outdir],
      { cwd: REPO },
      (error, _stdout, stderr) => {
        if (error) fail(new Error(`building the CLI failed: ${stderr || error.message}`, { cause: error }));
        else done(join(outdir, "cli.js"));
      },
    );
  });
  return built;
}

// ------------------------------------------------------------------ IAM recording proxy

export interface RecordedAwsCall {
  readonly action: string;
  readonly status: number;
}

interface RecordingProxy {
  readonly endpoint: string;
  readonly calls: RecordedAwsCall[];
  stop(): Promise<void>;
}

/** Forwards every request to moto unchanged and records the query-protocol Action of each. */
async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const calls: RecordedAwsCall[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const query = new URL(req.url ?? "/", "http://x").searchParams;
      const form = new URLSearchParams(body.toString("utf8"));
      const action = form.get("Action") ?? query.get("Action") ?? String(req.headers["x-amz-target"] ?? "?");
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          // The Host header is part of the SigV4 signature: forward it as signed.
          headers: req.headers,
        },
        (up) => {
          calls.push({ action, status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      out.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
}

/** IAM/STS actions that change state (everything but reads). */
export function isAwsWrite(action: string): boolean {
  return !/^(Get|List|Simulate|Generate)/.test(action);
}

// ------------------------------------------------------------------------ environment

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Credentials the CLI uses (default: the seed keys, fine while enforcement is off). */
  readonly credentials?: AwsCredentials;
  /** Another kubeconfig (default: the environment's admin kubeconfig). */
  readonly kubeconfig?: string;
  readonly cwd?: string;
}

export interface ApplyEnv {
  readonly dir: string;
  readonly cli: string;
  readonly moto: MotoServer;
  readonly double: EksDouble;
  readonly kube: ProvidedKube;
  readonly aws: AwsClients;
  /** XDG_STATE_HOME of the CLI runs: backups land under `<stateHome>/eksgate/backups`. */
  readonly stateHome: string;
  /** Admin kubeconfig with one context per seeded cluster, named after its ARN. */
  readonly kubeconfig: string;
  clusterArn(name: string): string;
  /** Seeds a cluster in the double that points at the shared apiserver, and adds its context. */
  seedCluster(name: string, mode?: "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API"): void;
  /** Writes a kubeconfig whose contexts (one per seeded cluster) use this bearer token. */
  kubeconfigFor(token: string, file: string): string;
  writeFile(name: string, text: string): string;
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  spawnCli(args: readonly string[], options?: RunOptions): ChildProcess;
  /** The environment the CLI runs with (for running it some other way, e.g. on a terminal). */
  cliEnv(options?: RunOptions): NodeJS.ProcessEnv;
  /** IAM/STS calls the CLI made since the last `markAws()`. */
  awsCalls(): readonly RecordedAwsCall[];
  markAws(): void;
  /** Wipes moto and the double and creates the given IAM groups. */
  resetAws(groups: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startApplyEnv(): Promise<ApplyEnv> {
  const kube = kubeEnv();
  const dir = mkdtempSync(join(tmpdir(), "eksgate-apply-e2e-"));
  const home = join(dir, "home");
  const stateHome = join(dir, "state");
  mkdirSync(home);
  mkdirSync(stateHome);
  const cli = await buildCli();
  const moto = await startMoto();
  const proxy = await startRecordingProxy(moto.endpoint);
  const double = await startEksDouble({ iamEndpoint: moto.endpoint, region: REGION });
  const aws = awsClients(moto.endpoint, SEED_CREDENTIALS, REGION);
  const clusters = new Set<string>();
  const kubeconfig = join(dir, "kubeconfig");
  let mark = 0;

  const clusterArn = (name: string): string => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;

  const kubeconfigFor = (token: string, file: string): string => {
    const names = [...clusters];
    const config = {
      apiVersion: "v1",
      kind: "Config",
      clusters: names.map((n) => ({
        name: clusterArn(n),
        cluster: {
          server: kube.server,
          "certificate-authority-data": Buffer.from(kube.caData).toString("base64"),
        },
      })),
      users: names.map((n) => ({ name: clusterArn(n), user: { token } })),
      contexts: names.map((n) => ({
        name: clusterArn(n),
        context: { cluster: clusterArn(n), user: clusterArn(n) },
      })),
      ...(names[0] !== undefined ? { "current-context": clusterArn(names[0]) } : {}),
    };
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    return file;
  };

  const envFor = (options: RunOptions): NodeJS.ProcessEnv => {
    const credentials = options.credentials ?? SEED_CREDENTIALS;
    return {
      PATH: process.env["PATH"],
      HOME: home,
      NO_COLOR: "1",
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_IAM: proxy.endpoint,
      AWS_ENDPOINT_URL_STS: proxy.endpoint,
      AWS_ENDPOINT_URL_EKS: double.endpoint,
      KUBECONFIG: options.kubeconfig ?? kubeconfig,
      XDG_STATE_HOME: stateHome,
    };
  };

  const spawnCli = (args: readonly string[], options: RunOptions = {}): ChildProcess =>
    spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? dir,
      env: envFor(options),
      stdio: ["ignore", "pipe", "pipe"],
    });

  return {
    dir,
    cli,
    moto,
    double,
    kube,
    aws,
    stateHome,
    kubeconfig,
    clusterArn,
    seedCluster(name, mode = "CONFIG_MAP") {
      double.seedCluster({
        name,
        endpoint: kube.server,
        certificateAuthorityData: Buffer.from(kube.caData).toString("base64"),
        authenticationMode: mode,
        bootstrapClusterCreatorAdminPermissions: false,
      });
      clusters.add(name);
      kubeconfigFor(kube.adminToken, kubeconfig);
    },
    kubeconfigFor,
    writeFile(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    spawnCli,
    cliEnv: (options = {}) => envFor(options),
    run(args, options = {}) {
      return new Promise((done, fail) => {
        const child = spawnCli(args, options);
        let stdout = "";
        let stderr = "";
        child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c));
        child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c));
        child.on("error", fail);
        child.on("close", (code, signal) => {
          // EKSGATE_E2E_LOG=<file> keeps a transcript of every CLI run, for debugging.
          const log = process.env["EKSGATE_E2E_LOG"];
          if (log !== undefined && log !== "")
            appendFileSync(
              log,
              `\n$ eksgate ${args.join(" ")}\n[exit ${code ?? signal}]\n${stdout}${stderr}`,
            );
          done({ code, signal, stdout, stderr });
        });
      });
    },
    awsCalls: () => proxy.calls.slice(mark),
    markAws() {
      mark = proxy.calls.length;
    },
    async resetAws(groups) {
      await moto.reset();
      double.reset();
      clusters.clear();
      for (const group of groups) await createGroup(aws.iam, group);
      mark = proxy.calls.length;
    },
    async stop() {
      aws.iam.destroy();
      aws.sts.destroy();
      await double.stop();
      await proxy.stop();
      await moto.stop();
      rmSync(dir, { recursive: true, force: true });
      // The private build goes too; the next environment builds again from the tree.
      rmSync(dirname(cli), { recursive: true, force: true });
      built = undefined;
    },
  };
}

// -------------------------------------------------------------------------------- IAM

export interface IamSnapshot {
  /** Role name -> its inline policy names (sorted), for every role in the account. */
  readonly roles: Record<string, string[]>;
  /** Group name -> its inline policy names (sorted), for the groups asked about. */
  readonly groups: Record<string, string[]>;
}

/** What IAM holds now, read straight from moto with the SDK (not through eksgate's adapters). */
export async function iamSnapshot(aws: AwsClients, groups: readonly string[]): Promise<IamSnapshot> {
  const roles: Record<string, string[]> = {};
  const listed = await aws.iam.send(new ListRolesCommand({}));
  for (const role of listed.Roles ?? []) {
    const name = role.RoleName ?? "";
    const policies = await aws.iam.send(new ListRolePoliciesCommand({ RoleName: name }));
    roles[name] = [...(policies.PolicyNames ?? [])].sort();
  }
  const out: Record<string, string[]> = {};
  for (const group of groups) {
    const policies = await aws.iam.send(new ListGroupPoliciesCommand({ GroupName: group }));
    out[group] = [...(policies.PolicyNames ?? [])].sort();
  }
  return { roles, groups: out };
}

export async function roleInfo(
  aws: AwsClients,
  name: string,
): Promise<{ id: string; arn: string; tags: Record<string, string> }> {
  const out = await aws.iam.send(new GetRoleCommand({ RoleName: name }));
  const tags = await aws.iam.send(new ListRoleTagsCommand({ RoleName: name }));
  return {
    id: out.Role?.RoleId ?? "",
    arn: out.Role?.Arn ?? "",
    tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
  };
}

// --------------------------------------------------------------------------- Kubernetes

export async function admin(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return apiRequest(adminClient(), method, path, body);
}

async function adminJson<T>(method: string, path: string, body?: unknown, client?: ApiClient): Promise<T> {
  const res = await apiRequest(client ?? adminClient(), method, path, body);
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${method} ${path}: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

export interface LiveConfigMap {
  readonly metadata: {
    readonly resourceVersion: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly data?: Record<string, string>;
}

const AWS_AUTH = "/api/v1/namespaces/kube-system/configmaps/aws-auth";

export async function readAwsAuth(): Promise<LiveConfigMap | undefined> {
  const res = await admin("GET", AWS_AUTH);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET aws-auth: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as LiveConfigMap;
}

/** Replaces aws-auth with exactly this data (and labels/annotations), or deletes it (undefined). */
export async function setAwsAuth(
  data: Record<string, string> | undefined,
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): Promise<LiveConfigMap | undefined> {
  const del = await admin("DELETE", AWS_AUTH);
  if (del.status !== 200 && del.status !== 404) throw new Error(`DELETE aws-auth: ${del.status} ${del.body}`);
  if (data === undefined) return undefined;
  return adminJson<LiveConfigMap>("POST", "/api/v1/namespaces/kube-system/configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "aws-auth", namespace: "kube-system", ...metadata },
    data,
  });
}

/** Changes aws-auth data as another tool would (read, edit, write back). */
export async function editAwsAuth(
  edit: (data: Record<string, string>) => Record<string, string>,
): Promise<void> {
  const current = await readAwsAuth();
  if (current === undefined) throw new Error("aws-auth does not exist");
  await adminJson("PUT", AWS_AUTH, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { ...current.metadata, name: "aws-auth", namespace: "kube-system" },
    data: edit({ ...current.data }),
  });
}

export interface LiveRbacObject {
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion: string;
    readonly labels?: Record<string, string>;
  };
  readonly roleRef?: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string }[];
  readonly rules?: readonly unknown[];
}

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const RBAC_LISTS = [
  ["ClusterRole", `${RBAC}/clusterroles`],
  ["ClusterRoleBinding", `${RBAC}/clusterrolebindings`],
  ["RoleBinding", `${RBAC}/rolebindings`],
] as const;

/** RBAC objects matching a label selector, across all namespaces. */
export async function listRbac(selector = MANAGED_LABEL): Promise<LiveRbacObject[]> {
  const out: LiveRbacObject[] = [];
  for (const [kind, path] of RBAC_LISTS) {
    const list = await adminJson<{ items: LiveRbacObject[] }>(
      "GET",
      `${path}?labelSelector=${encodeURIComponent(selector)}`,
    );
    out.push(...list.items.map((item) => ({ ...item, kind })));
  }
  return out;
}

export function rbacKey(o: LiveRbacObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/** `kind/namespace/name -> resourceVersion` of every eksgate-labelled RBAC object. */
export async function rbacVersions(): Promise<Record<string, string>> {
  return Object.fromEntries((await listRbac()).map((o) => [rbacKey(o), o.metadata.resourceVersion]));
}

function rbacPath(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const name = encodeURIComponent(o.metadata.name);
  switch (o.kind) {
    case "ClusterRole":
      return `${RBAC}/clusterroles/${name}`;
    case "ClusterRoleBinding":
      return `${RBAC}/clusterrolebindings/${name}`;
    default:
      return `${RBAC}/namespaces/${o.metadata.namespace ?? ""}/rolebindings/${name}`;
  }
}

export async function deleteRbacObject(o: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): Promise<void> {
  const res = await admin("DELETE", rbacPath(o));
  if (res.status !== 200 && res.status !== 404) throw new Error(`DELETE ${rbacPath(o)}: ${res.status}`);
}

export async function getRbacObject(o: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): Promise<LiveRbacObject | undefined> {
  const res = await admin("GET", rbacPath(o));
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${rbacPath(o)}: ${res.status}`);
  return { ...(JSON.parse(res.body) as LiveRbacObject), kind: o.kind };
}

/** Creates an RBAC object as another tool would (no eksgate label unless given). */
export async function createRbacObject(object: {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  roleRef?: unknown;
  subjects?: unknown;
  rules?: unknown;
}): Promise<LiveRbacObject> {
  const path = rbacPath(object).replace(/\/[^/]+$/, "");
  return adminJson<LiveRbacObject>("POST", path, { apiVersion: "rbac.authorization.k8s.io/v1", ...object });
}

/** Deletes every eksgate-labelled RBAC object and sets aws-auth to `data` (or removes it). */
export async function resetCluster(data: Record<string, string> | undefined): Promise<void> {
  for (const object of await listRbac()) await deleteRbacObject(object);
  await setAwsAuth(data);
}

export interface AccessQuestion {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  readonly namespace?: string;
}

/** The real authorizer's answer (SubjectAccessReview) for a user with these groups. */
export async function canI(user: string, groups: readonly string[], q: AccessQuestion): Promise<boolean> {
  const review = await adminJson<{ status: { allowed?: boolean } }>(
    "POST",
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user,
        groups: [...groups, "system:authenticated"],
        resourceAttributes: {
          verb: q.verb,
          resource: q.resource,
          group: q.group ?? "",
          ...(q.namespace !== undefined ? { namespace: q.namespace } : {}),
        },
      },
    },
  );
  return review.status.allowed === true;
}

export async function createNamespace(name: string): Promise<void> {
  const res = await admin("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "eksgate.test/namespace": "true" } },
  });
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`namespace ${name}: ${res.status} ${res.body}`);
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}
