/**
 * Unknown commands and options through the real built CLI (dist/cli.js, a process of its
 * own): an error (exit 1) with a diagnostic code and a "did you mean" hint when one is
 * close, whatever flags follow, at the top level and inside a command group.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI_JS } from "./run-cli.js";
import { REPO } from "./surface.js";

beforeAll(() => {
  if (existsSync(CLI_JS)) return;
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: REPO, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
}, 300_000);

function eksgate(...argv: string[]): { code: number | null; out: string; err: string } {
  // CI=true as on a CI machine: output to a pipe has no colour there either.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  delete env["FORCE_COLOR"];
  delete env["NO_COLOR"];
  const r = spawnSync(process.execPath, [CLI_JS, ...argv], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 120_000,
    env,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("the built CLI refuses what it does not know", () => {
  it.each([
    [["NO-SUCH-COMMAND", "--help"], undefined],
    [["NO-SUCH-COMMAND", "--version"], undefined],
    [["rendr", "--help"], "render"],
    [["lint", "nosuch"], undefined],
    [["lint", "aws-aut", "--help"], "aws-auth"],
    [["help", "nosuch"], undefined],
  ])(
    "%j: exit 1, unknown command",
    (argv, suggestion) => {
      const r = eksgate(...argv);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toContain("unknown command");
      expect(r.err).toContain("error EG141: unknown command");
      expect(r.err).toContain(
        `at command line: ${argv.at(argv[0] === "help" || argv[0] === "lint" ? 1 : 0) ?? ""}`,
      );
      if (suggestion !== undefined) expect(r.err).toContain(`Did you mean ${suggestion}?`);
      expect(r.err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    },
    120_000,
  );

  it("an unknown option: exit 1 with a hint", () => {
    const r = eksgate("render", "--confg", "x.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain("error EG141: unknown option '--confg'");
    expect(r.err).toContain("at command line: --confg");
    expect(r.err).toContain("Did you mean --config?");
  }, 120_000);

  it("help for commands that exist still exits 0", () => {
    for (const argv of [["--help"], ["help", "render"], ["lint", "aws-auth", "--help"]]) {
      const r = eksgate(...argv);
      expect([argv, r.code]).toEqual([argv, 0]);
      expect(r.out).toContain("Usage: eksgate");
    }
  }, 120_000);
});
