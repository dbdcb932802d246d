// bench/apply-scale: eksgate plan/apply at scale against the local environment (moto for
// IAM/STS, the EKS access-entry double, real kube-apiservers), and keikoproj/aws-auth
// v0.7.0 side by side for the aws-auth write.
//
//   npx tsx bench/apply-scale/run.ts [--sizes 100x5,1000x20] [--parallelism 1,10]
//        [--apiservers 5] [--large-sequential noop|all] [--peer 100,1000 | --no-peer]
//        [--json FILE]
//
// Per size (teams x clusters), one row per parallelism, the phases interleaved: first apply
// of every row, then the no-op plan of every row, then the destroy of every row, so that a
// slow spell of the shared machine hits the rows alike. Each row has its own moto and EKS
// double (its own account: eksgate owns every role it tagged in an account), teams, groups,
// clusters and set of apiservers (`--apiservers` per row: clusters share them round-robin,
// several clusters per apiserver at the large size; the clusters of one apiserver have the
// same teams, so they share its bindings and its one aws-auth). At sizes after the first,
// `--large-sequential noop` (the default) runs only the no-op plan at parallelism 1, on the
// state the default row applied: a sequential first apply and destroy of 1,000 teams would
// take most of an hour here.
//
// Reports per row: wall times, API calls by kind, aws-auth writes, writes by the no-op plan,
// AWS calls per team and Kubernetes calls per cluster, IAM calls of the no-op plan. Targets
// (issue 13): no-op plan at 100 x 5 >= 8x faster than --parallelism 1 and <= 3 s; first
// apply >= 5x faster; no-op plan cost per team at the large size within 1.2x of 100 x 5;
// IAM calls of the no-op plan independent of the number of teams.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { CreateGroupCommand, IAMClient } from "@aws-sdk/client-iam";
import { ensureControlPlane } from "../../test/env/binaries.js";
import { startKube, type KubeEnv } from "../../test/env/kube.js";
import { startMoto } from "../../test/env/moto.js";
import { startEksDouble, type EksDouble } from "../../test/env/eks-double/index.js";
import { awsClientConfig } from "../../test/env/aws-seed.js";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { wireEngine } from "../../src/cli/composition.js";
import { makePlan } from "../../src/engine/plan.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import { PLAN_FORMAT_VERSION, type Plan } from "../../src/core/plan/plan.js";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import {
  adminRequest,
  configMapWrites,
  ensurePeerBinary,
  PEER_MODULE,
  PEER_VERSION,
  peerMappings,
  runPeer,
  seededAwsAuth,
  survival,
  type Survival,
} from "./peer-aws-auth.js";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const numbers = (text: string): number[] => text.split(",").map(Number);
const SIZES = (option("sizes") ?? "100x5,1000x20").split(",").map((s) => {
  const [teams, clusters] = s.split("x").map(Number);
  if (teams === undefined || clusters === undefined) throw new Error(`--sizes: ${s} is not TEAMSxCLUSTERS`);
  return { teams, clusters };
});
const PARALLELISMS = numbers(option("parallelism") ?? "1,10");
const DEFAULT_ROW = Math.max(...PARALLELISMS);
const APISERVERS = Number(option("apiservers") ?? 5);
const LARGE_SEQUENTIAL = option("large-sequential") ?? "noop";
const PEER_COUNTS = args.includes("--no-peer") ? [] : numbers(option("peer") ?? "100,1000");
const jsonOut = option("json");
const ACCOUNT = "123456789012";
const REGION = "us-east-2";
const log = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

const WRITE_OPERATION =
  /^(Create|Put|Update|Delete|Tag|Associate|Disassociate)|^kube (create|update|patch|delete) /;
/** IAM calls among the counted AWS calls (EKS and STS operations and Kubernetes calls aside). */
const isIamCall = (key: string): boolean =>
  !key.startsWith("kube ") &&
  !/^(DescribeCluster|ListClusters|\w*AccessEntr\w*|\w*AccessPolic\w*|GetCallerIdentity|AssumeRole)$/.test(
    key,
  );

