// bench/token: how long kubectl waits for its exec credential plugin, side by side on one
// machine in one run. Usage:
//   npx tsx bench/token/run.ts [--rounds N] [--no-build] [--no-kubectl] [--json FILE]
//
// Rows (each a fresh process, wall time from spawn to exit):
//   node -e 0                              the floor for any Node plugin
//   eksgate token, cache hit               node dist/token.js ... (warm cache)
//   eksgate token, role credentials cached token expired, signed locally, no network
//   eksgate token, cache miss + AssumeRole empty cache: GetCallerIdentity + AssumeRole on moto
//   aws eks get-token                      the installed awscli, no network
//   aws eks get-token --role-arn           awscli, AssumeRole on moto (AWS_ENDPOINT_URL_STS)
// Commands run interleaved round by round, so load from other processes on the machine
// hits every row alike; the first rounds are warm-up and not counted.
//
// kubectl rows (skip them with --no-kubectl): the real `kubectl get --raw /version` against a
// local kube-apiserver (test/env/kube.ts), KUBECACHEDIR in a temp dir, with a kubeconfig whose
// user is
//   a static bearer token                  the floor for kubectl: no plugin at all
//   exec eksgate token, warm cache         node dist/token.js ...
//   exec eksgate token, empty cache        GetCallerIdentity + AssumeRole on moto
//   exec aws eks get-token                 the installed awscli
//   exec aws eks get-token --role-arn      awscli, AssumeRole on moto
// The apiserver sends the EKS tokens to a TokenReview webhook run by this script, which
// accepts any `k8s-aws-v1.` token as one fixed user without checking it: verifying the
// presigned URL is out of scope for a timing of the client side (the real authenticator is
// exercised in test/integration/e2e-authenticator.test.ts). The webhook round trip (cache TTL
// 0 s in the test apiserver) is part of every exec row and absent from the static-token row.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

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

function timeOnce(row: Row): number {
  row.prepare?.();
  const [file, ...args] = row.command;
  const start = process.hrtime.bigint();
  const run = spawnSync(file ?? "", args, { env: row.env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0 || run.stderr !== "") {
    throw new Error(
      `${row.name} failed (exit ${run.status ?? "signal"}): ${run.stderr || run.error?.message || ""}`,
    );
  }
  return ms;
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
function execKubeconfig(server: string, caData: string, command: string, args: readonly string[]): string {
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
          exec: { apiVersion: "client.authentication.k8s.io/v1", command, args, interactiveMode: "Never" },
        },
      },
    ],
    contexts: [{ name: "bench", context: { cluster: "bench", user: "bench" } }],
    "current-context": "bench",
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

