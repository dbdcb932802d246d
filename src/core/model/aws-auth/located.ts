/**
 * Where the parts of a mapRoles / mapUsers / mapAccounts list sit in their text, whichever
 * parser read it: the reader needs offsets (for diagnostics and `source` positions), not
 * a particular YAML library's node types.
 *
 * Two readers produce it. `readSimpleList` is the fast one (js-yaml, which builds plain
 * values directly, with its node listener for offsets): it takes only lists whose every
 * scalar is a string under any YAML schema, with no anchors, aliases, tags, block scalars,
 * directives, duplicate keys or second document, and returns undefined for anything else. `fromYamlNode` converts the `yaml` library's
 * nodes, which the reader falls back to and which stays the reference for every case
 * the fast reader declines (YAML 1.1 scalars, errors, aliases).
 */
import { FAILSAFE_SCHEMA, loadAll } from "js-yaml";
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Node as YamlNode } from "yaml";

export interface LocatedPair {
  /** The key as the decoder sees it (a scalar's value as a string, `""` otherwise). */
  readonly key: string;
  readonly keyNode?: LocatedNode;
  readonly value?: LocatedNode;
}

export interface LocatedNode {
  /** Offset of the node: a scalar's first character (its quote when quoted), a block
   *  collection's first key or `-`, a flow collection's bracket. */
  readonly start?: number;
  readonly alias?: true;
  /** A plain scalar's end offset (its text as written is `text.slice(start, plainEnd)`). */
  readonly plainEnd?: number;
  /** A mapping's pairs, in order (duplicates kept: the first one locates a key). */
  readonly pairs?: readonly LocatedPair[];
  /** A sequence's items. */
  readonly items?: readonly (LocatedNode | undefined)[];
}

/** The first pair whose key is `key`. */
export function pairFor(node: LocatedNode | undefined, key: string): LocatedPair | undefined {
  return node?.pairs?.find((p) => p.key === key);
}

function isYamlNode(value: unknown): value is YamlNode {
  return typeof value === "object" && value !== null && "range" in value;
}

/** A `yaml` library node, located. */
export function fromYamlNode(node: unknown): LocatedNode | undefined {
  if (!isYamlNode(node)) return undefined;
  const start = node.range?.[0];
  const at = start === undefined ? {} : { start };
  if (isAlias(node)) return { ...at, alias: true };
  if (isScalar(node)) {
    return node.type === Scalar.PLAIN && node.range ? { ...at, plainEnd: node.range[1] } : at;
  }
  if (isMap(node)) {
    const pairs: LocatedPair[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k: unknown = item.key;
      const keyNode = fromYamlNode(k);
      const value = fromYamlNode(item.value);
      pairs.push({
        key: isScalar(k) ? String(k.value) : "",
        ...(keyNode === undefined ? {} : { keyNode }),
        ...(value === undefined ? {} : { value }),
      });
    }
    return { ...at, pairs };
  }
  if (isSeq(node)) return { ...at, items: node.items.map(fromYamlNode) };
  return at;
}

/** Plain scalars that YAML 1.1 or 1.2 may read as null or a boolean, lowercased. */
const NOT_SURELY_STRINGS = new Set(["y", "n", "yes", "no", "true", "false", "on", "off", "null"]);

/**
 * Whether a plain scalar is a string under every YAML schema: it starts with a letter (so
 * it is no number, timestamp, `~`, `.inf`, `<<` or `__proto__`) and is no null or boolean
 * word of YAML 1.1.
 */
export function isSurelyString(plain: string): boolean {
  const c = plain.charCodeAt(0);
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return letter && !NOT_SURELY_STRINGS.has(plain.toLowerCase());
}

/** A JSON value built from string scalars, lists and mappings. */
export type StringTree = string | StringTree[] | { [key: string]: StringTree };

export interface SimpleListItem {
  readonly value: StringTree;
  readonly node: LocatedNode;
}

/** One node as js-yaml composed it: where it opened, and what it became. */
interface Frame {
  readonly open: number;
  /** Where the node ended. */
  close: number;
  kind: string | null;
  result: unknown;
  readonly children: Frame[];
}

class Declined extends Error {}

/** The first offset at or after `from` that is not white space or a comment. */
function significant(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else return i;
  }
}

