// bench/apply-scale: eksgate plan/apply at scale against the local environment (moto for
// IAM/STS, the EKS access-entry double, and one real kube-apiserver per cluster).
//
//   npx tsx bench/apply-scale/run.ts [--teams 100] [--clusters 5] [--small 25]
//                                    [--parallelism 1,10] [--json FILE]
//
// Runs two sizes in one process (the small one first) and, for each size, one row per
// parallelism, one after the other (first apply, no-op plan, destroy each). Reports per
// row: wall times, API calls by kind, aws-auth writes per cluster, writes made by the
// no-op plan, AWS calls per team and Kubernetes calls per cluster. Targets (issues 4, 13):
//   - one aws-auth write per cluster per apply, never one per team;
//   - a no-op plan makes zero writes;
//   - AWS calls per team are constant as teams grow (small vs large size, ratio ~1);
//   - the default parallelism well ahead of --parallelism 1 in the same run.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { CreateGroupCommand, IAMClient } from "@aws-sdk/client-iam";
import { ensureControlPlane } from "../../test/env/binaries.js";
import { startKube, type KubeEnv } from "../../test/env/kube.js";
import { startMoto } from "../../test/env/moto.js";
import { startEksDouble } from "../../test/env/eks-double/index.js";
import { awsClientConfig } from "../../test/env/aws-seed.js";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { wireEngine } from "../../src/cli/composition.js";
import { makePlan } from "../../src/engine/plan.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import type { Plan } from "../../src/core/plan/plan.js";
import type { AccessConfig } from "../../src/core/model/access-config.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const TEAMS = flag("teams", 100);
const SMALL = flag("small", 25);
const CLUSTERS = flag("clusters", 5);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const PARALLELISMS = (
  args.includes("--parallelism") ? (args[args.indexOf("--parallelism") + 1] ?? "") : "1,10"
)
  .split(",")
  .map(Number);
const ACCOUNT = "123456789012";
const REGION = "us-east-2";

const WRITE_OPERATION =
  /^(Create|Put|Update|Delete|Tag|Associate|Disassociate)|^kube (create|update|patch|delete) /;

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

interface SizeResult {
  readonly parallelism: number;
  readonly teams: number;
  readonly clusters: number;
  readonly steps: number;
  readonly applyMs: number;
  readonly noopPlanMs: number;
  readonly destroyMs: number;
  readonly applyCalls: Record<string, number>;
  readonly noopCalls: Record<string, number>;
  readonly awsAuthWritesPerCluster: number;
  readonly noopWrites: number;
  readonly awsCallsPerTeam: number;
  readonly noopAwsCallsPerTeam: number;
  readonly noopKubeCallsPerCluster: number;
}

const sum = (counts: Record<string, number>, pick: (k: string) => boolean): number =>
  Object.entries(counts).reduce((n, [k, v]) => (pick(k) ? n + v : n), 0);

