// A real Kubernetes control plane for the integration tests: etcd, kube-apiserver
// (HTTPS on loopback, RBAC) and kube-controller-manager running only the
// clusterrole-aggregation controller, so the built-in view/edit/admin roles
// carry their rules. No nodes, no scheduler: the tests exercise the API, not pods.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, closeSync, readFileSync, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REQUEST_DEADLINE_MS, START_DEADLINE_MS } from "../support/time-limits.js";
import { type ControlPlaneBinaries, cachedControlPlane, PINNED_VERSIONS } from "./binaries.js";
import { type ProbeResult, waitUntil } from "./wait.js";

export const ADMIN_USER = "eksgate-test-admin";
export const LOWPRIV_USER = "eksgate-test-lowpriv";

export interface StartKubeOptions {
  /**
   * URL of a TokenReview webhook. When set, kube-apiserver is started with
   * --authentication-token-webhook-config-file pointing at it, so bearer tokens
   * the static token file does not know are sent there.
   */
  readonly webhookUrl?: string;
  /** PEM CA bundle for an https webhookUrl. */
  readonly webhookCaData?: string;
  /** TokenReview API version the webhook speaks (default v1). */
  readonly webhookVersion?: "v1" | "v1beta1";
  /**
   * How long the apiserver reuses a webhook's answer for the same token (default 0s: tests
   * change what the webhook answers; kube-apiserver's own default is 2m).
   */
  readonly webhookCacheTtl?: string;
  /**
   * URL of a SubjectAccessReview webhook (authorization). When set, the apiserver runs
   * `--authorization-mode=RBAC,Webhook`: a request is allowed when RBAC or the webhook
   * allows it, as EKS adds its access-policy authorizer to RBAC. Answers are not cached.
   */
  readonly authorizationWebhookUrl?: string;
  /** Parent directory for the environment's private temp directory (default: the OS temp dir). */
  readonly dir?: string;
  /** Binaries to run; default: the cached pinned build (run ensureControlPlane first). */
  readonly binaries?: ControlPlaneBinaries;
  /** Milliseconds to wait for readiness before giving up (default START_DEADLINE_MS). */
  readonly timeoutMs?: number;
}

