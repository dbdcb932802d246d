// With --json (or -o json), a command that cannot do what it was asked prints
// {"ok": false, "diagnostics": [...]} on stdout and nothing on stderr, so that a script reads
// every failure the same way; without it, the same diagnostic is rendered on stderr. In
// process, offline: the config checks of plan and the input checks of the audit commands.
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const SNAP = "test/fixtures/snapshot/org";
const ROLE = "arn:aws:iam::111111111111:role/dev";

interface Failure {
  readonly ok: boolean;
  readonly diagnostics: readonly { code: string; severity: string; path?: string; detail?: string }[];
}

async function json(...argv: string[]): Promise<Failure> {
  const term = recordingTerminal();
  const code = await runCli(argv, term);
  expect(code, term.stdout() + term.stderr()).toBe(1);
  expect(term.stderr()).toBe("");
  const parsed = JSON.parse(term.stdout()) as Failure;
  expect(parsed.ok).toBe(false);
  return parsed;
}

describe("failures as JSON", () => {
  it("plan --json: an unknown --team is EG140 at --team, with the known teams; a broken config its own codes", async () => {
    const scope = await json("plan", "-c", "examples/eksgate.yaml", "--team", "payment", "--json");
    expect(scope.diagnostics.map((d) => [d.code, d.path])).toEqual([["EG140", "--team"]]);
    expect(scope.diagnostics[0]?.detail).toMatch(/^Known teams: .*payments/);
    const missing = await json("plan", "-c", "no-such-config.yaml", "--json");
    expect(missing.diagnostics.map((d) => d.code)).toEqual(["EG100"]);
  });

  it("apply --json of a file that is not a plan: EG312", async () => {
    const r = await json("apply", "package.json", "--json");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["EG312"]);
  });

  it("who-can --json with a request that is not one: AUD003; -o json the same", async () => {
    for (const flag of [["--json"], ["-o", "json"]]) {
      const r = await json("who-can", "get", "pods//", "--snapshot", SNAP, ...flag);
      expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([["AUD003", "<verb> <resource>"]]);
    }
  });

  it("can-i and explain --json with a principal no caller can have: AUD001", async () => {
    const canI = await json(
      "can-i",
      "arn:aws:iam::111111111111:group/dev",
      "get",
      "pods",
      "--snapshot",
      SNAP,
      "--json",
    );
    expect(canI.diagnostics.map((d) => d.code)).toEqual(["AUD001"]);
    const explain = await json("explain", "not-an-arn", "--snapshot", SNAP, "--json");
    expect(explain.diagnostics.map((d) => d.code)).toEqual(["AUD001"]);
  });

  it("audit, doctor and migrate --json: a missing snapshot (SNAP100), an unknown cluster (AUD002), a bad --context (AUD010)", async () => {
    const audit = await json("audit", "--snapshot", "no-such-snapshot", "--json");
    expect(audit.diagnostics.map((d) => d.code)).toEqual(["SNAP100"]);
    const doctor = await json("doctor", "--snapshot", SNAP, "--cluster", "nope", "--json");
    expect(doctor.diagnostics.map((d) => [d.code, d.path])).toEqual([["AUD002", "--cluster"]]);
    const migrate = await json("migrate", "--cluster", "nope", "--snapshot", SNAP, "--json");
    expect(migrate.diagnostics.map((d) => d.code)).toEqual(["AUD002"]);
    const context = await json("explain", ROLE, "--snapshot", SNAP, "--context", "aws:SourceIp", "--json");
    expect(context.diagnostics.map((d) => d.code)).toEqual(["AUD010"]);
  });
});

describe("the same failures for people", () => {
  it("are rendered on stderr with code, place and hint; stdout stays empty", async () => {
    const term = recordingTerminal();
    expect(await runCli(["who-can", "get", "pods//", "--snapshot", SNAP], term)).toBe(1);
    expect(term.stdout()).toBe("");
    expect(term.stderr()).toMatch(/^error AUD003: .*\n {2}at <verb> <resource>\n {2}hint: Examples: /);
  });
});