function configText(teams: number, clusters: number, prefix: string): string {
  const lines = [
    `apiVersion: eksgate.dev/v1alpha1`,
    `kind: AccessConfig`,
    `accountId: "${ACCOUNT}"`,
    `clusters:`,
  ];
  for (let c = 0; c < clusters; c++)
    lines.push(`  - name: ${prefix}c${c}`, `    region: ${REGION}`, `    authentication: aws-auth`);
  lines.push(`teams:`);
  const roles = ["view", "edit", "admin"];
  for (let t = 0; t < teams; t++) {
    lines.push(`  - name: ${prefix}t${t}`, `    iamGroup: ${prefix}g${t}`, `    access:`);
    for (let c = 0; c < clusters; c++) {
      lines.push(
        `      - cluster: ${prefix}c${c}`,
        `        clusterRole: ${roles[t % roles.length] ?? "view"}`,
      );
      if (t % 2 === 1) lines.push(`        namespaces: [default]`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const sum = (counts: Record<string, number>, pick: (k: string) => boolean): number =>
  Object.entries(counts).reduce((n, [k, v]) => (pick(k) ? n + v : n), 0);
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A kubeconfig with one context per cluster (named after its ARN), each on its apiserver. */
function writeKubeconfig(file: string, clusters: readonly { name: string; kube: KubeEnv }[]): void {
  const arn = (name: string): string => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: clusters.map(({ name, kube }) => ({
        name: arn(name),
        cluster: {
          server: kube.server,
          "certificate-authority-data": Buffer.from(kube.caData).toString("base64"),
        },
      })),
      contexts: clusters.map(({ name }) => ({
        name: arn(name),
        context: { cluster: arn(name), user: arn(name) },
      })),
      users: clusters.map(({ name, kube }) => ({ name: arn(name), user: { token: kube.adminToken } })),
      ...(clusters[0] !== undefined ? { "current-context": arn(clusters[0].name) } : {}),
    }),
  );
}

function seedClusters(eks: EksDouble, clusters: readonly { name: string; kube: KubeEnv }[]): void {
  for (const { name, kube } of clusters)
    eks.seedCluster({
      name,
      endpoint: kube.server,
      certificateAuthorityData: Buffer.from(kube.caData).toString("base64"),
      authenticationMode: "CONFIG_MAP",
    });
}

/**
 * What one row runs against: its own moto (its own account: eksgate owns every role it
 * tagged in an account, so two rows in one account would remove each other's), its own
 * EKS double and its own apiservers.
 */
interface RowEnv {
  readonly moto: Awaited<ReturnType<typeof startMoto>>;
  readonly eks: EksDouble;
  readonly kubes: KubeEnv[];
  readonly iam: IAMClient;
}

/** Points the SDK of the next wiring at the row's moto and double. */
function useEnv(env: RowEnv): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_IAM: env.moto.endpoint,
    AWS_ENDPOINT_URL_STS: env.moto.endpoint,
    AWS_ENDPOINT_URL_EKS: env.eks.endpoint,
  });
}

interface Row {
  readonly env: RowEnv;
  readonly teams: number;
  readonly clusters: number;
  readonly parallelism: number;
  readonly prefix: string;
  readonly config: AccessConfig;
  readonly configDigest: string;
  readonly kubeconfig: string;
  /** Only the no-op plan, on the state of the row with this prefix. */
  readonly noopOnly: boolean;
  readonly phases: Partial<Record<"apply" | "noop" | "destroy", Phase>>;
}

interface Phase {
  readonly ms: number;
  readonly steps: number;
  readonly calls: Record<string, number>;
}

async function runPhase(
  row: Row,
  work: string,
  kind: "apply" | "noop" | "destroy" | "after",
): Promise<Phase> {
  useEnv(row.env);
  const wiring = wireEngine(
    { kubeconfig: row.kubeconfig, backupDir: join(work, "backups"), region: REGION },
    () => undefined,
  );
  const destroy = kind === "destroy" || kind === "after";
  const started = performance.now();
  const planned = await makePlan(
    {
      config: row.config,
      configFile: "bench.yaml",
      configDigest: row.configDigest,
      scope: { destroy },
      parallelism: row.parallelism,
    },
    wiring.deps,
  );
  if (!planned.ok)
    throw new Error(`${row.prefix} ${kind}: ${JSON.stringify(planned.diagnostics.slice(0, 3))}`);
  const plan = planned.value.plan;
  if (kind === "apply" || kind === "destroy") {
    const connections = planned.value.observation.kube;
    const runner = createStepRunner(plan, wiring.deps, (cluster) => {
      const port = connections.get(cluster);
      return port !== undefined
        ? Promise.resolve(port)
        : Promise.reject(new Error(`no connection to ${cluster}`));
    });
    const result = await applyPlan(plan, runner, { parallelism: row.parallelism });
    if (!result.ok)
      throw new Error(
        `${row.prefix} ${kind}: ${JSON.stringify(result.outcomes.find((o) => o.status === "failed")?.diagnostic)}`,
      );
  }
  const phase = {
    ms: Math.round(performance.now() - started),
    steps: plan.steps.length,
    calls: wiring.calls(),
  };
  if ((kind === "noop" || kind === "after") && phase.steps !== 0)
    throw new Error(`${row.prefix} ${kind}: ${phase.steps} steps left`);
  return phase;
}

