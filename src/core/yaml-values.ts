/**
 * Building plain values from a parsed YAML document without the ways that can go wrong at
 * run time: an alias to an anchor that is not defined (before it), aliases that expand
 * into more values than any real file holds (an "alias bomb"), nesting deep enough to
 * exhaust the stack, and mapping keys that are lists or mappings (which the yaml library
 * would stringify with a warning on the terminal). Each comes back as a problem with the
 * offset of the node at fault, for the caller to turn into a diagnostic; nothing throws
 * and nothing is printed.
 *
 * The walk is iterative, so a deep document cannot overflow the stack here either.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document } from "yaml";

export type YamlValueProblem =
  | { readonly kind: "unresolved-alias"; readonly offset: number; readonly name: string }
  | { readonly kind: "alias-expansion"; readonly offset: number; readonly name: string }
  | { readonly kind: "too-deep"; readonly offset: number; readonly limit: number }
  | { readonly kind: "collection-key"; readonly offset: number };

export type YamlValueResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: YamlValueProblem };

export interface YamlValueLimits {
  /** Deepest nesting of lists and mappings accepted (default 64). */
  readonly maxDepth?: number;
  /** Most values the document may expand to once aliases are followed (default 10,000). */
  readonly maxExpandedNodes?: number;
}

/**
 * Parse options for reading untrusted files: no warnings written to the terminal, and no
 * code frames in error messages (building one scans the source line for every error,
 * which adds up to minutes on a large broken file; positions are reported separately).
 */
export const QUIET_YAML = { logLevel: "error", prettyErrors: false } as const;

interface Frame {
  readonly node: unknown;
  readonly depth: number;
  /** Set on the second visit (post-order), when the children's sizes are known. */
  readonly exit: boolean;
}

function offsetOf(node: unknown): number {
  const range = (node as { range?: readonly number[] } | null)?.range;
  return range?.[0] ?? 0;
}

function childrenOf(node: unknown): unknown[] {
  if (isMap(node) || isSeq(node)) return node.items as unknown[];
  if (isPair(node)) return [node.key, node.value];
  return [];
}

/** Checks the document (see the module comment); undefined when it is fine. */
export function yamlValueProblem(
  doc: Document.Parsed,
  limits: YamlValueLimits = {},
): YamlValueProblem | undefined {
  const maxDepth = limits.maxDepth ?? 64;
  const maxExpanded = limits.maxExpandedNodes ?? 10_000;
  // Anchors in document order: an alias refers to the last definition before it.
  const anchors = new Map<string, unknown>();
  // Each node's size once aliases are followed (an alias counts as what it points at).
  const sizes = new Map<unknown, number>();
  const stack: Frame[] = [{ node: doc.contents, depth: 0, exit: false }];
  let firstBigAlias: { offset: number; name: string } | undefined;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const { node, depth } = frame;
    if (node === null || node === undefined) continue;
    if (frame.exit) {
      let size = 1;
      for (const child of childrenOf(node)) size += sizes.get(child) ?? 0;
      sizes.set(node, size);
      const anchor = (node as { anchor?: unknown }).anchor;
      if (typeof anchor === "string") anchors.set(anchor, node);
      continue;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined)
        return { kind: "unresolved-alias", offset: offsetOf(node), name: node.source };
      const size = sizes.get(target) ?? 1;
      sizes.set(node, size);
      if (size >= 100 && firstBigAlias === undefined)
        firstBigAlias = { offset: offsetOf(node), name: node.source };
      continue;
    }
    if (
      isPair(node) &&
      (isMap(node.key) ||
        isSeq(node.key) ||
        isMap(resolved(anchors, node.key)) ||
        isSeq(resolved(anchors, node.key)))
    ) {
      return { kind: "collection-key", offset: offsetOf(node.key) };
    }
    const collection = isMap(node) || isSeq(node);
    if (collection && depth >= maxDepth) return { kind: "too-deep", offset: offsetOf(node), limit: maxDepth };
    if (isScalar(node)) {
      sizes.set(node, 1);
      if (typeof node.anchor === "string") anchors.set(node.anchor, node);
      continue;
    }
    stack.push({ node, depth, exit: true });
    const children = childrenOf(node);
    const childDepth = collection ? depth + 1 : depth;
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ node: children[i], depth: childDepth, exit: false });
  }
  const total = sizes.get(doc.contents) ?? 0;
  if (total > maxExpanded) {
    const at = firstBigAlias ?? { offset: 0, name: "" };
    return { kind: "alias-expansion", offset: at.offset, name: at.name };
  }
  return undefined;
}

/**
 * Offsets of mapping keys that repeat a key earlier in the same mapping (scalar keys
 * compared by value, as the yaml library's `uniqueKeys` does). The library's own check
 * compares each key with every earlier one, which takes minutes on a mapping with tens of
 * thousands of keys; this is one pass.
 */
export function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const out: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const value: unknown = pair.key.value;
          const id = `${typeof value}:${String(value)}`;
          if (seen.has(id)) out.push(offsetOf(pair.key));
          else seen.add(id);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return out.sort((a, b) => a - b);
}

function resolved(anchors: ReadonlyMap<string, unknown>, node: unknown): unknown {
  return isAlias(node) ? anchors.get(node.source) : undefined;
}

/**
 * The document's value as plain data, or the first problem. `maxAliasCount` is passed on to
 * the yaml library, whose own alias check stays as a second line of defence.
 */
export function yamlToJs(
  doc: Document.Parsed,
  limits: YamlValueLimits & { readonly maxAliasCount?: number } = {},
): YamlValueResult {
  const problem = yamlValueProblem(doc, limits);
  if (problem !== undefined) return { ok: false, problem };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: limits.maxAliasCount ?? 1000 }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const kind = /Unresolved alias/.test(message) ? "unresolved-alias" : "alias-expansion";
    return { ok: false, problem: { kind, offset: 0, name: "" } };
  }
}

/** One sentence about a problem, for a diagnostic's summary. */
export function describeYamlValueProblem(problem: YamlValueProblem): string {
  switch (problem.kind) {
    case "unresolved-alias":
      return `the alias *${problem.name} refers to no anchor &${problem.name} defined before it`;
    case "alias-expansion":
      return `aliases${problem.name === "" ? "" : ` (such as *${problem.name})`} expand into far more values than a real file holds (an "alias bomb")`;
    case "too-deep":
      return `lists and mappings are nested more than ${String(problem.limit)} levels deep`;
    case "collection-key":
      return "a mapping key is itself a list or a mapping";
  }
}

/** What to do about a problem, for a diagnostic's hint. */
export function yamlValueProblemHint(problem: YamlValueProblem): string {
  switch (problem.kind) {
    case "unresolved-alias":
      return "Define the anchor (&name) before the alias (*name) that uses it, or write the value out.";
    case "alias-expansion":
      return "Write the values out instead of nesting aliases inside aliases.";
    case "too-deep":
      return "Flatten the structure; eksgate's files are only a few levels deep.";
    case "collection-key":
      return "Use a plain string as the key (a '? ' key followed by a list or mapping is not one).";
  }
}
