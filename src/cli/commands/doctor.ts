/**
 * `eksgate doctor [--cluster NAME] [--json]`: stale access entries, aws-auth entries an
 * access entry shadows, entries for principals that do not exist, mappings that disagree,
 * and server defaults that make naive tools flap; each with a fix. Exit 1 on an error.
 */
import { directoryFromIam, doctorCluster, type DoctorFinding } from "../../core/migrate/index.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { warnAboutAccessPolicies } from "./access-policy-check.js";
import { loadSnapshotFor } from "./can-i.js";
import type { AccessInputOptions } from "./snapshot-command.js";

export interface DoctorCliOptions extends AccessInputOptions {
  readonly cluster?: string;
  readonly json?: boolean;
}

export function doctorText(findings: readonly DoctorFinding[], term: Terminal): string {
  if (findings.length === 0) return "No problems found.\n";
  const lines: string[] = [];
  for (const f of findings) {
    const tag =
      f.severity === "error"
        ? term.paint.red("error")
        : f.severity === "warning"
          ? term.paint.yellow("warning")
          : "info";
    lines.push(`${tag} ${f.code} ${f.cluster}: ${f.subject}`, `    ${f.summary}`, `    fix: ${f.fix}`);
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  lines.push(
    "",
    `${errors} error(s), ${warnings} warning(s), ${findings.length - errors - warnings} note(s)`,
  );
  return `${lines.join("\n")}\n`;
}

export async function doctorCommand(options: DoctorCliOptions, term: Terminal): Promise<number> {
  const snapshot = await loadSnapshotFor(options, term);
  if (snapshot === undefined) return ExitCode.error;
  const directory = directoryFromIam(snapshot.iam);
  const findings = snapshot.clusters
    .filter((c) => options.cluster === undefined || c.name === options.cluster)
    .flatMap((c) => doctorCluster(c, directory));
  await warnAboutAccessPolicies(options, term);
  if (options.json === true) term.out(`${JSON.stringify({ findings }, null, 2)}\n`);
  else term.out(doctorText(findings, term));
  return findings.some((f) => f.severity === "error") ? ExitCode.error : ExitCode.ok;
}
