/**
 * Diagnostics: problems are collected as data, never thrown. Every diagnostic has a
 * stable code (registered in ./diagnostics/codes, documented in docs/diagnostics.md), a severity, a one-line summary, an
 * optional detail that says what to do, and where it is: a file position and/or a
 * field path.
 */
import type { DiagnosticCode, Severity } from "./diagnostics/codes/index.js";

export type { DiagnosticCode, Severity };

export interface SourcePosition {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
}

export interface Diagnostic {
  /** A code of the registry (src/core/diagnostics/codes): an unregistered one does not compile. */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly summary: string;
  /** What to do about it. */
  readonly detail?: string;
  /** Field path such as `teams[1].access[0].cluster` or `mapRoles[2].rolearn`. */
  readonly path?: string;
  readonly source?: SourcePosition;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** A value, or the reasons there is none. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function formatPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? s : `.${s}`;
  }
  return out;
}

/** Sorts diagnostics by file position, then path, then code, for stable output. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const la = a.source?.line ?? Number.MAX_SAFE_INTEGER;
    const lb = b.source?.line ?? Number.MAX_SAFE_INTEGER;
    if (la !== lb) return la - lb;
    const ca = a.source?.column ?? 0;
    const cb = b.source?.column ?? 0;
    if (ca !== cb) return ca - cb;
    return (a.path ?? "").localeCompare(b.path ?? "") || a.code.localeCompare(b.code);
  });
}
