/**
 * A parsed YAML document as plain JavaScript values, with every problem returned instead
 * of printed or thrown. The `yaml` library's `toJS()` prints a process warning for a
 * mapping key that is itself a list or a mapping (and turns the key into text), and throws
 * on an alias to nothing or on too many aliases: here each is a problem with its offset.
 * Documents read through this must be parsed with `logLevel: "error"` (YAML_QUIET), so that
 * the library never prints anything.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, visit, type Document } from "yaml";

/** Parse option that keeps the `yaml` library from printing warnings. */
export const YAML_QUIET = { logLevel: "error" } as const;

export interface YamlJsProblem {
  readonly kind: "collection-key" | "alias";
  readonly message: string;
  /** Offset in the text, when known. */
  readonly offset?: number;
}

export type YamlJsResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: YamlJsProblem };

/** The first mapping key that is a list or a mapping (directly or through an alias). */
function collectionKey(doc: Document): YamlJsProblem | undefined {
  let found: YamlJsProblem | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair)) return undefined;
      const key: unknown = pair.key;
      const target: unknown = isAlias(key) ? key.resolve(doc) : key;
      if (!isCollection(target)) return undefined;
      const range = (key as { range?: readonly number[] | null }).range;
      found = {
        kind: "collection-key",
        message: "a mapping key is a list or a mapping; keys must be plain names",
        ...(range?.[0] === undefined ? {} : { offset: range[0] }),
      };
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * The first alias that cannot be built: one to an anchor not defined before it, or one
 * inside the very node its anchor names (`a: &x [1, *x]`), which toJS() would turn into a
 * value that contains itself and that every reader after it would follow without end.
 */
function badAlias(doc: Document): YamlJsProblem | undefined {
  let found: YamlJsProblem | undefined;
  visit(doc, {
    Alias(_, alias, path) {
      const target: unknown = alias.resolve(doc);
      const offset = alias.range?.[0];
      const at = offset === undefined ? {} : { offset };
      if (target === undefined) {
        found = { kind: "alias", message: `the alias *${alias.source} refers to no anchor before it`, ...at };
      } else if (path.includes(target as never)) {
        found = { kind: "alias", message: `the alias *${alias.source} is inside its own anchor`, ...at };
      }
      return found === undefined ? undefined : visit.BREAK;
    },
  });
  return found;
}

export function yamlDocumentToJs(doc: Document, options: { readonly maxAliasCount: number }): YamlJsResult {
  const key = collectionKey(doc) ?? badAlias(doc);
  if (key !== undefined) return { ok: false, problem: key };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: options.maxAliasCount }) as unknown };
  } catch (error) {
    // ReferenceError for an alias to an unknown anchor or an alias count beyond the limit.
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    return { ok: false, problem: { kind: "alias", message } };
  }
}

/**
 * Offsets of mapping keys that repeat an earlier key of the same mapping (scalar keys,
 * compared by value as the library's `uniqueKeys` does), in one pass. The library's own
 * check compares each key with every earlier one: minutes on a mapping of tens of thousands
 * of keys, which a 1 MiB file can hold. Parse with `uniqueKeys: false` and call this.
 */
export function duplicateKeyOffsets(doc: Document): number[] {
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
          if (seen.has(id)) out.push(pair.key.range?.[0] ?? 0);
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
