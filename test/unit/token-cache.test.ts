// The on-disk cache: private files in a private directory, trusted only when they are
// ours, intact and for the same key; atomic replacement.
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialCache, defaultCacheDir, type CacheFileSystem } from "../../src/token/cache.js";
import {
  fastTokenFileName,
  formatTokenFile,
  parseTokenFile,
  tokenKey,
  type TokenKeyParts,
} from "../../src/token/token-file.js";

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

describe("token files", () => {
  const parts: TokenKeyParts = {
    cluster: "prod",
    region: "eu-west-1",
    role: "arn:aws:iam::111122223333:role/teams/eksgate-payments",
    caller: "key:AKIAALICE",
  };
  const record = {
    token: "k8s-aws-v1.aHR0cHM6Ly9zdHM_-x",
    issuedAt: 1_700_000_000_000,
    expiresAt: 1_700_000_840_000,
  };

  it("are named after the key, readable for a shell: parts joined by ~, / written as %", () => {
    expect(fastTokenFileName(parts)).toBe(
      "token~prod~eu-west-1~arn:aws:iam::111122223333:role%teams%eksgate-payments~~key:AKIAALICE",
    );
    expect(
      fastTokenFileName({
        cluster: parts.cluster,
        region: parts.region,
        session: "alice",
        caller: parts.caller,
      }),
    ).toBe("token~prod~eu-west-1~~alice~key:AKIAALICE");
    expect(fastTokenFileName({ ...parts, caller: "profile:dev|/home/a/.aws/config|" })).toBe(
      "token~prod~eu-west-1~arn:aws:iam::111122223333:role%teams%eksgate-payments~~profile:dev|%home%a%.aws%config|",
    );
  });

  it("get no shell-readable name for parts with other characters or a name that is too long", () => {
    for (const odd of ["a b", "a~b", "a%b", 'a"b', "a\\b", "a$b", "a*b", "é", "a\nb"]) {
      expect(fastTokenFileName({ ...parts, caller: `profile:${odd}||` })).toBeUndefined();
    }
    expect(fastTokenFileName({ ...parts, cluster: "" })).toBeUndefined();
    const longRole = `arn:aws:iam::111122223333:role/${"p/".repeat(80)}r`;
    expect(fastTokenFileName({ ...parts, role: longRole })).toBeUndefined();
  });

  it("hold the header, the full key, the times, the token and an end line, and parse only when complete", () => {
    const key = tokenKey(parts);
    const text = formatTokenFile(key, record);
    expect(text).toBe(`eksgate-token 1\n${key}\n1700000000000\n1700000840000\n${record.token}\nend\n`);
    expect(parseTokenFile(text, key)).toEqual(record);
    expect(parseTokenFile(text, tokenKey({ ...parts, region: "eu-west-2" }))).toBeUndefined();
    for (let cut = 0; cut < text.length; cut++)
      expect(parseTokenFile(text.slice(0, cut), key)).toBeUndefined();
    expect(parseTokenFile(`${text}x`, key)).toBeUndefined();
    expect(parseTokenFile(text.replace("1700000840000", "01700000840000"), key)).toBeUndefined();
    expect(parseTokenFile(text.replace("1700000840000", "1e12"), key)).toBeUndefined();
    expect(parseTokenFile(text.replace(record.token, `${record.token}"`), key)).toBeUndefined();
    expect(parseTokenFile(text.replace("k8s-aws-v1.", "k8s-aws-v2."), key)).toBeUndefined();
    expect(parseTokenFile(text.replace("eksgate-token 1", "eksgate-token 2"), key)).toBeUndefined();
  });

  it("keys the file by the same JSON as the other entries: cluster, region, role, session, caller", () => {
    expect(tokenKey(parts)).toBe(
      '{"cluster":"prod","region":"eu-west-1","role":"arn:aws:iam::111122223333:role/teams/eksgate-payments","caller":"key:AKIAALICE"}',
    );
  });

  it("are written under the shell-readable name, 0600, and read back", () => {
    const cache = new CredentialCache(dir, fs, uid);
    expect(cache.readToken(parts)).toBeUndefined();
    expect(cache.writeToken(parts, record)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([fastTokenFileName(parts)]);
    expect(fs.statSync(onlyFile()).mode & 0o777).toBe(0o600);
    expect(cache.readToken(parts)).toEqual(record);
    expect(cache.readToken({ ...parts, session: "alice" })).toBeUndefined();
  });

  it("refuse a file linked or renamed from another key's", () => {
    const cache = new CredentialCache(dir, fs, uid);
    const other = { ...parts, cluster: "staging" };
    cache.writeToken(other, record);
    fs.renameSync(join(dir, fastTokenFileName(other) ?? ""), join(dir, fastTokenFileName(parts) ?? ""));
    expect(cache.readToken(parts)).toBeUndefined();
  });

  it("fall back to the hashed name for keys without a shell-readable one, and where the file system refuses it", () => {
    const odd = { ...parts, caller: "profile:my profile||" };
    const cache = new CredentialCache(dir, fs, uid);
    cache.writeToken(odd, record);
    expect(fs.readdirSync(dir)).toEqual([expect.stringMatching(/^token-[0-9a-f]{32}$/)]);
    expect(cache.readToken(odd)).toEqual(record);

    // A file system with short names (eCryptfs allows 143 bytes) refuses the long one.
    const shortNames: CacheFileSystem = {
      ...fs,
      openSync: (path, flags) => {
        if (path.includes("~")) throw Object.assign(new Error("name too long"), { code: "ENAMETOOLONG" });
        return fs.openSync(path, flags);
      },
      renameSync: (from, to) => {
        if (to.includes("~")) throw Object.assign(new Error("name too long"), { code: "ENAMETOOLONG" });
        fs.renameSync(from, to);
      },
    };
    const short = new CredentialCache(dir, shortNames, uid);
    expect(short.writeToken(parts, record)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes("~"))).toEqual([]);
    expect(short.readToken(parts)).toEqual(record);
  });

  it("ignore a token file of the earlier JSON format, which clear() still removes", () => {
    const cache = new CredentialCache(dir, fs, uid);
    cache.write("token", tokenKey(parts), { token: record.token, issuedAt: 1, expiresAt: 2 });
    expect(fs.readdirSync(dir)).toEqual([expect.stringMatching(/^token-[0-9a-f]{32}\.json$/)]);
    expect(cache.readToken(parts)).toBeUndefined();
    cache.writeToken(parts, record);
    expect(cache.clear()).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
