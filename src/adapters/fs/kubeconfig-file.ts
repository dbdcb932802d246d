/**
 * Where the kubeconfig is and how it is written. The path follows kubectl: `--kubeconfig`,
 * else the first file listed in KUBECONFIG, else ~/.kube/config. Writes are atomic (a
 * temporary file in the same directory, flushed, then renamed over the original), so an
 * interrupted run leaves the old file intact, and the result is readable by its owner only
 * (0600): a kubeconfig may hold credentials.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, mkdir, open, realpath, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { errnoReason } from "./errno.js";

export function kubeconfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== "") return explicit;
  const first = (env["KUBECONFIG"] ?? "").split(delimiter).find((p) => p.trim() !== "");
  return first ?? join(env["HOME"] ?? homedir(), ".kube", "config");
}

/** A kubeconfig or AWS config file larger than this is refused unread. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

/** A file that exists but cannot be read as text (what and why in the message). */
export class InputReadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
    this.name = "InputReadError";
  }
}

/**
 * The file's text, or undefined when it does not exist yet. Only a regular file of at most
 * MAX_CONFIG_FILE_BYTES is read: a directory, a FIFO or a device (which could block or
 * never end) is an InputReadError, as is any other failure to read.
 */
export async function readOptionalText(path: string): Promise<string | undefined> {
  let handle;
  try {
    // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputReadError(path, errnoReason(error));
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputReadError(path, "it is a directory");
    if (!info.isFile()) throw new InputReadError(path, "it is not a regular file (a FIFO, socket or device)");
    if (info.size > MAX_CONFIG_FILE_BYTES)
      throw new InputReadError(path, `it is ${info.size} bytes; the limit is ${MAX_CONFIG_FILE_BYTES}`);
    return await handle.readFile("utf8");
  } catch (error) {
    throw error instanceof InputReadError ? error : new InputReadError(path, errnoReason(error));
  } finally {
    await handle.close();
  }
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
