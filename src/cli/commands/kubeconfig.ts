/**
 * `eksgate kubeconfig`: writes the cluster, user and context a team member needs into the
 * kubeconfig, with the endpoint and CA read from EKS DescribeCluster. The user's credentials
 * come from `eksgate-token` (default; `eksgate token` on Windows) or from `aws eks get-token`
 * through an AWS config profile that assumes the team role under the member's own session
 * name (`--exec aws`).
 */
import { loadConfigFile } from "../../adapters/fs/config-file.js";
import { kubeconfigPath, readOptionalText, writeFileAtomically } from "../../adapters/fs/kubeconfig-file.js";
import { outputWriteError } from "../../adapters/fs/write-files.js";
import { awsConfigPath, readAwsConfig, writeAwsConfig } from "../../adapters/fs/aws-config-file.js";
import type { Diagnostic, DiagnosticCode, SourcePosition } from "../../core/diagnostics.js";
import type { AccessConfig, Cluster } from "../../core/model/access-config.js";
import {
  awsCliProfile,
  formatAwsConfigProfile,
  teamProfileName,
  validateAwsCliProfile,
  type AwsCliProfile,
} from "../../core/model/kubeconfig-entry.js";
import { planAwsConfigProfile, type ProfilePlan } from "../../core/kubeconfig/aws-config.js";
import { teamKubeconfigEntries, type ExecForm, type TeamIdentity } from "../../core/kubeconfig/entries.js";
import {
  formatKubeconfig,
  mergeKubeconfig,
  parseKubeconfigText,
  type EntryChange,
  type KubeconfigEntries,
} from "../../core/kubeconfig/merge.js";
import { isPortError } from "../../ports/errors.js";
import type { CallerCredentials, ClusterAccessPort } from "../../ports/cluster-access.js";
import type { ObservedCluster } from "../../ports/eks.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { outputWriteDiagnostic, renderDiagnostics } from "../views/diagnostics.js";
import { readIamArn, partitionOf, accountIdOf, formatClusterArn } from "../../core/model/arn.js";

export interface KubeconfigOptions {
  readonly config?: string;
  readonly cluster?: string;
  readonly team?: string;
  readonly clusterName?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly group?: string;
  readonly exec: ExecForm;
  readonly profileName?: string;
  readonly writeAwsProfile?: boolean;
  readonly sourceProfile?: string;
  readonly sessionName?: string;
  readonly setContext?: boolean;
  readonly alias?: string;
  readonly kubeconfig?: string;
  readonly profile?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

interface Target {
  readonly cluster: Cluster;
  readonly team: TeamIdentity;
  /** Only from a config: whether the team's trust policy forces the session name. */
  readonly sessionNamePolicy?: "caller" | "free";
  /** Where the cluster was named, for diagnostics: `--cluster-name`, or the config field. */
  readonly clusterField: string;
}

class CommandFailure extends Error {
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    /** Already printed (with source excerpts) in text mode. */
    readonly printed = false,
  ) {
    super(diagnostics[0]?.summary ?? "failed");
  }
}

/**
 * Stops the command with one diagnostic. `at` is where the problem is: the option or the
 * config field it comes from, or a position in a file.
 */
function fail(
  summary: string,
  detail: string | undefined,
  code: DiagnosticCode,
  at: string | SourcePosition,
): never {
  throw new CommandFailure([
    {
      code,
      severity: "error",
      summary,
      ...(detail !== undefined ? { detail } : {}),
      ...(typeof at === "string" ? { path: at } : { source: at }),
    },
  ]);
}

const INPUT: DiagnosticCode = "KCFG001";

export async function kubeconfigCommand(options: KubeconfigOptions, term: Terminal): Promise<number> {
  try {
    return await run(options, term);
  } catch (error) {
    if (error instanceof CommandFailure) {
      if (options.json === true) {
        term.out(`${JSON.stringify({ ok: false, diagnostics: error.diagnostics }, null, 2)}\n`);
      } else if (!error.printed) {
        term.err(renderDiagnostics([...error.diagnostics], term));
      }
      return ExitCode.error;
    }
    throw error;
  }
}

