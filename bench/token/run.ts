// bench/token: how long kubectl waits for its exec credential plugin, side by side on one
// machine in one run. Usage:
//   npx tsx bench/token/run.ts [--rounds N] [--no-build] [--no-kubectl] [--kubectl PATH]
//                              [--webhook-cache-ttl 2m] [--baseline DIR] [--json FILE]
//
// Rows (each a fresh process; wall time from spawn to exit, and the CPU time the process
// and its children used, from this process's children's times in /proc/self/stat):
//   node -e 0                              the floor for any Node plugin
//   aws-iam-authenticator token -i demo    the Go client (v0.6.13, built by test/env), signing
//                                          locally with the environment's keys, no cache
//   eksgate-token, cache hit               bin/eksgate-token through a bin link: the shell path
//   eksgate token, cache hit               node dist/token.js ... (warm cache)
//   eksgate token via dist/cli.js          the same through the CLI entry
//   eksgate token, role credentials cached token expired, signed locally, no network
//   eksgate token, cache miss + AssumeRole empty cache: GetCallerIdentity + AssumeRole on moto
//   eksgate-token, cache miss              the shell hands over to Node, which does the same
//   aws eks get-token --role-arn           the installed awscli, AssumeRole on moto
//   baseline: ... (with --baseline DIR)    dist/token.js of DIR, built from an earlier commit
//                                          (see docs/benchmarks.md), hit and miss
// Commands run interleaved round by round, so load from other processes on the machine
// hits every row alike; the first rounds are warm-up and not counted.
//
// kubectl rows (skip them with --no-kubectl): the real `kubectl get --raw /version` against a
// local kube-apiserver (test/env/kube.ts), KUBECACHEDIR in a temp dir, with a kubeconfig whose
// user is a static bearer token (the floor for kubectl: no plugin at all), or an exec entry:
// one printing a fixed credential (`cat FILE`: the cost of kubectl's exec machinery), the
// entry `eksgate kubeconfig` writes (eksgate-token from PATH, interactiveMode Never) and
// variants of it, `node dist/token.js`, aws-iam-authenticator and the aws CLI.
// When `kubectl` on PATH is the Google Cloud SDK's version dispatcher (it asks the server
// for its version, running the plugin for that, then runs kubectl.<major>.<minor>), the rows
// use the kubectl it dispatches to, plus two rows through the dispatcher itself.
// The apiserver sends the EKS tokens to a TokenReview webhook run by this script, which
// accepts any `k8s-aws-v1.` token as one fixed user without checking it: verifying the
// presigned URL is out of scope for a timing of the client side (the real authenticator is
// exercised in test/integration/e2e-authenticator.test.ts). The apiserver caches the
// webhook's answers for --webhook-cache-ttl (default 2m, kube-apiserver's own default), so
// a reused token costs a cache lookup and a new one a webhook round trip.

import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { get } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const REGION = "us-east-2";
const CLUSTER = "demo";
const WARMUP_ROUNDS = 2;

interface Row {
  readonly name: string;
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Runs before each timed run, outside the timing (e.g. empty the cache). */
  readonly prepare?: () => void;
  /** A kubectl row whose token the apiserver sends to the bench webhook. */
  readonly viaWebhook?: boolean;
}

interface Result {
  readonly name: string;
  readonly command: string;
  readonly samplesMs: number[];
  readonly medianMs: number;
  readonly p25Ms: number;
  readonly p75Ms: number;
  /** Mean CPU time (user + system) of the process and its children, undefined off Linux. */
  readonly cpuMs: number | undefined;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo);
}

/** CPU time (ms) of this process's reaped children so far, from /proc (Linux only). */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of proc(5): cutime and cstime, in clock ticks (USER_HZ, 100).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

