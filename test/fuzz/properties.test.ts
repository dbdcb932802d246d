/**
 * The fuzzer's own parts: the properties catch what they name, cases are a pure function of
 * (seed, surface, index), and a saved reproducer runs the case again.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCase, saveReproducer } from "./engine.js";
import { checkDiagnostics, checkProcess, registeredCodes } from "./properties.js";
import { CLI_JS, runBuiltCli, sandboxEnv } from "./run-cli.js";
import { SURFACES } from "./surfaces/index.js";

const scratch = mkdtempSync(join(tmpdir(), "eksgate-fuzz-self-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("the properties", () => {
  it("pass a clean run and name each way a run can go wrong", () => {
    expect(
      checkProcess({ code: 1, stdout: "", stderr: "error EG104: YAML syntax error\n  at teams\n" }),
    ).toEqual([]);
    const kinds = (o: Parameters<typeof checkProcess>[0]) => checkProcess(o).map((v) => v.kind.split(":")[0]);
    expect(kinds({ code: 3, stdout: "", stderr: "eksgate: internal error: boom\n" })).toEqual(["exit-3"]);
    expect(kinds({ code: 1, stdout: "", stderr: "Error: x\n    at f (file:///a/b.js:1:2)\n" })).toEqual([
      "stack-trace",
    ]);
    expect(kinds({ code: undefined, stdout: "", stderr: "", signal: "SIGKILL", timedOut: true })).toEqual([
      "hang",
    ]);
    expect(
      kinds({ code: 0, stdout: "", stderr: "(node:12) Warning: Keys with collection values\n" }),
    ).toEqual(["runtime-warning"]);
    expect(kinds({ code: undefined, stdout: "", stderr: "", thrown: "TypeError: x" })).toEqual(["uncaught"]);
  });

  it("accept only registered codes with a location", () => {
    expect(registeredCodes().has("EG106")).toBe(true);
    const located = {
      code: "EG104",
      severity: "error",
      summary: "s",
      source: { file: "f", line: 1, column: 1 },
    };
    expect(
      checkDiagnostics([located, { code: "SNAP003", severity: "error", summary: "s", path: "iam" }], "t"),
    ).toEqual([]);
    const kinds = checkDiagnostics(
      [
        { code: "EG999", severity: "error", summary: "s", path: "x" },
        { code: "EG104", severity: "error", summary: "s" },
      ],
      "t",
    ).map((v) => v.kind);
    expect(kinds).toEqual(["unregistered-code", "no-location:EG104"]);
  });
});

describe("cases", () => {
  it("are the same for the same seed, surface and index, and vary with the index", () => {
    for (const surface of SURFACES) {
      const a = generateCase(7, surface.name, 3, "in-process");
      expect(generateCase(7, surface.name, 3, "in-process")).toEqual(a);
      const content = (i: number) =>
        JSON.stringify({ ...generateCase(7, surface.name, i, "in-process"), index: 0 });
      expect(new Set([3, 4, 5, 6].map(content)).size).toBeGreaterThan(1);
    }
  });

  it("saved as a reproducer, run again through the CLI with the same result", async () => {
    const c = { ...generateCase(1, "config", 0, "cli"), argv: ["render", "-c", "eksgate.yaml"] };
    const dir = saveReproducer(
      1,
      { ...c, files: [{ path: "eksgate.yaml", bytes: Buffer.from("teams: *nope\n") }] },
      "cli",
      [],
      scratch,
      {},
    );
    expect(readFileSync(join(dir, "repro.sh"), "utf8")).toContain(
      "FUZZ_SEED=1 FUZZ_ONLY=config:0:cli npm run fuzz",
    );
    expect(existsSync(CLI_JS)).toBe(true);
    const rerun = spawnSync("bash", [join(dir, "repro.sh")], { encoding: "utf8" });
    expect(rerun.stdout).toContain("exit code: 1");
    expect(rerun.stderr).toContain("EG106");
    const direct = await runBuiltCli(["render", "-c", "eksgate.yaml"], dir, sandboxEnv(dir), {
      timeoutMs: 120_000,
    });
    expect(direct.code).toBe(1);
  }, 120_000);
});

describe("the built CLI as a process", () => {
  it("ends quietly when its reader goes away (eksgate ... | head)", async () => {
    const dir = mkdtempSync(join(scratch, "pipe-"));
    for (const argv of [
      ["--help"],
      ["render", "-c", join(import.meta.dirname, "../../examples/eksgate.yaml")],
    ]) {
      const outcome = await runBuiltCli(argv, dir, sandboxEnv(dir), {
        timeoutMs: 120_000,
        closeStdout: true,
      });
      expect(checkProcess(outcome)).toEqual([]);
      expect(outcome.stderr).toBe("");
    }
  }, 240_000);
});