interface PeerResult {
  readonly mappings: number;
  readonly tool: string;
  readonly ms: number;
  readonly configMapWrites: number;
  readonly survived: Survival;
}

async function peerComparison(
  env: RowEnv,
  kube: KubeEnv,
  work: string,
  binary: string,
  count: number,
): Promise<PeerResult[]> {
  const mappings = peerMappings(ACCOUNT, count);
  const seed = async (): Promise<void> => {
    await adminRequest(kube, "DELETE", "/api/v1/namespaces/kube-system/configmaps/aws-auth");
    const created = await adminRequest(kube, "POST", "/api/v1/namespaces/kube-system/configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "aws-auth", namespace: "kube-system" },
      data: seededAwsAuth(ACCOUNT),
    });
    if (created.status !== 201) throw new Error(`seeding aws-auth: HTTP ${created.status} ${created.body}`);
  };
  const readData = async (): Promise<Record<string, string> | undefined> => {
    const res = await adminRequest(kube, "GET", "/api/v1/namespaces/kube-system/configmaps/aws-auth");
    return res.status === 200 ? (JSON.parse(res.body) as { data?: Record<string, string> }).data : undefined;
  };
  const results: PeerResult[] = [];

  await seed();
  let before = await configMapWrites(kube);
  let started = performance.now();
  const peerKubeconfig = join(work, `kubeconfig-peer-tool-${count}`);
  writeKubeconfig(peerKubeconfig, [{ name: `peer-tool-${count}`, kube }]);
  await runPeer(binary, peerKubeconfig, mappings);
  results.push({
    mappings: count,
    tool: `${PEER_MODULE} ${PEER_VERSION} (upsert --retry, one call per mapping)`,
    ms: Math.round(performance.now() - started),
    configMapWrites: (await configMapWrites(kube)) - before,
    survived: survival(await readData(), ACCOUNT, mappings),
  });

  // eksgate: the aws-auth step of an apply that maps the same roles, run by the engine.
  await seed();
  const cluster = `peer${count}`;
  seedClusters(env.eks, [{ name: cluster, kube }]);
  useEnv(env);
  const kubeconfig = join(work, `kubeconfig-${cluster}`);
  writeKubeconfig(kubeconfig, [{ name: cluster, kube }]);
  const wiring = wireEngine(
    { kubeconfig, backupDir: join(work, "backups"), region: REGION },
    () => undefined,
  );
  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    kind: "EksgatePlan",
    createdAt: new Date().toISOString(),
    configFile: "bench.yaml",
    accountId: ACCOUNT,
    scope: { destroy: false },
    clusters: { [cluster]: { region: REGION } },
    steps: [
      {
        id: `aws-auth/${cluster}`,
        area: "authentication",
        action: "update",
        resource: { kind: "aws-auth", cluster },
        reason: "bench",
        changes: [],
        observed: "",
        payload: { type: "aws-auth", desired: mappings, owned: mappings.map((m) => m.rolearn) },
        dependsOn: [],
      },
    ],
    diagnostics: [],
    configDigest: "",
  };
  before = await configMapWrites(kube);
  started = performance.now();
  const described = await wiring.deps.eks(REGION).describeCluster(cluster);
  if (described === undefined) throw new Error(`no cluster ${cluster}`);
  const connected = await wiring.deps.kube(
    { name: cluster, region: REGION, authentication: "aws-auth", arn: described.arn, accountId: ACCOUNT },
    described,
  );
  if (!connected.ok) throw new Error(`no connection to ${cluster}: ${JSON.stringify(connected.diagnostics)}`);
  const port = connected.value;
  const result = await applyPlan(
    plan,
    createStepRunner(plan, wiring.deps, () => Promise.resolve(port)),
  );
  if (!result.ok)
    throw new Error(`eksgate aws-auth write: ${JSON.stringify(result.outcomes[0]?.diagnostic)}`);
  results.push({
    mappings: count,
    tool: "eksgate (one aws-auth step: read, back up, one write)",
    ms: Math.round(performance.now() - started),
    configMapWrites: (await configMapWrites(kube)) - before,
    survived: survival(await readData(), ACCOUNT, mappings),
  });
  await adminRequest(kube, "DELETE", "/api/v1/namespaces/kube-system/configmaps/aws-auth");
  return results;
}

