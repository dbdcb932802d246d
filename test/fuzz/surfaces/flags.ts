/**
 * Command lines: random argv over every command, built from the program's own definition
 * (commands, subcommands, options, choices, arguments) and then broken: unknown commands
 * and subcommands (typos and junk, with --help after them), option typos, missing and odd
 * values, repeated options, `--opt=value`, `--`, help and version flags anywhere. Live
 * commands run against closed local endpoints; everything they may write lands in the
 * case directory.
 */
import type { Command, Option } from "commander";
import { buildProgram } from "../../../src/cli/program.js";
import { recordingTerminal } from "../../support/terminal.js";
import type { CaseFile, FuzzCase } from "../cases.js";
import { checkProcess, type Violation } from "../properties.js";
import type { Rng } from "../rng.js";
import { repoFile, repoTree, violation, type Mode, type Surface } from "../surface.js";

interface CommandShape {
  readonly path: readonly string[];
  readonly options: readonly Option[];
  readonly args: readonly { readonly name: string; readonly required: boolean }[];
  readonly subcommands: readonly string[];
}

function shapes(): CommandShape[] {
  const out: CommandShape[] = [];
  const walk = (command: Command, path: string[]): void => {
    for (const sub of command.commands) {
      const p = [...path, sub.name()];
      out.push({
        path: p,
        options: sub.options,
        args: sub.registeredArguments.map((a) => ({ name: a.name(), required: a.required })),
        subcommands: sub.commands.map((c) => c.name()),
      });
      walk(sub, p);
    }
  };
  walk(
    buildProgram(recordingTerminal(), () => undefined),
    [],
  );
  return out;
}

const COMMANDS = shapes();
const TOP = COMMANDS.filter((c) => c.path.length === 1).map((c) => c.path[0] ?? "");

const FILES: CaseFile[] = [
  { path: "eksgate.yaml", bytes: Buffer.from(repoFile("examples/eksgate.yaml")) },
  { path: "aws-auth.yaml", bytes: Buffer.from(repoFile("test/fixtures/aws-auth/messy.yaml")) },
  { path: "kube/config", bytes: Buffer.from(repoFile("test/fuzz/seeds/kubeconfig-multi.yaml")), mode: 0o600 },
  { path: "scps.json", bytes: Buffer.from('[{"AccountId":"111122223333","Levels":[]}]') },
  { path: "plan.json", bytes: Buffer.from('{"format": 1, "steps": [}') },
  { path: "a-directory", kind: "dir" },
  // No FIFO here: the config, manifest and plan-file reader (adapters/fs/config-file.ts)
  // still blocks on one, a known defect fixed with its other non-regular-file cases, and
  // argument mutations can move any path to any option. The kubeconfig, snapshot and token
  // surfaces put FIFOs where their readers look.
  ...repoTree("test/fixtures/snapshot/org").map(([p, text]): CaseFile => ({
    path: `snap/${p}`,
    bytes: Buffer.from(text),
  })),
];

const ODD = [
  "",
  " ",
  "-",
  "--",
  "-1",
  "0",
  "x".repeat(5_000),
  "ünïcødé",
  "\u202e",
  "a\nb",
  "../../../../etc/passwd",
  "/dev/null",
  "a-directory",
  "no-such-file",
  "$HOME",
  "%s%n",
  "--help",
  "-h",
  "NaN",
  "*",
];

