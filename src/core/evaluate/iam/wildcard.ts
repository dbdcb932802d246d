/**
 * IAM wildcard matching: `*` matches any run of characters (including none), `?` exactly one.
 * Actions compare case-insensitively (I10); resources and `...Like` condition values do not.
 */

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 50_000;

/** Set by policy-variable substitution before a character that must match literally. */
const LITERAL_MARK = "\u0001";

function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?") || pattern.includes(LITERAL_MARK);
}

function toRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = (ignoreCase ? "i" : "c") + pattern;
  let re = compiled.get(key);
  if (re === undefined) {
    let source = "^";
    let literalNext = false;
    for (const ch of pattern) {
      if (ch === LITERAL_MARK) literalNext = true;
      else if (!literalNext && ch === "*") source += "[\\s\\S]*";
      else if (!literalNext && ch === "?") source += "[\\s\\S]";
      else {
        source += ch.replace(/[.*?+^${}()|[\]\\]/g, "\\$&");
        literalNext = false;
      }
    }
    re = new RegExp(source + "$", ignoreCase ? "iu" : "u");
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!hasWildcard(pattern)) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return toRegExp(pattern, ignoreCase).test(value);
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
  const p = splitSix(pattern);
  const a = splitSix(arn);
  if (p === undefined || a === undefined) return false;
  for (let i = 0; i < 6; i++) {
    if (!wildcardMatch(p[i] ?? "", a[i] ?? "")) return false;
  }
  return true;
}

function splitSix(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

export function isLiteral(pattern: string): boolean {
  return !hasWildcard(pattern);
}