function rowReport(row: Row) {
  const { apply, noop, destroy } = row.phases;
  const aws = (p: Phase | undefined) =>
    p === undefined ? undefined : sum(p.calls, (k) => !k.startsWith("kube "));
  const kube = (p: Phase | undefined) =>
    p === undefined ? undefined : sum(p.calls, (k) => k.startsWith("kube "));
  return {
    teams: row.teams,
    clusters: row.clusters,
    parallelism: row.parallelism,
    noopOnly: row.noopOnly,
    steps: apply?.steps,
    applyMs: apply?.ms,
    noopPlanMs: noop?.ms,
    destroyMs: destroy?.ms,
    noopMsPerTeam: noop !== undefined ? round(noop.ms / row.teams, 3) : undefined,
    awsAuthWrites:
      apply !== undefined
        ? sum(apply.calls, (k) => /^kube (create|update|patch) configmaps$/.test(k))
        : undefined,
    noopWrites: noop !== undefined ? sum(noop.calls, (k) => WRITE_OPERATION.test(k)) : undefined,
    applyAwsCallsPerTeam: apply !== undefined ? round((aws(apply) ?? 0) / row.teams) : undefined,
    applyKubeCallsPerCluster: apply !== undefined ? round((kube(apply) ?? 0) / row.clusters) : undefined,
    noopAwsCallsPerTeam: noop !== undefined ? round((aws(noop) ?? 0) / row.teams, 3) : undefined,
    noopIamCalls: noop !== undefined ? sum(noop.calls, isIamCall) : undefined,
    noopKubeCallsPerCluster: noop !== undefined ? round((kube(noop) ?? 0) / row.clusters) : undefined,
    destroyAwsCallsPerTeam: destroy !== undefined ? round((aws(destroy) ?? 0) / row.teams) : undefined,
    applyCalls: apply?.calls,
    noopCalls: noop?.calls,
  };
}

// Ctrl-C or a kill: exit, so that the environment's exit hook stops the apiservers.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    process.exit(130);
  });