function timeOnce(row: Row): { wallMs: number; cpuMs: number | undefined } {
  row.prepare?.();
  const [file, ...args] = row.command;
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const run = spawnSync(file ?? "", args, { env: row.env, encoding: "utf8" });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  if (run.status !== 0 || run.stderr !== "") {
    throw new Error(
      `${row.name} failed (exit ${run.status ?? "signal"}): ${run.stderr || run.error?.message || ""}`,
    );
  }
  return {
    wallMs,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}

function buildDist(): string {
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, encoding: "utf8" });
  if (build.status === 0) return "npm run build (scripts/build.mjs)";
  // The CLI half of the tree may not build on its own yet; bundle the token entry alone with
  // the same esbuild options, which gives the same dist/token.js plus its lazy chunks.
  const fallback = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { build } from "esbuild";
       await build({ entryPoints: { token: "src/token/main.ts" }, outdir: "dist", bundle: true, splitting: true,
         format: "esm", platform: "node", target: "node20", packages: "external", sourcemap: "linked",
         banner: { js: "#!/usr/bin/env node" }, logLevel: "warning" });`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (fallback.status !== 0)
    throw new Error(`cannot build dist/token.js:\n${build.stderr}\n${fallback.stderr}`);
  return (
    "token entry only, scripts/build.mjs options (the full build failed: " +
    (build.stderr.split("\n").find((l) => l.includes("ERROR")) ?? "see stderr").trim() +
    ")"
  );
}

function cpuModel(): string {
  return cpus()[0]?.model.trim() ?? "unknown";
}

/** The identity the bench webhook gives every EKS-shaped token. */
const BENCH_USER = "eksgate-bench";

interface TokenWebhook {
  readonly url: string;
  /** TokenReviews answered with authenticated: true so far. */
  accepted(): Promise<number>;
  stop(): Promise<void>;
}

// The webhook's code, run as its own Node process: this one spends the timed runs blocked in
// spawnSync and could not answer the apiserver meanwhile. It prints its port, then serves
// TokenReviews on POST and the number it accepted on GET.
const WEBHOOK_SOURCE = `
const http = require("node:http");
let accepted = 0;
const server = http.createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    res.setHeader("content-type", "application/json");
    if (req.method === "GET") return res.end(JSON.stringify({ accepted }));
    let review = {};
    try { review = JSON.parse(body); } catch {}
    const token = review.spec && review.spec.token;
    const ok = typeof token === "string" && token.startsWith("k8s-aws-v1.");
    if (ok) accepted++;
    res.end(JSON.stringify({
      apiVersion: typeof review.apiVersion === "string" ? review.apiVersion : "authentication.k8s.io/v1",
      kind: "TokenReview",
      status: ok
        ? { authenticated: true, user: { username: process.argv[1], uid: process.argv[1], groups: [] } }
        : { authenticated: false },
    }));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

/**
 * A TokenReview webhook on loopback that accepts any token starting with `k8s-aws-v1.` as
 * BENCH_USER and nothing else. It does not verify the presigned URL: this bench times the
 * client side only.
 */
async function startTokenWebhook(): Promise<TokenWebhook> {
  const child = spawn(process.execPath, ["-e", WEBHOOK_SOURCE, BENCH_USER], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exitedOrPort = await new Promise<number>((done, fail) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("\n")) done(Number(out.trim()));
    });
    child.once("error", fail);
    child.once("exit", (code) => {
      fail(new Error(`token webhook exited early (code ${code ?? "signal"})`));
    });
  });
  const url = `http://127.0.0.1:${exitedOrPort}/`;
  return {
    url,
    // A new connection for each question (agent: false): this process sits in spawnSync for
    // seconds, long enough for the webhook to close an idle keep-alive socket under it.
    accepted: () =>
      new Promise<number>((done, fail) => {
        const req = get(url, { agent: false }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => {
            done((JSON.parse(body) as { accepted: number }).accepted);
          });
          res.on("error", fail);
        });
        req.on("error", fail);
      }),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        child.once("exit", () => {
          done();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** A kubeconfig (JSON) for the bench apiserver whose user runs an exec credential plugin. */
function execKubeconfig(
  server: string,
  caData: string,
  command: string,
  args: readonly string[],
  exec: Readonly<Record<string, unknown>> = {},
): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "bench",
        cluster: { server, "certificate-authority-data": Buffer.from(caData).toString("base64") },
      },
    ],
    users: [
      {
        name: "bench",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command,
            args,
            interactiveMode: "Never",
            ...exec,
          },
        },
      },
    ],
    contexts: [{ name: "bench", context: { cluster: "bench", user: "bench" } }],
    "current-context": "bench",
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

