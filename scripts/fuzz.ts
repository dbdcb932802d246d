/**
 * `npm run fuzz`: the long fuzz run over every input surface (test/fuzz).
 *
 *   FUZZ_CASES=50000 npm run fuzz              # cases in total (default 20,000)
 *   FUZZ_SEED=123 npm run fuzz                 # repeat a run (default: a new random seed)
 *   FUZZ_SURFACES=config,token npm run fuzz    # only these surfaces
 *   FUZZ_CLI_SHARE=0.05 npm run fuzz           # share of cases run through dist/cli.js (default 0.02)
 *   FUZZ_SEED=123 FUZZ_ONLY=config:57 npm run fuzz       # one in-process case again
 *   FUZZ_SEED=123 FUZZ_ONLY=flags:1000003:cli npm run fuzz  # one CLI case again
 *
 * Failing cases are saved (input files and a repro.sh) under FUZZ_ARTIFACTS, by default a
 * new directory in the system temp dir. Exit 1 when any case fails.
 */
import { runFuzz, surfaceNamed, type PlanEntry } from "../test/fuzz/engine.js";
import { CASE_TIMEOUT_MS, planSize, scaledPlan } from "../test/fuzz/plan.js";
import { randomSeed, seedFrom } from "../test/fuzz/rng.js";
import { startFuzzServices } from "../test/fuzz/services.js";
import { SURFACES } from "../test/fuzz/surfaces/index.js";

function numberFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
}

function onlyPlan(only: string): PlanEntry[] {
  const [surface = "", index = "", mode = "in-process"] = only.split(":");
  surfaceNamed(surface);
  if (!/^\d+$/.test(index) || (mode !== "in-process" && mode !== "cli"))
    throw new Error(`FUZZ_ONLY is surface:index[:cli], got ${only}`);
  return [{ surface, mode, count: 1, from: Number(index) }];
}

const seed = seedFrom(process.env["FUZZ_SEED"]) ?? randomSeed();
const only = process.env["FUZZ_ONLY"];
const surfaces = (process.env["FUZZ_SURFACES"] ?? SURFACES.map((s) => s.name).join(","))
  .split(",")
  .filter(Boolean);
for (const s of surfaces) surfaceNamed(s);
const plan =
  only !== undefined && only !== ""
    ? onlyPlan(only)
    : scaledPlan(numberFrom("FUZZ_CASES", 20_000), surfaces, numberFrom("FUZZ_CLI_SHARE", 0.02));

process.stdout.write(
  `eksgate fuzz: seed ${seed} (FUZZ_SEED=${seed} repeats this run), ${planSize(plan)} cases: ${plan
    .map((p) => `${p.surface} ${p.count}${p.mode === "cli" ? " via the CLI" : ""}`)
    .join(", ")}\n`,
);
const services = await startFuzzServices();
const started = process.hrtime.bigint();
let done = 0;
try {
  const result = await runFuzz({
    seed,
    plan,
    caseTimeoutMs: numberFrom("FUZZ_CASE_TIMEOUT_MS", CASE_TIMEOUT_MS),
    env: services.env,
    ...(process.env["FUZZ_ARTIFACTS"] !== undefined ? { artifacts: process.env["FUZZ_ARTIFACTS"] } : {}),
    log: (line) => {
      process.stdout.write(`${line}\n`);
    },
    onCase: () => {
      done++;
      if (done % 1000 === 0) process.stdout.write(`  ${done} cases\n`);
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `eksgate fuzz: ${result.cases} cases in ${seconds.toFixed(0)} s, seed ${seed}: ${
      result.failures.length === 0
        ? "no failures"
        : `${result.failures.length} failing (saved under ${result.artifacts})`
    }\n`,
  );
  if (only !== undefined && only !== "" && result.failures.length === 0) {
    process.stdout.write("the case passes\n");
  }
  process.exitCode = result.failures.length === 0 ? 0 : 1;
} finally {
  await services.stop();
}
