/**
 * Where the parts of a mapRoles / mapUsers / mapAccounts list sit in their text, whichever
 * parser read it: the reader needs offsets (for diagnostics and `source` positions), not
 * a particular YAML library's node types.
 *
 * Two readers produce it. `readSimpleList` is the fast one (js-yaml's event parser, no
 * document model): it takes only lists whose every scalar is a string under any YAML
 * schema, with no anchors, aliases, tags, block scalars, directives or second document,
 * and returns undefined for anything else. `fromYamlNode` converts the `yaml` library's
 * nodes, which the reader falls back to and which stays the reference for every case
 * the fast reader declines (YAML 1.1 scalars, errors, aliases).
 */
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event, type ScalarEvent } from "js-yaml";
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

class Declined extends Error {}

/**
 * Reads a one-document YAML (or JSON) list made only of strings, lists and mappings, with
 * locations; undefined when the text is anything else (the reference reader decides then).
 */
export function readSimpleList(text: string): SimpleListItem[] | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  let i = 0;
  const next = (): Event => {
    const e = events[i++];
    if (e === undefined) throw new Declined();
    return e;
  };
  const scalar = (e: ScalarEvent): { value: string; node: LocatedNode } => {
    if (e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) throw new Declined();
    const value = getScalarValue(text, e);
    if (e.style === SCALAR_STYLE.PLAIN) {
      if (!isSurelyString(value)) throw new Declined();
      return { value, node: { start: e.valueStart } };
    }
    return { value, node: { start: e.valueStart - 1 } };
  };
  const node = (e: Event): { value: StringTree; node: LocatedNode } => {
    if (e.type === EVENT_ID.DOCUMENT || e.type === EVENT_ID.POP || e.type === EVENT_ID.ALIAS)
      throw new Declined();
    if (e.anchorStart !== -1 || e.tagStart !== -1) throw new Declined();
    if (e.type === EVENT_ID.SCALAR) return scalar(e);
    if (e.type === EVENT_ID.SEQUENCE) {
      const values: StringTree[] = [];
      const items: LocatedNode[] = [];
      for (let c = next(); c.type !== EVENT_ID.POP; c = next()) {
        const item = node(c);
        values.push(item.value);
        items.push(item.node);
      }
      return { value: values, node: { start: e.start, items } };
    }
    const object: Record<string, StringTree> = {};
    const pairs: LocatedPair[] = [];
    for (let k = next(); k.type !== EVENT_ID.POP; k = next()) {
      if (k.type !== EVENT_ID.SCALAR || k.anchorStart !== -1 || k.tagStart !== -1) throw new Declined();
      const key = scalar(k);
      if (key.value === "__proto__" || key.value === "<<") throw new Declined();
      const value = node(next());
      object[key.value] = value.value;
      pairs.push({ key: key.value, keyNode: key.node, value: value.node });
    }
    return { value: object, node: { start: e.start, pairs } };
  };
  try {
    const doc = next();
    if (doc.type !== EVENT_ID.DOCUMENT || doc.directives.length > 0) return undefined;
    const top = next();
    if (top.type !== EVENT_ID.SEQUENCE) return undefined;
    const list = node(top);
    if (next().type !== EVENT_ID.POP || i !== events.length) return undefined;
    const values = list.value as StringTree[];
    const nodes = list.node.items ?? [];
    return values.map((value, n) => ({ value, node: nodes[n] ?? {} }));
  } catch (error) {
    if (error instanceof Declined) return undefined;
    throw error;
  }
}
