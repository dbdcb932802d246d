import { splitArnSections } from "../../model/arn.js";
/**
 * IAM wildcard matching: `*` matches any run of characters (including none), `?` exactly one.
 * Actions compare case-insensitively (I10); resources and `...Like` condition values do not.
 *
 * Patterns come from policies in a snapshot, which may be hostile: matching is a greedy
 * two-pointer scan that remembers only the last `*`, so a pattern of m characters against a
 * value of n characters takes at most about (n + 1) * (m + 1) steps, whatever the pattern
 * (no regular expression, no backtracking over earlier stars).
 */

/** Set by policy-variable substitution before a character that must match literally. */
export const LITERAL_MARK = "\u0001";

const STAR = -1;
const ANY_ONE = -2;

/** A pattern compiled to code points; `STAR` and `ANY_ONE` stand for the two wildcards. */
interface CompiledPattern {
  readonly tokens: Int32Array;
}

const compiled = new Map<string, CompiledPattern>();
const MAX_CACHED = 50_000;

function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?") || pattern.includes(LITERAL_MARK);
}

function compile(pattern: string, ignoreCase: boolean): CompiledPattern {
  const key = (ignoreCase ? "i" : "c") + pattern;
  let hit = compiled.get(key);
  if (hit !== undefined) return hit;
  const tokens: number[] = [];
  let literalNext = false;
  for (const ch of ignoreCase ? pattern.toLowerCase() : pattern) {
    if (ch === LITERAL_MARK) {
      literalNext = true;
      continue;
    }
    if (!literalNext && ch === "*") {
      // Consecutive stars match what one star matches.
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (!literalNext && ch === "?") {
      tokens.push(ANY_ONE);
    } else tokens.push(ch.codePointAt(0) ?? 0);
    literalNext = false;
  }
  hit = { tokens: Int32Array.from(tokens) };
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(key, hit);
  return hit;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function codePoints(value: string): Int32Array {
  if (!SURROGATE.test(value)) {
    const out = new Int32Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i);
    return out;
  }
  return Int32Array.from(Array.from(value, (ch) => ch.codePointAt(0) ?? 0));
}

/** The outcome of one match and the steps it took (each step is O(1) work). */
export interface MatchTrace {
  readonly matched: boolean;
  readonly steps: number;
}

/**
 * Greedy glob matching with a single backtrack point: on a mismatch after a `*`, the star
 * takes one more character and the scan resumes right after it. Earlier stars never need to
 * be revisited, since a later star can absorb anything an earlier one could.
 */
function globMatch(tokens: Int32Array, value: Int32Array): MatchTrace {
  let p = 0;
  let v = 0;
  let starAt = -1;
  let starValue = 0;
  let steps = 0;
  const m = tokens.length;
  const n = value.length;
  while (v < n) {
    steps++;
    const t = p < m ? (tokens[p] as number) : undefined;
    if (t !== undefined && t !== STAR && (t === ANY_ONE || t === value[v])) {
      p++;
      v++;
    } else if (t === STAR) {
      starAt = p;
      starValue = v;
      p++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      starValue++;
      v = starValue;
    } else return { matched: false, steps };
  }
  while (p < m && tokens[p] === STAR) {
    p++;
    steps++;
  }
  return { matched: p === m, steps };
}

/** `wildcardMatch` with the number of steps it took: for tests that bound the work. */
export function traceWildcardMatch(pattern: string, value: string, ignoreCase = false): MatchTrace {
  const c = compile(pattern, ignoreCase);
  return globMatch(c.tokens, codePoints(ignoreCase ? value.toLowerCase() : value));
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!hasWildcard(pattern)) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return traceWildcardMatch(pattern, value, ignoreCase).matched;
}

/** `Action` element matching: case-insensitive, with wildcards (I10). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}

/**
 * ARN matching as `ArnLike`/`ArnEquals` define it: the six colon-separated parts are compared
 * one by one, each with wildcards; the last part keeps any further colons.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArnSections(pattern);
  const a = splitArnSections(arn);
  if (p === undefined || a === undefined) return false;
  for (let i = 0; i < 6; i++) {
    if (!wildcardMatch(p[i] ?? "", a[i] ?? "")) return false;
  }
  return true;
}

/** Whether a pattern has no wildcard (a `${*}`-style literal mark counts as one). */
export function isLiteral(pattern: string): boolean {
  return !hasWildcard(pattern);
}
