/** Command-line parsing and dispatch. Each command's action returns its exit code. */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { KubeconfigOptions } from "./commands/kubeconfig.js";
import { ExitCode, type Terminal } from "./terminal.js";
import { EKSGATE_VERSION } from "./version.js";
import { registerAuditCommands } from "./commands/audit-commands.js";
import type { DoctorCliOptions } from "./commands/doctor.js";
import type { MigrateCliOptions } from "./commands/migrate.js";
import { didYouMean } from "../core/config/names.js";

export async function runCli(argv: readonly string[], term: Terminal): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = buildProgram(term, setExit);
  try {
    rejectUnknownCommand(program, argv);
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

/**
 * An argv must name commands that exist, whatever follows them. Left to commander,
 * `eksgate NO-SUCH --help` prints the top-level help and exits 0, and `--version` after an
 * unknown command prints the version: a typo would look like success. Walks the command
 * path the way commander does (a command's own options, with their values, may come before
 * its subcommand) and stops with "unknown command" and a suggestion at the first name that
 * is not a command. Throws the CommanderError that `error()` raises under exitOverride.
 */
function rejectUnknownCommand(program: Command, argv: readonly string[]): void {
  let command = program;
  let i = 0;
  while (command.commands.length > 0) {
    for (; i < argv.length; i++) {
      const arg = argv[i] ?? "";
      if (arg === "--") {
        i++;
        break;
      }
      if (!arg.startsWith("-") || arg === "-") break;
      const flag = arg.split("=")[0] ?? arg;
      const option = command.options.find((o) => o.short === flag || o.long === flag);
      if (option !== undefined && (option.required || option.optional) && !arg.includes("=")) i++;
    }
    const name = argv[i];
    if (name === undefined) return;
    const names = command.commands.map((c) => c.name());
    let sub = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (sub === undefined && name === "help") {
      // `help [command]`: the command it names must exist too.
      const topic = argv[i + 1];
      if (topic === undefined || topic.startsWith("-")) return;
      sub = command.commands.find((c) => c.name() === topic || c.aliases().includes(topic));
      if (sub !== undefined) return;
      i++;
    }
    if (sub === undefined) {
      const unknown = argv[i] ?? name;
      const suggestion = didYouMean(unknown, names);
      command.error(
        `error: unknown command '${unknown}'${suggestion !== undefined ? `\n(Did you mean ${suggestion}?)` : ""}`,
        { exitCode: ExitCode.error, code: "commander.unknownCommand" },
      );
      return;
    }
    command = sub;
    i++;
  }
}

/** Commander's `error: ...` message as an EG141 diagnostic located at the argument at fault. */
function usageDiagnostic(message: string): string {
  const [first = "", ...rest] = message.split("\n");
  const text = first.replace(/^error: /, "");
  const at = /'([^']*)'/.exec(text)?.[1];
  return [`error EG141: ${text}`, ...(at !== undefined ? [`  at command line: ${at}`] : []), ...rest].join(
    "\n",
  );
}