/**
 * js-yaml calls its listener around every node it composes, sometimes twice around the
 * same node (an outer call that only delegates): keep the innermost of such a chain.
 */
function innermost(frame: Frame): Frame {
  let f = frame;
  for (;;) {
    const only = f.children.length === 1 ? f.children[0] : undefined;
    if (only === undefined || only.kind !== f.kind || only.result !== f.result) return f;
    f = only;
  }
}

/**
 * Reads a one-document YAML (or JSON) list made only of strings, lists and mappings, with
 * locations; undefined when the text is anything else (the reference reader decides then).
 */
export function readSimpleList(text: string): SimpleListItem[] | undefined {
  // Directives are left to the reference reader (anchors, aliases, tags and block scalars
  // are declined below, where the node starts).
  if (/^%/mu.test(text)) return undefined;
  // YAML 1.1 line breaks (NEL, LS, PS) are read differently by YAML 1.2 parsers.
  if (/[\u0085\u2028\u2029]/u.test(text)) return undefined;
  const root: Frame = { open: 0, close: text.length, kind: null, result: undefined, children: [] };
  const stack: Frame[] = [root];
  let documents: unknown[];
  try {
    documents = loadAll(text, undefined, {
      schema: FAILSAFE_SCHEMA,
      listener(event, state) {
        if (event === "open") {
          stack.push({
            open: state.position,
            close: state.position,
            kind: null,
            result: undefined,
            children: [],
          });
          return;
        }
        const frame = stack.pop();
        const parent = stack[stack.length - 1];
        if (frame === undefined || parent === undefined) throw new Declined();
        frame.kind = state.kind;
        frame.result = state.result;
        frame.close = state.position;
        parent.children.push(frame);
      },
    });
  } catch {
    return undefined;
  }
  const [top, ...more] = root.children;
  if (documents.length !== 1 || top === undefined || more.length > 0) return undefined;
  const build = (raw: Frame): { value: StringTree; node: LocatedNode } => {
    const frame = innermost(raw);
    const start = significant(text, frame.open);
    const first = text[start];
    if (first === "&" || first === "*" || first === "!" || first === "|" || first === ">")
      throw new Declined();
    if (frame.kind === "scalar") {
      if (typeof frame.result !== "string") throw new Declined();
      if (first !== '"' && first !== "'" && !isSurelyString(frame.result)) throw new Declined();
      // A quoted scalar over several lines is folded: left to the reference reader.
      if ((first === '"' || first === "'") && /[\r\n]/u.test(text.slice(start, frame.close)))
        throw new Declined();
      return { value: frame.result, node: { start } };
    }
    if (frame.kind === "sequence") {
      const values: StringTree[] = [];
      const items: LocatedNode[] = [];
      for (const child of frame.children) {
        const item = build(child);
        values.push(item.value);
        items.push(item.node);
      }
      if (!Array.isArray(frame.result) || frame.result.length !== values.length) throw new Declined();
      return { value: values, node: { start, items } };
    }
    if (frame.kind === "mapping") {
      if (frame.children.length % 2 !== 0) throw new Declined();
      const object: Record<string, StringTree> = {};
      const pairs: LocatedPair[] = [];
      for (let i = 0; i < frame.children.length; i += 2) {
        const keyFrame = frame.children[i];
        const valueFrame = frame.children[i + 1];
        if (keyFrame === undefined || valueFrame === undefined) throw new Declined();
        const key = build(keyFrame);
        if (typeof key.value !== "string" || key.value === "__proto__" || key.value === "<<")
          throw new Declined();
        if (Object.hasOwn(object, key.value)) throw new Declined();
        const value = build(valueFrame);
        object[key.value] = value.value;
        pairs.push({ key: key.value, keyNode: key.node, value: value.node });
      }
      return { value: object, node: { start, pairs } };
    }
    throw new Declined();
  };
  try {
    if (innermost(top).kind !== "sequence") return undefined;
    const list = build(top);
    const values = list.value as StringTree[];
    const nodes = list.node.items ?? [];
    return values.map((value, n) => ({ value, node: nodes[n] ?? {} }));
  } catch (error) {
    if (error instanceof Declined) return undefined;
    throw error;
  }
}
