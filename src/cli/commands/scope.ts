/** The `--cluster` and `--team` checks of render, plan, apply and destroy (EG140). */
import type { Diagnostic } from "../../core/diagnostics.js";
import { didYouMean } from "../../core/config/names.js";
import type { AccessConfig } from "../../core/model/access-config.js";

export interface ScopeFlags {
  readonly cluster?: string;
  readonly team?: string;
}

/** An EG140 for each flag that names a cluster or team the config does not define. */
export function scopeDiagnostics(config: AccessConfig, flags: ScopeFlags, configFile: string): Diagnostic[] {
  const checks = [
    ["--cluster", "clusters", flags.cluster, config.clusters.map((c) => c.name)],
    ["--team", "teams", flags.team, config.teams.map((t) => t.name)],
  ] as const;
  const out: Diagnostic[] = [];
  for (const [flag, what, value, names] of checks) {
    if (value === undefined || names.includes(value)) continue;
    const suggestion = didYouMean(value, names);
    out.push({
      code: "EG140",
      severity: "error",
      summary: `${flag} ${value} is not in ${configFile}${suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : ""}`,
      detail:
        names.length > 0
          ? `Known ${what}: ${names.join(", ")}.`
          : `${configFile} defines no ${what}; leave ${flag} out.`,
      path: flag,
    });
  }
  return out;
}
