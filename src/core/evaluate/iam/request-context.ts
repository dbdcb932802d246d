/**
 * The request context: condition keys and their values. Keys are case-insensitive
 * ("IAM JSON policy elements: Condition"); a key may hold one value or a set of values.
 * What goes into it is decided in one place, `context-builder.ts`.
 */
import { LITERAL_MARK } from "./wildcard.js";

export type ContextInput = Readonly<Record<string, string | number | boolean | readonly string[]>>;

export interface ContextEntry {
  /** The key as first written (for explanations); lookups ignore case. */
  readonly key: string;
  readonly values: readonly string[];
}

export class RequestContext {
  private readonly values: ReadonlyMap<string, ContextEntry>;

  constructor(input: ContextInput | ReadonlyMap<string, ContextEntry> = {}) {
    if (input instanceof Map) {
      this.values = input as ReadonlyMap<string, ContextEntry>;
      return;
    }
    const map = new Map<string, ContextEntry>();
    for (const [key, value] of Object.entries(input)) {
      map.set(key.toLowerCase(), {
        key,
        values: Array.isArray(value) ? [...(value as readonly string[])] : [String(value)],
      });
    }
    this.values = map;
  }

  /** The values of a key, or undefined when the key is not in the request. */
  get(key: string): readonly string[] | undefined {
    return this.values.get(key.toLowerCase())?.values;
  }

  has(key: string): boolean {
    return this.values.has(key.toLowerCase());
  }

  /** A copy with more keys (replacing keys of the same name in any case); `undefined` removes a key. */
  with(extra: Readonly<Record<string, string | readonly string[] | undefined>>): RequestContext {
    const map = new Map(this.values);
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) map.delete(key.toLowerCase());
      else map.set(key.toLowerCase(), { key, values: typeof value === "string" ? [value] : [...value] });
    }
    return new RequestContext(map);
  }

  /** Every key as written, with its values, sorted by key. */
  entries(): [string, readonly string[]][] {
    return [...this.values.values()]
      .map((e): [string, readonly string[]] => [e.key, e.values])
      .sort((a, b) => a[0].localeCompare(b[0]));
  }
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Substitutes policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`,
 * `${aws:x, 'default'}`) from the request context. Returns undefined when a variable has no
 * single value and no default: AWS then treats the element as matching nothing.
 * Source: "IAM policy elements: Variables and tags".
 */
export function substituteVariables(text: string, context: RequestContext): string | undefined {
  if (!text.includes("${")) return text;
  const state = { unresolved: false };
  const out = text.replace(VARIABLE, (_whole, inner: string) => {
    const body = inner.trim();
    // `${*}`, `${?}` and `${$}` stand for the literal character, never a wildcard.
    if (body === "*" || body === "?" || body === "$") return LITERAL_MARK + body;
    const comma = body.indexOf(",");
    const key = (comma < 0 ? body : body.slice(0, comma)).trim();
    const fallback = comma < 0 ? undefined : /^'(.*)'$/s.exec(body.slice(comma + 1).trim())?.[1];
    const values = context.get(key);
    if (values?.length === 1 && values[0] !== undefined) return values[0];
    if (fallback !== undefined) return fallback;
    state.unresolved = true;
    return "";
  });
  return state.unresolved ? undefined : out;
}

/** Drops literal marks: the text a non-wildcard comparison should see. */
export function withoutLiteralMarks(text: string): string {
  return text.includes(LITERAL_MARK) ? text.split(LITERAL_MARK).join("") : text;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses the date forms IAM accepts in `Date*` conditions: ISO 8601 (W3C profile) or epoch
 * seconds. Returns epoch milliseconds. Written without `Date` to keep the core free of clocks.
 */
export function parseIamDate(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const m = ISO_DATE.exec(t);
  if (m === null) return undefined;
  const [, y, mo, d, hh = "0", mi = "0", ss = "0", frac = "", zone = "Z"] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const days = daysFromCivil(Number(y), month, day);
  let ms =
    ((days * 24 + Number(hh)) * 60 + Number(mi)) * 60_000 +
    Number(ss) * 1000 +
    Math.round(Number(`0.${frac || "0"}`) * 1000);
  if (zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch milliseconds as ISO 8601 UTC text (`2025-06-01T12:00:00Z`), without `Date`. */
export function formatIamDate(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = ms - days * 86_400_000;
  const { year, month, day } = civilFromDays(days);
  const two = (n: number): string => String(n).padStart(2, "0");
  const h = Math.floor(rest / 3_600_000);
  const mi = Math.floor((rest % 3_600_000) / 60_000);
  const sec = Math.floor((rest % 60_000) / 1000);
  const milli = rest % 1000;
  const fraction = milli === 0 ? "" : `.${String(milli).padStart(3, "0")}`;
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(h)}:${two(mi)}:${two(sec)}${fraction}Z`;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
