// `eksgate lint aws-auth`: exit codes (--strict), and what it reads. Only regular files, at
// most 1 MiB (Kubernetes' limit for a ConfigMap); a FIFO or a symlink to /dev/zero is
// refused without reading, so the command cannot hang; standard input is bounded too.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const scratch = mkdtempSync(join(tmpdir(), "eksgate-lint-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
const CLEAN = readFileSync(new URL("../fixtures/aws-auth/clean.yaml", import.meta.url), "utf8");

async function run(...argv: string[]) {
  const term = recordingTerminal();
  const code = await runCli(argv, term);
  return { code, out: term.stdout(), err: term.stderr() };
}

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe("eksgate lint aws-auth", () => {
  it("exits 0 on warnings, 1 with --strict; an entry that never matches is a warning", async () => {
    const path = file(
      "short-account.yaml",
      CLEAN.replace("arn:aws:iam::111122223333:role/eksgate-rnd", "arn:aws:iam::12345:role/viewer"),
    );
    const plain = await run("lint", "aws-auth", path, "--json");
    expect(plain.code).toBe(0);
    const findings = (JSON.parse(plain.out) as { findings: { code: string; severity: string }[] }).findings;
    expect(findings.map((f) => [f.code, f.severity])).toEqual([["AA022", "warning"]]);
    expect((await run("lint", "aws-auth", path, "--strict")).code).toBe(1);
    expect((await run("lint", "aws-auth", file("clean.yaml", CLEAN), "--strict")).code).toBe(0);
  });

  it("refuses a FIFO, a symlink to /dev/zero and a directory without reading them (EG106, EG100)", async () => {
    const fifo = join(scratch, "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    const zero = join(scratch, "zero.yaml");
    symlinkSync("/dev/zero", zero);
    const dir = join(scratch, "dir.yaml");
    mkdirSync(dir);
    for (const [path, code, words] of [
      [fifo, "EG106", "FIFO"],
      [zero, "EG106", "character device"],
      [dir, "EG100", "directory"],
    ] as const) {
      const r = await run("lint", "aws-auth", path, "--json");
      expect(r.code, path).toBe(1);
      const [f] = (JSON.parse(r.out) as { findings: { code: string; summary: string }[] }).findings;
      expect([f?.code, f?.summary.includes(words)], path).toEqual([code, true]);
    }
  }, 60_000);

  it("refuses a file larger than 1 MiB (EG102)", async () => {
    const big = file("big.yaml", `${CLEAN}# ${"x".repeat(1024 * 1024)}\n`);
    const r = await run("lint", "aws-auth", big, "--json");
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual([
      "EG102",
    ]);
  });

  it("stops reading standard input after 1 MiB (EG102) even when it never ends", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "lint", "aws-auth", "-", "--json"],
      {
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stdin.on("error", () => undefined);
    const chunk = Buffer.alloc(64 * 1024, "a");
    let writing = true;
    const pump = (): void => {
      while (writing && child.stdin.write(chunk));
      if (writing) child.stdin.once("drain", pump);
    };
    pump();
    const code = await new Promise<number | null>((done) => child.on("close", done));
    writing = false;
    expect(code).toBe(1);
    expect((JSON.parse(out) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual([
      "EG102",
    ]);
  }, 120_000);
});
