import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CODE_FAMILIES, CODES } from "../../src/core/diagnostics/codes/index.js";
import { diagnosticsDocument } from "../support/diagnostics-doc.js";
import { emittedCodes, type EmittedCodes } from "../support/emitted-codes.js";
import { CPU_HEAVY_TIMEOUT_MS } from "../support/time-limits.js";

describe("diagnostic codes", () => {
  it("every code is its family's prefix and a three-digit number, and no two families share one", () => {
    const problems: string[] = [];
    for (const family of CODE_FAMILIES) {
      for (const info of family.list) {
        const digits = info.code.slice(family.family.length);
        if (!info.code.startsWith(family.family) || !/^\d{3}$/.test(digits) || Number(digits) !== info.number)
          problems.push(`${info.code} in ${family.family}`);
        if (info.meaning.trim().length < 10) problems.push(`${info.code}: no meaning`);
      }
    }
    expect(problems).toEqual([]);
    const prefixes = CODE_FAMILIES.map((f) => f.family);
    // A prefix that starts another (AA and AAX) would make a code's family ambiguous.
    expect(prefixes.filter((p) => prefixes.some((q) => q !== p && q.startsWith(p)))).toEqual([]);
    // The registry joins the families: a code in two of them would be silently overwritten.
    const total = CODE_FAMILIES.reduce((n, f) => n + f.list.length, 0);
    expect(Object.keys(CODES)).toHaveLength(total);
    expect(total).toBeGreaterThan(190);
  });

  describe("every code emitted in src/, whatever its shape, is in docs/diagnostics.md", () => {
    // Reading src/ with the compiler takes a few seconds of CPU: budgeted by work (one pass,
    // shared by the tests below), with a timeout far above it for a loaded machine.
    let emitted: EmittedCodes;
    beforeAll(() => {
      emitted = emittedCodes("src");
    }, CPU_HEAVY_TIMEOUT_MS);

    it("every emitted code can be followed back to its literal values", () => {
      expect(emitted.untraced).toEqual([]);
      expect(emitted.emissions).toBeGreaterThan(100);
      expect(emitted.codes.size).toBeGreaterThan(150);
    });

    it("every emitted code is registered and documented, from core, adapters, engine and cli", () => {
      const doc = diagnosticsDocument();
      const missing = [...emitted.codes]
        .filter(([code]) => !(code in CODES) || !doc.includes(`| \`${code}\` |`))
        .map(([code, where]) => `${code} (${where.join(", ")})`);
      expect(missing).toEqual([]);
      const families = new Set([...emitted.codes.keys()].map((c) => /^[A-Z]+/.exec(c)?.[0]));
      expect([...families].sort()).toEqual(CODE_FAMILIES.map((f) => f.family).sort());
      const places = new Set([...emitted.codes.values()].flat().map((w) => w.split("/")[1]));
      expect([...places].sort()).toEqual(expect.arrayContaining(["adapters", "cli", "core", "engine"]));
    });

    it("every registered code is still emitted", () => {
      expect(Object.keys(CODES).filter((code) => !emitted.codes.has(code))).toEqual([]);
    });
  });

  it(
    "the code reader follows codes through tables, helpers, defaults, callbacks and branches, and reports what it cannot follow",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "eksgate-codes-"));
      try {
        writeFileSync(
          join(dir, "codes.ts"),
          'export const TABLE = { a: "FIX-table-a", b: "FIX-table-b" } as const;\n',
        );
        writeFileSync(
          join(dir, "emit.ts"),
          [
            'import { TABLE } from "./codes.js";',
            'interface Diagnostic { readonly code: string; readonly severity: "error" | "warning"; readonly summary: string }',
            'const fail = (code: string, summary: string): Diagnostic => ({ code, severity: "error", summary });',
            'function warn(summary: string, code = "FIX-default"): Diagnostic { return { code, severity: "warning", summary }; }',
            'const via = (code: string): Diagnostic => fail(code, "via");',
            "export function all(flag: boolean, d: Diagnostic, report: (code: string) => void): Diagnostic[] {",
            '  report("FIX-callback");',
            '  return [fail("FIX-literal", "s"), fail(TABLE.a, "s"), via("FIX-chain"), warn("w"), warn("w", "FIX-given"),',
            '    { code: flag ? "FIX-then" : TABLE.b, severity: "error", summary: "s" },',
            "    { ...d, code: d.code },",
            "  ];",
            "}",
            'export const list = all(true, { code: "FIX-object", severity: "error", summary: "" }, (code) => {',
            '  const out: Diagnostic = { code, severity: "error", summary: "" };',
            "  return out;",
            "});",
            "export function dynamic(name: string): Diagnostic {",
            '  return { code: `FIX-${name}`, severity: "error", summary: "s" };',
            "}",
            "",
          ].join("\n"),
        );
        const found = emittedCodes(dir);
        expect([...found.codes.keys()].sort()).toEqual([
          "FIX-callback",
          "FIX-chain",
          "FIX-default",
          "FIX-given",
          "FIX-literal",
          "FIX-object",
          "FIX-table-a",
          "FIX-table-b",
          "FIX-then",
        ]);
        expect(found.untraced).toHaveLength(1);
        expect(found.untraced[0]).toMatch(/emit\.ts:18: `FIX-\$\{name\}`$/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    CPU_HEAVY_TIMEOUT_MS,
  );

  it("docs/diagnostics.md is generated from the registry (run npm run docs:diagnostics)", () => {
    expect(readFileSync("docs/diagnostics.md", "utf8")).toBe(diagnosticsDocument());
  });
});
