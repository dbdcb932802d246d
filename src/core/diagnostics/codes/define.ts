/**
 * The shape of the diagnostics registry: a family is a prefix and a table of codes, each
 * `<FAMILY><nnn>` with its severity and meaning. Each family lives in its own file next to
 * this one; ./index.ts joins them into the one table `Diagnostic.code` is typed by.
 */
export type Severity = "error" | "warning" | "info";

export interface CodeSpec {
  /** The severity the code is reported at. */
  readonly severity: Severity;
  /** Other severities it is reported at in specific cases (the meaning says when). */
  readonly alsoAs?: readonly Severity[];
  /** Which part or command reports it, where a family spans several. */
  readonly where?: string;
  /** What it means, one sentence, for docs/diagnostics.md. */
  readonly meaning: string;
  /** What to do about it, where the same advice fits every occurrence (each diagnostic's own `detail` says more). */
  readonly hint?: string;
}

export interface CodeInfo<C extends string = string> extends CodeSpec {
  readonly code: C;
  readonly family: string;
  readonly number: number;
}

export interface CodeFamily<F extends string, C extends string> {
  readonly family: F;
  /** The heading of its section in docs/diagnostics.md. */
  readonly title: string;
  /** Who reports these codes and when, for docs/diagnostics.md. */
  readonly intro: string;
  readonly codes: { readonly [K in C]: CodeInfo<K> };
  /** The same codes as a list, in number order. */
  readonly list: readonly CodeInfo<C>[];
}

/**
 * A family of codes. Every key must be the family's prefix and a number; the number is
 * read from the key, so a code's name and number cannot disagree.
 */
export function defineFamily<const F extends string, const C extends `${F}${number}`>(
  family: F,
  heading: { readonly title: string; readonly intro: string },
  specs: { readonly [K in C]: CodeSpec },
): CodeFamily<F, C> {
  const codes = {} as Record<C, CodeInfo<C>>;
  for (const code of Object.keys(specs) as C[]) {
    codes[code] = { code, family, number: Number(code.slice(family.length)), ...specs[code] };
  }
  const list = Object.values<CodeInfo<C>>(codes).sort((a, b) => a.number - b.number);
  return { family, ...heading, codes: codes as { readonly [K in C]: CodeInfo<K> }, list };
}
