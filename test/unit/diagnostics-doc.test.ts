import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EKSGATE_CODES } from "../../src/core/codes.js";
import { diagnosticsDocument } from "../support/diagnostics-doc.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("diagnostic codes", () => {
  it("every EG code used in src/ is in the code table", () => {
    const used = new Set<string>();
    for (const file of sourceFiles("src")) {
      if (file.endsWith("codes.ts")) continue;
      for (const match of readFileSync(file, "utf8").matchAll(/\bEG\d{3}\b/g)) used.add(match[0]);
    }
    const listed = new Set(EKSGATE_CODES.map((c) => c.code));
    expect([...used].filter((c) => !listed.has(c)).sort()).toEqual([]);
    expect(used.size).toBeGreaterThan(30);
  });

  it("codes in the table are unique", () => {
    const codes = EKSGATE_CODES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("docs/diagnostics.md is generated from the tables (run npm run docs:diagnostics)", () => {
    expect(readFileSync("docs/diagnostics.md", "utf8")).toBe(diagnosticsDocument());
  });
});
