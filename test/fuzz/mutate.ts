/**
 * Structure-aware mutations of YAML and JSON inputs, plus raw bytes.
 *
 * A mutated input starts from a valid seed and goes through three layers, each optional:
 *   1. tree mutations on the parsed document (wrong types, missing and unknown keys,
 *      duplicate keys, anchors and aliases, tags, complex keys, empty and huge values);
 *   2. text mutations (alias bombs, undefined aliases, deep nesting, huge scalars, tabs,
 *      CRLF, truncation, line edits, odd Unicode, several documents, JSON instead of YAML);
 *   3. byte mutations (BOM, NUL, invalid UTF-8, UTF-16, bit flips, truncation).
 * A share of inputs is random bytes or token soup with no seed at all.
 */
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node } from "yaml";
import type { Rng } from "./rng.js";

export type Format = "yaml" | "json";

export interface MutateOptions {
  readonly format: Format;
  /** Other valid inputs of the same surface, for splicing. */
  readonly others?: readonly string[];
  /** Values that mean something to this surface (ARNs, names, verbs), to plant in the tree. */
  readonly vocabulary?: readonly string[];
  /** Keys that mean something to this surface, for renames and additions. */
  readonly keys?: readonly string[];
  /** Upper bound for huge scalars and padding, in bytes. */
  readonly maxBytes?: number;
}

/** A mutated input and the names of the mutations applied, for the failure report. */
export interface Mutated {
  readonly bytes: Buffer;
  readonly steps: readonly string[];
}

const ODD_STRINGS = [
  "",
  " ",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "yes",
  "no",
  "on",
  "off",
  "0",
  "-0",
  "0x1F",
  "0o17",
  "1e400",
  "-1e400",
  ".nan",
  ".inf",
  "012345678901",
  "123456789012",
  "1234567890123",
  "2001-12-14t21:59:43.10-05:00",
  "*",
  "**",
  "?",
  "${aws:username}",
  "{{SessionName}}",
  "{{EC2PrivateDNSName}}",
  "system:masters",
  "system:",
  "arn:",
  "arn:aws:iam::",
  "arn:aws:iam::123456789012:role/",
  "arn:aws:iam::123456789012:role/a/b/c",
  "arn:aws:sts::123456789012:assumed-role/r/s",
  "arn:aws:iam::12345:role/x",
  "arn:aws-cn:iam::123456789012:user/u",
  "\u200b",
  "\u202e",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\ud83d\ude00",
  "é",
  "../../../etc/passwd",
  "a\nb",
  "a\tb",
  "a\r\nb",
  "'",
  '"',
  "\\",
  "#",
  ": ",
  "- ",
  "&a",
  "*a",
  "!!str",
  "%",
  "@",
  "`",
  "|",
  ">",
  "{",
  "[",
  "]",
  "}",
  ",",
];

const SPECIAL_CHARS = [
  ":",
  "-",
  "&",
  "*",
  "!",
  "|",
  ">",
  "%",
  "@",
  "`",
  "{",
  "}",
  "[",
  "]",
  "'",
  '"',
  "#",
  ",",
  "?",
  "\t",
  "\\",
  "\r",
  "\n",
  " ",
];

const TAGS = [
  "!!binary",
  "!!set",
  "!!omap",
  "!!pairs",
  "!!timestamp",
  "!!int",
  "!!float",
  "!!bool",
  "!!null",
  "!!str",
  "!!map",
  "!!seq",
  "!custom",
  "!",
  "!<tag:yaml.org,2002:str>",
];

// ---------------------------------------------------------------------------------------
// Entry point