async function main(): Promise<void> {
  const startedAt = new Date();
  const loads: number[][] = [loadavg()];
  const sampler = setInterval(() => loads.push(loadavg()), 30_000);
  const binaries = await ensureControlPlane(log);
  const peerBinary = PEER_COUNTS.length > 0 ? await ensurePeerBinary(log) : undefined;
  const work = mkdtempSync(join(tmpdir(), "eksgate-bench-apply-"));
  const maxClusters = Math.max(...SIZES.map((s) => s.clusters));
  const perRow = Math.min(APISERVERS, maxClusters);
  const envs: RowEnv[] = [];
  try {
    log(
      `starting ${PARALLELISMS.length} moto servers and EKS doubles, ${perRow * PARALLELISMS.length} kube-apiservers (${perRow} per row)...`,
    );
    for (const _ of PARALLELISMS) {
      const moto = await startMoto();
      const env: RowEnv = {
        moto,
        eks: await startEksDouble({ iamEndpoint: moto.endpoint, accountId: ACCOUNT, region: REGION }),
        kubes: [],
        iam: new IAMClient(awsClientConfig(moto.endpoint)),
      };
      envs.push(env);
      for (let i = 0; i < perRow; i++) env.kubes.push(await startKube({ binaries }));
    }
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_REGION: REGION,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });

    const peer: PeerResult[] = [];
    const peerEnv = envs[0];
    const peerKube = peerEnv?.kubes[0];
    if (peerBinary !== undefined && peerEnv !== undefined && peerKube !== undefined) {
      for (const count of PEER_COUNTS) {
        log(`aws-auth side by side, ${count} mappings...`);
        peer.push(...(await peerComparison(peerEnv, peerKube, work, peerBinary, count)));
        log(JSON.stringify(peer.slice(-2).map((p) => [p.tool.split(" ")[0], p.ms, p.configMapWrites])));
      }
    }

    const rows: Row[] = [];
    for (const [index, size] of SIZES.entries()) {
      const sizeRows: Row[] = [];
      for (const [set, parallelism] of PARALLELISMS.entries()) {
        const noopOnly = index > 0 && LARGE_SEQUENTIAL === "noop" && parallelism !== DEFAULT_ROW;
        const env = envs[noopOnly ? PARALLELISMS.indexOf(DEFAULT_ROW) : set];
        if (env === undefined) throw new Error("no environment for the row");
        const prefix = noopOnly ? `s${index}p${DEFAULT_ROW}` : `s${index}p${parallelism}`;
        const text = configText(size.teams, size.clusters, prefix);
        const parsed = parseAccessConfig("bench.yaml", text);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
        const kubeconfig = join(work, `kubeconfig-${prefix}`);
        if (!noopOnly) {
          log(
            `${size.teams} x ${size.clusters}, parallelism ${parallelism}: seeding ${size.teams} IAM groups...`,
          );
          for (let t = 0; t < size.teams; t++)
            await env.iam.send(new CreateGroupCommand({ GroupName: `${prefix}g${t}` }));
          const kubes = env.kubes;
          const clusters = Array.from({ length: size.clusters }, (_, c) => {
            const kube = kubes[c % kubes.length];
            if (kube === undefined) throw new Error("no apiserver");
            return { name: `${prefix}c${c}`, kube };
          });
          seedClusters(env.eks, clusters);
          writeKubeconfig(kubeconfig, clusters);
        }
        sizeRows.push({
          env,
          teams: size.teams,
          clusters: size.clusters,
          parallelism,
          prefix,
          config: parsed.value,
          configDigest: createHash("sha256").update(text).digest("hex"),
          kubeconfig,
          noopOnly,
          phases: {},
        });
      }
      // The default row applies first, so that rows measuring only the no-op plan find its state.
      const ordered = [...sizeRows].sort((a, b) => Number(a.noopOnly) - Number(b.noopOnly));
      for (const kind of ["apply", "noop", "destroy"] as const) {
        for (const row of kind === "noop" ? sizeRows : ordered) {
          if (row.noopOnly && kind !== "noop") continue;
          log(`${row.teams} x ${row.clusters}, parallelism ${row.parallelism}: ${kind}...`);
          const phase = await runPhase(row, work, kind);
          (row.phases as Record<string, Phase>)[kind] = phase;
          log(`  ${phase.ms} ms, ${phase.steps} steps`);
        }
      }
      for (const row of sizeRows) if (!row.noopOnly) await runPhase(row, work, "after");
      rows.push(...sizeRows);
    }

    const reports = rows.map(rowReport);
    const pick = (teams: number, parallelism: number) =>
      reports.find((r) => r.teams === teams && r.parallelism === parallelism);
    const small = SIZES[0];
    const large = SIZES.at(-1);
    const ratios: Record<string, number | undefined> = {};
    if (small !== undefined) {
      const seq = pick(small.teams, Math.min(...PARALLELISMS));
      const def = pick(small.teams, DEFAULT_ROW);
      if (seq?.noopPlanMs !== undefined && def?.noopPlanMs !== undefined)
        ratios["noopSpeedupSmall"] = round(seq.noopPlanMs / def.noopPlanMs);
      if (seq?.applyMs !== undefined && def?.applyMs !== undefined)
        ratios["applySpeedupSmall"] = round(seq.applyMs / def.applyMs);
      if (large !== undefined && large !== small) {
        const big = pick(large.teams, DEFAULT_ROW);
        const bigSeq = pick(large.teams, Math.min(...PARALLELISMS));
        if (big?.noopMsPerTeam !== undefined && def?.noopMsPerTeam !== undefined)
          ratios["noopCostPerTeamLargeVsSmall"] = round(big.noopMsPerTeam / def.noopMsPerTeam);
        if (big?.noopIamCalls !== undefined && def?.noopIamCalls !== undefined)
          ratios["noopIamCallsLargeVsSmall"] = round(big.noopIamCalls / def.noopIamCalls);
        if (bigSeq?.noopPlanMs !== undefined && big?.noopPlanMs !== undefined)
          ratios["noopSpeedupLarge"] = round(bigSeq.noopPlanMs / big.noopPlanMs);
      }
    }
    clearInterval(sampler);
    loads.push(loadavg());
    const report = {
      started: startedAt.toISOString(),
      finished: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverage1m: {
          min: round(Math.min(...loads.map((l) => l[0] ?? 0)), 1),
          max: round(Math.max(...loads.map((l) => l[0] ?? 0)), 1),
        },
      },
      apiserversPerRow: perRow,
      rows: reports,
      ratios,
      peer,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
  } finally {
    clearInterval(sampler);
    for (const env of envs) {
      for (const k of env.kubes) await k.stop();
      env.iam.destroy();
      await env.eks.stop();
      await env.moto.stop();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
