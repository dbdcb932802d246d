/**
 * JSON snapshot files with positions: values come from JSON.parse (what the AWS CLI prints
 * is JSON), and `file:line:column` for a syntax error or for an element of the value, so a
 * hand-written file's problem points at its place.
 */
import { LineCounter, parseDocument, type Document } from "yaml";
import type { Diagnostic, DiagnosticCode, SourcePosition } from "../diagnostics.js";
import type { SnapshotFile } from "./layout.js";

/** `file:line:column`, or the file alone. */
export function where(file: string, at: SourcePosition | undefined): string {
  return at === undefined ? file : `${file}:${String(at.line)}:${String(at.column)}`;
}

function positionOf(text: string, offset: number, file: string): SourcePosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { file, line, column: Math.min(offset, text.length) - start + 1 };
}

/** Where JSON.parse stopped, from its message (`... at position N`). */
export function jsonErrorPosition(file: SnapshotFile, error: unknown): SourcePosition | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineCol?.[1] !== undefined && lineCol[2] !== undefined)
    return { file: file.path, line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const pos = /at position (\d+)/.exec(message);
  if (pos?.[1] !== undefined) return positionOf(file.text, Number(pos[1]), file.path);
  // Some messages carry no position ("Unexpected token '}', ... is not valid JSON"): find it.
  const offset = jsonErrorOffset(file.text);
  return offset === undefined ? undefined : positionOf(file.text, offset, file.path);
}

/**
 * The offset where a JSON text stops being valid (RFC 8259), or undefined when it is valid.
 * Iterative, so a deeply nested hostile file cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const literal = (): boolean => {
    const c = text.charAt(i);
    if (c === '"') {
      i++;
      while (i < text.length) {
        const ch = text.charAt(i);
        if (ch === '"') {
          i++;
          return true;
        }
        if (ch === "\\") {
          const next = text.charAt(i + 1);
          if (next === "u") {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
            i += 6;
          } else if ('"\\/bfnrt'.includes(next) && next !== "") i += 2;
          else return false;
        } else if (ch.charCodeAt(0) < 0x20) return false;
        else i++;
      }
      return false;
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m === null) return false;
    i += m[0].length;
    return true;
  };
  // Stack of open containers: "{" expects a key next time it is on top, ":" a value of an object.
  const stack: string[] = [];
  ws();
  for (;;) {
    // A value.
    const c = text.charAt(i);
    if (c === "{" || c === "[") {
      i++;
      ws();
      const close = c === "{" ? "}" : "]";
      if (text.charAt(i) === close) {
        i++;
      } else {
        stack.push(c);
        if (c === "{") {
          if (text.charAt(i) !== '"' || !literal()) return i;
          ws();
          if (text.charAt(i) !== ":") return i;
          i++;
        }
        ws();
        continue;
      }
    } else if (!literal()) return i;
    // After a value: close containers or go on with the next element.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i === text.length ? undefined : i;
      const ch = text.charAt(i);
      if (ch === ",") {
        i++;
        ws();
        if (top === "{") {
          if (text.charAt(i) !== '"' || !literal()) return i;
          ws();
          if (text.charAt(i) !== ":") return i;
          i++;
          ws();
        }
        break;
      }
      if ((top === "{" && ch === "}") || (top === "[" && ch === "]")) {
        i++;
        stack.pop();
        continue;
      }
      return i;
    }
  }
}

export interface LocatedJson {
  readonly value: unknown;
  /** The position of the element at `path` (keys and indexes), or of its nearest parent. */
  at(path: readonly (string | number)[]): SourcePosition | undefined;
}

/**
 * Parses a JSON file; a syntax error is a diagnostic with `code` and the position. Positions
 * of elements are computed on first use only (most files have no problem).
 */
export function readLocatedJson(
  file: SnapshotFile,
  code: DiagnosticCode,
  diagnostics: Diagnostic[],
  hint?: string,
): LocatedJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(file.text) as unknown;
  } catch (error) {
    const at = jsonErrorPosition(file, error);
    diagnostics.push({
      code,
      severity: "error",
      summary: `${where(file.path, at)} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      path: file.path,
      ...(at !== undefined ? { source: at } : {}),
      ...(hint !== undefined ? { detail: hint } : {}),
    });
    return undefined;
  }
  let doc: { doc: Document; lines: LineCounter } | null | undefined;
  return {
    value,
    at(path) {
      if (doc === undefined) {
        const lines = new LineCounter();
        const parsed = parseDocument(file.text, { lineCounter: lines, uniqueKeys: false, logLevel: "error" });
        doc = parsed.errors.length > 0 ? null : { doc: parsed, lines };
      }
      if (doc === null) return undefined;
      for (let n = path.length; n >= 0; n--) {
        const node: unknown = doc.doc.getIn(path.slice(0, n), true);
        const range = (node as { range?: readonly number[] } | undefined)?.range;
        if (range?.[0] !== undefined) {
          const { line, col } = doc.lines.linePos(range[0]);
          return { file: file.path, line, column: col };
        }
      }
      return undefined;
    },
  };
}