export function mutate(rng: Rng, seed: string, options: MutateOptions): Mutated {
  const steps: string[] = [];
  const roll = rng.int(0, 99);
  if (roll < 4) {
    steps.push("random-bytes");
    return { bytes: rng.bytes(rng.size(4096)), steps };
  }
  if (roll < 8) {
    steps.push("token-soup");
    return { bytes: Buffer.from(tokenSoup(rng), "utf8"), steps };
  }
  let text = seed;
  if (options.others !== undefined && options.others.length > 0 && rng.chance(0.05)) {
    text = splice(rng, text, rng.pick(options.others));
    steps.push("splice");
  }
  const treeRounds = rng.weighted([
    [2, 0],
    [5, 1],
    [3, 2],
    [1, 4],
  ]);
  if (treeRounds > 0) {
    const tree = treeMutate(rng, text, treeRounds, options);
    if (tree !== undefined) {
      text = tree.text;
      steps.push(...tree.steps);
    }
  }
  const textRounds = rng.weighted([
    [4, 0],
    [4, 1],
    [2, 2],
    [1, 3],
  ]);
  for (let i = 0; i < textRounds; i++) {
    const [name, fn] = rng.pick(TEXT_MUTATIONS);
    text = fn(rng, text, options);
    steps.push(name);
  }
  let bytes: Buffer = Buffer.from(text, "utf8");
  if (rng.chance(0.12)) {
    const [name, fn] = rng.pick(BYTE_MUTATIONS);
    bytes = fn(rng, bytes);
    steps.push(name);
  }
  return { bytes, steps };
}

// ---------------------------------------------------------------------------------------
// Tree mutations

function valueFor(rng: Rng, options: MutateOptions): unknown {
  const vocabulary = options.vocabulary ?? [];
  switch (rng.int(0, 11)) {
    case 0:
      return rng.pick([0, -1, 1, 2 ** 31, 2 ** 53 + 1, 0.5, -0, 1e300, 123456789012]);
    case 1:
      return rng.chance(0.5);
    case 2:
      return null;
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return rng.pick(ODD_STRINGS);
    case 6:
      return rng.string(rng.size(64), "abcXYZ019-_.:/*?@ ");
    case 7:
      return "x".repeat(rng.pick([300, 5_000, 70_000]));
    case 8:
      return [rng.pick(ODD_STRINGS), { [rng.pick(options.keys ?? ["k"])]: rng.pick(ODD_STRINGS) }];
    default:
      return vocabulary.length > 0 ? rng.pick(vocabulary) : rng.pick(ODD_STRINGS);
  }
}

interface Located {
  readonly node: Node;
  /** The map or sequence holding it. */
  readonly parent: YAMLMap | YAMLSeq | undefined;
}

function collectNodes(root: unknown): Located[] {
  const out: Located[] = [];
  const walk = (node: unknown, parent: YAMLMap | YAMLSeq | undefined, depth: number): void => {
    if (depth > 60) return;
    if (isMap(node)) {
      out.push({ node, parent });
      for (const pair of node.items) {
        if (isScalar(pair.key)) out.push({ node: pair.key, parent: node });
        walk(pair.value, node, depth + 1);
      }
    } else if (isSeq(node)) {
      out.push({ node, parent });
      for (const item of node.items) walk(item, node, depth + 1);
    } else if (isScalar(node)) {
      out.push({ node, parent });
    }
  };
  walk(root, undefined, 0);
  return out;
}

function replaceIn(parent: YAMLMap | YAMLSeq | undefined, old: Node, replacement: Node): boolean {
  if (parent === undefined) return false;
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (pair.value === old) {
        pair.value = replacement;
        return true;
      }
    }
    return false;
  }
  const i = parent.items.indexOf(old);
  if (i < 0) return false;
  parent.items[i] = replacement;
  return true;
}

function typo(rng: Rng, word: string): string {
  if (word.length === 0) return "x";
  const i = rng.int(0, word.length - 1);
  switch (rng.int(0, 4)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word.charAt(i) + word.slice(i);
    case 2:
      return i + 1 < word.length
        ? word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2)
        : `${word}s`;
    case 3:
      return word.toUpperCase() === word ? word.toLowerCase() : word.toUpperCase();
    default:
      return `${word}_`;
  }
}

