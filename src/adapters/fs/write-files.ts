/**
 * Writes a set of files under a directory as a whole: every file, or none. Each file is
 * written to a temporary name next to its target first; only when all of them are written
 * (and no target is in the way) are they renamed into place. On failure the temporaries
 * and the directories this call created are removed, and an OutputWriteError says what
 * could not be written.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import { errnoReason } from "./errno.js";

export class OutputWriteError extends Error {
  constructor(
    /** The file or directory that could not be written. */
    readonly target: string,
    reason: string,
  ) {
    super(`cannot write ${target}: ${reason}`);
    this.name = "OutputWriteError";
  }
}

/** The error of a failed write as an OutputWriteError (for writers other than this one). */
export function outputWriteError(target: string, error: unknown): OutputWriteError {
  return error instanceof OutputWriteError ? error : new OutputWriteError(target, errnoReason(error));
}

export async function writeFilesAtomically(
  root: string,
  files: readonly { readonly path: string; readonly content: string }[],
): Promise<string[]> {
  const targets = files.map((f) => {
    const target = join(root, f.path);
    const rel = relative(root, target);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new OutputWriteError(target, `it is outside ${root}`);
    return target;
  });
  const created: string[] = [];
  const temps: string[] = [];
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  let failedAt = root;
  try {
    for (const dir of [...new Set(targets.map((t) => dirname(t)))]) {
      failedAt = dir;
      const first = await mkdir(dir, { recursive: true });
      if (first !== undefined) created.push(first);
    }
    for (const [i, target] of targets.entries()) {
      failedAt = target;
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isDirectory() === true) throw Object.assign(new Error("directory"), { code: "EISDIR" });
      const temp = `${target}${suffix}`;
      await writeFile(temp, files[i]?.content ?? "", { mode: 0o644, flag: "wx" });
      temps.push(temp);
    }
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    for (const dir of created.reverse()) await rm(dir, { recursive: true, force: true });
    throw new OutputWriteError(failedAt, errnoReason(error));
  }
  for (const [i, target] of targets.entries()) {
    try {
      await rename(temps[i] ?? "", target);
    } catch (error) {
      await Promise.all(temps.slice(i).map((t) => rm(t, { force: true })));
      throw new OutputWriteError(target, errnoReason(error));
    }
  }
  return targets;
}