export interface KubeEnv {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** Kubernetes version the server runs, e.g. v1.33.13. */
  readonly version: string;
  readonly caFile: string;
  /** CA certificate (PEM) that signed the API server's serving certificate. */
  readonly caData: string;
  /** Static token of the admin identity (user eksgate-test-admin, group system:masters). */
  readonly adminToken: string;
  /** Static token of user eksgate-test-lowpriv (no groups but system:authenticated). */
  readonly lowPrivToken: string;
  readonly adminKubeconfig: string;
  readonly lowPrivKubeconfig: string;
  /** Point KUBECACHEDIR here when running kubectl, so tests never share ~/.kube/cache. */
  readonly kubeCacheDir: string;
  /** Private directory holding certificates, etcd data, logs and kubeconfigs; removed by stop(). */
  readonly dir: string;
  readonly logs: { readonly etcd: string; readonly apiserver: string; readonly controllerManager: string };
  /** Process ids (each the leader of its own process group): etcd, kube-apiserver, kube-controller-manager. */
  readonly pids: number[];
  /** Milliseconds from startKube() until the API was ready and view had aggregated rules. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
}

// Process groups still running; killed if the Node process exits without stop().
const live = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of live) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

export async function startKube(options: StartKubeOptions = {}): Promise<KubeEnv> {
  const started = Date.now();
  const binaries = options.binaries ?? cachedControlPlane();
  if (binaries === undefined) {
    throw new Error(
      "kube-apiserver/etcd are not built yet: run `npx tsx scripts/build-test-binaries.ts` (or call ensureControlPlane()) first",
    );
  }
  const timeoutMs = options.timeoutMs ?? START_DEADLINE_MS;
  const parent = options.dir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, "eksgate-kube-"));
  const managed: Managed[] = [];
  installExitHook();

  const stop = async (): Promise<void> => {
    // Controller manager first, etcd last, so nothing logs errors about a missing peer.
    for (const proc of [...managed].reverse()) await terminate(proc);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [etcdPort, etcdPeerPort, apiPort] = await freePorts(3);
    const pki = join(dir, "pki");
    await mkdir(pki);
    await mkdir(join(dir, "etcd"), { mode: 0o700 });
    const kubeCacheDir = join(dir, "kube-cache");
    await mkdir(kubeCacheDir);

    const certs = createCertificates(pki);
    const adminToken = token();
    const lowPrivToken = token();
    const controllerToken = token();
    const tokenFile = join(pki, "tokens.csv");
    await writeFile(
      tokenFile,
      [
        `${adminToken},${ADMIN_USER},eksgate-test-admin-uid,"system:masters"`,
        `${lowPrivToken},${LOWPRIV_USER},eksgate-test-lowpriv-uid`,
        `${controllerToken},system:kube-controller-manager,eksgate-test-kcm-uid,"system:masters"`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const logs = {
      etcd: join(dir, "etcd.log"),
      apiserver: join(dir, "kube-apiserver.log"),
      controllerManager: join(dir, "kube-controller-manager.log"),
    };
    managed.push(
      launch("etcd", binaries.etcd, logs.etcd, [
        "--name=eksgate-test",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${etcdPeerUrl}`,
        `--initial-advertise-peer-urls=${etcdPeerUrl}`,
        `--initial-cluster=eksgate-test=${etcdPeerUrl}`,
        // Throwaway data: skip fsync so a loaded machine does not stall the API server.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ]),
    );

    const { ca, serverCert, serverKey, saKey, saPub } = await certs;
    const caData = await readFile(ca, "utf8");
    const server = `https://127.0.0.1:${apiPort}`;

    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${serverCert}`,
      `--tls-private-key-file=${serverKey}`,
      `--client-ca-file=${ca}`,
      `--token-auth-file=${tokenFile}`,
      `--authorization-mode=${options.authorizationWebhookUrl === undefined ? "RBAC" : "RBAC,Webhook"}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      `--cert-dir=${pki}`,
      "--profiling=false",
    ];
    if (options.webhookUrl !== undefined) {
      const webhookConfig = join(pki, "token-webhook.kubeconfig");
      await writeFile(webhookConfig, webhookKubeconfig(options.webhookUrl, options.webhookCaData));
      apiserverArgs.push(
        `--authentication-token-webhook-config-file=${webhookConfig}`,
        `--authentication-token-webhook-version=${options.webhookVersion ?? "v1"}`,
        // Tests change what the webhook answers; never serve a stale cached review.
        `--authentication-token-webhook-cache-ttl=${options.webhookCacheTtl ?? "0s"}`,
      );
    }

    if (options.authorizationWebhookUrl !== undefined) {
      const authzConfig = join(pki, "authorization-webhook.kubeconfig");
      await writeFile(authzConfig, webhookKubeconfig(options.authorizationWebhookUrl, undefined));
      apiserverArgs.push(
        `--authorization-webhook-config-file=${authzConfig}`,
        "--authorization-webhook-version=v1",
        // Tests change access entries between requests: never serve a cached decision.
        "--authorization-webhook-cache-authorized-ttl=0s",
        "--authorization-webhook-cache-unauthorized-ttl=0s",
      );
    }

    await waitForEtcd(etcdUrl, managed, timeoutMs);
    managed.push(launch("kube-apiserver", binaries.kubeApiserver, logs.apiserver, apiserverArgs));

    const adminKubeconfig = join(dir, "admin.kubeconfig");
    const lowPrivKubeconfig = join(dir, "lowpriv.kubeconfig");
    const controllerKubeconfig = join(pki, "controller-manager.kubeconfig");
    await Promise.all([
      writeFile(adminKubeconfig, kubeconfig(server, caData, ADMIN_USER, adminToken), { mode: 0o600 }),
      writeFile(lowPrivKubeconfig, kubeconfig(server, caData, LOWPRIV_USER, lowPrivToken), { mode: 0o600 }),
      writeFile(
        controllerKubeconfig,
        kubeconfig(server, caData, "kube-controller-manager", controllerToken),
        { mode: 0o600 },
      ),
    ]);

    const client: ApiClient = { server, caData, token: adminToken };
    await waitFor("kube-apiserver /readyz", managed, timeoutMs, started, async () => {
      const res = await apiRequest(client, "GET", "/readyz");
      return res.status === 200 || `HTTP ${String(res.status)} ${res.body.slice(0, 300)}`;
    });

    managed.push(
      launch("kube-controller-manager", binaries.kubeControllerManager, logs.controllerManager, [
        `--kubeconfig=${controllerKubeconfig}`,
        "--controllers=clusterrole-aggregation",
        "--leader-elect=false",
        "--use-service-account-credentials=false",
        "--secure-port=0",
      ]),
    );

    await waitFor(
      "aggregated rules in ClusterRoles view, edit and admin",
      managed,
      timeoutMs,
      started,
      async () => {
        for (const role of ["view", "edit", "admin"]) {
          const res = await apiRequest(
            client,
            "GET",
            `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`,
          );
          if (res.status !== 200) return `${role}: HTTP ${String(res.status)}`;
          const body = JSON.parse(res.body) as { rules?: unknown[] };
          if ((body.rules ?? []).length === 0) return `${role} has no rules yet`;
        }
        return true;
      },
    );

    const versionRes = await apiRequest(client, "GET", "/version");
    const version =
      (JSON.parse(versionRes.body) as { gitVersion?: string }).gitVersion ?? PINNED_VERSIONS.kubernetes;

    return {
      server,
      version,
      caFile: ca,
      caData,
      adminToken,
      lowPrivToken,
      adminKubeconfig,
      lowPrivKubeconfig,
      kubeCacheDir,
      dir,
      logs,
      pids: managed.map((proc) => proc.child.pid ?? -1),
      startupMs: Date.now() - started,
      stop,
    };
  } catch (error) {
    const detail = managed.map((proc) => `--- ${proc.name} (${proc.log}) ---\n${tail(proc.log)}`).join("\n");
    await stop();
    throw new Error(`${(error as Error).message}\n${detail}`, { cause: error });
  }
}

function token(): string {
  return randomBytes(24).toString("hex");
}

function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

function launch(name: string, binary: string, log: string, args: readonly string[]): Managed {
  const fd = openSync(log, "a");
  try {
    // detached: each component leads its own process group, so stop() can signal the whole group.
    const child = spawn(binary, args, { detached: true, stdio: ["ignore", fd, fd] });
    if (child.pid !== undefined) live.add(child.pid);
    child.on("exit", () => {
      if (child.pid !== undefined) live.delete(child.pid);
    });
    child.on("error", () => {
      // reported through the exit checks in waitFor()
    });
    return { name, child, log };
  } finally {
    closeSync(fd);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function terminate(proc: Managed): Promise<void> {
  const pid = proc.child.pid;
  if (pid === undefined) return;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) {
    signalGroup(pid, "SIGKILL");
    while (groupAlive(pid)) await sleep(20);
  }
  if (!exited(proc.child)) {
    await new Promise<void>((done) => {
      if (exited(proc.child)) done();
      else
        proc.child.once("exit", () => {
          done();
        });
    });
  }
  live.delete(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Waits for `what` until `timeoutMs` after `started`; fails at once if a component exits. */
async function waitFor(
  what: string,
  managed: readonly Managed[],
  timeoutMs: number,
  started: number,
  probe: () => Promise<ProbeResult>,
): Promise<void> {
  await waitUntil(what, probe, {
    deadlineMs: timeoutMs,
    since: started,
    abort: () => {
      const dead = managed.find((proc) => exited(proc.child));
      return dead === undefined
        ? undefined
        : `${dead.name} exited (code ${dead.child.exitCode}, signal ${dead.child.signalCode})`;
    },
  });
}

async function waitForEtcd(url: string, managed: readonly Managed[], timeoutMs: number): Promise<void> {
  await waitFor("etcd /health", managed, timeoutMs, Date.now(), async () => {
    const res = await fetch(`${url}/health`);
    return res.ok || `HTTP ${String(res.status)}`;
  });
}

/** `count` distinct TCP ports that were free on 127.0.0.1 a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((done, fail) => {
          const srv = createServer();
          srv.once("error", fail);
          srv.listen(0, "127.0.0.1", () => {
            done(srv);
          });
        }),
    ),
  );
  const ports = servers.map((srv) => {
    const address = srv.address();
    if (address === null || typeof address === "string")
      throw new Error("could not allocate a loopback port");
    return address.port;
  });
  await Promise.all(servers.map((srv) => new Promise((done) => srv.close(done))));
  return ports;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile("openssl", args, { cwd }, (error, _stdout, stderr) => {
      if (error) fail(new Error(`openssl ${args[0] ?? ""} failed: ${stderr || error.message}`));
      else done();
    });
  });
}

interface Certificates {
  ca: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
}

/** A throwaway CA, a serving certificate for 127.0.0.1 signed by it, and a service-account signing key (all P-256). */
async function createCertificates(pki: string): Promise<Certificates> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const sa = (async () => {
    await openssl(
      ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "sa.key"],
      pki,
    );
    await openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], pki);
  })();
  const serving = (async () => {
    await Promise.all([
      openssl(
        [
          "req",
          "-x509",
          ...ec,
          "-keyout",
          "ca.key",
          "-out",
          "ca.crt",
          "-days",
          "7",
          "-subj",
          "/CN=eksgate-test-ca",
          "-addext",
          "basicConstraints=critical,CA:TRUE",
          "-addext",
          "keyUsage=critical,keyCertSign,cRLSign",
        ],
        pki,
      ),
      openssl(
        ["req", ...ec, "-keyout", "apiserver.key", "-out", "apiserver.csr", "-subj", "/CN=kube-apiserver"],
        pki,
      ),
      writeFile(
        join(pki, "apiserver.ext"),
        [
          "basicConstraints=critical,CA:FALSE",
          "keyUsage=critical,digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth",
          "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local",
          "",
        ].join("\n"),
      ),
    ]);
    await openssl(
      [
        "x509",
        "-req",
        "-in",
        "apiserver.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "7",
        "-extfile",
        "apiserver.ext",
        "-out",
        "apiserver.crt",
      ],
      pki,
    );
  })();
  await Promise.all([sa, serving]);
  return {
    ca: join(pki, "ca.crt"),
    serverCert: join(pki, "apiserver.crt"),
    serverKey: join(pki, "apiserver.key"),
    saKey: join(pki, "sa.key"),
    saPub: join(pki, "sa.pub"),
  };
}