function treeMutate(
  rng: Rng,
  text: string,
  rounds: number,
  options: MutateOptions,
): { text: string; steps: string[] } | undefined {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false, logLevel: "silent" });
  } catch {
    return undefined;
  }
  if (doc.errors.length > 0) return undefined;
  try {
    return treeRounds(rng, doc, rounds, options);
  } catch {
    return undefined;
  }
}

function treeRounds(
  rng: Rng,
  doc: ReturnType<typeof parseDocument>,
  rounds: number,
  options: MutateOptions,
): { text: string; steps: string[] } | undefined {
  const steps: string[] = [];
  let anchors = 0;
  for (let round = 0; round < rounds; round++) {
    const nodes = collectNodes(doc.contents);
    if (nodes.length === 0) break;
    const target = rng.pick(nodes);
    const step = rng.int(0, 13);
    switch (step) {
      case 0:
      case 1: {
        // Wrong type or an odd value in place of a value.
        const replacement = doc.createNode(valueFor(rng, options));
        if (replaceIn(target.parent, target.node, replacement)) steps.push("tree:wrong-type");
        break;
      }
      case 2: {
        // Delete a key or an item.
        const parent = target.parent;
        if (isMap(parent)) {
          const i = parent.items.findIndex((p) => p.value === target.node || p.key === target.node);
          if (i >= 0) parent.items.splice(i, 1);
        } else if (isSeq(parent)) {
          const i = parent.items.indexOf(target.node);
          if (i >= 0) parent.items.splice(i, 1);
        }
        steps.push("tree:delete");
        break;
      }
      case 3: {
        // Duplicate a key (same key twice in one mapping) or an item.
        const parent = target.parent;
        if (isMap(parent) && parent.items.length > 0) {
          const pair = rng.pick(parent.items);
          parent.items.splice(rng.int(0, parent.items.length), 0, pair.clone());
          steps.push("tree:duplicate-key");
        } else if (isSeq(parent) && parent.items.length > 0) {
          const item = rng.pick(parent.items);
          const copies = rng.pick([1, 1, 2, 50, 500]);
          for (let c = 0; c < copies; c++) parent.items.push(item);
          steps.push(`tree:duplicate-item*${String(copies)}`);
        }
        break;
      }
      case 4: {
        // Rename a key: a typo, another case, or another known key.
        if (
          isScalar(target.node) &&
          isMap(target.parent) &&
          target.parent.items.some((p) => p.key === target.node)
        ) {
          const name = String(target.node.value);
          target.node.value =
            rng.chance(0.5) || options.keys === undefined ? typo(rng, name) : rng.pick(options.keys);
          steps.push("tree:rename-key");
        }
        break;
      }
      case 5: {
        // Add an unknown or known key with an odd value.
        const map = isMap(target.node) ? target.node : isMap(target.parent) ? target.parent : undefined;
        if (map !== undefined) {
          const key =
            rng.chance(0.5) && options.keys !== undefined
              ? rng.pick(options.keys)
              : rng.pick(["extra", "Name", "", "<<", "0", "null", "~"]);
          map.items.push(doc.createPair(key, valueFor(rng, options)));
          steps.push("tree:add-key");
        }
        break;
      }
      case 6: {
        // Anchor one node and alias it from another place (valid YAML, shared values).
        const other = rng.pick(nodes);
        if (other.node !== target.node && !isScalar(other.parent) && target.node.anchor === undefined) {
          const name = `fz${String(anchors++)}`;
          target.node.anchor = name;
          if (replaceIn(other.parent, other.node, doc.createAlias(target.node, name)))
            steps.push("tree:alias");
          else delete (target.node as { anchor?: string }).anchor;
        }
        break;
      }
      case 7: {
        // A tag that changes how the value is read.
        target.node.tag = rng.pick(TAGS);
        steps.push("tree:tag");
        break;
      }
      case 8: {
        // A complex (collection) key: `? [a, b] : value`.
        const map = isMap(target.node) ? target.node : isMap(target.parent) ? target.parent : undefined;
        if (map !== undefined) {
          const key = rng.chance(0.5) ? new YAMLSeq() : new YAMLMap();
          if (isSeq(key)) key.items.push(new Scalar("a"));
          else key.items.push(doc.createPair("a", "b"));
          map.items.push(doc.createPair(key, rng.pick(ODD_STRINGS)));
          steps.push("tree:complex-key");
        }
        break;
      }
      case 9: {
        // Empty a collection.
        if (isMap(target.node) || isSeq(target.node)) {
          target.node.items.length = 0;
          steps.push("tree:empty");
        }
        break;
      }
      case 10: {
        // Wrap a value in a list or a mapping (one level of wrong nesting).
        const wrapper = rng.chance(0.5) ? new YAMLSeq() : new YAMLMap();
        if (isSeq(wrapper)) wrapper.items.push(target.node);
        else wrapper.items.push(doc.createPair(rng.pick(options.keys ?? ["k"]), target.node));
        if (replaceIn(target.parent, target.node, wrapper)) steps.push("tree:wrap");
        break;
      }
      case 11: {
        // Flow or block style, quoting style.
        if (isMap(target.node) || isSeq(target.node)) target.node.flow = !target.node.flow;
        else if (isScalar(target.node))
          target.node.type = rng.pick([
            Scalar.BLOCK_FOLDED,
            Scalar.BLOCK_LITERAL,
            Scalar.PLAIN,
            Scalar.QUOTE_DOUBLE,
            Scalar.QUOTE_SINGLE,
          ]);
        steps.push("tree:style");
        break;
      }
      case 12: {
        // A merge key pulling in an anchored mapping.
        const maps = nodes.filter((n) => isMap(n.node));
        if (maps.length >= 2) {
          const source = rng.pick(maps).node as YAMLMap;
          const into = rng.pick(maps).node as YAMLMap;
          if (source !== into) {
            source.anchor ??= `fz${String(anchors++)}`;
            into.items.unshift(doc.createPair("<<", doc.createAlias(source, source.anchor)));
            steps.push("tree:merge-key");
          }
        }
        break;
      }
      default: {
        // A value the surface knows, in the wrong place.
        if (isScalar(target.node) && options.vocabulary !== undefined) {
          target.node.value = rng.pick(options.vocabulary);
          steps.push("tree:vocabulary");
        }
      }
    }
  }
  let out: string;
  try {
    if (options.format === "json" || rng.chance(0.08)) {
      out = JSON.stringify(doc.toJS({ maxAliasCount: 1000 }), null, rng.pick([0, 1, 2, 4, "\t"]));
      if (options.format !== "json") steps.push("as-json");
    } else {
      out = doc.toString({ lineWidth: 0 });
    }
  } catch {
    return undefined;
  }
  return { text: out, steps };
}