interface KubectlBinaries {
  /** The kubectl the rows run. */
  readonly kubectl: string;
  /** The Google Cloud SDK dispatcher, when that is what `kubectl` on PATH is. */
  readonly dispatcher?: string;
}

/**
 * The real kubectl: `--kubectl PATH`, else `kubectl` on PATH, unless that is the Google
 * Cloud SDK's dispatcher, whose `kubectl.<major>.<minor>` for the server is used instead.
 */
function findKubectl(serverVersion: string): KubectlBinaries {
  const given = option("--kubectl");
  if (given !== undefined) return { kubectl: given };
  const onPath = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).stdout.trim();
  if (onPath === "") throw new Error("kubectl is not on PATH (or pass --kubectl)");
  if (!kubectlVersion(onPath).includes("dispatcher")) return { kubectl: onPath };
  const minor = /^v(\d+)\.(\d+)/.exec(serverVersion);
  const target = join(dirname(realpathSync(onPath)), `kubectl.${minor?.[1] ?? ""}.${minor?.[2] ?? ""}`);
  if (!existsSync(target)) throw new Error(`${onPath} is a dispatcher without ${target}: pass --kubectl`);
  return { kubectl: target, dispatcher: onPath };
}

/** The aws-iam-authenticator the test environment builds (never built here). */
async function authenticatorPath(): Promise<string> {
  const { COMPONENTS, componentDir, isCached } = await import("../../test/env/binaries.js");
  const component = COMPONENTS.awsIamAuthenticator;
  if (!isCached(component)) {
    throw new Error(
      `aws-iam-authenticator ${component.version} is not built: run scripts/install-test-prereqs.sh first`,
    );
  }
  return join(componentDir(component), "aws-iam-authenticator");
}

