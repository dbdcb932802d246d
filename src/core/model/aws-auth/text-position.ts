/** Offsets to line/column, and the YAML parse options that mimic the authenticator. */
import type { DocumentOptions, ParseOptions, SchemaOptions } from "yaml";

/** 0-based line and column of every offset, computed once per text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** 0-based line and column. */
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - (this.starts[lo] ?? 0) };
  }

  lineStart(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/**
 * The authenticator decodes with go-yaml v2: YAML 1.1 scalars (`yes`/`on` are booleans),
 * duplicate keys allowed (the last wins), and timestamps read as plain strings.
 */
export const AUTHENTICATOR_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  uniqueKeys: false,
  keepSourceTokens: true,
  // Nothing printed by the library: whatever matters becomes a diagnostic.
  logLevel: "error",
  customTags: (tags) => tags.filter((t) => typeof t === "string" || t.tag !== "tag:yaml.org,2002:timestamp"),
};
