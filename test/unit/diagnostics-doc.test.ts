import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EKSGATE_CODES } from "../../src/core/codes.js";
import { COMMAND_CODE_TABLE } from "../../src/cli/codes.js";
import { RBAC_EVALUATION_CODE_TABLE } from "../../src/core/evaluate/rbac/codes.js";
import { SNAPSHOT_CODE_TABLE } from "../../src/core/snapshot/codes.js";
import { IAM_EVALUATION_CODE_TABLE } from "../../src/core/evaluate/iam/codes.js";
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

  it("every diagnostic code written in src/, of any family, is in docs/diagnostics.md", () => {
    const doc = diagnosticsDocument();
    const family =
      /"((?:EG|AA|AUD|SNAP|ARN)\d{3}|RBAC_[A-Z_]+|IAM_[A-Z_]+|kube-(?:kubeconfig|context|no)-[a-z-]+|kubeconfig-[a-z-]+|aws-profile-[a-z-]+)"/g;
    const used = new Map<string, string>();
    for (const file of sourceFiles("src")) {
      for (const match of readFileSync(file, "utf8").matchAll(family)) {
        const code = match[1] ?? "";
        // A kubeconfig-... string can be a file or profile name rather than a code.
        if (
          code.startsWith("kubeconfig-") &&
          !/code|CODES/.test(match.input.slice(Math.max(0, match.index - 80), match.index))
        )
          continue;
        used.set(code, file);
      }
    }
    const missing = [...used].filter(([code]) => !doc.includes(`\`${code}\``)).map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(100);
  });

  it("every code in the snapshot, RBAC and command tables is still reported somewhere", () => {
    const tables = new Set([
      "src/core/snapshot/codes.ts",
      "src/core/evaluate/rbac/codes.ts",
      "src/cli/codes.ts",
      "src/core/evaluate/iam/codes.ts",
    ]);
    const source = sourceFiles("src")
      .filter((f) => !tables.has(f))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const stale = [
      ...SNAPSHOT_CODE_TABLE,
      ...RBAC_EVALUATION_CODE_TABLE,
      ...COMMAND_CODE_TABLE,
      ...IAM_EVALUATION_CODE_TABLE,
    ]
      .map((c) => c.code)
      .filter((code) => !source.includes(`"${code}"`));
    expect(stale).toEqual([]);
  });

  it("docs/diagnostics.md is generated from the tables (run npm run docs:diagnostics)", () => {
    expect(readFileSync("docs/diagnostics.md", "utf8")).toBe(diagnosticsDocument());
  });
});
