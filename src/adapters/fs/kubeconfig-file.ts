/**
 * Where the kubeconfig is and how it is written. The path follows kubectl: `--kubeconfig`,
 * else the first file listed in KUBECONFIG, else ~/.kube/config. Writes are atomic (a
 * temporary file in the same directory, flushed, then renamed over the original), so an
 * interrupted run leaves the old file intact, and the result is readable by its owner only
 * (0600): a kubeconfig may hold credentials.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, realpath, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { Result } from "../../core/diagnostics.js";
import { readFailureDiagnostic } from "./config-file.js";
import { MAX_SETTINGS_BYTES, readRegularFile } from "./read-input.js";

export function kubeconfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== "") return explicit;
  const first = (env["KUBECONFIG"] ?? "").split(delimiter).find((p) => p.trim() !== "");
  return first ?? join(env["HOME"] ?? homedir(), ".kube", "config");
}

/**
 * The file's text, or undefined when it does not exist yet. Refused (EG106, EG102, EG100)
 * when it is not a regular file, larger than 16 MiB or unreadable.
 */
export async function readOptionalText(path: string, what: string): Promise<Result<string | undefined>> {
  const read = await readRegularFile(path, MAX_SETTINGS_BYTES);
  if (!read.ok && read.reason === "missing") return { ok: true, value: undefined, diagnostics: [] };
  if (!read.ok) return { ok: false, diagnostics: [readFailureDiagnostic(read, what, path)] };
  return { ok: true, value: new TextDecoder().decode(read.bytes), diagnostics: [] };
}

/**
 * Replaces `path` with `text` atomically. A symlinked file is written through the link
 * (its target is replaced), as kubectl does. Missing parent directories are created 0700
 * unless `createParents` is false.
 */
export async function writeFileAtomically(
  path: string,
  text: string,
  mode: number,
  createParents = true,
): Promise<string> {
  let target = path;
  try {
    target = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (createParents) await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const temp = join(dirname(target), `.${randomBytes(6).toString("hex")}.eksgate-tmp`);
  const handle = await open(temp, "wx", mode);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    // open() applied the umask; make the mode exact.
    await chmod(temp, mode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return target;
}
