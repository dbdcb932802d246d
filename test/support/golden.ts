// Golden files: expected output kept under test/fixtures/golden/. Run the tests with
// UPDATE_GOLDEN=1 to (re)write them from the current output, then review the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "golden");

/** Compares `actual` with the golden file `relativePath`, or writes it when UPDATE_GOLDEN=1. */
export function expectGolden(relativePath: string, actual: string): void {
  const file = join(GOLDEN_DIR, relativePath);
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${relativePath} is missing: run the tests with UPDATE_GOLDEN=1 to create it`,
    );
  }
  expect(actual, `output differs from ${relativePath} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(file, "utf8"),
  );
}