// ---------------------------------------------------------------------------------------
// Text mutations

type TextMutation = (rng: Rng, text: string, options: MutateOptions) => string;

function lines(text: string): string[] {
  return text.split("\n");
}

function randomLine(rng: Rng, all: readonly string[]): number {
  return all.length === 0 ? 0 : rng.int(0, all.length - 1);
}

/** Replaces the value of a random `key: value` line (or a list item) with `replacement`. */
function replaceValue(rng: Rng, text: string, replacement: string): string {
  const all = lines(text);
  const candidates = all
    .map((l, i) => [l, i] as const)
    .filter(([l]) => /^\s*(?:- )?[^#\s][^:]*:\s+\S/.test(l) || /^\s*- \S/.test(l));
  if (candidates.length === 0) return `${text}\nfz: ${replacement}\n`;
  const [line, index] = rng.pick(candidates);
  const m = /^(\s*(?:- )?[^#\s][^:]*:\s+)/.exec(line) ?? /^(\s*- )/.exec(line);
  all[index] = `${m?.[1] ?? ""}${replacement}`;
  return all.join("\n");
}

function aliasBomb(rng: Rng): { prelude: string; top: string } {
  const depth = rng.int(6, 12);
  const width = rng.int(6, 10);
  const out: string[] = [`fz0: &fz0 [${Array.from({ length: width }, () => '"lol"').join(", ")}]`];
  for (let d = 1; d < depth; d++) {
    out.push(
      `fz${String(d)}: &fz${String(d)} [${Array.from({ length: width }, () => `*fz${String(d - 1)}`).join(", ")}]`,
    );
  }
  return { prelude: `${out.join("\n")}\n`, top: `*fz${String(depth - 1)}` };
}

function isJsonText(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

const TEXT_MUTATIONS: readonly (readonly [string, TextMutation])[] = [
  ["truncate", (rng, text) => text.slice(0, rng.int(0, Math.max(0, text.length - 1)))],
  ["crlf", (_rng, text) => text.replace(/\r?\n/g, "\r\n")],
  ["cr-only", (_rng, text) => text.replace(/\r?\n/g, "\r")],
  [
    "mixed-eol",
    (rng, text) => text.replace(/\n/g, () => rng.pick(["\n", "\r\n", "\r", "\n\n", "\u2028", "\u0085"])),
  ],
  [
    "tabs",
    (rng, text) =>
      lines(text)
        .map((l) => (rng.chance(0.3) ? l.replace(/^( +)/, (s) => "\t".repeat(Math.ceil(s.length / 2))) : l))
        .join("\n"),
  ],
  [
    "tab-in-line",
    (rng, text) => {
      const i = rng.int(0, text.length);
      return `${text.slice(0, i)}\t${text.slice(i)}`;
    },
  ],
  [
    "delete-line",
    (rng, text) => {
      const all = lines(text);
      all.splice(randomLine(rng, all), rng.int(1, 3));
      return all.join("\n");
    },
  ],
  [
    "duplicate-line",
    (rng, text) => {
      const all = lines(text);
      const i = randomLine(rng, all);
      all.splice(i, 0, all[i] ?? "");
      return all.join("\n");
    },
  ],
  [
    "duplicate-key-line",
    (rng, text) => {
      const all = lines(text);
      const keyed = all.map((l, i) => [l, i] as const).filter(([l]) => /^\s*"?[\w.-]+"?\s*:/.test(l));
      if (keyed.length === 0) return text;
      const [line, i] = rng.pick(keyed);
      all.splice(i + 1, 0, line);
      return all.join("\n");
    },
  ],
  [
    "swap-lines",
    (rng, text) => {
      const all = lines(text);
      const a = randomLine(rng, all);
      const b = randomLine(rng, all);
      const t = all[a] ?? "";
      all[a] = all[b] ?? "";
      all[b] = t;
      return all.join("\n");
    },
  ],
  [
    "indent",
    (rng, text) => {
      const all = lines(text);
      const i = randomLine(rng, all);
      all[i] = rng.chance(0.5)
        ? `${" ".repeat(rng.int(1, 4))}${all[i] ?? ""}`
        : (all[i] ?? "").replace(/^ {1,2}/, "");
      return all.join("\n");
    },
  ],
  [
    "special-char",
    (rng, text) => {
      const i = rng.int(0, text.length);
      return text.slice(0, i) + rng.pick(SPECIAL_CHARS) + text.slice(i);
    },
  ],
  [
    "odd-unicode",
    (rng, text) => {
      const i = rng.int(0, text.length);
      return (
        text.slice(0, i) +
        rng.pick([
          "\u200b",
          "\u202e",
          "\u0085",
          "\u2028",
          "\ufeff",
          "\ud800",
          "\udfff",
          "\ud83d\ude00",
          "\u0000",
          "\u007f",
          "\u001b[31m",
          "\uffff",
        ]) +
        text.slice(i)
      );
    },
  ],
  [
    "alias-bomb",
    (rng, text) => {
      const bomb = aliasBomb(rng);
      if (isJsonText(text)) return `${bomb.prelude}doc: ${text.replace(/\n/g, " ")}\nboom: ${bomb.top}\n`;
      const withBomb = rng.chance(0.5) ? replaceValue(rng, text, bomb.top) : `${text}\nfzboom: ${bomb.top}\n`;
      return bomb.prelude + withBomb;
    },
  ],
  [
    "alias-bomb-in-value",
    (rng, text) => {
      const depth = rng.int(5, 10);
      let value = '"x"';
      let defs = "";
      for (let d = 0; d < depth; d++) {
        defs += `&b${String(d)} [${Array.from({ length: 9 }, () => (d === 0 ? value : `*b${String(d - 1)}`)).join(", ")}], `;
        value = `*b${String(d)}`;
      }
      return replaceValue(rng, text, `[${defs}${value}]`);
    },
  ],
  [
    "undefined-alias",
    (rng, text) => replaceValue(rng, text, rng.pick(["*nope", "*fz0", "*", "[*nope]", "{a: *nope}"])),
  ],
  [
    "forward-alias",
    (rng, text) =>
      `fzfirst: *later\n${text}\nfzlast: &later value\n`.slice(
        0,
        rng.chance(0.5) ? undefined : text.length + 40,
      ),
  ],
  ["redefined-anchor", (_rng, text) => `fza: &same one\nfzb: &same two\nfzc: *same\n${text}`],
  [
    "deep-flow-nesting",
    (rng, text) => {
      const depth = rng.pick([64, 200, 1_000, 5_000, 12_000]);
      const open = rng.chance(0.5) ? "[" : "{a: ";
      const close = open === "[" ? "]" : "}";
      return replaceValue(
        rng,
        text,
        open.repeat(depth) + close.repeat(rng.chance(0.9) ? depth : rng.int(0, depth)),
      );
    },
  ],
  [
    "deep-block-nesting",
    (rng, text) => {
      const depth = rng.pick([32, 128, 400]);
      let out = "fzdeep:\n";
      for (let d = 1; d < depth; d++) out += `${"  ".repeat(d)}${rng.chance(0.5) ? "- " : "a: "}\n`;
      return `${text}\n${out}`;
    },
  ],
  [
    "huge-scalar",
    (rng, text, options) => {
      const max = options.maxBytes ?? 1_100_000;
      const size = rng.pick([1_000, 65_536, 500_000, 1_048_000, 1_048_577, max]);
      const unit = rng.pick(["x", "é", "ab:", " ", "\\u0041"]);
      return replaceValue(
        rng,
        text,
        `"${unit.repeat(Math.max(1, Math.floor(Math.min(size, max) / unit.length)))}"`,
      );
    },
  ],
  [
    "many-keys",
    (rng, text) => {
      const n = rng.pick([100, 1_000, 4_000, 12_000]);
      let out = "";
      for (let i = 0; i < n; i++) out += `k${String(i)}: v\n`;
      return `${text}\n${out}`;
    },
  ],
  [
    "multi-document",
    (rng, text) =>
      rng.pick([
        `${text}\n---\n${text}`,
        `---\n${text}\n...\n`,
        `${text}\n---\n`,
        `--- |\n  ${text.slice(0, 40)}\n`,
      ]),
  ],
  [
    "directive",
    (rng, text) =>
      `${rng.pick(["%YAML 1.1", "%YAML 1.2", "%YAML 9.9", "%TAG ! tag:example.com,2000:", "%FOO bar"])}\n---\n${text}`,
  ],
  [
    "complex-key",
    (rng, text) => `${text}\n? ${rng.pick(["[a, b]", "{a: b}", "- x", "|\n  block"])}\n: value\n`,
  ],
  [
    "as-json-text",
    (_rng, text) => {
      try {
        const doc = parseDocument(text, { logLevel: "silent" });
        return JSON.stringify(doc.toJS({ maxAliasCount: 1000 }));
      } catch {
        return text;
      }
    },
  ],
  [
    "json-scalar",
    (rng) =>
      rng.pick([
        "null",
        "[]",
        "{}",
        '""',
        "0",
        "true",
        '"text"',
        "[null]",
        "[[]]",
        '{"a":}',
        "[1,]",
        "{'a': 1}",
      ]),
  ],
  [
    "comment-out",
    (rng, text) => {
      const all = lines(text);
      const i = randomLine(rng, all);
      all[i] = `# ${all[i] ?? ""}`;
      return all.join("\n");
    },
  ],
  [
    "trailing-garbage",
    (rng, text) =>
      `${text}${rng.pick(["\n:", "\n- x", "\n]]]", "\n  bad indent: x", "\n\u0000", " #", "\n'unterminated", '\n"unterminated'])}`,
  ],
];

// ---------------------------------------------------------------------------------------
// Byte mutations

type ByteMutation = (rng: Rng, bytes: Buffer) => Buffer;

function insertAt(bytes: Buffer, at: number, extra: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]);
}

const BYTE_MUTATIONS: readonly (readonly [string, ByteMutation])[] = [
  ["bom", (_rng, bytes) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])],
  ["double-bom", (_rng, bytes) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), bytes])],
  ["bom-inside", (rng, bytes) => insertAt(bytes, rng.int(0, bytes.length), Buffer.from([0xef, 0xbb, 0xbf]))],
  ["nul", (rng, bytes) => insertAt(bytes, rng.int(0, bytes.length), Buffer.from([0]))],
  [
    "invalid-utf8",
    (rng, bytes) =>
      insertAt(
        bytes,
        rng.int(0, bytes.length),
        Buffer.from(
          rng.pick([
            [0xff],
            [0xfe],
            [0xc3],
            [0xc0, 0xaf],
            [0xed, 0xa0, 0x80],
            [0xf4, 0x90, 0x80, 0x80],
            [0xe2, 0x82],
            [0x80],
          ]),
        ),
      ),
  ],
  [
    "utf16",
    (rng, bytes) => {
      const le = Buffer.from(bytes.toString("utf8"), "utf16le");
      return rng.chance(0.5) ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : le;
    },
  ],
  [
    "bit-flips",
    (rng, bytes) => {
      const copy = Buffer.from(bytes);
      for (let i = rng.int(1, 8); i > 0 && copy.length > 0; i--) {
        const at = rng.int(0, copy.length - 1);
        copy[at] = (copy[at] ?? 0) ^ (1 << rng.int(0, 7));
      }
      return copy;
    },
  ],
  ["truncate-bytes", (rng, bytes) => bytes.subarray(0, rng.int(0, bytes.length))],
  ["random-tail", (rng, bytes) => Buffer.concat([bytes, rng.bytes(rng.size(512))])],
];

