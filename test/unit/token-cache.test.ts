// The on-disk cache: private files in a private directory, trusted only when they are
// ours, intact and for the same key; atomic replacement.
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialCache, defaultCacheDir, type CacheFileSystem } from "../../src/token/cache.js";

const accept = (entry: Record<string, unknown>): string | undefined =>
  typeof entry["value"] === "string" ? entry["value"] : undefined;
const uid = process.getuid?.();

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "eksgate-token-cache-"));
  dir = join(root, "eksgate");
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function onlyFile(): string {
  const files = fs.readdirSync(dir);
  expect(files).toHaveLength(1);
  return join(dir, files[0] ?? "");
}

describe("CredentialCache", () => {
  it("creates a 0700 directory and 0600 files, and reads back what it wrote", () => {
    const cache = new CredentialCache(dir, fs, uid);
    expect(cache.read("token", "k", accept)).toBeUndefined();
    expect(cache.write("token", "k", { value: "v1" })).toBe(true);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(onlyFile()).mode & 0o777).toBe(0o600);
    expect(cache.read("token", "k", accept)).toBe("v1");
  });

  it("keeps kinds and keys apart", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "a", { value: "token-a" });
    cache.write("role", "a", { value: "role-a" });
    expect(cache.read("token", "b", accept)).toBeUndefined();
    expect(cache.read("token", "a", accept)).toBe("token-a");
    expect(cache.read("role", "a", accept)).toBe("role-a");
  });

  it("ignores a corrupt file and replaces it on the next write", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "k", { value: "v1" });
    const file = onlyFile();
    fs.writeFileSync(file, '{"v":1,"kind":"token","key":"k","value":"v', { mode: 0o600 });
    expect(cache.read("token", "k", accept)).toBeUndefined();
    cache.write("token", "k", { value: "v2" });
    expect(cache.read("token", "k", accept)).toBe("v2");
  });

  it("ignores a file written for another key (hash collision or tampering)", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "k", { value: "v1" });
    const file = onlyFile();
    fs.writeFileSync(file, JSON.stringify({ v: 1, kind: "token", key: "other", value: "forged" }), {
      mode: 0o600,
    });
    expect(cache.read("token", "k", accept)).toBeUndefined();
  });

  it("ignores a file others can read", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "k", { value: "v1" });
    fs.chmodSync(onlyFile(), 0o644);
    expect(cache.read("token", "k", accept)).toBeUndefined();
    cache.write("token", "k", { value: "v2" });
    expect(fs.statSync(onlyFile()).mode & 0o777).toBe(0o600);
    expect(cache.read("token", "k", accept)).toBe("v2");
  });

  it("ignores a file owned by someone else, and replaces it", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "k", { value: "v1" });
    const file = onlyFile();
    // The cache is told it runs as another user: now the file is foreign.
    const asOther = new CredentialCache(dir, fs, (uid ?? 0) + 4242);
    expect(asOther.read("token", "k", accept)).toBeUndefined();
    if (uid === 0) {
      // As root we can really hand the file to another uid.
      fs.chownSync(file, 4242, 4242);
      expect(cache.read("token", "k", accept)).toBeUndefined();
      cache.write("token", "k", { value: "v2" });
      expect(fs.statSync(onlyFile()).uid).toBe(0);
      expect(cache.read("token", "k", accept)).toBe("v2");
    }
  });

  it("does not follow a symlink planted in place of a cache file", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "k", { value: "v1" });
    const file = onlyFile();
    const elsewhere = join(root, "planted.json");
    fs.writeFileSync(elsewhere, JSON.stringify({ v: 1, kind: "token", key: "k", value: "planted" }), {
      mode: 0o600,
    });
    fs.rmSync(file);
    fs.symlinkSync(elsewhere, file);
    expect(cache.read("token", "k", accept)).toBeUndefined();
  });

  it("trusts nothing in a directory others can enter, and tightens it when writing", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "k", { value: "v1" });
    fs.chmodSync(dir, 0o755);
    expect(cache.read("token", "k", accept)).toBeUndefined();
    cache.write("token", "k", { value: "v2" });
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(cache.read("token", "k", accept)).toBe("v2");
  });

  it("neither reads nor writes in a directory owned by someone else", () => {
    new CredentialCache(dir, fs, uid).write("token", "k", { value: "v1" });
    const other = new CredentialCache(dir, fs, (uid ?? 0) + 4242);
    expect(other.read("token", "k", accept)).toBeUndefined();
    expect(other.write("token", "k", { value: "v2" })).toBe(false);
  });

  it("writes atomically: a failed rename leaves the old entry and no temporary file", () => {
    const real = new CredentialCache(dir, fs, uid);
    real.write("token", "k", { value: "v1" });
    const failingRename: CacheFileSystem = {
      ...fs,
      renameSync: () => {
        throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
      },
    };
    const cache = new CredentialCache(dir, failingRename, uid);
    expect(cache.write("token", "k", { value: "v2" })).toBe(false);
    expect(fs.readdirSync(dir)).toHaveLength(1);
    expect(cache.read("token", "k", accept)).toBe("v1");
  });

  it("replaces through a temporary file and rename, never writing the target in place", () => {
    const writes: string[] = [];
    const renames: [string, string][] = [];
    const recording: CacheFileSystem = {
      ...fs,
      writeFileSync: (path, data, options) => {
        writes.push(path);
        fs.writeFileSync(path, data, options);
      },
      renameSync: (from, to) => {
        renames.push([from, to]);
        fs.renameSync(from, to);
      },
    };
    const cache = new CredentialCache(dir, recording, uid);
    cache.write("token", "k", { value: "v1" });
    const target = onlyFile();
    expect(writes).toHaveLength(1);
    expect(writes[0]).not.toBe(target);
    expect(renames).toEqual([[writes[0], target]]);
  });

  it("clear() removes every entry and leftover temporaries, nothing else", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", "a", { value: "1" });
    cache.write("role", "a", { value: "2" });
    cache.write("identity", "a", { value: "3" });
    fs.writeFileSync(join(dir, ".tmp-1-abc"), "x");
    fs.writeFileSync(join(dir, "notes.txt"), "keep");
    expect(cache.clear()).toBe(4);
    expect(fs.readdirSync(dir)).toEqual(["notes.txt"]);
    expect(new CredentialCache(join(root, "missing"), fs, uid).clear()).toBe(0);
  });

  it("lives under $XDG_CACHE_HOME or ~/.cache", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x/cache" }, "/home/a")).toBe("/x/cache/eksgate");
    expect(defaultCacheDir({}, "/home/a")).toBe("/home/a/.cache/eksgate");
    // A relative XDG_CACHE_HOME is invalid per the XDG spec and ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: "rel" }, "/home/a")).toBe("/home/a/.cache/eksgate");
  });
});
