/** The files of a snapshot directory, as `parseSnapshot` takes them (paths with `/`). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { SnapshotFile } from "../../src/core/snapshot/index.js";

export function snapshotDirFiles(dir: string): SnapshotFile[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => ({
      path: relative(dir, join(dir, f)).split(sep).join("/"),
      text: readFileSync(join(dir, f), "utf8"),
    }));
}
