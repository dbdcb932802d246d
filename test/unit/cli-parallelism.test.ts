// `--parallelism N` takes decimal digits only, from 1 to MAX_PARALLELISM: a value that
// Number() would turn into something else (hex, exponent, spaces, the empty string as 0)
// is a usage error (EG141) at the option, with a hint, before anything is read.
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { MAX_PARALLELISM, parseParallelism, runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const REFUSED = ["0", "-1", "1.5", "1e3", "0x10", " 3", "3 ", "", "+4", "١٢", String(MAX_PARALLELISM + 1)];

describe("--parallelism", () => {
  it.each(REFUSED)("refuses %j", (value) => {
    expect(() => parseParallelism(value)).toThrow(InvalidArgumentError);
    expect(() => parseParallelism(value)).toThrow(/whole number from 1 to 1000 in decimal digits/);
  });

  it.each([
    ["1", 1],
    ["10", 10],
    ["010", 10],
    [String(MAX_PARALLELISM), MAX_PARALLELISM],
  ])("takes %j as %d", (value, expected) => {
    expect(parseParallelism(value)).toBe(expected);
  });

  it.each([
    ["plan", "0x10"],
    ["apply", "1e3"],
    ["destroy", "0"],
    ["plan", ""],
  ])(
    "%s --parallelism %j is EG141 naming the option, with a hint, and reads nothing",
    async (command, value) => {
      const term = recordingTerminal();
      const code = await runCli([command, "-c", "/nonexistent/eksgate.yaml", "--parallelism", value], term);
      expect(code).toBe(1);
      const err = term.stderr();
      expect(err).toContain(`error EG141: option '--parallelism <n>' argument '${value}' is invalid`);
      expect(err).toContain("at command line: --parallelism <n>");
      expect(err).toContain("hint: --parallelism 10 is the default");
      // Refused while parsing the command line: the config file was never looked at.
      expect(err).not.toContain("EG100");
      expect(term.stdout()).toBe("");
    },
  );

  it("in the --opt=value form too", async () => {
    const term = recordingTerminal();
    expect(await runCli(["plan", "-c", "/nonexistent/eksgate.yaml", "--parallelism= 3"], term)).toBe(1);
    expect(term.stderr()).toContain("error EG141: option '--parallelism <n>' argument ' 3' is invalid");
  });
});