const VALUES: Readonly<Record<string, readonly string[]>> = {
  config: ["eksgate.yaml", "no-such.yaml", "a-directory", "aws-auth.yaml", "/dev/null"],
  snapshot: ["snap", "no-such-snap", "eksgate.yaml", "snap/iam"],
  kubeconfig: ["kube/config", "no-such-kubeconfig", "a-directory", "eksgate.yaml"],
  out: ["out", "out/deeper", "eksgate.yaml", "a-directory", "/dev/null/x"],
  html: ["report.html", "a-directory", "no-such-dir/r.html"],
  scps: ["scps.json", "plan.json", "no-such.json"],
  backupDir: ["backups", "eksgate.yaml"],
  cluster: ["prod", "staging", "dev.my-eks-cluster", "nosuch"],
  team: ["payments", "rnd", "nosuch"],
  region: ["us-east-1", "eu-west-1", "mars-1", ""],
  profile: ["default", "nosuch"],
  context: ["kind-local", "nosuch"],
  namespace: ["payments", "kube-system", ""],
  roleArn: ["arn:aws:iam::123456789012:role/eksgate-fuzz", "arn:aws:iam::12345:role/x", "not-an-arn"],
  clusterName: ["fuzz", "nosuch", ""],
  sessionName: ["fuzzer", "a", "x".repeat(70)],
  alias: ["fuzz", ""],
  name: ["aws-credentials", ""],
  subresource: ["log", "scale", ""],
  group: ["devs"],
  profileName: ["eksgate-fuzz"],
  sourceProfile: ["me"],
};

const ARG_VALUES: Readonly<Record<string, readonly string[]>> = {
  "principal-arn": [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/eksgate-payments",
    "arn:aws:iam::111122223333:group/payments",
    "nope",
  ],
  verb: ["get", "delete", "*", "impersonate"],
  resource: ["pods", "pods/log", "/healthz", "secrets"],
  file: ["aws-auth.yaml", "-", "eksgate.yaml", "no-such.yaml", "a-directory"],
  plan: ["plan.json", "no-such-plan.json", "eksgate.yaml"],
};

function optionKey(option: Option): string {
  return option.attributeName();
}

function valueFor(rng: Rng, option: Option): string {
  if (option.argChoices !== undefined && rng.chance(0.8)) return rng.pick(option.argChoices);
  const known = VALUES[optionKey(option)];
  if (known !== undefined && rng.chance(0.85)) return rng.pick(known);
  return rng.pick(ODD);
}

function typo(rng: Rng, word: string): string {
  if (word.length < 2) return `${word}x`;
  const i = rng.int(0, word.length - 1);
  return rng.pick([
    word.slice(0, i) + word.slice(i + 1),
    `${word.slice(0, i)}${word.charAt(i)}${word.slice(i)}`,
    word.toUpperCase(),
    `${word}s`,
  ]);
}

function wellFormed(rng: Rng, shape: CommandShape): string[] {
  const argv = [...shape.path];
  for (const arg of shape.args) {
    if (!arg.required && rng.chance(0.5)) continue;
    argv.push(rng.pick(ARG_VALUES[arg.name] ?? ODD));
  }
  const options = shape.options.filter(() => rng.chance(0.35));
  for (const option of options) {
    const flag =
      option.long !== undefined && (option.short === undefined || rng.chance(0.7))
        ? option.long
        : (option.short ?? option.flags);
    if (option.required || option.optional) {
      if (option.long !== undefined && flag === option.long && rng.chance(0.15))
        argv.push(`${flag}=${valueFor(rng, option)}`);
      else argv.push(flag, valueFor(rng, option));
    } else argv.push(flag);
  }
  return argv;
}

type Breakage =
  | "none"
  | "unknown-command"
  | "unknown-subcommand"
  | "option-typo"
  | "drop"
  | "duplicate"
  | "help"
  | "version"
  | "odd-token"
  | "missing-value"
  | "separator"
  | "shuffle";

