/**
 * The on-disk cache of tokens, assumed-role credentials and caller identities.
 *
 * Files are mode 0600, in a 0700 directory owned by the user: `<kind>-<hash of key>.json`
 * for assumed-role credentials and identities, and for tokens the line format of
 * token-file.ts, which bin/eksgate-token reads without Node. A file is trusted only when it
 * is a regular file (not a symlink), owned by us, unreadable by anyone else, parses, has
 * the expected shape and carries the full key it was written for. Anything else is ignored
 * and later replaced. Writes go to a temporary file that is renamed over the target, so a
 * reader never sees half a file.
 *
 * Everything is synchronous: on the cache-hit path that is the fastest way to read one
 * small file, and there is nothing else to do concurrently.
 */
import type { Stats } from "node:fs";
import { constants } from "node:fs";
import {
  fastTokenFileName,
  formatTokenFile,
  parseTokenFile,
  tokenKey,
  type CachedTokenRecord,
  type TokenKeyParts,
} from "./token-file.js";

/** The slice of node:fs the cache uses, so tests can inject failures. */
export interface CacheFileSystem {
  lstatSync(path: string): Stats;
  openSync(path: string, flags: number): number;
  fstatSync(fd: number): Stats;
  readFileSync(fd: number, encoding: "utf8"): string;
  closeSync(fd: number): void;
  mkdirSync(path: string, options: { recursive: true; mode: number }): string | undefined;
  chmodSync(path: string, mode: number): void;
  writeFileSync(path: string, data: string, options: { mode: number; flag: string }): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  readdirSync(path: string): string[];
}

export type CacheKind = "token" | "role" | "identity";

const MAX_FILE_BYTES = 64 * 1024;
// `.json` token files are from eksgate 0.1; they are no longer read, only removed.
const FILE_PATTERN = /^(token|role|identity)-[0-9a-f]{32}(\.json)?$|^token~|^\.tmp-/;

/** What opening a cache file gave: its text, or why there is none. */
type FileRead = { readonly text: string } | { readonly text?: undefined; readonly nameTooLong: boolean };

/**
 * A 128-bit non-cryptographic hash of the key, for the file name: four FNV-1a lanes with
 * different offsets, each finished with a murmur-style avalanche. It need not resist
 * attacks: every file stores its full key and is only used when that key matches, so a
 * collision costs a cache miss, nothing more. (node:crypto would do, but loading it costs
 * more than the rest of the cache-hit path.)
 */
export function keyDigest(key: string): string {
  const lanes = [0x811c9dc5, 0x01000193 ^ 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35];
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    for (let l = 0; l < 4; l++) {
      lanes[l] = Math.imul((lanes[l] ?? 0) ^ (code + l * 0x3b), 0x01000193);
    }
  }
  return lanes
    .map((lane, l) => {
      let h = lane ^ (key.length + l);
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, "0");
    })
    .join("");
}

/** The cache directory: $XDG_CACHE_HOME/eksgate, else ~/.cache/eksgate. */
export function defaultCacheDir(env: NodeJS.ProcessEnv, homedir: string): string {
  const xdg = env["XDG_CACHE_HOME"];
  const base = xdg !== undefined && xdg.startsWith("/") ? xdg : `${homedir}/.cache`;
  return `${base}/eksgate`;
}

export class CredentialCache {
  /**
   * @param uid the user that must own the directory and files; undefined where the
   *   platform has no uids (then ownership is not checked).
   */
  constructor(
    readonly dir: string,
    private readonly fs: CacheFileSystem,
    private readonly uid: number | undefined,
  ) {}

  private fileFor(kind: CacheKind, key: string): string {
    return `${this.dir}/${kind}-${keyDigest(key)}.json`;
  }

  private isPrivate(stats: Stats, wantDirectory: boolean): boolean {
    if (wantDirectory ? !stats.isDirectory() : !stats.isFile()) return false;
    if (this.uid !== undefined && stats.uid !== this.uid) return false;
    return (stats.mode & 0o077) === 0;
  }

  private directoryIsTrusted(): boolean {
    try {
      return this.isPrivate(this.fs.lstatSync(this.dir), true);
    } catch {
      return false;
    }
  }

  /**
   * The text of `file` when it can be trusted (the directory is checked by the caller):
   * opened without following a symlink, then checked on the open descriptor.
   */
  private readTrusted(file: string): FileRead {
    let fd: number;
    try {
      // O_NONBLOCK: a FIFO put in the file's place must not block the open (fstat then
      // finds it is not a regular file).
      fd = this.fs.openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      return { nameTooLong: (error as NodeJS.ErrnoException).code === "ENAMETOOLONG" };
    }
    try {
      const stats = this.fs.fstatSync(fd);
      if (!this.isPrivate(stats, false) || stats.size > MAX_FILE_BYTES) return { nameTooLong: false };
      return { text: this.fs.readFileSync(fd, "utf8") };
    } catch {
      return { nameTooLong: false };
    } finally {
      this.fs.closeSync(fd);
    }
  }

