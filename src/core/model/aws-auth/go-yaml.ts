/**
 * YAML values the way the authenticator's Go decoders build them, from the `yaml`
 * library's syntax tree (parsed with the failsafe schema, so every scalar keeps its text).
 *
 * mapRoles and mapUsers go through `sigs.k8s.io/yaml.YAMLToJSON` (go-yaml v2 into
 * `interface{}`, then `json.Marshal`); mapAccounts is decoded by go-yaml v2 straight into
 * a `[]string`. What that means, and what this module reproduces:
 *
 * - Plain scalars are typed by go-yaml v2's own rules (`resolvePlain`): YAML 1.1 words for
 *   booleans and null (`yes`, `Off`, `~`, ...), integers in Go syntax (`0x1F`, `0o17`,
 *   `017`, `1_000`), floats, no sexagesimal numbers; timestamps stay text. Quoted and block
 *   scalars are strings. Explicit tags are checked like go-yaml checks them.
 * - Aliases are expanded, with go-yaml's limits (a node that contains itself, excessive
 *   aliasing); `<<` merges keys in go-yaml's order (the later key wins).
 * - Converting to JSON fails, dropping the whole key, on a mapping key that is a
 *   collection or null, on an integer key beyond int64, and on a NaN or infinite value
 *   anywhere. Other keys become strings.
 * - Decoding into `[]string` keeps a scalar's text as written and skips (with an error)
 *   items that are collections.
 */
import {
  isAlias,
  Lexer,
  parseAllDocuments,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from "yaml";

/** A JSON value as Go's decoder sees it; objects keep their keys in a Map. */
export type GoValue = null | boolean | number | string | readonly GoValue[] | GoObject;
export type GoObject = ReadonlyMap<string, GoValue>;

export function isGoObject(value: GoValue): value is GoObject {
  return value instanceof Map;
}

/**
 * Parse options for the syntax tree this module reads: every scalar as text (types are
 * decided here), duplicate keys allowed (go-yaml keeps the last), no merge handling by
 * the library (done here, in go-yaml's order), nothing printed by the library.
 */
export const GO_YAML_PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  schema: "failsafe",
  merge: false,
  uniqueKeys: false,
  keepSourceTokens: true,
  logLevel: "error",
};

/** Zero-width markers in the `yaml` library's lexer output (document, flow error, scalar). */
const LEXER_MARKERS = new Set(["\u0002", "\u0018", "\u001f"]);

/**
 * Offsets of `-` characters that go-yaml reads as a plain scalar `-` and the `yaml`
 * library as a sequence indicator: inside a flow collection, directly followed by a flow
 * indicator (`[-, a]`). libyaml starts a plain scalar at any `-` that is not followed by
 * white space; the YAML 1.2 grammar the library follows does not allow this one.
 */
function plainDashesInFlow(text: string): number[] {
  const out: number[] = [];
  let offset = 0;
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (LEXER_MARKERS.has(token)) continue;
    if (token === "[" || token === "{") depth++;
    else if ((token === "]" || token === "}") && depth > 0) depth--;
    else if (token === "-" && depth > 0 && ",[]{}".includes(text[offset + 1] ?? " ")) out.push(offset);
    offset += token.length;
  }
  return out;
}

/**
 * Quoted scalars that go on over several lines, as libyaml reads them: continuation
 * lines need no indentation there, while the library ends the scalar at a line that is
 * not indented enough. Each such scalar (unless it is a mapping key, which may not span
 * lines anywhere) is rewritten on one line, same length, so both see the same structure;
 * its value is read from the original text (scanQuoted).
 */