function generate(rng: Rng, index: number, mode: Mode): FuzzCase {
  const shape = rng.pick(COMMANDS);
  let argv = wellFormed(rng, shape);
  const breakage = rng.weighted<Breakage>([
    [6, "none"],
    [3, "unknown-command"],
    [2, "unknown-subcommand"],
    [3, "option-typo"],
    [2, "drop"],
    [2, "duplicate"],
    [3, "help"],
    [1, "version"],
    [3, "odd-token"],
    [2, "missing-value"],
    [1, "separator"],
    [1, "shuffle"],
  ]);
  let unknownCommand: string | undefined;
  switch (breakage) {
    case "none":
      break;
    case "unknown-command": {
      const word = rng.chance(0.6)
        ? typo(rng, rng.pick(TOP))
        : rng.pick(["NO-SUCH-COMMAND", "x", "renderr", "help-me", "ünï", "tokens", "Lint"]);
      if (!TOP.includes(word) && word !== "help") {
        argv = [
          word,
          ...argv.slice(shape.path.length),
          ...(rng.chance(0.6) ? [rng.pick(["--help", "-h", "--version", "-V", "--json"])] : []),
        ];
        unknownCommand = word;
      }
      break;
    }
    case "unknown-subcommand": {
      const word = rng.pick(["aws-aut", "configmap", "NO-SUCH", "aws-auth2"]);
      argv = ["lint", word, ...(rng.chance(0.6) ? [rng.pick(["--help", "-h", "aws-auth.yaml"])] : [])];
      unknownCommand = word;
      break;
    }
    case "option-typo": {
      const option = shape.options.length > 0 ? rng.pick(shape.options) : undefined;
      argv.push(option?.long !== undefined ? `--${typo(rng, option.long.slice(2))}` : "--bogus");
      break;
    }
    case "drop":
      if (argv.length > shape.path.length) argv.splice(rng.int(shape.path.length, argv.length - 1), 1);
      break;
    case "duplicate": {
      const i = rng.int(0, argv.length - 1);
      argv.splice(i, 0, ...argv.slice(i, i + 2));
      break;
    }
    case "help":
      argv.splice(rng.int(0, argv.length), 0, rng.pick(["--help", "-h", "help"]));
      break;
    case "version":
      argv.splice(rng.int(0, argv.length), 0, rng.pick(["--version", "-V"]));
      break;
    case "odd-token":
      argv.splice(rng.int(shape.path.length, argv.length), 0, rng.pick(ODD));
      break;
    case "missing-value": {
      const valued = shape.options.filter((o) => o.required || o.optional);
      if (valued.length > 0) argv.push(rng.pick(valued).long ?? "-c");
      break;
    }
    case "separator":
      argv.splice(rng.int(0, argv.length), 0, "--");
      break;
    case "shuffle":
      for (let i = argv.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        const t = argv[i] ?? "";
        argv[i] = argv[j] ?? "";
        argv[j] = t;
      }
      break;
  }
  const stdin = argv.includes("-") ? Buffer.from(repoFile("test/fixtures/aws-auth/clean.yaml")) : undefined;
  return {
    surface: "flags",
    index,
    steps: [`${shape.path.join(" ")}: ${breakage}`],
    files: FILES,
    argv,
    ...(mode === "cli" && stdin !== undefined ? { stdin } : {}),
    meta: {
      ...(unknownCommand !== undefined ? { unknownCommand } : {}),
      closeStdout: mode === "cli" && rng.chance(0.1),
    },
  };
}

async function check(c: FuzzCase, dir: string, ctx: Parameters<Surface["check"]>[2]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const closeStdout = c.meta?.["closeStdout"] === true;
  const outcome = await ctx.run(c, dir, { closeStdout });
  violations.push(...checkProcess(outcome));
  const unknown = c.meta?.["unknownCommand"];
  if (typeof unknown === "string") {
    if (outcome.code !== 1)
      violations.push(
        violation(
          "unknown-command-accepted",
          `unknown command ${JSON.stringify(unknown)} exited ${String(outcome.code)}`,
        ),
      );
    // With --json on the command line the EG141 diagnostic is JSON on stdout.
    else if (!/unknown command/i.test(outcome.stderr + outcome.stdout))
      violations.push(
        violation(
          "unknown-command-unexplained",
          `unknown command ${JSON.stringify(unknown)}: neither stderr nor stdout says so: ${(outcome.stderr + outcome.stdout).slice(0, 300)}`,
        ),
      );
  }
  return violations;
}

export const flagsSurface: Surface = { name: "flags", generate, check };