async function run(options: KubeconfigOptions, term: Terminal): Promise<number> {
  const target = await resolveTarget(options, term);
  const described = await describe(target, options, term);
  const cluster = checkCluster(target.cluster, described, term, options.json === true);

  let profilePart: ProfilePart | undefined;
  const profileName =
    options.exec === "aws" ? (options.profileName ?? teamProfileName(target.team)) : undefined;
  if (options.exec === "aws" && profileName !== undefined) {
    profilePart = await planProfile(target, profileName, options);
  }

  const entries = teamKubeconfigEntries(
    target.team,
    cluster,
    { server: described.endpoint, certificateAuthorityData: described.certificateAuthorityData },
    {
      exec: options.exec,
      // bin/eksgate-token is a POSIX shell script; Windows has none, so Node runs there.
      plugin: process.platform === "win32" ? "eksgate" : "eksgate-token",
      ...(profileName !== undefined ? { profileName } : {}),
      ...(options.alias !== undefined ? { alias: options.alias } : {}),
    },
  );

  const path = kubeconfigPath(options.kubeconfig);
  const read = await readOptionalText(path, "kubeconfig");
  if (!read.ok) throw new CommandFailure(read.diagnostics);
  const text = read.value;
  const parsed = parseKubeconfigText(text ?? "", path);
  if (!parsed.ok) throw new CommandFailure(parsed.diagnostics);
  const merged = mergeKubeconfig(parsed.value, entries, { setCurrentContext: options.setContext === true });
  const newText = formatKubeconfig(merged.document);
  const kubeconfigChanged = newText !== text;

  const dryRun = options.dryRun === true;
  let profileWritten = false;
  if (!dryRun) {
    if (profilePart !== undefined && options.writeAwsProfile === true && profilePart.plan.action === "add") {
      const { path: profilePath, plan } = profilePart;
      await writeOrFail(profilePath, "AWS_CONFIG_FILE", () => writeAwsConfig(profilePath, plan.text));
      profileWritten = true;
    }
    if (kubeconfigChanged)
      await writeOrFail(path, "--kubeconfig", () => writeFileAtomically(path, newText, 0o600));
  }

  if (options.json === true) {
    term.out(
      `${JSON.stringify(
        jsonReport({
          path,
          cluster,
          described,
          entries,
          changes: merged.changes,
          dryRun,
          kubeconfigChanged,
          profilePart,
          profileWritten,
          options,
        }),
        null,
        2,
      )}\n`,
    );
  } else {
    term.out(
      textReport({
        path,
        entries,
        changes: merged.changes,
        dryRun,
        kubeconfigChanged,
        profilePart,
        profileWritten,
        options,
        term,
      }),
    );
  }
  return ExitCode.ok;
}

/** Runs a write; a failure (a path through a file, no permission) is EG109 at `option`. */
async function writeOrFail(path: string, option: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new CommandFailure([outputWriteDiagnostic(outputWriteError(path, error), option)]);
  }
}

// ---------------------------------------------------------------------------------------
// Which cluster and team