function flattenQuotedScalars(text: string): string {
  let patched = text;
  /** Where lexing starts: 0, or a line start where the lexer's state is known. */
  let base = 0;
  /** Quoted scalars before this offset are done. */
  let from = 0;
  // Lexing again after a rewrite costs time; a bound keeps a crafted value from making
  // it quadratic (past it the rest is left to the library, which then reports an error).
  let budget = 4 * text.length + 65_536;
  for (;;) {
    let offset = base;
    let depth = 0;
    /** The last line start in block context whose line starts at column 0. */
    let topLevel = 0;
    let next: { base: number; from: number } | undefined;
    for (const token of new Lexer().lex(patched.slice(base))) {
      if (LEXER_MARKERS.has(token)) continue;
      const start = offset;
      offset += token.length;
      if (token === "[" || token === "{") depth++;
      else if ((token === "]" || token === "}") && depth > 0) depth--;
      else if (token === "\n" && depth === 0 && /^[^ \t\r\n#]/u.test(patched.slice(offset, offset + 1))) {
        topLevel = offset;
      }
      if (start < from || !(token.startsWith("'") || token.startsWith('"'))) continue;
      const scanned = scanQuoted(patched, start);
      if (scanned === undefined || !/[\r\n\u2028\u2029]/u.test(patched.slice(start, scanned.end))) continue;
      if (/^[ \t]*:/u.test(patched.slice(scanned.end))) continue;
      const flat = patched.slice(start, scanned.end).replace(/[\r\n\u2028\u2029]/gu, " ");
      patched = `${patched.slice(0, start)}${flat}${patched.slice(scanned.end)}`;
      if (scanned.end <= offset) continue;
      // The library ended the scalar early and lexed the rest of it as something else. In
      // block context with nothing more on that line, go on from the next line; otherwise
      // lex again from the top-level line the scalar is in (now that it is on one line).
      const eol = patched.indexOf("\n", scanned.end);
      const rest = patched.slice(scanned.end, eol < 0 ? patched.length : eol);
      const resumable = depth === 0 && /^[ \t]*(#.*)?\r?$/u.test(rest);
      next = {
        base: resumable ? (eol < 0 ? patched.length : eol + 1) : Math.max(topLevel, base),
        from: scanned.end,
      };
      break;
    }
    budget -= offset - base;
    if (next === undefined || budget < 0) return patched;
    ({ base, from } = next);
  }
}

/** A value's first YAML document, parsed for go-yaml's reading of it. */
export interface GoYamlDocument {
  readonly doc: Document.Parsed;
  /** Offsets of scalars whose text is `-` (see plainDashesInFlow). */
  readonly plainDashes: ReadonlySet<number>;
}

/** Parses a value for `goJsonOf` / `goStringsOf`; undefined when it holds no document. */
export function parseGoYaml(text: string): GoYamlDocument | undefined {
  // YAML 1.1 line breaks that YAML 1.2 (the library) reads as ordinary characters.
  const breaks = flattenQuotedScalars(text.replace(/[\u0085\u2028\u2029]/gu, "\n"));
  const dashes = plainDashesInFlow(breaks);
  let patched = breaks;
  for (const at of dashes) patched = `${patched.slice(0, at)}x${patched.slice(at + 1)}`;
  const docs = parseAllDocuments(patched, GO_YAML_PARSE_OPTIONS);
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  return doc === undefined ? undefined : { doc, plainDashes: new Set(dashes) };
}

/** Why go-yaml (or the JSON step after it) gives up on a value. */
export class GoDecodeError extends Error {
  constructor(
    message: string,
    /** Offset in the text of the node that failed. */
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

const TAG = "tag:yaml.org,2002:";
const STR = `${TAG}str`;
const BOOL = `${TAG}bool`;
const INT = `${TAG}int`;
const FLOAT = `${TAG}float`;
const NULL = `${TAG}null`;
const TIMESTAMP = `${TAG}timestamp`;
const BINARY = `${TAG}binary`;
const MERGE = `${TAG}merge`;

type Resolved =
  | { readonly tag: typeof NULL; readonly value: null }
  | { readonly tag: typeof BOOL; readonly value: boolean }
  | { readonly tag: typeof INT; readonly value: number; readonly big: "int" | "uint" | "none" }
  | { readonly tag: typeof FLOAT; readonly value: number }
  | { readonly tag: typeof STR | typeof TIMESTAMP | typeof MERGE; readonly value: string };

const WORDS: ReadonlyMap<string, Resolved> = new Map<string, Resolved>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map(
    (w): [string, Resolved] => [w, { tag: BOOL, value: true }],
  ),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (w): [string, Resolved] => [w, { tag: BOOL, value: false }],
  ),
  ...["", "~", "null", "Null", "NULL"].map((w): [string, Resolved] => [w, { tag: NULL, value: null }]),
  ...[".nan", ".NaN", ".NAN"].map((w): [string, Resolved] => [w, { tag: FLOAT, value: Number.NaN }]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((w): [string, Resolved] => [
    w,
    { tag: FLOAT, value: Number.POSITIVE_INFINITY },
  ]),
  ...["-.inf", "-.Inf", "-.INF"].map((w): [string, Resolved] => [
    w,
    { tag: FLOAT, value: Number.NEGATIVE_INFINITY },
  ]),
  ["<<", { tag: MERGE, value: "<<" }],
]);

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt / ParseUint with base 0 (underscores already removed). */
function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith("+") || s.startsWith("-")) {
    if (!signed) return undefined;
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  let digits = s;
  let pattern = /^[0-9]+$/u;
  let prefix = "";
  if (/^0[xX]/u.test(s)) {
    digits = s.slice(2);
    pattern = /^[0-9a-fA-F]+$/u;
    prefix = "0x";
  } else if (/^0[oO]/u.test(s)) {
    digits = s.slice(2);
    pattern = /^[0-7]+$/u;
    prefix = "0o";
  } else if (/^0[bB]/u.test(s)) {
    digits = s.slice(2);
    pattern = /^[01]+$/u;
    prefix = "0b";
  } else if (s.length > 1 && s.startsWith("0")) {
    digits = s.slice(1);
    pattern = /^[0-7]+$/u;
    prefix = "0o";
  }
  if (!pattern.test(digits)) return undefined;
  const magnitude = BigInt(`${prefix}${digits}`);
  const value = negative ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/u;

/** Go's strconv.ParseFloat for the decimal forms go-yaml can hand it. */
function parseGoFloat(text: string): number | undefined {
  if (/^[-+]?(inf|infinity)$/iu.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^[-+]?nan$/iu.test(text)) return Number.NaN;
  if (!/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/u.test(text)) return undefined;
  const value = Number(text);
  // Beyond the largest float64 ParseFloat reports a range error (go-yaml then keeps the text).
  return Number.isFinite(value) ? value : undefined;
}

/** The first character class go-yaml v2 looks at before resolving a plain scalar. */
function hint(text: string): "number" | "word" | "dot" | "none" {
  const c = text[0];
  if (c === undefined) return "word";
  if (c === "+" || c === "-" || (c >= "0" && c <= "9")) return "number";
  if ("yYnNtTfFoO~".includes(c)) return "word";
  if (c === ".") return "dot";
  return "none";
}

/** go-yaml v2's `resolve` for an untagged plain scalar (or a scalar with a resolvable tag). */
export function resolvePlain(text: string, tag = ""): Resolved {
  const kind = hint(text);
  if (kind === "none" || tag === STR) return { tag: STR, value: text };
  const word = WORDS.get(text);
  if (word !== undefined) return word;
  if (kind === "dot") {
    const f = parseGoFloat(text);
    return f === undefined ? { tag: STR, value: text } : { tag: FLOAT, value: f };
  }
  if (kind === "number") {
    if ((tag === "" || tag === TIMESTAMP) && isGoTimestamp(text)) return { tag: TIMESTAMP, value: text };
    const plain = text.split("_").join("");
    const signed = parseGoInteger(plain, true);
    if (signed !== undefined) return { tag: INT, value: Number(signed), big: "none" };
    const unsigned = parseGoInteger(plain, false);
    if (unsigned !== undefined) return { tag: INT, value: Number(unsigned), big: "uint" };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { tag: FLOAT, value: f };
    }
    if (plain.startsWith("0b") || plain.startsWith("-0b")) {
      const negative = plain.startsWith("-");
      const bits = plain.slice(negative ? 3 : 2);
      if (/^[01]+$/u.test(bits)) {
        const v = BigInt(`0b${bits}`) * (negative ? -1n : 1n);
        if (v >= INT64_MIN && v <= INT64_MAX) return { tag: INT, value: Number(v), big: "none" };
        if (!negative && v <= UINT64_MAX) return { tag: INT, value: Number(v), big: "uint" };
      }
    }
  }
  return { tag: STR, value: text };
}

/** go-yaml v2's timestamp test (the formats it accepts; the value stays text anyway). */
function isGoTimestamp(text: string): boolean {
  if (!/^[0-9]{4}-/u.test(text)) return false;
  const date = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})/u.exec(text);
  if (date === null) return false;
  const [, y, m, d] = date;
  const month = Number(m);
  const day = Number(d);
  const year = Number(y);
  const daysIn = [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (month < 1 || month > 12 || day < 1 || day > (daysIn[month - 1] ?? 0)) return false;
  const rest = text.slice(date[0].length);
  if (rest === "") return true;
  const time =
    /^[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})$/u.exec(rest) ??
    /^ ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?$/u.exec(rest);
  if (time === null) return false;
  const [, hh, mm, ss] = time;
  return Number(hh) < 24 && Number(mm) < 60 && Number(ss) < 60;
}

