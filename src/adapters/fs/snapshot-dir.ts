/** Reads a snapshot directory into its files, and writes one. The parsing is in src/core/snapshot. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Diagnostic, Result } from "../../core/diagnostics.js";
import { isSnapshotDataFile, type SnapshotFile } from "../../core/snapshot/index.js";
import { writeFilesAtomically } from "./write-files.js";

export const SNAPSHOT_DIR_CODES = { missing: "SNAP100", unreadable: "SNAP101" } as const;

function failure(code: string, summary: string, path: string, detail?: string): Result<never> {
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
 * Every .json/.yaml/.yml file under `dir`, paths relative to it with `/`. Directories are
 * walked without following symbolic links to directories (a link back up the tree would
 * never end); a link to a file is read when it leads to a regular file. FIFOs, devices and
 * sockets are skipped: reading them could block or never end.
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
    if (!isSnapshotDataFile(path)) continue;
    const full = join(dir, ...path.split("/"));
    try {
      // stat follows a link to a file; anything but a regular file is skipped.
      if (!(await stat(full)).isFile()) continue;
    } catch {
      // A dangling or looping link: nothing to read.
      continue;
    }
    try {
      const text = await readFile(full, "utf8");
      files.push({ path, text: text.replace(/^\uFEFF/, "") });
    } catch (error) {
      return failure(SNAPSHOT_DIR_CODES.unreadable, `cannot read ${full}: ${String(error)}`, path);
    }
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
  let text: string;
  try {
    const info = await stat(path);
    // A FIFO or a device could block or never end.
    if (!info.isFile())
      return failure(SNAPSHOT_DIR_CODES.unreadable, `${path} is not a regular file`, path, "Check the path.");
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return failure(
      SNAPSHOT_DIR_CODES.missing,
      code === "ENOENT" ? `${path} not found` : `cannot read ${path}: ${String(error)}`,
      path,
      "Check the path.",
    );
  }
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
