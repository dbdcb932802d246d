// Every file input shares one reader (src/adapters/fs/read-input.ts): the config (-c), the
// aws-auth manifest, kubeconfig and AWS config files, snapshot files. A FIFO or a device
// (directly or through a symlink) is refused before it is read, a file beyond the limit is
// refused, and the commands turn that into a diagnostic, never a hang or a stack trace.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readOptionalText } from "../../src/adapters/fs/kubeconfig-file.js";
import { readRegularFile, readRegularFileSync } from "../../src/adapters/fs/read-input.js";
import { readSnapshotDir } from "../../src/adapters/fs/snapshot-dir.js";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const scratch = mkdtempSync(join(tmpdir(), "eksgate-read-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
const fifo = join(scratch, "fifo");
execFileSync("mkfifo", [fifo]);
const zero = join(scratch, "zero");
symlinkSync("/dev/zero", zero);
const small = join(scratch, "small.txt");
writeFileSync(small, "hello\n");

describe("the shared input reader", () => {
  it("reads a regular file and refuses what is not one, sync and async alike", async () => {
    for (const read of [
      readRegularFile,
      async (p: string, l: number) => Promise.resolve(readRegularFileSync(p, l)),
    ]) {
      const ok = await read(small, 100);
      expect(ok.ok && new TextDecoder().decode(ok.bytes)).toBe("hello\n");
      expect(await read(fifo, 100)).toMatchObject({ ok: false, reason: "not-regular" });
      expect(await read(zero, 100)).toMatchObject({
        ok: false,
        reason: "not-regular",
        type: "a character device",
      });
      expect(await read(scratch, 100)).toMatchObject({ ok: false, reason: "directory" });
      expect(await read(join(scratch, "missing"), 100)).toMatchObject({ ok: false, reason: "missing" });
      expect(await read(small, 5)).toMatchObject({ ok: false, reason: "too-large", limit: 5 });
    }
  }, 60_000);

  it("render -c refuses a FIFO config with EG106 (exit 1)", async () => {
    const term = recordingTerminal();
    const code = await runCli(["render", "-c", fifo], term);
    expect(code).toBe(1);
    expect(`${term.stdout()}${term.stderr()}`).toContain("EG106");
  }, 60_000);

  it("a kubeconfig that is a symlink to /dev/zero is refused; a missing one is empty", async () => {
    const refused = await readOptionalText(zero, "kubeconfig");
    expect(refused.ok ? "read" : refused.diagnostics.map((d) => d.code)).toEqual(["EG106"]);
    expect(await readOptionalText(join(scratch, "none"), "kubeconfig")).toMatchObject({
      ok: true,
      value: undefined,
    });
  });

  it("a snapshot file that is a FIFO is refused (SNAP101), not waited on", async () => {
    const dir = join(scratch, "snapshot");
    mkdirSync(dir);
    writeFileSync(join(dir, "account.json"), readFileSync(small));
    execFileSync("mkfifo", [join(dir, "iam.json")]);
    const r = await readSnapshotDir(dir);
    expect(r.ok ? "read" : r.diagnostics.map((d) => [d.code, d.summary.includes("FIFO")])).toEqual([
      ["SNAP101", true],
    ]);
  }, 60_000);
});