/** Tags go-yaml v2 resolves (and may refuse); any other tag leaves the text as it is. */
const RESOLVABLE = new Set(["", STR, BOOL, NULL, INT, FLOAT, TIMESTAMP]);

function scalarTag(node: Scalar): string {
  return node.tag ?? "";
}

/** Go's strict standard base64 (line breaks ignored), decoded as text. */
function decodeBinary(text: string, offset: number | undefined): string {
  const compact = text.replace(/[\r\n]/gu, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/u.test(compact)) {
    throw new GoDecodeError("illegal base64 data in a !!binary value", offset);
  }
  const bytes = Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * A scalar's text. A block scalar that runs to the end of the input without a final line
 * break has no final line break (the `yaml` library adds one; go-yaml does not).
 */
function scalarText(node: Scalar, source: string, plainDashes: ReadonlySet<number>): string {
  const start = node.range?.[0];
  if (start !== undefined && plainDashes.has(start)) return "-";
  if ((node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) && start !== undefined) {
    const quoted = scanQuoted(source, start);
    if (quoted !== undefined) return quoted.value;
  }
  const text = typeof node.value === "string" ? node.value : String(node.value);
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  const end = node.range?.[1];
  if (block && end === source.length && !source.endsWith("\n") && text.endsWith("\n")) {
    return text.slice(0, -1);
  }
  return text;
}

const ESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function isBreak(c: string | undefined): boolean {
  return c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
}

/**
 * Scans a single- or double-quoted scalar the way libyaml (and so go-yaml) does, from its
 * opening quote at `start`: white space before a line break is dropped, one line break
 * folds into a space, several keep all but one, and continuation lines may have any
 * indentation. Undefined when libyaml would fail (no closing quote, a bad escape, a
 * document marker inside).
 */
function scanQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  const single = quote === "'";
  if (quote !== "'" && quote !== '"') return undefined;
  let i = start + 1;
  let out = "";
  /** Reads one line break (CR LF counts as one); NEL becomes LF, LS and PS stay. */
  const readBreak = (): string => {
    const c = text[i];
    if (c === "\r" && text[i + 1] === "\n") {
      i += 2;
      return "\n";
    }
    i++;
    return c === "\r" || c === "\n" || c === "\u0085" ? "\n" : (c ?? "");
  };
  for (;;) {
    const lineStart = i === 0 || isBreak(text[i - 1]);
    if (lineStart && /^(---|\.\.\.)([ \t\r\n]|$)/u.test(text.slice(i, i + 4))) return undefined;
    let leadingBlanks = false;
    for (;;) {
      const c = text[i];
      if (c === undefined) return undefined;
      if (c === " " || c === "\t" || isBreak(c)) break;
      if (single && c === "'" && text[i + 1] === "'") {
        out += "'";
        i += 2;
      } else if (c === quote) {
        return { value: out, end: i + 1 };
      } else if (!single && c === "\\" && isBreak(text[i + 1])) {
        i++;
        readBreak();
        leadingBlanks = true;
        break;
      } else if (!single && c === "\\") {
        const e = text[i + 1] ?? "";
        const simple = ESCAPES[e];
        const width = HEX_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (width !== undefined) {
          const hex = text.slice(i + 2, i + 2 + width);
          if (!new RegExp(`^[0-9a-fA-F]{${String(width)}}$`, "u").test(hex)) return undefined;
          const code = Number.parseInt(hex, 16);
          if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return undefined;
          out += String.fromCodePoint(code);
          i += 2 + width;
        } else return undefined;
      } else {
        out += c;
        i++;
      }
    }
    let whitespace = "";
    let leadingBreak = "";
    let trailingBreaks = "";
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\t") {
        if (!leadingBlanks) whitespace += c;
        i++;
      } else if (isBreak(c)) {
        if (!leadingBlanks) {
          whitespace = "";
          leadingBreak = readBreak();
          leadingBlanks = true;
        } else trailingBreaks += readBreak();
      } else break;
    }
    if (leadingBlanks) {
      if (leadingBreak === "\n") out += trailingBreaks === "" ? " " : trailingBreaks;
      else out += leadingBreak + trailingBreaks;
    } else out += whitespace;
  }
}

