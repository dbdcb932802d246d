/** Renders diagnostics for people (compiler style, with the source line) and for machines. */
import type { Diagnostic } from "../../core/diagnostics.js";
import type { OutputWriteError } from "../../adapters/fs/write-files.js";
import type { Terminal } from "../terminal.js";

/** Source lines longer than this are shown as a window around the column. */
const MAX_EXCERPT = 160;

/** A failed output write (EG109), located at the option that named the output. */
export function outputWriteDiagnostic(error: OutputWriteError, option: string): Diagnostic {
  return {
    code: "EG109",
    severity: "error",
    summary: `${error.message}; nothing was written`,
    detail: `Point ${option} at a directory you can write to (it is created when missing).`,
    path: option,
  };
}

/** The source line and the caret column, cut to a window around the column when long. */
function excerpt(line: string, column: number): { text: string; caret: number } {
  if (line.length <= MAX_EXCERPT) return { text: line, caret: column };
  const start = Math.max(0, Math.min(column - 1 - MAX_EXCERPT / 2, line.length - MAX_EXCERPT));
  const text = `${start > 0 ? "..." : ""}${line.slice(start, start + MAX_EXCERPT)}${start + MAX_EXCERPT < line.length ? "..." : ""}`;
  return { text, caret: column - start + (start > 0 ? 3 : 0) };
}

export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  term: Pick<Terminal, "paint">,
  sources: ReadonlyMap<string, string> = new Map(),
): string {
  const { paint } = term;
  const lines: string[] = [];
  const sourceLines = new Map<string, readonly string[]>();
  const linesOf = (file: string): readonly string[] | undefined => {
    const text = sources.get(file);
    if (text === undefined) return undefined;
    let split = sourceLines.get(file);
    if (split === undefined) {
      split = text.split(/\r?\n/);
      sourceLines.set(file, split);
    }
    return split;
  };
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
    const fileLines = d.source ? linesOf(d.source.file) : undefined;
    if (d.source && fileLines !== undefined) {
      const sourceLine = fileLines[d.source.line - 1];
      if (sourceLine !== undefined && sourceLine.trim() !== "") {
        const gutter = String(d.source.line).padStart(4);
        const shown = excerpt(sourceLine, d.source.column);
        lines.push(`  ${paint.dim(`${gutter} |`)} ${shown.text}`);
        lines.push(
          `  ${paint.dim(`${" ".repeat(gutter.length)} |`)} ${" ".repeat(Math.max(0, shown.caret - 1))}${paint.red("^")}`,
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

/**
 * Diagnostics that end a command. With `--json`, `{"ok": false, "diagnostics": [...]}` on
 * stdout, so a script reads every failure the same way; otherwise rendered on stderr,
 * followed by `then` (what was not done) when given.
 */
export function reportFailure(
  diagnostics: readonly Diagnostic[],
  term: Pick<Terminal, "out" | "err" | "paint">,
  options: {
    readonly json?: boolean;
    readonly sources?: ReadonlyMap<string, string>;
    readonly then?: string;
  },
): void {
  if (options.json === true) {
    term.out(`${JSON.stringify({ ok: false, diagnostics: diagnosticsJson(diagnostics) }, null, 2)}\n`);
    return;
  }
  term.err(renderDiagnostics(diagnostics, term, options.sources));
  if (options.then !== undefined) term.err(`${options.then}\n`);
}