async function resolveTarget(options: KubeconfigOptions, term: Terminal): Promise<Target> {
  const flagMode =
    options.clusterName !== undefined || options.roleArn !== undefined || options.region !== undefined;
  if (flagMode) {
    if (options.config !== undefined || options.cluster !== undefined || options.team !== undefined) {
      fail(
        "use either a config file (-c, --cluster, --team) or --cluster-name/--region/--role-arn, not both",
        undefined,
        INPUT,
        options.config !== undefined ? "--config" : options.cluster !== undefined ? "--cluster" : "--team",
      );
    }
    const missing = (
      [
        ["--cluster-name", options.clusterName],
        ["--region", options.region],
        ["--role-arn", options.roleArn],
      ] as const
    )
      .filter(([, v]) => v === undefined || v === "")
      .map(([flag]) => flag);
    if (missing.length > 0)
      fail(
        `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} required without a config file`,
        undefined,
        INPUT,
        missing[0] ?? "--cluster-name",
      );
    const roleArn = options.roleArn ?? "";
    const role = readIamArn(roleArn);
    const roleName =
      role !== undefined &&
      /^[\w-]+$/.test(role.partition) &&
      role.resourceType === "role" &&
      /^[\w+=,.@-]+$/.test(role.name)
        ? role.name
        : undefined;
    if (roleName === undefined)
      fail(
        `--role-arn ${roleArn} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`,
        undefined,
        INPUT,
        "--role-arn",
      );
    const region = options.region ?? "";
    const partition = partitionOf(roleArn);
    const account = accountIdOf(roleArn) ?? "";
    return {
      // The ARN is replaced by the one DescribeCluster reports (see checkCluster).
      cluster: {
        name: options.clusterName ?? "",
        region,
        authentication: "auto",
        arn: formatClusterArn(partition, region, account, options.clusterName ?? ""),
      },
      team: { name: roleName, roleArn, ...(options.group !== undefined ? { iamGroup: options.group } : {}) },
      clusterField: "--cluster-name",
    };
  }

  const file = options.config ?? "eksgate.yaml";
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) {
    if (options.json !== true) {
      const sources = new Map(loaded.text !== undefined ? [[file, loaded.text]] : []);
      term.err(renderDiagnostics([...loaded.diagnostics], term, sources));
    }
    throw new CommandFailure(loaded.diagnostics, true);
  }
  const config: AccessConfig = loaded.value;
  const cluster = pickCluster(config, options.cluster, file);
  const team = pickTeam(config, cluster, options.team, file);
  return {
    cluster,
    team: { name: team.name, roleArn: team.roleArn, iamGroup: options.group ?? team.iamGroup },
    sessionNamePolicy: team.sessionName,
    clusterField: `clusters[${config.clusters.indexOf(cluster)}].name`,
  };
}

function pickCluster(config: AccessConfig, name: string | undefined, file: string): Cluster {
  if (name !== undefined) {
    const found = config.clusters.find((c) => c.name === name);
    if (found === undefined) {
      fail(
        `--cluster ${name} is not in ${file}`,
        `Clusters in the config: ${config.clusters.map((c) => c.name).join(", ") || "none"}.`,
        "EG140",
        "--cluster",
      );
    }
    return found;
  }
  const only = config.clusters.length === 1 ? config.clusters[0] : undefined;
  if (only !== undefined) return only;
  fail(
    "--cluster is required: the config defines more than one cluster",
    `Choose one of: ${config.clusters.map((c) => c.name).join(", ")}.`,
    "EG140",
    "--cluster",
  );
}

function pickTeam(config: AccessConfig, cluster: Cluster, name: string | undefined, file: string) {
  const withAccess = config.teams.filter((t) => t.access.some((a) => a.cluster === cluster.name));
  if (name !== undefined) {
    const found = config.teams.find((t) => t.name === name);
    if (found === undefined) {
      fail(
        `--team ${name} is not in ${file}`,
        `Teams in the config: ${config.teams.map((t) => t.name).join(", ") || "none"}.`,
        "EG140",
        "--team",
      );
    }
    if (!withAccess.includes(found)) {
      fail(
        `team ${name} has no access to cluster ${cluster.name}`,
        `Teams with access to it: ${withAccess.map((t) => t.name).join(", ") || "none"}.`,
        "EG140",
        "--team",
      );
    }
    return found;
  }
  const only = withAccess.length === 1 ? withAccess[0] : undefined;
  if (only !== undefined) return only;
  fail(
    withAccess.length === 0
      ? `no team in ${file} has access to cluster ${cluster.name}`
      : `--team is required: ${withAccess.length} teams have access to cluster ${cluster.name}`,
    withAccess.length === 0
      ? undefined
      : `Choose the team you belong to: ${withAccess.map((t) => t.name).join(", ")}.`,
    "EG140",
    "--team",
  );
}

