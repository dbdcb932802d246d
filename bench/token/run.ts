// bench/token: how long kubectl waits for its exec credential plugin, side by side on one
// machine in one run. Usage:
//   npx tsx bench/token/run.ts [--rounds N] [--no-build] [--json FILE]
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
// TODO(kubectl half): the same rows through `kubectl get --raw /version` against the test
// kube-apiserver (test/env/kube.ts) need that environment's control-plane binaries and the
// token webhook from the end-to-end work; not measured here yet.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
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

async function main(): Promise<void> {
  const rounds = Number(option("--rounds") ?? "15");
  const jsonOut = option("--json");
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
  const moto = await startMoto();
  const work = mkdtempSync(join(tmpdir(), "eksgate-bench-token-"));
  try {
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
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"],
      HOME: home,
      AWS_CONFIG_FILE: join(home, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ACCESS_KEY_ID: alice.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: alice.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1",
        spec: { interactive: false },
      }),
    };
    const tokenArgs = ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn];
    const warmCache = join(work, "warm");
    const roleOnlyCache = join(work, "role-only");
    const coldCache = join(work, "cold");
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
      {
        name: "aws eks get-token",
        command: ["aws", "eks", "get-token", "--cluster-name", CLUSTER, "--region", REGION],
        env,
      },
      {
        name: "aws eks get-token --role-arn",
        command: [
          "aws",
          "eks",
          "get-token",
          "--cluster-name",
          CLUSTER,
          "--region",
          REGION,
          "--role-arn",
          roleArn,
        ],
        env,
      },
    ];
    // Fill the caches the hit rows read.
    timeOnce(rows[1] as Row);
    const { prepare: _skip, ...fillRoleCache } = rows[2] as Row;
    timeOnce(fillRoleCache);

    const samples = rows.map(() => [] as number[]);
    for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      rows.forEach((row, i) => {
        const ms = timeOnce(row);
        if (round >= WARMUP_ROUNDS) samples[i]?.push(ms);
      });
      process.stderr.write(`\rround ${round + 1}/${WARMUP_ROUNDS + rounds}`);
    }
    process.stderr.write("\n");

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
    const lines = [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} CPUs (nproc), ${cpuModel()}; load average ${(await import("node:os"))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} at the end`,
      `node ${process.version}; ${spawnSync("aws", ["--version"], { encoding: "utf8" }).stdout.trim()}; moto at ${moto.endpoint} with IAM enforcement`,
      `build: ${build}`,
      `rounds: ${rounds} counted (+${WARMUP_ROUNDS} warm-up), interleaved`,
      "",
      "| command | median ms | p25-p75 ms | x node -e 0 |",
      "| --- | ---: | ---: | ---: |",
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.medianMs.toFixed(0)} | ${r.p25Ms.toFixed(0)}-${r.p75Ms.toFixed(0)} | ${(r.medianMs / floor).toFixed(2)} |`,
      ),
      "",
      "targets:",
      `- cache hit <= 1.25x node -e 0: ${(hit / floor).toFixed(2)}x ${hit / floor <= 1.25 ? "MET" : "MISSED"}`,
      `- cache miss with AssumeRole <= 2.5x node -e 0: ${(miss / floor).toFixed(2)}x ${miss / floor <= 2.5 ? "MET" : "MISSED"}`,
      `- cache hit >= 5x faster than aws eks get-token --role-arn: ${(awsRole / hit).toFixed(1)}x ${awsRole / hit >= 5 ? "MET" : "MISSED"}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (jsonOut !== undefined)
      writeFileSync(
        jsonOut,
        JSON.stringify(
          { date: new Date().toISOString(), cpus: cpus().length, cpu: cpuModel(), build, results },
          null,
          2,
        ),
      );
  } finally {
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
