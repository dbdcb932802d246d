/** Command-line parsing and dispatch. Each command's action returns its exit code. */
import { Command, CommanderError, Option } from "commander";
import { ExitCode, type Terminal } from "./terminal.js";
import { EKSGATE_VERSION } from "./version.js";
import { registerAuditCommands } from "./commands/audit-commands.js";

export async function runCli(argv: readonly string[], term: Terminal): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = buildProgram(term, setExit);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    throw error;
  }
  return exitCode;
}

function buildProgram(term: Terminal, setExit: (code: number) => void): Command {
  const program = new Command("eksgate")
    .description(
      "Give AWS IAM groups access to Amazon EKS clusters through Kubernetes RBAC, and prove who can do what.",
    )
    .version(EKSGATE_VERSION, "-V, --version", "print the eksgate version")
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => {
        term.out(s);
      },
      writeErr: (s) => {
        term.err(s);
      },
      outputError: (s, write) => {
        write(term.paint.red(s));
      },
    })
    .exitOverride()
    .addHelpText(
      "after",
      `
Start here:
  eksgate render -c eksgate.yaml          everything eksgate would create, offline
  eksgate lint aws-auth aws-auth.yaml     check a live aws-auth ConfigMap for traps

Exit codes: 0 success, 1 error (bad input or a failed operation), 2 changes pending
(plan --detailed-exitcode), 3 internal error (a bug: please report it).
Docs: README.md and docs/ in the eksgate package.`,
    );

  program
    .command("render")
    .description("show everything eksgate would create for a config, offline (no credentials, no network)")
    .option("-c, --config <file>", "the eksgate config file", "eksgate.yaml")
    .option("--cluster <name>", "only this cluster")
    .option("--team <name>", "only this team")
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["text", "yaml", "json"]).default("text"),
    )
    .option("--out <dir>", "also write every document as a file under this directory")
    .addHelpText(
      "after",
      `
Examples:
  eksgate render -c examples/eksgate.yaml
  eksgate render -c eksgate.yaml --team payments -o yaml
  eksgate render -c eksgate.yaml --out rendered/   # one file per IAM document and manifest`,
    )
    .action(async (options: RenderCliOptions) => {
      const { renderCommand } = await import("./commands/render.js");
      setExit(await renderCommand(options, term));
    });

  const lint = program.command("lint").description("check files for problems before they reach a cluster");
  lint
    .command("aws-auth")
    .description("check an aws-auth ConfigMap manifest the way the EKS authenticator reads it")
    .argument(
      "<file>",
      'the manifest, as printed by "kubectl get configmap aws-auth -n kube-system -o yaml"; - for stdin',
    )
    .option("--json", "print findings as JSON")
    .addHelpText(
      "after",
      `
Examples:
  kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml
  eksgate lint aws-auth aws-auth.yaml
  kubectl get configmap aws-auth -n kube-system -o yaml | eksgate lint aws-auth - --json

Exit code 1 when there are errors (the authenticator would drop or never match entries).`,
    )
    .action(async (file: string, options: { json?: boolean }) => {
      const { lintAwsAuthCommand } = await import("./commands/lint.js");
      setExit(await lintAwsAuthCommand(file, options, term));
    });

  registerAuditCommands(program, term, setExit);
  return program;
}

export interface RenderCliOptions {
  readonly config: string;
  readonly cluster?: string;
  readonly team?: string;
  readonly output: "text" | "yaml" | "json";
  readonly out?: string;
}
