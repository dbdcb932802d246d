/** Reads a snapshot directory into its files, and writes one. The parsing is in src/core/snapshot. */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Diagnostic, DiagnosticCode, Result } from "../../core/diagnostics.js";
import { isSnapshotDataFile, type SnapshotFile } from "../../core/snapshot/index.js";
import { describeReadFailure, MAX_SNAPSHOT_FILE_BYTES, readRegularFile } from "./read-input.js";
import { writeFilesAtomically } from "./write-files.js";

export const SNAPSHOT_DIR_CODES = { missing: "SNAP100", unreadable: "SNAP101" } as const;

/** A refusal located at `path` (the directory or file at fault). */
function failure(code: DiagnosticCode, summary: string, path: string, detail?: string): Result<never> {
  const d: Diagnostic = {
    code,
    severity: "error",
    summary,
    path,
    ...(detail !== undefined ? { detail } : {}),
  };
  return { ok: false, diagnostics: [d] };
}

/**
 * Every .json/.yaml/.yml file under `dir`, paths relative to it with `/`. The tree is
 * walked without following symbolic links to directories: Node 20's recursive readdir
 * follows them, so a link back up the tree lists the same files over and over (two such
 * links, exponentially many). A link to a regular file is read.
 */
export async function readSnapshotDir(dir: string): Promise<Result<SnapshotFile[]>> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory())
      return failure(SNAPSHOT_DIR_CODES.missing, `snapshot ${dir} is not a directory`, dir);
  } catch {
    return failure(
      SNAPSHOT_DIR_CODES.missing,
      `snapshot directory ${dir} not found`,
      dir,
      "Collect one with `eksgate snapshot --out DIR`, or see docs/audit.md for the layout.",
    );
  }
  const names: string[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const rel = pending.pop() ?? "";
    let entries;
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true });
    } catch (error) {
      return failure(
        SNAPSHOT_DIR_CODES.unreadable,
        `cannot list ${join(dir, rel)}: ${String(error)}`,
        rel || dir,
      );
    }
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) pending.push(path);
      else names.push(path);
    }
  }
  const files: SnapshotFile[] = [];
  for (const path of names.sort()) {
    const full = join(dir, ...path.split("/"));
    if (!isSnapshotDataFile(path)) continue;
    const read = await readRegularFile(full, MAX_SNAPSHOT_FILE_BYTES);
    if (!read.ok && read.reason === "directory") continue;
    if (!read.ok) {
      return failure(
        SNAPSHOT_DIR_CODES.unreadable,
        describeReadFailure(read, "snapshot file", full),
        path,
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
      path,
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
      path,
      "Write it as JSON: a list of {AccountId, Levels: [{Target, Policies: [{Name, Document}]}]} (docs/audit.md).",
    );
  }
}
