/**
 * Runs a fuzz plan: so many cases per surface, in-process or through the built CLI.
 *
 * In-process cases run in a child process (test/fuzz/worker.ts) that calls the same entry
 * points dist/cli.js does, one case after the other; CLI cases spawn `node dist/cli.js`.
 * Either way each case has a time limit: when a case overruns it, it is reported as a hang
 * (the worker is replaced and goes on with the next case). Nothing here measures speed.
 *
 * Every failing case is laid out again, from its seed, under the artifacts directory with a
 * `repro.sh` that runs it through the CLI, and the command that regenerates it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layOut, type FuzzCase } from "./cases.js";
import type { Violation } from "./properties.js";
import { Rng } from "./rng.js";
import { caseEnv, CLI_JS, runBuiltCli, runInProcess } from "./run-cli.js";
import type { Mode, RunContext, Surface } from "./surface.js";
import { SURFACES } from "./surfaces/index.js";

export interface PlanEntry {
  readonly surface: string;
  readonly mode: Mode;
  readonly count: number;
  /** First case index (default 0); in-process and CLI cases use separate index ranges. */
  readonly from?: number;
}

export interface EngineOptions {
  readonly seed: number;
  readonly plan: readonly PlanEntry[];
  /** Per-case limit; overrunning it is a hang. Generous: it is not a speed check. */
  readonly caseTimeoutMs: number;
  /** Environment every case gets on top of the sandbox (e.g. the EKS endpoint). */
  readonly env: Readonly<Record<string, string>>;
  /** Where failing cases are saved; default a new directory under the system temp dir. */
  readonly artifacts?: string;
  readonly log?: (line: string) => void;
  /** Stop after this many failing cases (default 50). */
  readonly maxFailures?: number;
  /** Called after each case (for progress). */
  readonly onCase?: () => void;
}

export interface Failure {
  readonly surface: string;
  readonly index: number;
  readonly mode: Mode;
  readonly steps: readonly string[];
  readonly violations: readonly Violation[];
  /** The directory with the case's input and repro.sh. */
  readonly saved: string;
}

export interface EngineResult {
  readonly seed: number;
  readonly cases: number;
  readonly byPlan: readonly { readonly surface: string; readonly mode: Mode; readonly count: number }[];
  readonly failures: readonly Failure[];
  readonly artifacts: string;
}

export function surfaceNamed(name: string): Surface {
  const s = SURFACES.find((x) => x.name === name);
  if (s === undefined)
    throw new Error(`no fuzz surface ${name} (known: ${SURFACES.map((x) => x.name).join(", ")})`);
  return s;
}

