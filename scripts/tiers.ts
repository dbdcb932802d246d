// Runs commands as named test tiers and says how long each took, for `npm test`,
// `npm run test:stress` and .ci/run's summary.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..");

/** The project's own vitest (node_modules/.bin), whatever PATH says. */
export const VITEST = join(REPO, "node_modules", ".bin", "vitest");

export interface TierResult {
  readonly name: string;
  readonly seconds: number;
  /** Exit code; 1 when it ended on a signal or did not start. */
  readonly code: number;
}

/** Runs one tier with the terminal attached, and prints its duration when it ends. */
export function runTier(
  name: string,
  command: string,
  args: readonly string[],
  onStart?: (child: ChildProcess) => void,
): Promise<TierResult> {
  process.stdout.write(`== ${name}\n`);
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: "inherit", cwd: REPO });
    onStart?.(child);
    let failedToStart = false;
    child.on("error", (error) => {
      failedToStart = true;
      process.stderr.write(`${name}: could not run ${command}: ${error.message}\n`);
    });
    child.on("close", (code) => {
      const result = {
        name,
        seconds: (performance.now() - started) / 1000,
        code: failedToStart ? 1 : (code ?? 1),
      };
      process.stdout.write(
        `== ${name}: ${result.seconds.toFixed(1)} s${result.code === 0 ? "" : " (failed)"}\n`,
      );
      done(result);
    });
  });
}

/** One line per tier, as a table: name, duration, outcome. */
export function tierSummary(
  results: readonly TierResult[],
  width = Math.max(...results.map((r) => r.name.length)),
): string {
  return results
    .map(
      (r) =>
        `  ${r.name.padEnd(width)}  ${r.seconds.toFixed(1).padStart(7)} s  ${r.code === 0 ? "ok" : "FAILED"}`,
    )
    .join("\n");
}

/**
 * Adds the tiers to the file named by EKSGATE_TIMINGS, if set: .ci/run prints it as one
 * table of every step's and tier's duration.
 */
export function recordTiers(prefix: string, results: readonly TierResult[]): void {
  const file = process.env["EKSGATE_TIMINGS"];
  if (file === undefined || file === "") return;
  const named = results.map((r) => ({ ...r, name: `${prefix}${r.name}` }));
  appendFileSync(file, `${tierSummary(named, 34)}\n`);
}
