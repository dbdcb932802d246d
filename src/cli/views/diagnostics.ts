/** Renders diagnostics for people (compiler style, with the source line) and for machines. */
import type { Diagnostic } from "../../core/diagnostics.js";
import type { Terminal } from "../terminal.js";

export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  term: Pick<Terminal, "paint">,
  sources: ReadonlyMap<string, string> = new Map(),
): string {
  const { paint } = term;
  const lines: string[] = [];
  for (const d of diagnostics) {
    const where = d.source ? `${d.source.file}:${d.source.line}:${d.source.column}: ` : "";
    const severity =
      d.severity === "error"
        ? paint.red("error")
        : d.severity === "warning"
          ? paint.yellow("warning")
          : paint.cyan("info");
    lines.push(`${paint.bold(where)}${severity} ${paint.dim(d.code)}: ${d.summary}`);
    if (d.path) lines.push(`  ${paint.dim("at")} ${d.path}`);
    const text = d.source ? sources.get(d.source.file) : undefined;
    if (d.source && text !== undefined) {
      const sourceLine = text.split(/\r?\n/)[d.source.line - 1];
      if (sourceLine !== undefined && sourceLine.trim() !== "") {
        const gutter = String(d.source.line).padStart(4);
        lines.push(`  ${paint.dim(`${gutter} |`)} ${sourceLine}`);
        lines.push(
          `  ${paint.dim(`${" ".repeat(gutter.length)} |`)} ${" ".repeat(d.source.column - 1)}${paint.red("^")}`,
        );
      }
    }
    if (d.detail) lines.push(`  ${paint.cyan("hint:")} ${d.detail}`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  if (errors + warnings > 0) {
    lines.push(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** The JSON form of a diagnostic list, stable for scripts. */
export function diagnosticsJson(diagnostics: readonly Diagnostic[]): Record<string, unknown>[] {
  return diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    summary: d.summary,
    ...(d.detail !== undefined ? { detail: d.detail } : {}),
    ...(d.path !== undefined ? { path: d.path } : {}),
    ...(d.source !== undefined ? { file: d.source.file, line: d.source.line, column: d.source.column } : {}),
  }));
}
