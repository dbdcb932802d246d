/** Keeps a local copy of every ConfigMap before eksgate changes it. */
import { mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { BackupStore } from "../../ports/system.js";

/** `$XDG_STATE_HOME/eksgate/backups`, or `~/.local/state/eksgate/backups`. */
export function defaultBackupDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env["XDG_STATE_HOME"] ?? join(homedir(), ".local", "state");
  return join(state, "eksgate", "backups");
}

export function fileBackupStore(root: string, now: () => Date = () => new Date()): BackupStore {
  return {
    async saveConfigMap(cluster, name, manifest) {
      const dir = join(root, cluster.replace(/[^\w.-]/g, "_"));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const stamp = now().toISOString().replace(/[:.]/g, "-");
      let file = join(dir, `${name}-${stamp}.yaml`);
      for (let i = 1; ; i++) {
        try {
          await writeFile(file, manifest, { mode: 0o600, flag: "wx" });
          return file;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
          file = join(dir, `${name}-${stamp}-${i}.yaml`);
        }
      }
    },
  };
}