export function generateCase(seed: number, surface: string, index: number, mode: Mode): FuzzCase {
  return surfaceNamed(surface).generate(Rng.forCase(seed, surface, index), index, mode);
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Lays the case out again under `artifacts` with a repro.sh; returns its directory. */
export function saveReproducer(
  seed: number,
  c: FuzzCase,
  mode: Mode,
  violations: readonly Violation[],
  artifacts: string,
  env: Readonly<Record<string, string>>,
): string {
  const dir = join(artifacts, `${c.surface}-${mode}-${String(c.index)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  layOut(c, dir);
  const full = caseEnv(c, dir, env);
  const envLines = Object.entries(full)
    .filter(([k]) => k !== "PATH" && k !== "TMPDIR")
    .map(([k, v]) =>
      `export ${k}=${shellQuote(v.split(dir).join('"$here"'))}`.replace(/'"\$here"/g, `"$here"'`),
    );
  const stdin = c.stdin !== undefined ? " < stdin.bin" : "";
  if (c.stdin !== undefined) writeFileSync(join(dir, "stdin.bin"), c.stdin);
  writeFileSync(
    join(dir, "repro.sh"),
    [
      "#!/usr/bin/env bash",
      `# eksgate fuzz case ${c.surface} #${String(c.index)} (${mode}), seed ${String(seed)}`,
      `# made by: ${c.steps.join(", ") || "(no mutation)"}`,
      `# regenerate and rerun it: FUZZ_SEED=${String(seed)} FUZZ_ONLY=${c.surface}:${String(c.index)}${mode === "cli" ? ":cli" : ""} npm run fuzz`,
      'here="$(cd "$(dirname "$0")" && pwd)"',
      'cd "$here"',
      ...envLines,
      `node ${shellQuote(CLI_JS)} ${c.argv.map(shellQuote).join(" ")}${stdin}`,
      'echo "exit code: $?"',
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  writeFileSync(
    join(dir, "failure.txt"),
    `${violations.map((v) => `${v.kind}\n  ${v.message}`).join("\n")}\n\nargv: ${JSON.stringify(c.argv)}\nsteps: ${c.steps.join(", ")}\n`,
  );
  return dir;
}

// ---------------------------------------------------------------------------------------
// CLI cases, in this process

async function runCliCase(
  options: EngineOptions,
  work: string,
  surface: Surface,
  index: number,
): Promise<{ c: FuzzCase; violations: Violation[] }> {
  const c = surface.generate(Rng.forCase(options.seed, surface.name, index), index, "cli");
  const dir = join(work, `${surface.name}-cli-${String(index)}`);
  mkdirSync(dir, { recursive: true });
  layOut(c, dir);
  const ctx: RunContext = {
    mode: "cli",
    run: (fc, d, o) =>
      runBuiltCli(o?.argv ?? fc.argv, d, caseEnv(fc, d, options.env), {
        timeoutMs: options.caseTimeoutMs,
        ...(fc.stdin !== undefined ? { stdin: fc.stdin } : {}),
        ...(o?.closeStdout === true ? { closeStdout: true } : {}),
      }),
  };
  let violations: Violation[];
  try {
    violations = await surface.check(c, dir, ctx);
  } catch (error) {
    violations = [
      {
        kind: "checker-error",
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      },
    ];
  }
  rmSync(dir, { recursive: true, force: true });
  return { c, violations };
}

// ---------------------------------------------------------------------------------------
// In-process cases, in a worker child

export interface WorkerRequest {
  readonly seed: number;
  readonly items: readonly { readonly surface: string; readonly index: number }[];
  readonly env: Readonly<Record<string, string>>;
  readonly work: string;
}

export type WorkerMessage =
  | { readonly type: "start"; readonly surface: string; readonly index: number }
  | {
      readonly type: "result";
      readonly surface: string;
      readonly index: number;
      readonly violations: readonly Violation[];
    }
  | { readonly type: "done" };

function startWorker(): ChildProcess {
  return fork(join(import.meta.dirname, "worker.ts"), [], {
    execArgv: ["--import", "tsx", "--no-warnings", "--max-old-space-size=1024", "--stack-size=984"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
  });
}

async function runInProcessItems(
  options: EngineOptions,
  work: string,
  items: { surface: string; index: number }[],
  onResult: (surface: string, index: number, violations: readonly Violation[]) => void,
): Promise<void> {
  let next = 0;
  while (next < items.length) {
    const batch = items.slice(next);
    const child = startWorker();
    let stderrTail = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (s: string) => {
      stderrTail = (stderrTail + s).slice(-4000);
    });
    let current: { surface: string; index: number } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill("SIGKILL");
      }, options.caseTimeoutMs);
    };
    const finished = new Promise<void>((resolve) => {
      child.on("message", (m: WorkerMessage) => {
        if (m.type === "start") {
          current = { surface: m.surface, index: m.index };
          arm();
        } else if (m.type === "result") {
          current = undefined;
          if (timer !== undefined) clearTimeout(timer);
          next++;
          onResult(m.surface, m.index, m.violations);
        } else {
          child.kill();
        }
      });
      child.on("exit", (code, signal) => {
        if (timer !== undefined) clearTimeout(timer);
        if (current !== undefined) {
          const violations: Violation[] = hung
            ? [
                {
                  kind: "hang",
                  message: `the case did not finish within ${String(options.caseTimeoutMs)} ms`,
                },
              ]
            : [
                {
                  kind: `worker-died:${signal ?? String(code)}`,
                  message: `the in-process worker died (exit ${String(code)}, signal ${String(signal)}) on this case: ${stderrTail}`,
                },
              ];
          onResult(current.surface, current.index, violations);
          next++;
        } else if (next < items.length && (code !== 0 || signal !== null) && signal !== "SIGTERM") {
          // Died between cases: report it on the next one so the run does not loop.
          const item = items[next];
          if (item !== undefined)
            onResult(item.surface, item.index, [{ kind: "worker-died", message: stderrTail }]);
          next++;
        }
        resolve();
      });
    });
    const request: WorkerRequest = { seed: options.seed, items: batch, env: options.env, work };
    child.send(request);
    await finished;
  }
}

