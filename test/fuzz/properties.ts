/**
 * The properties every fuzz case is held to. A case fails with one or more `Violation`s;
 * none means it passed.
 */
import { diagnosticsDocument } from "../support/diagnostics-doc.js";

export interface Violation {
  /** A short class name, stable across cases: "exit-3", "uncaught", "unregistered-code", ... */
  readonly kind: string;
  readonly message: string;
}

/** A diagnostic as the core returns it, or as `--json` prints it. */
export interface DiagnosticLike {
  readonly code?: unknown;
  readonly severity?: unknown;
  readonly summary?: unknown;
  readonly path?: unknown;
  readonly source?: unknown;
  readonly file?: unknown;
  readonly line?: unknown;
  readonly column?: unknown;
}

let registered: ReadonlySet<string> | undefined;

/** Every code docs/diagnostics.md lists (it is generated from the code tables in src/). */
export function registeredCodes(): ReadonlySet<string> {
  registered ??= new Set([...diagnosticsDocument().matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? ""));
  return registered;
}

function isPosition(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { file, line, column } = value as Record<string, unknown>;
  return (
    typeof file === "string" &&
    Number.isInteger(line) &&
    Number.isInteger(column) &&
    (line as number) >= 1 &&
    (column as number) >= 1
  );
}

function hasLocation(d: DiagnosticLike): boolean {
  if (typeof d.path === "string" && d.path !== "") return true;
  if (isPosition(d.source)) return true;
  return isPosition({ file: d.file, line: d.line, column: d.column });
}

/** Each diagnostic: a registered code, a severity, a summary, and a location. */
export function checkDiagnostics(diagnostics: readonly DiagnosticLike[], where: string): Violation[] {
  const codes = registeredCodes();
  const out: Violation[] = [];
  for (const d of diagnostics) {
    const code = typeof d.code === "string" ? d.code : String(d.code);
    if (!codes.has(code)) {
      out.push({
        kind: "unregistered-code",
        message: `${where}: diagnostic code ${code} is not in docs/diagnostics.md`,
      });
    }
    if (d.severity !== "error" && d.severity !== "warning" && d.severity !== "info") {
      out.push({ kind: "bad-severity", message: `${where}: ${code} has severity ${String(d.severity)}` });
    }
    if (typeof d.summary !== "string" || d.summary.trim() === "") {
      out.push({ kind: "no-summary", message: `${where}: ${code} has no summary` });
    }
    if (!hasLocation(d)) {
      out.push({
        kind: `no-location:${code}`,
        message: `${where}: ${code} (${String(d.summary)}) has neither file:line:column nor a field path`,
      });
    }
  }
  return out;
}

/** What a run of the CLI (in-process or as a process) produced. */
export interface CliOutcome {
  /** The exit code; undefined when the process was killed (see `signal`). */
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** An exception that escaped runCli (in-process), as text with its stack. */
  readonly thrown?: string;
  readonly signal?: string;
  /** The per-case time limit was reached: a hang. */
  readonly timedOut?: boolean;
  /** Process warnings emitted while the case ran (in-process), e.g. from the yaml library. */
  readonly warnings?: readonly string[];
}

const STACK_LINE = /^\s+at (?:.+ \()?(?:file:\/\/|node:|\/|[A-Za-z]:\\).*:\d+(?::\d+)?\)?$/m;

/** No crash, no exit 3, no hang, no stack trace or runtime warning on stderr. */
export function checkProcess(outcome: CliOutcome, allowed: readonly number[] = [0, 1, 2]): Violation[] {
  const out: Violation[] = [];
  if (outcome.timedOut === true)
    out.push({ kind: "hang", message: "the case did not finish within its time limit" });
  if (outcome.thrown !== undefined) {
    out.push({
      kind: `uncaught:${firstLine(outcome.thrown)}`,
      message: `exception escaped: ${outcome.thrown}`,
    });
  }
  if (outcome.signal !== undefined && outcome.timedOut !== true) {
    out.push({ kind: `signal:${outcome.signal}`, message: `the process was killed by ${outcome.signal}` });
  }
  if (outcome.code !== undefined && !allowed.includes(outcome.code)) {
    out.push({
      kind: outcome.code === 3 ? `exit-3:${internalMessage(outcome.stderr)}` : `exit-${String(outcome.code)}`,
      message: `exit code ${String(outcome.code)}; stderr: ${outcome.stderr.slice(0, 600)}`,
    });
  } else if (/internal error/.test(outcome.stderr)) {
    out.push({
      kind: "internal-error-text",
      message: `stderr reports an internal error: ${outcome.stderr.slice(0, 600)}`,
    });
  }
  if (STACK_LINE.test(outcome.stderr)) {
    out.push({
      kind: `stack-trace:${firstLine(outcome.stderr)}`,
      message: `stack trace on stderr: ${outcome.stderr.slice(0, 1200)}`,
    });
  }
  const nodeWarning = /\(node(?::\d+)?\) \S*Warning: (.*)/.exec(outcome.stderr);
  if (nodeWarning !== null) {
    out.push({ kind: `runtime-warning:${(nodeWarning[1] ?? "").slice(0, 60)}`, message: nodeWarning[0] });
  }
  for (const w of outcome.warnings ?? []) {
    out.push({ kind: `runtime-warning:${w.slice(0, 60)}`, message: `process warning emitted: ${w}` });
  }
  return out;
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").replace(/\d+/g, "N").slice(0, 80);
}

function internalMessage(stderr: string): string {
  const m = /internal error: (.*)/.exec(stderr);
  return (m?.[1] ?? firstLine(stderr)).replace(/\d+/g, "N").replace(/: .*$/, "").slice(0, 80);
}

/** An exception from a function a check calls directly: `what` names the function. */
export function threw(what: string, error: unknown): Violation {
  return {
    kind: `${what}-throws:${error instanceof Error ? error.message.slice(0, 60) : "?"}`,
    message: `${what} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  };
}

/** Parses JSON that a `--json` command printed, or reports that it is not JSON. */
export function parseJsonOutput(stdout: string, violations: Violation[]): unknown {
  try {
    return JSON.parse(stdout) as unknown;
  } catch {
    violations.push({
      kind: "json-output-not-json",
      message: `--json output does not parse: ${stdout.slice(0, 300)}`,
    });
    return undefined;
  }
}