  /**
   * The cached value of `kind` for `key`, or undefined when there is none or it cannot be
   * trusted. `accept` checks the shape (and may reject stale entries).
   */
  read<T>(
    kind: CacheKind,
    key: string,
    accept: (value: Record<string, unknown>) => T | undefined,
  ): T | undefined {
    if (!this.directoryIsTrusted()) return undefined;
    const { text } = this.readTrusted(this.fileFor(kind, key));
    if (text === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
      const record = parsed as Record<string, unknown>;
      if (record["v"] !== 1 || record["kind"] !== kind || record["key"] !== key) return undefined;
      return accept(record);
    } catch {
      return undefined;
    }
  }

  /** File names a token for `parts` may have, the shell-readable one first. */
  private tokenFiles(parts: TokenKeyParts): string[] {
    const fast = fastTokenFileName(parts);
    const hashed = `${this.dir}/token-${keyDigest(tokenKey(parts))}`;
    return fast === undefined ? [hashed] : [`${this.dir}/${fast}`, hashed];
  }

  /**
   * The cached token for `parts` when its file is complete and for exactly this key (its
   * age is the caller's business). The hashed name is looked at only when the file system
   * refused the shell-readable one, as the writer then used the hashed one.
   */
  readToken(parts: TokenKeyParts): CachedTokenRecord | undefined {
    if (!this.directoryIsTrusted()) return undefined;
    for (const file of this.tokenFiles(parts)) {
      const read = this.readTrusted(file);
      if (read.text !== undefined) return parseTokenFile(read.text, tokenKey(parts));
      if (!read.nameTooLong) return undefined;
    }
    return undefined;
  }

  /** Stores the token for `parts` (best effort, as `write`). */
  writeToken(parts: TokenKeyParts, record: CachedTokenRecord): boolean {
    return this.writeAtomically(this.tokenFiles(parts), formatTokenFile(tokenKey(parts), record));
  }

  /** Makes sure the directory exists, is ours and is 0700; false when it cannot be used. */
  private prepareDirectory(): boolean {
    try {
      this.fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const stats = this.fs.lstatSync(this.dir);
      if (!stats.isDirectory() || (this.uid !== undefined && stats.uid !== this.uid)) return false;
      if ((stats.mode & 0o777) !== 0o700) this.fs.chmodSync(this.dir, 0o700);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stores `value` for `key`, replacing whatever file was there. Best effort: a cache that
   * cannot be written only costs speed, so failures are swallowed.
   */
  write(kind: CacheKind, key: string, value: Readonly<Record<string, unknown>>): boolean {
    return this.writeAtomically([this.fileFor(kind, key)], JSON.stringify({ v: 1, kind, key, ...value }));
  }

  /**
   * Writes `text` to a temporary file and renames it to the first of `targets` the file
   * system accepts the name of (a later one only after ENAMETOOLONG).
   */
  private writeAtomically(targets: readonly string[], text: string): boolean {
    if (!this.prepareDirectory()) return false;
    // Unique enough with the exclusive-create flag: a clash fails this write, nothing else.
    const temp = `${this.dir}/.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    try {
      this.fs.writeFileSync(temp, text, { mode: 0o600, flag: "wx" });
      this.fs.chmodSync(temp, 0o600);
      for (const [i, target] of targets.entries()) {
        try {
          this.fs.renameSync(temp, target);
          return true;
        } catch (error) {
          const tooLong = (error as NodeJS.ErrnoException).code === "ENAMETOOLONG";
          if (!tooLong || i === targets.length - 1) throw error;
        }
      }
      throw new Error("no target");
    } catch {
      try {
        this.fs.unlinkSync(temp);
      } catch {
        // nothing was written
      }
      return false;
    }
  }

  /** Removes one entry (e.g. a token kubectl rejected). */
  remove(kind: CacheKind, key: string): void {
    try {
      this.fs.unlinkSync(this.fileFor(kind, key));
    } catch {
      // already gone
    }
  }

  /** Removes every cache file (and leftover temporaries); returns how many. */
  clear(): number {
    let files: string[];
    try {
      files = this.fs.readdirSync(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of files) {
      if (!FILE_PATTERN.test(name)) continue;
      try {
        this.fs.unlinkSync(`${this.dir}/${name}`);
        removed++;
      } catch {
        // someone else removed it
      }
    }
    return removed;
  }
}