// ---------------------------------------------------------------------------------------
// EKS

async function describe(
  target: Target,
  options: KubeconfigOptions,
  term: Terminal,
): Promise<ObservedCluster> {
  const { cluster } = target;
  const aws = await clusterAccess(options);
  let described: ObservedCluster | undefined;
  try {
    described = await aws.describeCluster(cluster);
  } catch (error) {
    if (!isPortError(error)) throw error;
    if (error.kind !== "access-denied") {
      fail(
        `eks:DescribeCluster ${cluster.name} in ${cluster.region} failed: ${error.message}`,
        error.kind === "credentials"
          ? "Configure AWS credentials (AWS_PROFILE, aws sso login, or access keys) and try again."
          : "Check the cluster name, region and connectivity, then try again.",
        "KCFG002",
        target.clusterField,
      );
    }
    // Team members usually hold only sts:AssumeRole on the team role, whose own policy allows
    // eks:DescribeCluster: read the cluster as the team role, the way the token will.
    described = await describeAsTeamRole(aws, target, options, error.message);
    if (options.json !== true) {
      term.err(
        `${term.paint.dim("note")} your identity may not call eks:DescribeCluster; read ${cluster.name} as the team role ${target.team.roleArn} instead\n`,
      );
    }
  }
  if (described === undefined) {
    fail(
      `cluster ${cluster.name} does not exist in ${cluster.region}`,
      "Check the cluster name and region (aws eks list-clusters --region REGION).",
      "KCFG002",
      target.clusterField,
    );
  }
  if (described.endpoint === "" || described.certificateAuthorityData === "") {
    fail(
      `cluster ${cluster.name} has no endpoint or CA yet (it is probably still being created)`,
      "Wait until the cluster is ACTIVE and run this again.",
      "KCFG002",
      target.clusterField,
    );
  }
  return described;
}

/** The AWS side of the command, loaded on first use. */
async function clusterAccess(options: KubeconfigOptions): Promise<ClusterAccessPort> {
  const { createClusterAccessPort } = await import("../../adapters/aws/cluster-access.js");
  return createClusterAccessPort(options.profile !== undefined ? { profile: options.profile } : {});
}

/** DescribeCluster with the team role's credentials, assumed under the member's session name. */
async function describeAsTeamRole(
  aws: ClusterAccessPort,
  target: Target,
  options: KubeconfigOptions,
  ownDenial: string,
): Promise<ObservedCluster | undefined> {
  const { cluster, team } = target;
  const profile = options.profile;
  const sessionName =
    options.sessionName ??
    (await sessionNameOf(
      aws,
      { from: "chain" },
      cluster.region,
      profile === undefined ? "" : `with profile ${profile}`,
      "Configure AWS credentials, or pass --session-name YOUR_IAM_USER_NAME.",
    ));
  try {
    return await aws.describeClusterAsRole(cluster, team.roleArn, sessionName);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(
      `eks:DescribeCluster ${cluster.name} in ${cluster.region} is denied to your identity (${ownDenial}), and reading it as the team role ${team.roleArn} (session ${sessionName}) failed too: ${message}`,
      "Check that you are in the team's IAM group (it allows sts:AssumeRole on the role), or ask for eks:DescribeCluster on the cluster.",
      "KCFG002",
      target.clusterField,
    );
  }
}

function checkCluster(cluster: Cluster, described: ObservedCluster, term: Terminal, quiet: boolean): Cluster {
  if (described.arn === cluster.arn) return cluster;
  if (cluster.authentication !== "auto" && !quiet) {
    term.err(
      `${term.paint.yellow("warning")} EKS reports cluster ARN ${described.arn}, the config implies ${cluster.arn}; the entries are named after EKS's.\n`,
    );
  }
  return { ...cluster, arn: described.arn };
}

// ---------------------------------------------------------------------------------------
// AWS config profile (--exec aws)

