/**
 * Every file eksgate reads as input goes through here: only regular files (after
 * following symlinks), and never more than a limit of bytes. A FIFO, a device such as
 * /dev/zero (or a symlink to one), a socket or a directory is refused before anything is
 * read from it, so a wrong path cannot make eksgate wait or read without end.
 *
 * The file is opened without blocking (a FIFO with no writer would block the open
 * itself) and checked with fstat on the open descriptor, so what is checked is what is
 * read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";

/** 1 MiB: a ConfigMap's limit in Kubernetes, and far more than any eksgate config needs. */
export const MAX_INPUT_BYTES = 1024 * 1024;
/** Kubeconfig and AWS config files (many clusters and profiles, still text). */
export const MAX_SETTINGS_BYTES = 16 * 1024 * 1024;
/** Snapshot data files (IAM authorization details of a large account run to tens of MB). */
export const MAX_SNAPSHOT_FILE_BYTES = 256 * 1024 * 1024;

export type ReadFailure =
  | { readonly reason: "missing" }
  | { readonly reason: "directory" }
  | { readonly reason: "not-regular"; readonly type: string }
  | { readonly reason: "too-large"; readonly limit: number }
  | { readonly reason: "unreadable"; readonly message: string };

export type ReadResult =
  { readonly ok: true; readonly bytes: Uint8Array } | ({ readonly ok: false } & ReadFailure);

// O_NONBLOCK: opening a FIFO without a writer returns at once (it is then refused).
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function typeOf(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

function refusal(stats: Stats): ReadFailure | undefined {
  if (stats.isDirectory()) return { reason: "directory" };
  if (!stats.isFile()) return { reason: "not-regular", type: typeOf(stats) };
  return undefined;
}

function openFailure(error: unknown): ReadFailure {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { reason: "missing" };
  if (code === "EISDIR") return { reason: "directory" };
  if (code === "EACCES" || code === "EPERM") return { reason: "unreadable", message: "permission denied" };
  return { reason: "unreadable", message: code ?? String(error) };
}

/**
 * The buffer to read an open file into: its size plus one byte (the file may grow while it
 * is read; a full buffer means more than `limit`), or why it is not read.
 */
function bufferFor(stats: Stats, limit: number): Uint8Array | ReadFailure {
  const refused = refusal(stats);
  if (refused !== undefined) return refused;
  if (stats.size > limit) return { reason: "too-large", limit };
  return new Uint8Array(Math.min(stats.size, limit) + 1);
}

function filled(buffer: Uint8Array, length: number, limit: number): ReadResult {
  if (length === buffer.length) return fail({ reason: "too-large", limit });
  return { ok: true, bytes: buffer.subarray(0, length) };
}

function fail(failure: ReadFailure): ReadResult {
  return { ok: false, ...failure };
}

/** Reads a regular file of at most `limit` bytes. */
export async function readRegularFile(path: string, limit: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return fail(openFailure(error));
  }
  try {
    const buffer = bufferFor(await handle.stat(), limit);
    if (!(buffer instanceof Uint8Array)) return fail(buffer);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    }
    return filled(buffer, length, limit);
  } catch (error) {
    return fail({ reason: "unreadable", message: (error as NodeJS.ErrnoException).code ?? String(error) });
  } finally {
    await handle.close();
  }
}

/** The same, synchronously (for code that cannot wait, such as kubeconfig loading). */
export function readRegularFileSync(path: string, limit: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return fail(openFailure(error));
  }
  try {
    const buffer = bufferFor(fstatSync(fd), limit);
    if (!(buffer instanceof Uint8Array)) return fail(buffer);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = readSync(fd, buffer, length, buffer.length - length, length);
    }
    return filled(buffer, length, limit);
  } catch (error) {
    return fail({ reason: "unreadable", message: (error as NodeJS.ErrnoException).code ?? String(error) });
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a stream (standard input) up to `limit` bytes; past that it stops reading and
 * refuses, so an endless producer (`cat /dev/zero | ...`) does not keep eksgate busy.
 */
export async function readBoundedStream(stream: NodeJS.ReadableStream, limit: number): Promise<ReadResult> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    length += bytes.byteLength;
    if (length > limit) {
      if ("destroy" in stream && typeof stream.destroy === "function") (stream.destroy as () => void)();
      return fail({ reason: "too-large", limit });
    }
    chunks.push(bytes);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes: out };
}

/** One line saying why a file was not read, for a diagnostic's summary. */
export function describeReadFailure(failure: ReadFailure, what: string, path: string): string {
  switch (failure.reason) {
    case "missing":
      return `${what} not found: ${path}`;
    case "directory":
      return `${what} is a directory: ${path}`;
    case "not-regular":
      return `${what} ${path} is ${failure.type}, not a regular file: eksgate reads only regular files`;
    case "too-large":
      return `${what} ${path} is larger than ${formatBytes(failure.limit)}: eksgate reads at most that much`;
    case "unreadable":
      return `cannot read ${what} ${path}: ${failure.message}`;
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${String(n / (1024 * 1024))} MiB` : `${String(n)} bytes`;
}