async function main(): Promise<void> {
  const rounds = Number(option("--rounds") ?? "15");
  const jsonOut = option("--json");
  const withKubectl = !process.argv.includes("--no-kubectl");
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
      const kube = await startKube({ binaries, webhookUrl: webhook.url, webhookVersion: "v1" });
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
    const warmCache = join(work, "warm");
    const roleOnlyCache = join(work, "role-only");
    const coldCache = join(work, "cold");
    const kubectlColdCache = join(work, "kubectl-cold");
    const emptyDir = (dir: string) => () => {
      rmSync(dir, { recursive: true, force: true });
    };
    const dropTokens = (dir: string) => () => {
      const cache = join(dir, "eksgate");
      for (const name of readdirSync(cache)) if (name.startsWith("token-")) rmSync(join(cache, name));
    };
    const node = process.execPath;

    const rows: Row[] = [
      { name: "node -e 0 (floor)", command: [node, "-e", "0"], env },
      {
        name: "eksgate token, cache hit",
        command: [node, tokenJs, ...tokenArgs],
        env: { ...env, XDG_CACHE_HOME: warmCache },
      },
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
      ...(existsSync(cliJs)
        ? [
            {
              name: "eksgate token via dist/cli.js, cache hit",
              command: [node, cliJs, "token", ...tokenArgs],
              env: { ...env, XDG_CACHE_HOME: warmCache },
            },
          ]
        : []),
      { name: "aws eks get-token", command: ["aws", ...awsArgs], env },
      { name: "aws eks get-token --role-arn", command: ["aws", ...awsArgs, "--role-arn", roleArn], env },
    ];

    if (kubeEnv !== undefined) {
      const kube = kubeEnv;
      const kubeconfigs = join(work, "kubeconfigs");
      mkdirSync(kubeconfigs);
      const kubeconfigFile = (name: string, text: string): string => {
        const file = join(kubeconfigs, name);
        writeFileSync(file, text, { mode: 0o600 });
        return file;
      };
      const kubectl = (kubeconfig: string): string[] => [
        "kubectl",
        "--kubeconfig",
        kubeconfig,
        "get",
        "--raw",
        "/version",
      ];
      const kubectlEnv: NodeJS.ProcessEnv = { ...baseEnv, KUBECACHEDIR: join(work, "kube-cache") };
      const eksgateExec = execKubeconfig(kube.server, kube.caData, node, [tokenJs, ...tokenArgs]);
      rows.push(
        {
          name: "kubectl, static token (kubectl floor)",
          command: kubectl(kube.lowPrivKubeconfig),
          env: kubectlEnv,
        },
        {
          name: "kubectl + eksgate token, cache hit",
          viaWebhook: true,
          command: kubectl(kubeconfigFile("eksgate.json", eksgateExec)),
          env: { ...kubectlEnv, XDG_CACHE_HOME: warmCache },
        },
        {
          name: "kubectl + eksgate token, cache miss: GetCallerIdentity + AssumeRole",
          viaWebhook: true,
          command: kubectl(kubeconfigFile("eksgate-cold.json", eksgateExec)),
          env: { ...kubectlEnv, XDG_CACHE_HOME: kubectlColdCache },
          prepare: emptyDir(kubectlColdCache),
        },
        {
          name: "kubectl + aws eks get-token",
          viaWebhook: true,
          command: kubectl(
            kubeconfigFile("aws.json", execKubeconfig(kube.server, kube.caData, "aws", awsArgs)),
          ),
          env: kubectlEnv,
        },
        {
          name: "kubectl + aws eks get-token --role-arn",
          viaWebhook: true,
          command: kubectl(
            kubeconfigFile(
              "aws-role.json",
              execKubeconfig(kube.server, kube.caData, "aws", [...awsArgs, "--role-arn", roleArn]),
            ),
          ),
          env: kubectlEnv,
        },
      );
    }

    // Fill the caches the hit rows read.
    timeOnce(rows[1] as Row);
    const { prepare: _skip, ...fillRoleCache } = rows[2] as Row;
    timeOnce(fillRoleCache);

    const samples = rows.map(() => [] as number[]);
    const reviews = rows.map(() => 0);
    for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      for (const [i, row] of rows.entries()) {
        if (sigint.received) throw new Error("interrupted");
        // Asked outside the timed run: an exec row whose token never reached the webhook
        // would time something else. (Not every run makes exactly one review: the counts are
        // reported, the apiserver can answer a repeated identical token without asking.)
        const before = row.viaWebhook === true && webhook !== undefined ? await webhook.accepted() : 0;
        const ms = timeOnce(row);
        if (row.viaWebhook === true && webhook !== undefined) {
          reviews[i] = (reviews[i] ?? 0) + (await webhook.accepted()) - before;
        }
        if (round >= WARMUP_ROUNDS) samples[i]?.push(ms);
      }
      process.stderr.write(`\rround ${round + 1}/${WARMUP_ROUNDS + rounds}`);
    }
    process.stderr.write("\n");
    rows.forEach((row, i) => {
      if (row.viaWebhook === true && reviews[i] === 0)
        throw new Error(`${row.name}: kubectl never sent its token to the webhook`);
    });
    const reviewSummary = rows
      .map((row, i) => ({ row, made: reviews[i] ?? 0 }))
      .filter(({ row }) => row.viaWebhook === true)
      .map(({ row, made }) => `${row.name}: ${(made / (WARMUP_ROUNDS + rounds)).toFixed(1)}`)
      .join("; ");

    const results: Result[] = rows.map((row, i) => {
      const sorted = [...(samples[i] ?? [])].sort((a, b) => a - b);
      return {
        name: row.name,
        command: row.command.map((part) => part.replace(ROOT + "/", "").replace(node, "node")).join(" "),
        samplesMs: samples[i] ?? [],
        medianMs: quantile(sorted, 0.5),
        p25Ms: quantile(sorted, 0.25),
        p75Ms: quantile(sorted, 0.75),
      };
    });
    const byName = (name: string): number => results.find((r) => r.name.startsWith(name))?.medianMs ?? NaN;
    const floor = byName("node -e 0");
    const hit = byName("eksgate token, cache hit");
    const miss = byName("eksgate token, cache miss");
    const awsRole = byName("aws eks get-token --role-arn");
    const kubectlFloor = byName("kubectl, static token");
    const kubectlHit = byName("kubectl + eksgate token, cache hit");
    const kubectlMiss = byName("kubectl + eksgate token, cache miss");
    const kubectlAwsRole = byName("kubectl + aws eks get-token --role-arn");
    const lines = [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} CPUs (nproc), ${cpuModel()}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} at the end`,
      `node ${process.version}; ${spawnSync("aws", ["--version"], { encoding: "utf8" }).stdout.trim()}; moto at ${moto.endpoint} with IAM enforcement`,
      ...(kubeEnv === undefined
        ? []
        : [
            `kubectl ${kubectlVersion()}; kube-apiserver ${kubeEnv.version}; TokenReviews per run: ${reviewSummary}`,
          ]),
      `build: ${build}`,
      `rounds: ${rounds} counted (+${WARMUP_ROUNDS} warm-up), interleaved`,
      "",
      "| command | median ms | p25-p75 ms | x node -e 0 | x kubectl static token |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.medianMs.toFixed(0)} | ${r.p25Ms.toFixed(0)}-${r.p75Ms.toFixed(0)} | ${(r.medianMs / floor).toFixed(2)} | ${r.name.startsWith("kubectl") ? (r.medianMs / kubectlFloor).toFixed(2) : "-"} |`,
      ),
      "",
      "targets:",
      `- cache hit <= 1.25x node -e 0: ${(hit / floor).toFixed(2)}x ${hit / floor <= 1.25 ? "MET" : "MISSED"}`,
      `- cache miss with AssumeRole <= 2.5x node -e 0: ${(miss / floor).toFixed(2)}x ${miss / floor <= 2.5 ? "MET" : "MISSED"}`,
      `- cache hit >= 5x faster than aws eks get-token --role-arn: ${(awsRole / hit).toFixed(1)}x ${awsRole / hit >= 5 ? "MET" : "MISSED"}`,
      ...(kubeEnv === undefined
        ? []
        : [
            "",
            "through kubectl:",
            `- plugin cost on top of the static token: eksgate hit +${(kubectlHit - kubectlFloor).toFixed(0)} ms, eksgate miss +${(kubectlMiss - kubectlFloor).toFixed(0)} ms, aws --role-arn +${(kubectlAwsRole - kubectlFloor).toFixed(0)} ms`,
            `- kubectl + eksgate hit is ${(kubectlAwsRole / kubectlHit).toFixed(1)}x faster than kubectl + aws eks get-token --role-arn`,
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

function kubectlVersion(): string {
  const run = spawnSync("kubectl", ["version", "--client", "-o", "json"], { encoding: "utf8" });
  try {
    return (
      (JSON.parse(run.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? "?"
    );
  } catch {
    return "?";
  }
}

await main();