/** What go-yaml makes of a scalar, decoded into `interface{}`. */
function scalarValue(
  node: Scalar,
  source: string,
  plainDashes: ReadonlySet<number>,
): Resolved | { readonly tag: typeof BINARY; readonly value: string } {
  const text = scalarText(node, source, plainDashes);
  const tag = scalarTag(node);
  const offset = node.range?.[0];
  if (tag === "") {
    return node.type === Scalar.PLAIN ? resolvePlain(text) : { tag: STR, value: text };
  }
  if (tag === BINARY) return { tag: BINARY, value: decodeBinary(text, offset) };
  if (!RESOLVABLE.has(tag)) return { tag: STR, value: text };
  const resolved = resolvePlain(text, tag);
  if (tag === STR || resolved.tag === tag) return resolved;
  if (tag === FLOAT && resolved.tag === INT) return { tag: FLOAT, value: resolved.value };
  throw new GoDecodeError(`cannot decode '${text}' as ${tag.slice(TAG.length)}`, offset);
}

/** go-yaml v2's guard against alias expansion bombs. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

type YamlNode = unknown;

/** One decode of one document, counting like go-yaml does. */
class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<unknown>();
  /** Where the first NaN / infinity of each kind was written, for the error. */
  private readonly offsets = new Map<number, number>();

  private readonly doc: Document;
  private readonly plainDashes: ReadonlySet<number>;

  constructor(
    parsed: GoYamlDocument,
    /** The text the document was parsed from. */
    private readonly source: string,
  ) {
    this.doc = parsed.doc;
    this.plainDashes = parsed.plainDashes;
  }

  private enter(node: YamlNode): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new GoDecodeError("document contains excessive aliasing", offsetOf(node));
    }
  }

  /** Follows an alias (already counted), or returns the node itself. */
  private target(node: YamlNode, visit: (n: YamlNode) => void): void {
    if (!isAlias(node)) {
      visit(node);
      return;
    }
    if (this.expanding.has(node)) {
      throw new GoDecodeError(`anchor '${node.source}' value contains itself`, offsetOf(node));
    }
    const resolved = node.resolve(this.doc);
    if (resolved === undefined) {
      throw new GoDecodeError(`unknown anchor '${node.source}' referenced`, offsetOf(node));
    }
    this.expanding.add(node);
    this.aliasDepth++;
    try {
      visit(resolved);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(node);
    }
  }

  /** Decodes a document's contents into `interface{}` and converts it for JSON. */
  json(): GoValue {
    this.enter(this.doc);
    const value = this.jsonValue(this.doc.contents);
    // json.Marshal refuses NaN and infinities: only those left once every key is set count.
    const nonFinite = findNonFinite(value);
    if (nonFinite !== undefined) {
      throw new GoDecodeError(`${String(nonFinite)} cannot be written as JSON`, this.offsets.get(nonFinite));
    }
    return value;
  }

  private jsonValue(node: YamlNode): GoValue {
    this.enter(node);
    let out: GoValue = null;
    this.target(node, (n) => {
      if (isAlias(n)) {
        out = this.jsonValue(n);
        return;
      }
      if (isSeq(n)) {
        out = n.items.map((item) => this.jsonValue(item));
        return;
      }
      if (isMap(n)) {
        const map = new Map<string, GoValue>();
        this.fillMap(n, map);
        out = map;
        return;
      }
      if (isScalar(n)) {
        const r = scalarValue(n, this.source, this.plainDashes);
        if (r.tag === FLOAT && !Number.isFinite(r.value) && !this.offsets.has(r.value)) {
          const at = offsetOf(n);
          if (at !== undefined) this.offsets.set(r.value, at);
        }
        out = r.value;
        return;
      }
      out = null;
    });
    return out;
  }

  private fillMap(node: YamlNode, map: Map<string, GoValue>): void {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key: unknown = pair.key;
      if (isMergeKey(key)) {
        this.merge(pair.value, map);
        continue;
      }
      const k = this.keyString(key);
      map.set(k, this.jsonValue(pair.value));
    }
  }

  private merge(node: YamlNode, map: Map<string, GoValue>): void {
    const wantMap = (): never => {
      throw new GoDecodeError("map merge requires map or sequence of maps as the value", offsetOf(node));
    };
    const mergeOne = (n: YamlNode): void => {
      this.enter(n);
      this.target(n, (t) => {
        if (!isMap(t)) wantMap();
        this.fillMap(t, map);
      });
    };
    if (isMap(node)) {
      this.enter(node);
      this.fillMap(node, map);
    } else if (isAlias(node)) {
      const resolved = node.resolve(this.doc);
      if (resolved !== undefined && !isMap(resolved)) wantMap();
      mergeOne(node);
    } else if (isSeq(node)) {
      // Earlier maps take precedence: apply them last.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item: unknown = node.items[i];
        if (isAlias(item)) {
          const resolved = item.resolve(this.doc);
          if (resolved !== undefined && !isMap(resolved)) wantMap();
        } else if (!isMap(item)) wantMap();
        mergeOne(item);
      }
    } else {
      wantMap();
    }
  }

  /** A mapping key as go-yaml decodes it and sigs.k8s.io/yaml turns it into a JSON name. */
  private keyString(key: YamlNode): string {
    this.enter(key);
    let out = "";
    this.target(key, (n) => {
      if (isAlias(n)) {
        out = this.keyString(n);
        return;
      }
      if (isMap(n) || isSeq(n)) {
        throw new GoDecodeError("a mapping key is a collection (go-yaml: invalid map key)", offsetOf(n));
      }
      if (!isScalar(n)) {
        throw new GoDecodeError("a mapping key is null", offsetOf(key));
      }
      const r = scalarValue(n, this.source, this.plainDashes);
      if (r.tag === NULL) throw new GoDecodeError("a mapping key is null", offsetOf(n));
      if (r.tag === BOOL) out = r.value ? "true" : "false";
      else if (r.tag === INT) {
        if (r.big === "uint")
          throw new GoDecodeError("a mapping key is an integer beyond int64", offsetOf(n));
        out = String(r.value);
      } else if (r.tag === FLOAT) out = formatFloat32Key(r.value);
      else out = r.value;
    });
    return out;
  }

  /**
   * Decodes a document's contents into `[]string` the way go-yaml does: undefined for a
   * null document; per item of a list its string, or undefined for an item go-yaml leaves
   * out (a collection); `typeError` when go-yaml reports one.
   */
  strings(): GoStrings {
    this.enter(this.doc);
    const root = this.doc.contents;
    this.enter(root);
    let result: GoStrings = { items: undefined, typeError: false };
    this.target(root, (n) => {
      if (isSeq(n)) {
        // go-yaml sizes the slice first; if decoding stops half-way (a refused tag, an
        // alias problem) the items read so far stay, the rest are empty strings.
        const items: (string | undefined)[] = [];
        try {
          for (const item of n.items) items.push(this.stringItem(item));
        } catch (e) {
          if (!(e instanceof GoDecodeError)) throw e;
          const kept = items.filter((x): x is string => x !== undefined);
          result = {
            items: [...kept, ...Array.from({ length: n.items.length - kept.length }, () => "")],
            typeError: true,
            stopped: e,
          };
          return;
        }
        result = { items, typeError: items.includes(undefined) };
        return;
      }
      if (isScalar(n) && scalarValue(n, this.source, this.plainDashes).tag === NULL) {
        result = { items: undefined, typeError: false };
        return;
      }
      result = { items: [], typeError: true };
    });
    return result;
  }

  private stringItem(node: YamlNode): string | undefined {
    this.enter(node);
    let out: string | undefined;
    this.target(node, (n) => {
      if (isAlias(n)) {
        out = this.stringItem(n);
        return;
      }
      if (!isScalar(n)) {
        out = undefined;
        return;
      }
      const r = scalarValue(n, this.source, this.plainDashes);
      if (r.tag === NULL) out = "";
      else if (r.tag === BINARY) out = r.value;
      else out = scalarText(n, this.source, this.plainDashes);
    });
    return out;
  }
}