async function main(): Promise<void> {
  const binaries = await ensureControlPlane((l) => process.stderr.write(`${l}\n`));
  const work = mkdtempSync(join(tmpdir(), "eksgate-bench-apply-"));
  const moto = await startMoto();
  const eks = await startEksDouble({ iamEndpoint: moto.endpoint, accountId: ACCOUNT, region: REGION });
  const kubes: KubeEnv[] = [];
  try {
    process.stderr.write(`starting ${CLUSTERS} kube-apiservers...\n`);
    for (let c = 0; c < CLUSTERS; c++) kubes.push(await startKube({ binaries }));
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_IAM: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    const iam = new IAMClient(awsClientConfig(moto.endpoint));
    const results: SizeResult[] = [];
    for (const [index, teams] of [SMALL, TEAMS].entries()) {
      for (const parallelism of PARALLELISMS) {
        const prefix = `s${index}p${parallelism}`;
        process.stderr.write(`size ${teams} teams x ${CLUSTERS} clusters: seeding...\n`);
        for (let t = 0; t < teams; t++)
          await iam.send(new CreateGroupCommand({ GroupName: `${prefix}g${t}` }));
        const contexts: unknown[] = [];
        const clusters: unknown[] = [];
        for (let c = 0; c < CLUSTERS; c++) {
          const kube = kubes[c];
          if (kube === undefined) throw new Error("missing kube env");
          const name = `${prefix}c${c}`;
          const arn = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
          eks.seedCluster({
            name,
            endpoint: kube.server,
            certificateAuthorityData: Buffer.from(kube.caData).toString("base64"),
            authenticationMode: "CONFIG_MAP",
          });
          clusters.push({
            name: arn,
            cluster: {
              server: kube.server,
              "certificate-authority-data": Buffer.from(kube.caData).toString("base64"),
            },
          });
          contexts.push({ name: arn, context: { cluster: arn, user: `admin${c}` } });
        }
        const kubeconfigFile = join(work, `kubeconfig-${prefix}`);
        writeFileSync(
          kubeconfigFile,
          JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters,
            contexts,
            users: kubes.map((k, c) => ({ name: `admin${c}`, user: { token: k.adminToken } })),
          }),
        );
        const text = configText(teams, CLUSTERS, prefix);
        const configDigest = createHash("sha256").update(text).digest("hex");
        const parsed = parseAccessConfig("bench.yaml", text);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
        const config: AccessConfig = parsed.value;
        const scope = { destroy: false };

        const run = async (
          label: string,
          apply: boolean,
          destroy = false,
        ): Promise<{ ms: number; calls: Record<string, number>; plan: Plan }> => {
          const wiring = wireEngine(
            { kubeconfig: kubeconfigFile, backupDir: join(work, "backups"), region: REGION },
            () => undefined,
          );
          const started = performance.now();
          const planned = await makePlan(
            { config, configFile: "bench.yaml", configDigest, scope: { ...scope, destroy }, parallelism },
            wiring.deps,
          );
          if (!planned.ok) throw new Error(`${label}: ${JSON.stringify(planned.diagnostics.slice(0, 3))}`);
          const plan = planned.value.plan;
          if (apply) {
            const runner = createStepRunner(plan, wiring.deps, (cluster) => {
              const port = planned.value.observation.kube.get(cluster);
              return port !== undefined
                ? Promise.resolve(port)
                : Promise.reject(new Error(`no connection to ${cluster}`));
            });
            const result = await applyPlan(plan, runner, { parallelism });
            if (!result.ok)
              throw new Error(
                `${label}: ${JSON.stringify(result.outcomes.find((o) => o.status === "failed")?.diagnostic)}`,
              );
          }
          return { ms: performance.now() - started, calls: wiring.calls(), plan };
        };
        process.stderr.write(`size ${teams}, parallelism ${parallelism}: first apply...\n`);
        const first = await run("first apply", true);
        process.stderr.write(`size ${teams}: no-op plan...\n`);
        const noop = await run("no-op plan", false);
        if (noop.plan.steps.length !== 0) throw new Error(`no-op plan has ${noop.plan.steps.length} steps`);
        // Leave nothing behind for the next size: destroy, then check nothing is left to do.
        process.stderr.write(`size ${teams}: destroy...\n`);
        const destroyed = await run("destroy", true, true);
        const after = await run("after destroy", false, true);
        if (after.plan.steps.length !== 0) throw new Error(`destroy left ${after.plan.steps.length} steps`);
        const awsCalls = sum(first.calls, (k) => !k.startsWith("kube "));
        results.push({
          parallelism,
          teams,
          clusters: CLUSTERS,
          steps: first.plan.steps.length,
          applyMs: Math.round(first.ms),
          noopPlanMs: Math.round(noop.ms),
          destroyMs: Math.round(destroyed.ms),
          applyCalls: first.calls,
          noopCalls: noop.calls,
          awsAuthWritesPerCluster:
            sum(first.calls, (k) => /^kube (create|update|patch) configmaps$/.test(k)) / CLUSTERS,
          noopWrites: sum(noop.calls, (k) => WRITE_OPERATION.test(k)),
          awsCallsPerTeam: Math.round((awsCalls / teams) * 100) / 100,
          noopAwsCallsPerTeam:
            Math.round((sum(noop.calls, (k) => !k.startsWith("kube ")) / teams) * 100) / 100,
          noopKubeCallsPerCluster:
            Math.round((sum(noop.calls, (k) => k.startsWith("kube ")) / CLUSTERS) * 100) / 100,
        });
        process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
      }
    }
    const small = results.find((r) => r.teams === SMALL);
    const large = results.find((r) => r.teams === TEAMS);
    const report = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
      results,
      awsCallsPerTeamRatio:
        small && large ? Math.round((large.awsCallsPerTeam / small.awsCallsPerTeam) * 100) / 100 : undefined,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
  } finally {
    for (const k of kubes) await k.stop();
    await eks.stop();
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