interface ProfilePart {
  readonly path: string;
  readonly profile: AwsCliProfile;
  readonly plan: ProfilePlan;
  readonly sessionNameFrom: "flag" | "caller";
}

async function planProfile(target: Target, name: string, options: KubeconfigOptions): Promise<ProfilePart> {
  const sourceProfile = options.sourceProfile ?? process.env["AWS_PROFILE"] ?? "default";
  if (sourceProfile === name) {
    fail(
      `--source-profile ${sourceProfile} is the profile being written`,
      "The team profile assumes the role from another profile that holds your own credentials; pass that one with --source-profile.",
      INPUT,
      "--source-profile",
    );
  }
  let sessionName = options.sessionName;
  const sessionNameFrom = sessionName !== undefined ? "flag" : "caller";
  sessionName ??= await callerSessionName(options, sourceProfile, target.cluster.region);
  const team = {
    name: target.team.name,
    iamGroup: target.team.iamGroup ?? "",
    sessionName: target.sessionNamePolicy ?? "free",
    requireMfa: false,
    access: [],
    roleName: target.team.name,
    roleArn: target.team.roleArn,
    kubernetesGroup: "",
    kubernetesUsername: "",
    systemMasters: false,
  } as const;
  const profile = awsCliProfile(team, { sourceProfile, roleSessionName: sessionName, profileName: name });
  const problems = validateAwsCliProfile(team, profile, `profile ${name}`);
  if (problems.length > 0) throw new CommandFailure(problems);
  const path = awsConfigPath();
  const read = await readAwsConfig(path);
  if (!read.ok) throw new CommandFailure(read.diagnostics);
  const text = read.value ?? "";
  const plan = planAwsConfigProfile(text, profile, formatAwsConfigProfile);
  if (plan.action === "conflict" && options.writeAwsProfile === true) {
    const diffs = plan.differences.map(
      ([k, have, want]) => `${k} is ${have ?? "not set"}, eksgate would set ${want}`,
    );
    fail(
      `profile ${name} already exists in ${path} (line ${plan.line}) with other settings: ${diffs.join("; ")}`,
      `eksgate never overwrites a profile. Either edit or remove [profile ${name}] in ${path} yourself, or choose another name with --profile-name.`,
      "KCFG007",
      { file: path, line: plan.line, column: 1 },
    );
  }
  return { path, profile, plan, sessionNameFrom };
}

async function callerSessionName(
  options: KubeconfigOptions,
  sourceProfile: string,
  region: string,
): Promise<string> {
  // Exactly the credentials the aws CLI uses for source_profile: that profile of the shared
  // config and credentials files (keys, SSO, credential_process), never environment keys.
  return sessionNameOf(
    await clusterAccess(options),
    { from: "profile", profile: sourceProfile },
    region,
    `with profile ${sourceProfile}`,
    "The session name defaults to your IAM user name. Check --source-profile, or pass --session-name YOUR_IAM_USER_NAME.",
  );
}

/** The role session name a set of credentials gives: the IAM user name behind them. */
async function sessionNameOf(
  aws: ClusterAccessPort,
  credentials: CallerCredentials,
  region: string,
  how: string,
  hint: string,
): Promise<string> {
  const { sessionNameFromArn } = await import("../../token/plugin.js");
  let arn: string | undefined;
  try {
    arn = await aws.callerArn(region, credentials);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(
      `cannot find out who you are${how === "" ? "" : ` ${how}`} (sts:GetCallerIdentity failed: ${message})`,
      hint,
      "KCFG003",
      "--session-name",
    );
  }
  const name = arn === undefined ? undefined : sessionNameFromArn(arn);
  if (name === undefined) {
    fail(
      `cannot derive a role session name from your identity ${arn ?? "(none)"}`,
      "Pass --session-name with your IAM user name.",
      "KCFG003",
      "--session-name",
    );
  }
  return name;
}

// ---------------------------------------------------------------------------------------
// Output

