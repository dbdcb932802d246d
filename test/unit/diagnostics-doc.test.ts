import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EKSGATE_CODES } from "../../src/core/codes.js";
import { COMMAND_CODE_TABLE } from "../../src/cli/codes.js";
import { RBAC_EVALUATION_CODE_TABLE } from "../../src/core/evaluate/rbac/codes.js";
import { SNAPSHOT_CODE_TABLE } from "../../src/core/snapshot/codes.js";
import { IAM_EVALUATION_CODE_TABLE } from "../../src/core/evaluate/iam-codes.js";
import { KUBE_CONNECTION_CODE_TABLE } from "../../src/adapters/kube/connection.js";
import { diagnosticsDocument } from "../support/diagnostics-doc.js";
import { emittedCodes, type EmittedCodes } from "../support/emitted-codes.js";
import { CPU_HEAVY_TIMEOUT_MS } from "../support/time-limits.js";

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

    it("every emitted code is documented", () => {
      const doc = diagnosticsDocument();
      const missing = [...emitted.codes]
        .filter(([code]) => !doc.includes(`| \`${code}\` |`))
        .map(([code, where]) => `${code} (${where.join(", ")})`);
      expect(missing).toEqual([]);
      // All the families, from core, adapters, engine and cli.
      const families = new Set([...emitted.codes.keys()].map((c) => /^[A-Z]+|^[a-z]+/.exec(c)?.[0]));
      expect([...families].sort()).toEqual(
        expect.arrayContaining([
          "AA",
          "ARN",
          "AUD",
          "EG",
          "IAM",
          "RBAC",
          "SNAP",
          "aws",
          "iam",
          "kube",
          "kubeconfig",
        ]),
      );
      const places = new Set([...emitted.codes.values()].flat().map((w) => w.split("/")[1]));
      expect([...places].sort()).toEqual(expect.arrayContaining(["adapters", "cli", "core", "engine"]));
    });

    it("every code in the snapshot, RBAC, IAM, connection and command tables is still emitted", () => {
      const stale = [
        ...SNAPSHOT_CODE_TABLE,
        ...RBAC_EVALUATION_CODE_TABLE,
        ...IAM_EVALUATION_CODE_TABLE,
        ...KUBE_CONNECTION_CODE_TABLE,
        ...COMMAND_CODE_TABLE,
      ]
        .map((c) => c.code)
        .filter((code) => !emitted.codes.has(code));
      expect(stale).toEqual([]);
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

  it("docs/diagnostics.md is generated from the tables (run npm run docs:diagnostics)", () => {
    expect(readFileSync("docs/diagnostics.md", "utf8")).toBe(diagnosticsDocument());
  });
});