// ---------------------------------------------------------------------------------------
// Inputs without a seed

const SOUP = [
  "a",
  "b:",
  ": ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a ",
  "*a",
  "!!str ",
  "? ",
  "|",
  ">",
  "'",
  '"',
  "#",
  "\n",
  "  ",
  "\t",
  "---",
  "...",
  "%YAML 1.2",
  "<<: ",
  "null",
  "0x",
  "1e9",
  "\\",
  "\r\n",
];

function tokenSoup(rng: Rng): string {
  let out = "";
  for (let i = rng.size(400); i > 0; i--) out += rng.pick(SOUP);
  return out;
}

function splice(rng: Rng, a: string, b: string): string {
  const la = lines(a);
  const lb = lines(b);
  const cut = randomLine(rng, la);
  const from = randomLine(rng, lb);
  return [...la.slice(0, cut), ...lb.slice(from)].join("\n");
}

/** Random bytes, random printable text and token soup, for surfaces fed from nothing. */
export function unseeded(rng: Rng): Buffer {
  switch (rng.int(0, 2)) {
    case 0:
      return rng.bytes(rng.size(2048));
    case 1:
      return Buffer.from(
        rng.string(rng.size(2048), " !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\n\t"),
        "utf8",
      );
    default:
      return Buffer.from(tokenSoup(rng), "utf8");
  }
}