/** A kubeconfig (JSON is valid YAML) for one bearer-token identity, with the CA embedded. */
export function kubeconfig(
  server: string,
  caData: string,
  user: string,
  bearerToken: string,
  namespace = "default",
): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "eksgate-test",
        cluster: { server, "certificate-authority-data": Buffer.from(caData).toString("base64") },
      },
    ],
    users: [{ name: user, user: { token: bearerToken } }],
    contexts: [{ name: user, context: { cluster: "eksgate-test", user, namespace } }],
    "current-context": user,
    preferences: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function webhookKubeconfig(url: string, caData: string | undefined): string {
  const cluster: Record<string, string> = { server: url };
  if (caData !== undefined) cluster["certificate-authority-data"] = Buffer.from(caData).toString("base64");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "token-webhook", cluster }],
    users: [{ name: "kube-apiserver", user: {} }],
    contexts: [{ name: "token-webhook", context: { cluster: "token-webhook", user: "kube-apiserver" } }],
    "current-context": "token-webhook",
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export interface ApiClient {
  readonly server: string;
  readonly caData: string;
  readonly token: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request to the API server, verifying its certificate against the test CA. */
export function apiRequest(
  client: ApiClient,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, client.server),
      {
        method,
        ca: client.caData,
        headers: {
          authorization: `Bearer ${client.token}`,
          accept: "application/json",
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
        },
        // A silent socket for this long is a hang, not a slow machine.
        timeout: REQUEST_DEADLINE_MS,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          done({ status: res.statusCode ?? 0, body: text });
        });
        res.on("error", fail);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", fail);
    req.end(payload);
  });
}
