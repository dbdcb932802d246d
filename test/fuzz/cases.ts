/**
 * A fuzz case as data (files to lay out, argv, environment), and laying it out on disk in a
 * directory of its own. A case is a pure function of (seed, surface, index), so the same
 * case can be laid out again for a reproducer.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

export interface CaseFile {
  /** Relative to the case directory, `/`-separated. */
  readonly path: string;
  readonly kind?: "file" | "dir" | "fifo" | "symlink";
  readonly bytes?: Buffer;
  /** For symlinks: the target, absolute or relative to the link. */
  readonly target?: string;
  readonly mode?: number;
}

export interface FuzzCase {
  readonly surface: string;
  readonly index: number;
  /** How the input was made (mutation names), for the report. */
  readonly steps: readonly string[];
  readonly files: readonly CaseFile[];
  /** The eksgate arguments. Relative paths resolve in the case directory (the working directory). */
  readonly argv: readonly string[];
  /** Environment on top of the sandbox's; `$CASE` stands for the case directory. */
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: Buffer;
  /** Surface-specific data the checks need (what the case expects). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export function expandCase(value: string, dir: string): string {
  return value.split("$CASE").join(dir);
}

/** Writes the case's files under `dir` (which exists and is empty). */
export function layOut(c: FuzzCase, dir: string): void {
  mkdirSync(join(dir, "home"), { recursive: true });
  for (const f of c.files) {
    const full = join(dir, f.path);
    mkdirSync(dirname(full), { recursive: true });
    switch (f.kind ?? "file") {
      case "dir":
        mkdirSync(full, { recursive: true });
        break;
      case "fifo":
        execFileSync("mkfifo", [full]);
        break;
      case "symlink":
        symlinkSync(expandCase(f.target ?? "/dev/null", dir), full);
        break;
      case "file":
        writeFileSync(full, f.bytes ?? Buffer.alloc(0));
        break;
    }
    if (f.mode !== undefined && f.kind !== "symlink") chmodSync(full, f.mode);
  }
}

/** What is in a directory tree: path -> kind, mode and content hash. */
export type Tree = ReadonlyMap<string, string>;

export function readTree(root: string, skip: readonly string[] = []): Tree {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    const full = rel === "" ? root : join(root, rel);
    let names: string[];
    try {
      names = readdirSync(full);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const path = rel === "" ? name : `${rel}/${name}`;
      if (skip.some((s) => path === s || path.startsWith(`${s}/`))) continue;
      const st = lstatSync(join(root, path));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.set(path, `link ${readlinkSync(join(root, path))}`);
      else if (st.isDirectory()) {
        out.set(path, `dir ${mode}`);
        walk(path);
      } else if (st.isFile()) {
        const hash = createHash("sha256")
          .update(readFileSync(join(root, path)))
          .digest("hex")
          .slice(0, 16);
        out.set(path, `file ${mode} ${String(st.size)} ${hash}`);
      } else out.set(path, `special ${mode}`);
    }
  };
  walk("");
  return out;
}

/** Paths added, removed or changed between two trees. */
export function treeChanges(
  before: Tree,
  after: Tree,
): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...after.keys()].filter((p) => !before.has(p));
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p));
  return { added, removed, changed };
}

/** Temporary files a writer left behind. */
export function leftoverTemporaries(tree: Tree): string[] {
  return [...tree.keys()].filter(
    (p) => /(?:^|\/)\.?[^/]*(?:\.tmp-|\.eksgate-tmp|^\.tmp-)/.test(p) || /\/\.tmp-/.test(p),
  );
}