async function main(): Promise<void> {
  const rounds = Number(option("--rounds") ?? "15");
  const jsonOut = option("--json");
  const withKubectl = !process.argv.includes("--no-kubectl");
  const webhookCacheTtl = option("--webhook-cache-ttl") ?? "2m";
  const baseline = option("--baseline");
  const build = process.argv.includes("--no-build") ? "existing dist/" : buildDist();
  const tokenJs = join(ROOT, "dist", "token.js");
  const cliJs = join(ROOT, "dist", "cli.js");
  if (!existsSync(tokenJs)) throw new Error("dist/token.js is missing: run npm run build");

  // The seeding below uses the AWS SDK, which warns on stderr under Node 20.
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  const seed = await import("../../test/env/aws-seed.js");
  const { MOTO_ACCOUNT_ID, startMoto } = await import("../../test/env/moto.js");
  const { accountRootTrustPolicy, assumeRolePolicy, awsClients, createGroup, createRole } = seed;
  const { createUserWithAccessKey, putGroupPolicy } = seed;

  // Everything started below is stopped in reverse order in the finally block, also after
  // Ctrl-C: the handler only marks the run, the child that got the signal fails its row,
  // and the error unwinds through the finally.
  const cleanup: { name: string; run: () => Promise<void> }[] = [];
  const sigint = { received: false };
  const onSigint = (): void => {
    sigint.received = true;
  };
  process.on("SIGINT", onSigint);
  const work = mkdtempSync(join(tmpdir(), "eksgate-bench-token-"));
  cleanup.push({
    name: "temp dir",
    run: () => {
      rmSync(work, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
  try {
    const motoStart = startMoto();
    const kubeStart = (async () => {
      if (!withKubectl) return undefined;
      const { startKube } = await import("../../test/env/kube.js");
      const { ensureControlPlane } = await import("../../test/env/binaries.js");
      const webhook = await startTokenWebhook();
      cleanup.push({ name: "token webhook", run: () => webhook.stop() });
      const binaries = await ensureControlPlane();
      const kube = await startKube({
        binaries,
        webhookUrl: webhook.url,
        webhookVersion: "v1",
        webhookCacheTtl,
      });
      cleanup.push({ name: "kube-apiserver", run: () => kube.stop() });
      return { kube, webhook };
    })();
    const [motoResult, kubeResult] = await Promise.allSettled([motoStart, kubeStart]);
    if (motoResult.status === "fulfilled") cleanup.push({ name: "moto", run: () => motoResult.value.stop() });
    if (motoResult.status === "rejected") throw motoResult.reason;
    if (kubeResult.status === "rejected") throw kubeResult.reason;
    const kubeEnv = kubeResult.value?.kube;
    const webhook = kubeResult.value?.webhook;
    const moto = motoResult.value;

    const { iam } = awsClients(moto.endpoint);
    await createGroup(iam, "team-a");
    // No session-name condition here: `aws eks get-token --role-arn` always uses the
    // session name EKSGetTokenAuth, and the comparison needs it to succeed.
    const roleArn = await createRole(iam, "team-a-eks", accountRootTrustPolicy(MOTO_ACCOUNT_ID));
    await putGroupPolicy(iam, "team-a", "assume-team-role", assumeRolePolicy(roleArn));
    const alice = await createUserWithAccessKey(iam, "alice", ["team-a"]);
    await moto.setEnforcement(true);

    const home = join(work, "home");
    mkdirSync(home);
    const baseEnv: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"],
      HOME: home,
      AWS_CONFIG_FILE: join(home, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ACCESS_KEY_ID: alice.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: alice.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
    };
    // Run directly, the plugins get what kubectl would put there; under kubectl, kubectl sets it.
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1",
        spec: { interactive: false },
      }),
    };
    const tokenArgs = ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn];
    const awsArgs = ["eks", "get-token", "--cluster-name", CLUSTER, "--region", REGION];
    const authenticator = await authenticatorPath();
    const authenticatorArgs = ["token", "-i", CLUSTER];
    const warmCache = join(work, "warm");
    const roleOnlyCache = join(work, "role-only");
    const coldCache = join(work, "cold");
    const shimColdCache = join(work, "shim-cold");
    const kubectlColdCache = join(work, "kubectl-cold");
    const emptyDir = (dir: string) => () => {
      rmSync(dir, { recursive: true, force: true });
    };
    const dropTokens = (dir: string) => () => {
      const cache = join(dir, "eksgate");
      for (const name of readdirSync(cache)) if (name.startsWith("token")) rmSync(join(cache, name));
    };
    const node = process.execPath;

    // eksgate-token as npm installs it: a bin directory on PATH with a link to the script.
    const binDir = join(work, "bin");
    mkdirSync(binDir);
    symlinkSync(join(ROOT, "bin", "eksgate-token"), join(binDir, "eksgate-token"));
    const shimPath = `${binDir}:${process.env["PATH"] ?? ""}`;
    const shimEnv = (cache: string): NodeJS.ProcessEnv => ({ ...env, PATH: shimPath, XDG_CACHE_HOME: cache });

    // The hit rows must stay hits for the whole run (a token lives 14 minutes): before each
    // of their runs, a token with less than 3 minutes left is replaced, outside the timing.
    const { fastTokenFileName, parseTokenFile, tokenKey } = await import("../../src/token/token-file.js");
    const warmParts = {
      cluster: CLUSTER,
      region: REGION,
      role: roleArn,
      caller: `key:${alice.credentials.accessKeyId}`,
    };
    const warmFile = join(warmCache, "eksgate", fastTokenFileName(warmParts) ?? "");
    const keepWarm = (): void => {
      let left = 0;
      try {
        left =
          (parseTokenFile(readFileSync(warmFile, "utf8"), tokenKey(warmParts))?.expiresAt ?? 0) - Date.now();
      } catch {
        left = 0;
      }
      if (left > 3 * 60_000) return;
      rmSync(warmFile, { force: true });
      const filled = spawnSync(node, [tokenJs, ...tokenArgs], { env: shimEnv(warmCache), encoding: "utf8" });
      if (filled.status !== 0) throw new Error(`cannot fill the warm cache: ${filled.stderr}`);
    };

    const rows: Row[] = [
      { name: "node -e 0 (floor)", command: [node, "-e", "0"], env },
      {
        name: "aws-iam-authenticator token -i (Go, no cache)",
        command: [authenticator, ...authenticatorArgs],
        env,
      },
      {
        name: "eksgate-token, cache hit",
        command: [join(binDir, "eksgate-token"), ...tokenArgs],
        env: shimEnv(warmCache),
        prepare: keepWarm,
      },
      {
        name: "eksgate token, cache hit",
        command: [node, tokenJs, ...tokenArgs],
        env: shimEnv(warmCache),
        prepare: keepWarm,
      },
      ...(existsSync(cliJs)
        ? [
            {
              name: "eksgate token via dist/cli.js, cache hit",
              command: [node, cliJs, "token", ...tokenArgs],
              env: shimEnv(warmCache),
              prepare: keepWarm,
            },
          ]
        : []),
      {
        name: "eksgate token, token expired, role credentials cached",
        command: [node, tokenJs, ...tokenArgs],
        env: { ...env, XDG_CACHE_HOME: roleOnlyCache },
        prepare: dropTokens(roleOnlyCache),
      },
      {
        name: "eksgate token, cache miss: GetCallerIdentity + AssumeRole",
        command: [node, tokenJs, ...tokenArgs],
        env: { ...env, XDG_CACHE_HOME: coldCache },
        prepare: emptyDir(coldCache),
      },
      {
        name: "eksgate-token, cache miss: handed to Node, GetCallerIdentity + AssumeRole",
        command: [join(binDir, "eksgate-token"), ...tokenArgs],
        env: shimEnv(shimColdCache),
        prepare: emptyDir(shimColdCache),
      },
      { name: "aws eks get-token --role-arn", command: ["aws", ...awsArgs, "--role-arn", roleArn], env },
    ];
    if (baseline !== undefined) {
      // The same plugin built from an earlier commit, with caches of its own (its token
      // files are JSON); its hit cache is refilled every 10 minutes, outside the timing.
      const baseTokenJs = join(baseline, "dist", "token.js");
      if (!existsSync(baseTokenJs)) throw new Error(`${baseTokenJs} is missing`);
      const baseWarm = join(work, "baseline-warm");
      const baseCold = join(work, "baseline-cold");
      let filledAt = 0;
      const keepBaselineWarm = (): void => {
        if (Date.now() - filledAt < 10 * 60_000) return;
        rmSync(baseWarm, { recursive: true, force: true });
        const filled = spawnSync(node, [baseTokenJs, ...tokenArgs], {
          env: { ...env, XDG_CACHE_HOME: baseWarm },
          encoding: "utf8",
        });
        if (filled.status !== 0) throw new Error(`cannot fill the baseline cache: ${filled.stderr}`);
        filledAt = Date.now();
      };
      rows.push(
        {
          name: "baseline: eksgate token, cache hit",
          command: [node, baseTokenJs, ...tokenArgs],
          env: { ...env, XDG_CACHE_HOME: baseWarm },
          prepare: keepBaselineWarm,
        },
        {
          name: "baseline: eksgate token, cache miss: GetCallerIdentity + AssumeRole",
          command: [node, baseTokenJs, ...tokenArgs],
          env: { ...env, XDG_CACHE_HOME: baseCold },
          prepare: emptyDir(baseCold),
        },
      );
    }

    let kubectlInfo = "";
    if (kubeEnv !== undefined) {
      const kube = kubeEnv;
      const { kubectl, dispatcher } = findKubectl(kube.version);
      kubectlInfo = `kubectl ${kubectlVersion(kubectl)} (${kubectl})${dispatcher === undefined ? "" : `, dispatcher ${kubectlVersion(dispatcher)} (${dispatcher})`}`;
      const kubeconfigs = join(work, "kubeconfigs");
      mkdirSync(kubeconfigs);
      const kubeconfigFile = (name: string, text: string): string => {
        const file = join(kubeconfigs, name);
        writeFileSync(file, text, { mode: 0o600 });
        return file;
      };
      const exec = (
        name: string,
        command: string,
        args: readonly string[],
        extra?: Record<string, unknown>,
      ) => kubeconfigFile(name, execKubeconfig(kube.server, kube.caData, command, args, extra));
      const get = (kubeconfig: string, binary = kubectl): string[] => [
        binary,
        "--kubeconfig",
        kubeconfig,
        "get",
        "--raw",
        "/version",
      ];
      const kubectlEnv: NodeJS.ProcessEnv = {
        ...baseEnv,
        PATH: shimPath,
        KUBECACHEDIR: join(work, "kube-cache"),
      };
      // A credential printed by cat: kubectl's own cost of running an exec plugin.
      const fixed = join(work, "fixed-credential.json");
      writeFileSync(
        fixed,
        `${JSON.stringify({
          kind: "ExecCredential",
          apiVersion: "client.authentication.k8s.io/v1",
          status: { token: `k8s-aws-v1.${Buffer.from("fixed").toString("base64url")}` },
        })}\n`,
      );
      // What `eksgate kubeconfig` writes: eksgate-token from PATH, interactiveMode Never.
      const shimEntry = exec("eksgate-token.json", "eksgate-token", tokenArgs);
      const warm = { ...kubectlEnv, XDG_CACHE_HOME: warmCache };
      rows.push(
        {
          name: "kubectl, static token (kubectl floor)",
          command: get(kube.lowPrivKubeconfig),
          env: kubectlEnv,
        },
        {
          name: "kubectl + exec cat of a fixed credential (exec floor)",
          viaWebhook: true,
          command: get(exec("cat.json", "cat", [fixed])),
          env: kubectlEnv,
        },
        {
          name: "kubectl + eksgate-token, cache hit (the entry eksgate kubeconfig writes)",
          viaWebhook: true,
          command: get(shimEntry),
          env: warm,
          prepare: keepWarm,
        },
        {
          name: "kubectl + eksgate-token, cache hit, interactiveMode IfAvailable",
          viaWebhook: true,
          command: get(
            exec("eksgate-token-ifavailable.json", "eksgate-token", tokenArgs, {
              interactiveMode: "IfAvailable",
            }),
          ),
          env: warm,
          prepare: keepWarm,
        },
        {
          name: "kubectl + eksgate-token, cache hit, provideClusterInfo (handed to Node)",
          viaWebhook: true,
          command: get(
            exec("eksgate-token-clusterinfo.json", "eksgate-token", tokenArgs, { provideClusterInfo: true }),
          ),
          env: warm,
          prepare: keepWarm,
        },
        {
          name: "kubectl + eksgate token (node dist/token.js), cache hit",
          viaWebhook: true,
          command: get(exec("eksgate-node.json", node, [tokenJs, ...tokenArgs])),
          env: warm,
          prepare: keepWarm,
        },
        {
          name: "kubectl + eksgate-token, cache miss: GetCallerIdentity + AssumeRole",
          viaWebhook: true,
          command: get(shimEntry),
          env: { ...kubectlEnv, XDG_CACHE_HOME: kubectlColdCache },
          prepare: emptyDir(kubectlColdCache),
        },
        {
          name: "kubectl + aws-iam-authenticator token -i",
          viaWebhook: true,
          command: get(exec("authenticator.json", authenticator, authenticatorArgs)),
          env: kubectlEnv,
        },
        {
          name: "kubectl + aws eks get-token --role-arn",
          viaWebhook: true,
          command: get(exec("aws-role.json", "aws", [...awsArgs, "--role-arn", roleArn])),
          env: kubectlEnv,
        },
        ...(dispatcher === undefined
          ? []
          : [
              {
                name: "kubectl dispatcher, static token",
                command: get(kube.lowPrivKubeconfig, dispatcher),
                env: kubectlEnv,
              },
              {
                name: "kubectl dispatcher + eksgate-token, cache hit",
                viaWebhook: true,
                command: get(shimEntry, dispatcher),
                env: warm,
                prepare: keepWarm,
              },
            ]),
      );
    }

    // Fill the caches the hit rows read, and check that the shell really answers them: with
    // a `node` that fails first on PATH, a hand-over to Node would fail the run.
    keepWarm();
    const roleRow = rows.find((r) => r.name.includes("role credentials cached"));
    if (roleRow !== undefined) {
      const { prepare: _keepTheRoleCredentials, ...fill } = roleRow;
      timeOnce(fill);
    }
    const noNode = join(work, "no-node");
    mkdirSync(noNode);
    writeFileSync(join(noNode, "node"), "#!/bin/sh\necho 'eksgate-token started node' >&2\nexit 97\n", {
      mode: 0o755,
    });
    for (const row of rows.filter(
      (r) => r.name.includes("eksgate-token, cache hit") && !r.name.includes("provideClusterInfo"),
    )) {
      timeOnce({ ...row, env: { ...row.env, PATH: `${noNode}:${row.env["PATH"] ?? ""}` } });
    }

    const samples = rows.map(() => [] as number[]);
    const cpu = rows.map((): number | undefined => 0);
    const reviews = rows.map(() => 0);
    for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      for (const [i, row] of rows.entries()) {
        if (sigint.received) throw new Error("interrupted");
        // Asked outside the timed run: an exec row whose token never reached the webhook
        // would time something else. (A token the apiserver answered from its cache does
        // not reach the webhook: the counts are reported.)
        const before = row.viaWebhook === true && webhook !== undefined ? await webhook.accepted() : 0;
        const timed = timeOnce(row);
        if (row.viaWebhook === true && webhook !== undefined) {
          reviews[i] = (reviews[i] ?? 0) + (await webhook.accepted()) - before;
        }
        if (round >= WARMUP_ROUNDS) {
          samples[i]?.push(timed.wallMs);
          const sum = cpu[i];
          cpu[i] = sum === undefined || timed.cpuMs === undefined ? undefined : sum + timed.cpuMs;
        }
      }
      process.stderr.write(`\rround ${round + 1}/${WARMUP_ROUNDS + rounds}`);
    }
    process.stderr.write("\n");
    const reviewSummary = rows
      .map((row, i) => ({ row, made: reviews[i] ?? 0 }))
      .filter(({ row }) => row.viaWebhook === true)
      .map(({ row, made }) => `${row.name}: ${(made / (WARMUP_ROUNDS + rounds)).toFixed(1)}`)
      .join("; ");

    const results: Result[] = rows.map((row, i) => {
      const sorted = [...(samples[i] ?? [])].sort((a, b) => a - b);
      const cpuSum = cpu[i];
      return {
        name: row.name,
        command: row.command.map((part) => part.replace(ROOT + "/", "").replace(node, "node")).join(" "),
        samplesMs: samples[i] ?? [],
        medianMs: quantile(sorted, 0.5),
        p25Ms: quantile(sorted, 0.25),
        p75Ms: quantile(sorted, 0.75),
        cpuMs: cpuSum === undefined ? undefined : cpuSum / rounds,
      };
    });
    const find = (name: string): Result | undefined => results.find((r) => r.name.startsWith(name));
    const byName = (name: string): number => find(name)?.medianMs ?? NaN;
    const cpuOf = (name: string): number => find(name)?.cpuMs ?? NaN;
    const floor = byName("node -e 0");
    const goToken = byName("aws-iam-authenticator token");
    const shimHit = byName("eksgate-token, cache hit");
    const nodeHit = byName("eksgate token, cache hit");
    const miss = byName("eksgate token, cache miss");
    const shimMiss = byName("eksgate-token, cache miss");
    const awsRole = byName("aws eks get-token --role-arn");
    const kubectlFloor = byName("kubectl, static token");
    const kubectlExecFloor = byName("kubectl + exec cat");
    const kubectlShimHit = byName("kubectl + eksgate-token, cache hit (the entry");
    const kubectlGo = byName("kubectl + aws-iam-authenticator");
    const kubectlAwsRole = byName("kubectl + aws eks get-token --role-arn");
    const ratio = (a: number, b: number): string => (a / b).toFixed(2);
    const met = (ok: boolean): string => (ok ? "MET" : "MISSED");
    const lines = [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} CPUs (nproc), ${cpuModel()}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} at the end`,
      `node ${process.version}; ${spawnSync("aws", ["--version"], { encoding: "utf8" }).stdout.trim()}; moto at ${moto.endpoint} with IAM enforcement; sh -> ${realpathSync("/bin/sh")}`,
      ...(kubeEnv === undefined
        ? []
        : [
            `${kubectlInfo}; kube-apiserver ${kubeEnv.version}, webhook cache TTL ${webhookCacheTtl}; TokenReviews per run: ${reviewSummary}`,
          ]),
      `build: ${build}`,
      `rounds: ${rounds} counted (+${WARMUP_ROUNDS} warm-up), interleaved`,
      "",
      "| command | median ms | p25-p75 ms | CPU ms | x node -e 0 | x Go token | x kubectl static token |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.medianMs.toFixed(1)} | ${r.p25Ms.toFixed(1)}-${r.p75Ms.toFixed(1)} | ${r.cpuMs === undefined ? "-" : r.cpuMs.toFixed(1)} | ${ratio(r.medianMs, floor)} | ${r.name.startsWith("kubectl") ? "-" : ratio(r.medianMs, goToken)} | ${r.name.startsWith("kubectl") ? ratio(r.medianMs, kubectlFloor) : "-"} |`,
      ),
      "",
      "targets:",
      `- eksgate-token cache hit <= 0.5x aws-iam-authenticator token: ${ratio(shimHit, goToken)}x ${met(shimHit / goToken <= 0.5)} (CPU ${ratio(cpuOf("eksgate-token, cache hit"), cpuOf("aws-iam-authenticator token"))}x)`,
      ...(kubeEnv === undefined
        ? []
        : [
            `- kubectl + eksgate-token (cache hit) <= 1.15x kubectl with a static token: ${ratio(kubectlShimHit, kubectlFloor)}x ${met(kubectlShimHit / kubectlFloor <= 1.15)} (CPU ${ratio(cpuOf("kubectl + eksgate-token, cache hit (the entry"), cpuOf("kubectl, static token"))}x)`,
          ]),
      `- cache miss with AssumeRole: eksgate token ${ratio(miss, floor)}x node -e 0; eksgate-token ${ratio(shimMiss, miss)}x eksgate token` +
        (baseline === undefined
          ? ""
          : `; eksgate token ${ratio(miss, byName("baseline: eksgate token, cache miss"))}x the baseline's miss (CPU ${ratio(cpuOf("eksgate token, cache miss"), cpuOf("baseline: eksgate token, cache miss"))}x), hit ${ratio(nodeHit, byName("baseline: eksgate token, cache hit"))}x`),
      "",
      "other ratios:",
      `- eksgate token cache hit (Node) ${ratio(nodeHit, goToken)}x the Go token; eksgate-token cache hit ${(awsRole / shimHit).toFixed(0)}x faster than aws eks get-token --role-arn`,
      ...(kubeEnv === undefined
        ? []
        : [
            `- on top of the static token: exec floor (cat) +${(kubectlExecFloor - kubectlFloor).toFixed(1)} ms, eksgate-token hit +${(kubectlShimHit - kubectlFloor).toFixed(1)} ms, aws-iam-authenticator +${(kubectlGo - kubectlFloor).toFixed(1)} ms, aws --role-arn +${(kubectlAwsRole - kubectlFloor).toFixed(0)} ms`,
          ]),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (jsonOut !== undefined)
      writeFileSync(
        jsonOut,
        JSON.stringify(
          {
            date: new Date().toISOString(),
            cpus: cpus().length,
            cpu: cpuModel(),
            build,
            kubeApiserver: kubeEnv?.version,
            kubectl: kubectlInfo,
            webhookCacheTtl,
            results,
          },
          null,
          2,
        ),
      );
  } finally {
    process.off("SIGINT", onSigint);
    for (const step of cleanup.reverse()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`stopping ${step.name} failed: ${(error as Error).message}\n`);
      }
    }
  }
}

function kubectlVersion(kubectl: string): string {
  const run = spawnSync(kubectl, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  try {
    return (
      (JSON.parse(run.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? "?"
    );
  } catch {
    return "?";
  }
}

await main();
