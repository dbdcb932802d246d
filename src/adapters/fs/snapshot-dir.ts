/** Reads a snapshot directory into its files, and writes one. The parsing is in src/core/snapshot. */
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Diagnostic, DiagnosticCode, Result } from "../../core/diagnostics.js";
import { isSnapshotDataFile, type SnapshotFile } from "../../core/snapshot/index.js";
import { describeReadFailure, MAX_SNAPSHOT_FILE_BYTES, readRegularFile } from "./read-input.js";
import { writeFilesAtomically } from "./write-files.js";

export const SNAPSHOT_DIR_CODES = { missing: "SNAP100", unreadable: "SNAP101" } as const;

function failure(code: DiagnosticCode, summary: string, detail?: string): Result<never> {
  const d: Diagnostic = { code, severity: "error", summary, ...(detail !== undefined ? { detail } : {}) };
  return { ok: false, diagnostics: [d] };
}

/** Every .json/.yaml/.yml file under `dir`, paths relative to it with `/`. */
export async function readSnapshotDir(dir: string): Promise<Result<SnapshotFile[]>> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) return failure(SNAPSHOT_DIR_CODES.missing, `snapshot ${dir} is not a directory`);
  } catch {
    return failure(
      SNAPSHOT_DIR_CODES.missing,
      `snapshot directory ${dir} not found`,
      "Collect one with `eksgate snapshot --out DIR`, or see docs/audit.md for the layout.",
    );
  }
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true, encoding: "utf8" });
  } catch (error) {
    return failure(SNAPSHOT_DIR_CODES.unreadable, `cannot list ${dir}: ${String(error)}`);
  }
  const files: SnapshotFile[] = [];
  for (const name of names.sort()) {
    const full = join(dir, name);
    const path = relative(dir, full).split(sep).join("/");
    if (!isSnapshotDataFile(path)) continue;
    const read = await readRegularFile(full, MAX_SNAPSHOT_FILE_BYTES);
    if (!read.ok && read.reason === "directory") continue;
    if (!read.ok) {
      return failure(
        SNAPSHOT_DIR_CODES.unreadable,
        describeReadFailure(read, "snapshot file", full),
        "A snapshot holds regular files only; collect it again with `eksgate snapshot --out DIR`.",
      );
    }
    files.push({ path, text: new TextDecoder().decode(read.bytes).replace(/^\uFEFF/, "") });
  }
  return { ok: true, value: files, diagnostics: [] };
}

/** Writes the snapshot files under `dir` (each atomically); returns the paths written. */
export async function writeSnapshotDir(dir: string, files: readonly SnapshotFile[]): Promise<string[]> {
  return writeFilesAtomically(
    dir,
    files.map((f) => ({ path: f.path, content: f.text })),
  );
}

/** Reads and parses a JSON file (e.g. `--scps FILE`). */
export async function readJsonFile(path: string): Promise<Result<unknown>> {
  const read = await readRegularFile(path, MAX_SNAPSHOT_FILE_BYTES);
  if (!read.ok) {
    return failure(
      read.reason === "missing" ? SNAPSHOT_DIR_CODES.missing : SNAPSHOT_DIR_CODES.unreadable,
      describeReadFailure(read, "file", path),
      "Check the path.",
    );
  }
  const text = new TextDecoder().decode(read.bytes);
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, "")) as unknown, diagnostics: [] };
  } catch (error) {
    return failure(
      "SNAP002",
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      "Write it as JSON: a list of {AccountId, Levels: [{Target, Policies: [{Name, Document}]}]} (docs/audit.md).",
    );
  }
}
