/** Text and JSON for `eksgate audit`: findings grouped by severity. */
import type { AuditFinding, AuditReport } from "../../core/evaluate/audit/index.js";
import type { Severity } from "../../core/diagnostics.js";
import type { RequestContextSummary } from "../../core/evaluate/access/index.js";
import type { Terminal } from "../terminal.js";
import { contextJson, contextLine } from "./access.js";

const HEADINGS: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Notes" };

function findingLines(f: AuditFinding, term: Terminal): string[] {
  const p = term.paint;
  const code =
    f.severity === "error" ? p.red(f.code) : f.severity === "warning" ? p.yellow(f.code) : p.dim(f.code);
  const cluster = f.cluster !== undefined ? `[${f.cluster}] ` : "";
  return [
    `  ${code} ${cluster}${p.bold(f.summary)}`,
    `        where: ${f.where}`,
    `        why:   ${f.why}`,
    `        fix:   ${f.fix}`,
  ];
}

/**
 * The findings do not depend on the request context; the access graph of `--html` does, so
 * the context is stated for it.
 */
export function auditText(report: AuditReport, term: Terminal, context: RequestContextSummary): string {
  const lines: string[] = [];
  for (const severity of ["error", "warning", "info"] as const) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${term.paint.bold(HEADINGS[severity])} (${group.length})`);
    for (const f of group) lines.push(...findingLines(f, term), "");
  }
  const c = report.counts;
  lines.push(
    `${report.clusters.length} cluster(s) audited: ${report.clusters.join(", ") || "none"}; ${c.error} error(s), ${c.warning} warning(s), ${c.info} note(s)`,
  );
  lines.push(
    term.paint.dim(`${contextLine(context)} (for the access graph; the findings do not depend on it)`),
  );
  return `${lines.join("\n")}\n`;
}

export function auditJson(report: AuditReport, context: RequestContextSummary): unknown {
  return {
    clusters: report.clusters,
    counts: report.counts,
    findings: report.findings,
    context: contextJson(context),
  };
}
