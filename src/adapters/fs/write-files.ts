/** Writes a set of files under a directory, each atomically (temp file + rename). */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export async function writeFilesAtomically(
  root: string,
  files: readonly { readonly path: string; readonly content: string }[],
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}`;
    await writeFile(temp, file.content, { mode: 0o644 });
    await rename(temp, target);
    written.push(target);
  }
  return written;
}