function findNonFinite(value: GoValue): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : value;
  const children = Array.isArray(value) ? value : isGoObject(value) ? [...value.values()] : [];
  for (const child of children as readonly GoValue[]) {
    const found = findNonFinite(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || key.value !== "<<") return false;
  const tag = scalarTag(key);
  return (tag === "" && key.type === Scalar.PLAIN) || tag === MERGE;
}

function offsetOf(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}

/** Go's strconv.FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml names float keys. */
function formatFloat32Key(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  const f = Math.fround(value);
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  let digits = "";
  let exponent = 0;
  for (let p = 1; p <= 9; p++) {
    const s = f.toExponential(p - 1);
    if (Math.fround(Number(s)) === f) {
      const [mantissa = "", exp = "0"] = s.split("e");
      digits = mantissa.replace(".", "").replace("-", "");
      exponent = Number(exp);
      break;
    }
  }
  digits = digits.replace(/0+$/u, "") || "0";
  const sign = f < 0 ? "-" : "";
  // Shortest %g: exponent form below 1e-4 and from 1e6 on.
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0] ?? ""}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e < 10 ? `0${String(e)}` : String(e)}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** mapRoles / mapUsers: the document as the JSON the authenticator decodes. */
export function goJsonOf(parsed: GoYamlDocument, source: string): GoValue {
  return new Decoder(parsed, source).json();
}

export interface GoStrings {
  readonly items: readonly (string | undefined)[] | undefined;
  readonly typeError: boolean;
  /** Set when decoding stopped part-way; `items` is then the slice as go-yaml left it. */
  readonly stopped?: GoDecodeError;
}

/** mapAccounts: the document decoded into `[]string`. */
export function goStringsOf(parsed: GoYamlDocument, source: string): GoStrings {
  return new Decoder(parsed, source).strings();
}
