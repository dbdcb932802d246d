/**
 * The fuzzer's CI tier: a fixed budget of cases over every input surface (see plan.ts),
 * most in-process, a share through the built CLI. Every case must hold every property in
 * properties.ts; a failing case is saved with a repro.sh and named in the failure message.
 * Budgeted by case counts; the per-case limit only catches hangs. The long run is
 * `npm run fuzz`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFuzz } from "./engine.js";
import { CASE_TIMEOUT_MS, CI_PLAN, CI_SEED, planSize } from "./plan.js";
import { seedFrom } from "./rng.js";
import { CLI_JS } from "./run-cli.js";
import { REPO } from "./surface.js";
import { startFuzzServices, type FuzzServices } from "./services.js";

const seed = seedFrom(process.env["FUZZ_SEED"]) ?? CI_SEED;

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

let services: FuzzServices;
beforeAll(async () => {
  // `npm test` builds first; a run of this file alone builds when dist/ is missing or older
  // than the source.
  if (!existsSync(CLI_JS) || statSync(CLI_JS).mtimeMs < newestSource(join(REPO, "src"))) {
    const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: REPO, encoding: "utf8" });
    if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
  }
  services = await startFuzzServices();
}, 300_000);

afterAll(async () => {
  await services.stop();
});

describe("fuzzing every input surface (CI tier)", () => {
  it(`${planSize(CI_PLAN)} cases, seed ${seed}: no crash, no exit 3, no hang, no partial write, every diagnostic coded and located`, async () => {
    const result = await runFuzz({
      seed,
      plan: CI_PLAN,
      caseTimeoutMs: CASE_TIMEOUT_MS,
      env: services.env,
      maxFailures: 20,
      log: (line) => {
        process.stdout.write(`${line}\n`);
      },
    });
    process.stdout.write(`fuzz: seed ${seed}, ${result.cases} cases, ${result.failures.length} failing\n`);
    const report = result.failures.map(
      (f) =>
        `${f.surface} #${f.index} (${f.mode}): ${f.violations.map((v) => v.kind).join("; ")} -> bash ${join(f.saved, "repro.sh")}`,
    );
    expect(report).toEqual([]);
    expect(result.cases).toBe(planSize(CI_PLAN));
  }, 3_600_000);
});