/** The command tree (exported for tests that walk every command and option). */
export function buildProgram(term: Terminal, setExit: (code: number) => void): Command {
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
      // Usage errors (unknown command or option, a missing value) as a diagnostic: a code
      // (EG141) and where on the command line, then commander's hint.
      outputError: (s, write) => {
        write(term.paint.red(usageDiagnostic(s)));
      },
    })
    .exitOverride()
    .addHelpText(
      "after",
      `
Start here:
  eksgate render -c eksgate.yaml          everything eksgate would create, offline
  eksgate plan -c eksgate.yaml            what would change in AWS and the clusters
  eksgate apply -c eksgate.yaml           make it so (asks first)
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

  const common = (command: Command): Command =>
    command
      .option("-c, --config <file>", "the eksgate config file", "eksgate.yaml")
      .option("--cluster <name>", "only this cluster")
      .option("--team <name>", "only this team")
      .option("--profile <name>", "AWS profile (default: the standard credential chain)")
      .option(
        "--kubeconfig <file>",
        "kubeconfig to find each cluster's context in (default: KUBECONFIG or ~/.kube/config)",
      )
      .option(
        "--parallelism <n>",
        "at most this many reads and steps in flight at once, 1 to 1000 (default 10; 1: one after another)",
        parseParallelism,
      )
      .option("--json", "machine-readable output on stdout (progress is not printed)");

  common(program.command("plan"))
    .description("read AWS and the clusters, and show every change apply would make (nothing is written)")
    .option("--detailed-exitcode", "exit 2 when there are changes, 0 when there are none")
    .option("--out <file>", "save the plan as JSON, to apply exactly it later")
    .addHelpText(
      "after",
      `
Each change is grouped under IAM, cluster authentication or RBAC, marked + create,
~ update, - delete or -/+ replace, with the reason for it. Contexts: eksgate looks in the
kubeconfig for a context named after the cluster ARN (as aws eks update-kubeconfig writes
it) or pointing at the cluster's endpoint.

Examples:
  eksgate plan -c eksgate.yaml
  eksgate plan -c eksgate.yaml --cluster prod --out plan.json
  eksgate plan -c eksgate.yaml --detailed-exitcode --json   # in CI: exit 2 means drift`,
    )
    .action(async (options: PlanCliOptions) => {
      const { planCommand } = await import("./commands/plan.js");
      setExit(await planCommand(options, term));
    });

  common(program.command("apply"))
    .description("make AWS and the clusters match the config (or apply a saved plan)")
    .argument("[plan]", "a plan saved with eksgate plan --out; refused if anything changed since")
    .option("--auto-approve", "do not ask for confirmation")
    .option("--backup-dir <dir>", "where the previous aws-auth is saved before each write")
    .addHelpText(
      "after",
      `
apply shows the plan, asks for confirmation on a terminal (type yes), then runs the
steps with progress: up to --parallelism at once, each after the steps it depends on (a
role before its policies, a mapping before the bindings on its group). At the first
failure nothing new starts, the steps already running finish, and the report says which
ran; running it again continues from what is already done. A second apply after success
changes nothing.

Examples:
  eksgate apply -c eksgate.yaml
  eksgate plan -c eksgate.yaml --out plan.json && eksgate apply plan.json
  eksgate apply -c eksgate.yaml --auto-approve --json       # unattended`,
    )
    .action(async (planFile: string | undefined, options: ApplyCliOptions) => {
      const { applyCommand } = await import("./commands/plan.js");
      setExit(await applyCommand(planFile, options, term));
    });

  common(program.command("destroy"))
    .description("remove what eksgate created for the config's teams (or one --team), after showing the plan")
    .option("--auto-approve", "do not ask for confirmation")
    .option("--backup-dir <dir>", "where the previous aws-auth is saved before each write")
    .addHelpText(
      "after",
      `
Only objects eksgate created are removed: its tagged IAM roles and their inline policies,
its group policies, its aws-auth entries and access entries, and RBAC objects labelled
app.kubernetes.io/managed-by=eksgate. IAM groups and everything else stay.

Examples:
  eksgate destroy -c eksgate.yaml --team payments
  eksgate destroy -c eksgate.yaml --auto-approve`,
    )
    .action(async (options: ApplyCliOptions) => {
      const { destroyCommand } = await import("./commands/plan.js");
      setExit(await destroyCommand(options, term));
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
    .option("--strict", "exit 1 on warnings too (entries the authenticator keeps but that never match)")
    .addHelpText(
      "after",
      `
Examples:
  kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml
  eksgate lint aws-auth aws-auth.yaml
  kubectl get configmap aws-auth -n kube-system -o yaml | eksgate lint aws-auth - --json

Exit code 1 when there are errors (the authenticator drops a key or an entry, or the API
server rejects the ConfigMap); with --strict also on warnings (an entry the authenticator
keeps but that never matches, such as an ARN with a 5-digit account). Reads at most 1 MiB.`,
    )
    .action(async (file: string, options: { json?: boolean; strict?: boolean }) => {
      const { lintAwsAuthCommand } = await import("./commands/lint.js");
      setExit(await lintAwsAuthCommand(file, options, term));
    });

  program
    .command("kubeconfig")
    .description("add a team's cluster, user and context to your kubeconfig (credentials from eksgate token)")
    .option("-c, --config <file>", "the eksgate config file (default: eksgate.yaml)")
    .option("--cluster <name>", "the config's cluster (optional when it has only one)")
    .option("--team <name>", "your team (optional when only one team has access to the cluster)")
    .option("--cluster-name <name>", "without a config: the EKS cluster name")
    .option("--region <region>", "without a config: the cluster's region")
    .option("--role-arn <arn>", "without a config: the team role to assume")
    .option("--group <name>", "IAM group named in access-denied messages (default: the team's)")
    .addOption(
      new Option("--exec <form>", "credential command in the kubeconfig")
        .choices(["eksgate", "aws"])
        .default("eksgate"),
    )
    .option("--profile-name <name>", "--exec aws: the AWS config profile to use (default: eksgate-<team>)")
    .option("--write-aws-profile", "--exec aws: add that profile to the AWS config file if it is missing")
    .option(
      "--source-profile <name>",
      "--exec aws: profile with your own credentials (default: AWS_PROFILE or default)",
    )
    .option("--session-name <name>", "--exec aws: role session name (default: your IAM user name)")
    .option("--set-context", "make the context the current one")
    .option("--alias <name>", "name of the context and user (default: the cluster ARN)")
    .option(
      "--kubeconfig <file>",
      "kubeconfig to change (default: first file in KUBECONFIG, or ~/.kube/config)",
    )
    .option("--profile <name>", "AWS profile for DescribeCluster (default: the standard credential chain)")
    .option("--dry-run", "show what would change, write nothing")
    .option("--json", "print what was (or would be) written as JSON")
    .addHelpText(
      "after",
      `
The cluster's endpoint and CA come from eks:DescribeCluster. Only eksgate's cluster, user
and context (named after the cluster ARN, as aws eks update-kubeconfig names them) are
added or replaced; every other entry and field stays. The file is replaced atomically and
left readable by you only (0600).

The user runs eksgate-token (eksgate token, with cache hits served without starting Node;
on Windows eksgate token itself). --exec aws writes "aws eks get-token ... --profile P"
instead. The aws
CLI only picks a role session name through a profile with role_arn, source_profile and
role_session_name; eksgate shows that profile and adds it to AWS_CONFIG_FILE (or
~/.aws/config) with --write-aws-profile. An existing profile is never changed.

Examples:
  eksgate kubeconfig -c eksgate.yaml --cluster prod --team payments
  eksgate kubeconfig -c eksgate.yaml --cluster prod --team payments --dry-run
  eksgate kubeconfig --cluster-name prod --region eu-west-1 \\
      --role-arn arn:aws:iam::111122223333:role/eksgate-payments --set-context
  eksgate kubeconfig -c eksgate.yaml --team payments --exec aws --write-aws-profile
  KUBECONFIG=~/.kube/prod eksgate kubeconfig -c eksgate.yaml --team payments --json`,
    )
    .action(async (options: KubeconfigOptions) => {
      const { kubeconfigCommand } = await import("./commands/kubeconfig.js");
      setExit(await kubeconfigCommand(options, term));
    });

  program
    .command("migrate")
    .description(
      "plan the move of a cluster from aws-auth to access entries, with a proof that nobody's access changes",
    )
    .requiredOption("--cluster <name>", "the cluster to migrate")
    .option("--to <mode>", "API_AND_CONFIG_MAP (aws-auth still read) or API", "API_AND_CONFIG_MAP")
    .option("--out <file>", "write the plan (JSON) to this file")
    .option("--json", "print the plan as JSON")
    .option("--accept-loss <code...>", "accept what these codes lose (EG401-EG414; see the plan)")
    .option("--apply <plan>", "carry out a plan written with --out (asks first; a rerun continues)")
    .option("--auto-approve", "with --apply: do not ask for confirmation")
    .option("--backup-dir <dir>", "with --apply: where the previous aws-auth is saved before it changes")
    .option("--snapshot <dir>", "read this snapshot directory instead of collecting live")
    .option("-c, --config <file>", "live: the eksgate config that lists the clusters and their regions")
    .option("--region <region>", "live: the AWS region of the cluster (default AWS_REGION)")
    .option("--profile <name>", "live: the AWS profile to use")
    .option("--kube-context <name>", "live: the kubeconfig context (default: the cluster ARN)")
    .option("--kubeconfig <file>", "live: the kubeconfig file (default KUBECONFIG or ~/.kube/config)")
    .addHelpText(
      "after",
      `
Examples:
  eksgate migrate --cluster prod --region eu-west-1
  eksgate migrate --cluster prod --to API --out prod-migration.json
  eksgate migrate --cluster prod --to API --accept-loss EG401 --snapshot snap/
  eksgate migrate --cluster prod --apply prod-migration.json --accept-loss EG401

Every aws-auth entry is converted (nodes, Fargate, system:masters, every group, usernames,
role paths from IAM) or listed with a code and what to do. The proof evaluates every mapped
principal's access before and after; any difference (EG414) and any blocking entry refuse
the switch until --accept-loss names its code: exit 1 (EG419) while the switch is refused,
the plan printed and written all the same. Planning reads only.

--apply carries out a saved plan in an order that locks nobody out: the switch to
API_AND_CONFIG_MAP, the access entries, a SubjectAccessReview per principal through the
cluster, only then one write that removes the converted entries from aws-auth, and with
--to API the switch and the deletion of the ConfigMap. A failure leaves everyone with the
access they had; running the same command again continues. See docs/migrate.md.`,
    )
    .action(async (options: MigrateCliOptions) => {
      const { migrateCommand } = await import("./commands/migrate.js");
      setExit(await migrateCommand(options, term));
    });

  program
    .command("doctor")
    .description(
      "find stale access entries, shadowed or disagreeing mappings and missing principals, each with a fix",
    )
    .option("--cluster <name>", "only this cluster")
    .option("--json", "print JSON")
    .option("--snapshot <dir>", "read this snapshot directory instead of collecting live")
    .option("-c, --config <file>", "live: the eksgate config that lists the clusters and their regions")
    .option("--region <region>", "live: the AWS region of the clusters (default AWS_REGION)")
    .option("--profile <name>", "live: the AWS profile to use")
    .option("--kube-context <name>", "live: the kubeconfig context (one cluster only)")
    .option("--kubeconfig <file>", "live: the kubeconfig file (default KUBECONFIG or ~/.kube/config)")
    .addHelpText(
      "after",
      `
Examples:
  eksgate doctor --cluster prod --region eu-west-1
  eksgate doctor --snapshot snap/ --json

Codes EG430-EG434 (docs/migrate.md). Exit 1 when a finding is an error (a stale entry).`,
    )
    .action(async (options: DoctorCliOptions) => {
      const { doctorCommand } = await import("./commands/doctor.js");
      setExit(await doctorCommand(options, term));
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

/** The most reads and steps `--parallelism` lets run at once. */
export const MAX_PARALLELISM = 1000;

/**
 * `--parallelism N`: decimal digits only, from 1 to MAX_PARALLELISM. `Number()` alone
 * would take `0x10`, `1e3`, ` 3` and the empty string (as 0), so the text is checked first.
 * The error becomes EG141 at the option, with the hint on its second line.
 */
export function parseParallelism(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PARALLELISM))
    throw new InvalidArgumentError(
      `Give a whole number from 1 to ${MAX_PARALLELISM} in decimal digits.\n` +
        `  hint: --parallelism 10 is the default; --parallelism 1 runs one read or step at a time.`,
    );
  return n;
}

interface CommonCliOptions {
  readonly config: string;
  readonly parallelism?: number;
  readonly cluster?: string;
  readonly team?: string;
  readonly profile?: string;
  readonly kubeconfig?: string;
  readonly json?: boolean;
}

export interface PlanCliOptions extends CommonCliOptions {
  readonly detailedExitcode?: boolean;
  readonly out?: string;
}

export interface ApplyCliOptions extends CommonCliOptions {
  readonly autoApprove?: boolean;
  readonly backupDir?: string;
}