interface ReportInput {
  readonly path: string;
  readonly entries: KubeconfigEntries;
  readonly changes: readonly EntryChange[];
  readonly dryRun: boolean;
  readonly kubeconfigChanged: boolean;
  readonly profilePart: ProfilePart | undefined;
  readonly profileWritten: boolean;
  readonly options: KubeconfigOptions;
}

const SYMBOL = { add: "+", replace: "~", unchanged: "=" } as const;
const VERB = { add: "add", replace: "replace", unchanged: "unchanged" } as const;

function textReport(input: ReportInput & { readonly term: Terminal }): string {
  const { term, entries, path, dryRun } = input;
  const lines: string[] = [];
  const head = dryRun
    ? `kubeconfig ${path} (dry run: nothing is written)`
    : input.kubeconfigChanged
      ? `kubeconfig ${path} updated`
      : `kubeconfig ${path} is already up to date`;
  lines.push(term.paint.bold(head));
  for (const change of input.changes) {
    const paint =
      change.action === "add"
        ? term.paint.green
        : change.action === "replace"
          ? term.paint.yellow
          : term.paint.dim;
    lines.push(
      paint(`  ${SYMBOL[change.action]} ${change.kind.padEnd(15)} ${change.name}  (${VERB[change.action]})`),
    );
  }
  if (dryRun) {
    lines.push("", term.paint.dim("entries:"));
    const snippet = formatKubeconfig({
      clusters: [entries.cluster],
      contexts: [entries.context],
      users: [entries.user],
    });
    lines.push(
      ...snippet
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
    );
  }
  const part = input.profilePart;
  if (part !== undefined) {
    lines.push("");
    const section = formatAwsConfigProfile(part.profile).trimEnd();
    if (part.plan.action === "unchanged") {
      lines.push(
        `AWS config ${part.path}: profile ${part.profile.name} is already there with these settings.`,
      );
    } else if (part.plan.action === "conflict") {
      lines.push(
        term.paint.yellow(
          `AWS config ${part.path}: profile ${part.profile.name} exists with other settings (line ${part.plan.line}); the kubeconfig uses it as it is.`,
        ),
        `  eksgate would have written:`,
        ...section.split("\n").map((l) => `    ${l}`),
      );
    } else if (input.profileWritten) {
      lines.push(`AWS config ${part.path}: added`, ...section.split("\n").map((l) => `  ${l}`));
    } else if (input.options.writeAwsProfile === true) {
      lines.push(`AWS config ${part.path}: would add`, ...section.split("\n").map((l) => `  ${l}`));
    } else {
      lines.push(
        term.paint.yellow(
          `AWS config ${part.path}: profile ${part.profile.name} is missing; the kubeconfig needs it.`,
        ),
        "  Run again with --write-aws-profile, or add it yourself:",
        ...section.split("\n").map((l) => `    ${l}`),
      );
    }
  }
  if (!dryRun) {
    const current = input.changes.find((c) => c.kind === "current-context");
    const context = entries.context.name;
    lines.push(
      "",
      current?.name === context
        ? `Current context: ${context}. Try: kubectl auth whoami`
        : `Use it: kubectl --context ${context} auth whoami   (or pass --set-context)`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function jsonReport(
  input: ReportInput & { readonly cluster: Cluster; readonly described: ObservedCluster },
): Record<string, unknown> {
  const part = input.profilePart;
  return {
    ok: true,
    dryRun: input.dryRun,
    kubeconfig: {
      path: input.path,
      written: !input.dryRun && input.kubeconfigChanged,
      changes: input.changes,
    },
    cluster: {
      name: input.cluster.name,
      region: input.cluster.region,
      arn: input.cluster.arn,
      server: input.described.endpoint,
    },
    context: input.entries.context.name,
    user: input.entries.user,
    ...(part !== undefined
      ? {
          awsProfile: {
            path: part.path,
            name: part.profile.name,
            settings: part.profile.settings,
            sessionNameFrom: part.sessionNameFrom,
            action: part.plan.action,
            written: input.profileWritten,
          },
        }
      : {}),
  };
}
