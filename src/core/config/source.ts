/**
 * YAML source handling for config files: parse with positions, and map a field path
 * back to `line:column` so every diagnostic can point at the text a person wrote.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic, SourcePosition } from "../diagnostics.js";
import { duplicateKeyOffsets, YAML_QUIET } from "../yaml-js.js";

/** Files larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface YamlSource {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

export type PathSegment = string | number;

export function positionAt(
  source: { file: string; lineCounter: LineCounter },
  offset: number,
): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, column: col };
}

/**
 * Checks that the bytes are a text file eksgate can read: not empty, not huge, not binary.
 * Returns diagnostics; an empty list means go on.
 */
export function checkConfigBytes(file: string, bytes: Uint8Array): Diagnostic[] {
  const at: SourcePosition = { file, line: 1, column: 1 };
  if (bytes.byteLength > MAX_CONFIG_BYTES) {
    return [
      {
        code: "EG102",
        severity: "error",
        summary: `config file is ${bytes.byteLength} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MiB)`,
        detail: "Point -c at the eksgate.yaml file itself; a real config is a few kilobytes.",
        source: at,
      },
    ];
  }
  if (bytes.includes(0)) {
    return [
      {
        code: "EG103",
        severity: "error",
        summary: "config file is binary (it contains NUL bytes)",
        detail: "eksgate reads a YAML text file; check the path given to -c.",
        source: at,
      },
    ];
  }
  return [];
}

/** At most this many YAML errors are reported one by one; the rest are counted. */
export const MAX_YAML_ERRORS = 20;

/** Parses YAML text, collecting syntax errors and duplicate keys as diagnostics. */
export function parseYamlSource(
  file: string,
  text: string,
): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  // Duplicate keys are found in one pass (duplicateKeyOffsets): the library's own check
  // compares every key with every earlier one, minutes on a mapping of 80,000 keys.
  const document = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    ...YAML_QUIET,
  });
  const source: YamlSource = { file, document, lineCounter };
  const diagnostics: Diagnostic[] = [];
  const duplicates = duplicateKeyOffsets(document).map((offset) => ({
    code: "DUPLICATE_KEY",
    message: "",
    pos: [offset, offset] as const,
  }));
  const all = [...document.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
  for (const error of all.slice(0, MAX_YAML_ERRORS)) {
    const duplicate = error.code === "DUPLICATE_KEY";
    diagnostics.push({
      code: duplicate ? "EG105" : "EG104",
      severity: "error",
      summary: duplicate
        ? "duplicate key: a YAML mapping may name each key once"
        : yamlMessage(error.message),
      detail: duplicate
        ? "Remove or merge the repeated key; YAML parsers disagree on which copy wins."
        : "Fix the YAML syntax at this position (indentation, quoting, or a missing ':').",
      source: positionAt(source, error.pos[0]),
    });
  }
  const more = all[MAX_YAML_ERRORS];
  if (more !== undefined) {
    diagnostics.push({
      code: "EG104",
      severity: "error",
      summary: `YAML syntax error: ${all.length - MAX_YAML_ERRORS} more errors from here on`,
      detail: "Fix the errors above first; this file may not be YAML at all (check the path).",
      source: positionAt(source, more.pos[0]),
    });
  }
  return { source, diagnostics };
}

function yamlMessage(message: string): string {
  // The yaml library appends "at line N, column M" and a code frame; we report those separately.
  const first = message.split("\n")[0] ?? message;
  // The library's parser is recursive: nesting thousands of levels deep exhausts its stack.
  if (/Maximum call stack size exceeded/.test(first))
    return "YAML: lists and mappings are nested far deeper than any config (thousands of levels)";
  return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, "")}`;
}

/**
 * Finds the node for a field path. With `key: true` the position of the last key is
 * returned instead of its value, which is what a person wants for an unknown field.
 */
export function locate(
  source: YamlSource,
  path: readonly PathSegment[],
  key = false,
): SourcePosition | undefined {
  let node: unknown = source.document.contents;
  let keyNode: unknown;
  for (const segment of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      node = item;
    } else {
      break;
    }
  }
  const target = (key && keyNode !== undefined ? keyNode : (node ?? keyNode)) as Node | null | undefined;
  const offset = target?.range?.[0];
  if (offset === undefined) return undefined;
  return positionAt(source, offset);
}

/** The segments of a field path as formatPath writes it: `teams[0].access` -> teams, 0, access. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (match === null) return [];
    if (match[1] !== undefined && match[1] !== "") out.push(match[1]);
    for (const index of (match[2] ?? "").matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/**
 * Gives each diagnostic about a field of the config (a `path`, no `source`: what the
 * planner reports, e.g. EG241 at `teams[2].identityCenter.group`) the position of that field
 * in the config's text, so that it reads like a validation error. Others are unchanged.
 */
export function locateInConfig(file: string, text: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (!diagnostics.some((d) => d.path !== undefined && d.source === undefined)) return [...diagnostics];
  const { source } = parseYamlSource(file, text);
  return diagnostics.map((d) => {
    if (d.path === undefined || d.source !== undefined) return d;
    const segments = parsePath(d.path);
    const at = segments.length > 0 ? locate(source, segments) : undefined;
    return at !== undefined ? { ...d, source: at } : d;
  });
}