// ---------------------------------------------------------------------------------------

export async function runFuzz(options: EngineOptions): Promise<EngineResult> {
  const log = options.log ?? (() => undefined);
  const artifacts = options.artifacts ?? mkdtempSync(join(tmpdir(), "eksgate-fuzz-failures-"));
  const work = mkdtempSync(join(tmpdir(), "eksgate-fuzz-work-"));
  const maxFailures = options.maxFailures ?? 50;
  const failures: Failure[] = [];
  let cases = 0;
  const record = (surface: string, index: number, mode: Mode, violations: readonly Violation[]): void => {
    cases++;
    options.onCase?.();
    if (violations.length === 0 || failures.length >= maxFailures) return;
    const c = generateCase(options.seed, surface, index, mode);
    const saved = saveReproducer(options.seed, c, mode, violations, artifacts, options.env);
    failures.push({ surface, index, mode, steps: c.steps, violations, saved });
    log(
      `FAIL ${surface} #${String(index)} (${mode}): ${violations.map((v) => v.kind).join("; ")}\n  saved: ${saved}\n  reproduce: bash ${join(saved, "repro.sh")}\n  regenerate: FUZZ_SEED=${String(options.seed)} FUZZ_ONLY=${surface}:${String(index)}${mode === "cli" ? ":cli" : ""} npm run fuzz`,
    );
  };

  const inProcess: { surface: string; index: number }[] = [];
  const cli: { surface: Surface; index: number }[] = [];
  for (const entry of options.plan) {
    const surface = surfaceNamed(entry.surface);
    for (let i = 0; i < entry.count; i++) {
      const index = (entry.from ?? 0) + i;
      if (entry.mode === "in-process") inProcess.push({ surface: surface.name, index });
      else cli.push({ surface, index });
    }
  }
  const cliRuns = (async () => {
    for (const item of cli) {
      if (failures.length >= maxFailures) break;
      const { violations } = await runCliCase(options, work, item.surface, item.index);
      record(item.surface.name, item.index, "cli", violations);
    }
  })();
  const inProcessRuns = runInProcessItems(options, work, inProcess, (surface, index, violations) => {
    record(surface, index, "in-process", violations);
  });
  await Promise.all([cliRuns, inProcessRuns]);
  rmSync(work, { recursive: true, force: true });
  return {
    seed: options.seed,
    cases,
    byPlan: options.plan.map((p) => ({ surface: p.surface, mode: p.mode, count: p.count })),
    failures,
    artifacts,
  };
}

/** Runs one in-process case here (used by the worker and for a single-case rerun). */
export async function runOneInProcess(
  seed: number,
  surfaceName: string,
  index: number,
  env: Readonly<Record<string, string>>,
  work: string,
): Promise<Violation[]> {
  const surface = surfaceNamed(surfaceName);
  const c = surface.generate(Rng.forCase(seed, surface.name, index), index, "in-process");
  const dir = join(work, `${surface.name}-${String(index)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  layOut(c, dir);
  const ctx: RunContext = {
    mode: "in-process",
    run: (fc, d, o) => runInProcess(o?.argv ?? fc.argv, d, caseEnv(fc, d, env)),
  };
  try {
    return await surface.check(c, dir, ctx);
  } catch (error) {
    return [
      {
        kind: "checker-error",
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
