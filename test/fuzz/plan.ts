/**
 * How many cases each surface gets: the CI tier (a fixed budget that runs in `npm test`)
 * and the long run (`npm run fuzz`, FUZZ_CASES in total). Budgets are case counts; the
 * per-case time limit only catches hangs.
 */
import type { PlanEntry } from "./engine.js";
import { SURFACES } from "./surfaces/index.js";

/** CLI cases are numbered from here, so that they never repeat an in-process case. */
export const CLI_INDEX_BASE = 1_000_000;

/** A case that runs longer than this is a hang. Far above any case's normal run time. */
export const CASE_TIMEOUT_MS = 90_000;

/** The CI tier's seed unless FUZZ_SEED is set: the same cases every run, so CI is stable. */
export const CI_SEED = 20_261_203;

/** Relative weights: the cheaper or richer a surface, the more cases it gets. */
const WEIGHTS: Readonly<Record<string, number>> = {
  config: 20,
  "aws-auth": 22,
  snapshot: 12,
  kubeconfig: 11,
  token: 15,
  flags: 20,
};

/** In-process and CLI cases of the CI tier (5,200 + 125). */
export const CI_PLAN: readonly PlanEntry[] = [
  { surface: "config", mode: "in-process", count: 1000 },
  { surface: "aws-auth", mode: "in-process", count: 1100 },
  { surface: "snapshot", mode: "in-process", count: 600 },
  { surface: "kubeconfig", mode: "in-process", count: 550 },
  { surface: "token", mode: "in-process", count: 950 },
  { surface: "flags", mode: "in-process", count: 1000 },
  { surface: "config", mode: "cli", count: 20, from: CLI_INDEX_BASE },
  { surface: "aws-auth", mode: "cli", count: 20, from: CLI_INDEX_BASE },
  { surface: "snapshot", mode: "cli", count: 15, from: CLI_INDEX_BASE },
  { surface: "kubeconfig", mode: "cli", count: 15, from: CLI_INDEX_BASE },
  { surface: "token", mode: "cli", count: 15, from: CLI_INDEX_BASE },
  { surface: "flags", mode: "cli", count: 40, from: CLI_INDEX_BASE },
];

/**
 * A plan of `total` cases over `surfaces`, by weight, with `cliShare` of them through the
 * built CLI (at least one per surface when the share is above zero).
 */
export function scaledPlan(total: number, surfaces: readonly string[], cliShare: number): PlanEntry[] {
  const chosen = SURFACES.map((s) => s.name).filter((n) => surfaces.includes(n));
  const weight = chosen.reduce((sum, n) => sum + (WEIGHTS[n] ?? 1), 0);
  return chosen.flatMap((surface): PlanEntry[] => {
    const count = Math.max(1, Math.round((total * (WEIGHTS[surface] ?? 1)) / weight));
    const cli = cliShare > 0 ? Math.max(1, Math.round(count * cliShare)) : 0;
    return [
      { surface, mode: "in-process", count: count - cli },
      ...(cli > 0 ? [{ surface, mode: "cli" as const, count: cli, from: CLI_INDEX_BASE }] : []),
    ];
  });
}

export function planSize(plan: readonly PlanEntry[]): number {
  return plan.reduce((n, p) => n + p.count, 0);
}
