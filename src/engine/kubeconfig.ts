/**
 * The `eksgate kubeconfig` use case: reads the cluster's endpoint and CA (EKS
 * DescribeCluster, as the team role when the member may not call it), builds the team's
 * cluster, user and context entries, merges them into the kubeconfig and, for `--exec aws`,
 * plans (and with `writeAwsProfile` adds) the AWS CLI profile the entries run with.
 *
 * It reaches AWS through ClusterAccessPort and the files through UserFilesPort, and never
 * prints: what the CLI shows comes back as the outcome, notes and diagnostics. Nothing is
 * written unless every step before the writes succeeded.
 */
import type { Diagnostic, DiagnosticCode, SourcePosition } from "../core/diagnostics.js";
import type { Cluster } from "../core/model/access-config.js";
import {
  awsCliProfile,
  formatAwsConfigProfile,
  teamProfileName,
  validateAwsCliProfile,
  type AwsCliProfile,
} from "../core/model/kubeconfig-entry.js";
import { planAwsConfigProfile, type ProfilePlan } from "../core/kubeconfig/aws-config.js";
import { teamKubeconfigEntries, type ExecForm } from "../core/kubeconfig/entries.js";
import {
  formatKubeconfig,
  mergeKubeconfig,
  parseKubeconfigText,
  type EntryChange,
  type KubeconfigEntries,
} from "../core/kubeconfig/merge.js";
import type { KubeconfigTarget } from "../core/kubeconfig/target.js";
import type { CallerCredentials, ClusterAccessPort } from "../ports/cluster-access.js";
import type { ObservedCluster } from "../ports/eks.js";
import { isPortError } from "../ports/errors.js";
import type { FileWriteResult, UserFilesPort } from "../ports/user-files.js";

export interface KubeconfigDeps {
  readonly aws: ClusterAccessPort;
  readonly files: UserFilesPort;
  /** Where the command runs: the plugin command and the default source profile depend on it. */
  readonly host: {
    /** No POSIX shell: the entries run `eksgate token` instead of `eksgate-token`. */
    readonly windows: boolean;
    /** AWS_PROFILE, the default `--source-profile`. */
    readonly awsProfile?: string;
  };
}

export interface KubeconfigRequest {
  readonly target: KubeconfigTarget;
  readonly exec: ExecForm;
  /** The AWS CLI profile of the aws form (default `eksgate-<team>`). */
  readonly profileName?: string;
  readonly writeAwsProfile?: boolean;
  readonly sourceProfile?: string;
  readonly sessionName?: string;
  readonly setContext?: boolean;
  readonly alias?: string;
  /** `--kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--profile`: the profile DescribeCluster runs with, named in messages. */
  readonly profile?: string;
  readonly dryRun?: boolean;
}

/** Something the person should know that is not a failure (the CLI shows it on stderr). */
export type KubeconfigNote =
  | { readonly kind: "described-as-role"; readonly cluster: string; readonly roleArn: string }
  | { readonly kind: "cluster-arn-differs"; readonly reported: string; readonly implied: string };

export interface PlannedAwsProfile {
  readonly path: string;
  readonly profile: AwsCliProfile;
  readonly plan: ProfilePlan;
  readonly sessionNameFrom: "flag" | "caller";
  readonly written: boolean;
}

export interface KubeconfigOutcome {
  readonly path: string;
  /** The cluster with the ARN EKS reports. */
  readonly cluster: Cluster;
  readonly described: ObservedCluster;
  readonly entries: KubeconfigEntries;
  readonly changes: readonly EntryChange[];
  readonly dryRun: boolean;
  readonly kubeconfigChanged: boolean;
  readonly kubeconfigWritten: boolean;
  readonly awsProfile?: PlannedAwsProfile;
}

export type KubeconfigResult =
  | { readonly ok: true; readonly value: KubeconfigOutcome; readonly notes: readonly KubeconfigNote[] }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      readonly notes: readonly KubeconfigNote[];
    };

/** Stops the use case with diagnostics; caught in writeTeamKubeconfig, never escapes it. */
class Refusal extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics[0]?.summary ?? "refused");
  }
}

function refuse(
  summary: string,
  detail: string | undefined,
  code: DiagnosticCode,
  at: string | SourcePosition,
): never {
  throw new Refusal([
    {
      code,
      severity: "error",
      summary,
      ...(detail !== undefined ? { detail } : {}),
      ...(typeof at === "string" ? { path: at } : { source: at }),
    },
  ]);
}

export async function writeTeamKubeconfig(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
): Promise<KubeconfigResult> {
  const notes: KubeconfigNote[] = [];
  try {
    const value = await run(request, deps, notes);
    return { ok: true, value, notes };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, diagnostics: error.diagnostics, notes };
    throw error;
  }
}

async function run(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
  notes: KubeconfigNote[],
): Promise<KubeconfigOutcome> {
  const { target } = request;
  const described = await describe(request, deps, notes);
  const cluster = withReportedArn(target.cluster, described, notes);

  const profileName =
    request.exec === "aws" ? (request.profileName ?? teamProfileName(target.team)) : undefined;
  const profilePart = profileName !== undefined ? await planProfile(request, deps, profileName) : undefined;

  const entries = teamKubeconfigEntries(
    target.team,
    cluster,
    { server: described.endpoint, certificateAuthorityData: described.certificateAuthorityData },
    {
      exec: request.exec,
      // bin/eksgate-token is a POSIX shell script; Windows has none, so Node runs there.
      plugin: deps.host.windows ? "eksgate" : "eksgate-token",
      ...(profileName !== undefined ? { profileName } : {}),
      ...(request.alias !== undefined ? { alias: request.alias } : {}),
    },
  );

  const path = deps.files.kubeconfigPath(request.kubeconfig);
  const read = await deps.files.readKubeconfig(path);
  if (!read.ok) throw new Refusal(read.diagnostics);
  const text = read.value;
  const parsed = parseKubeconfigText(text ?? "", path);
  if (!parsed.ok) throw new Refusal(parsed.diagnostics);
  const merged = mergeKubeconfig(parsed.value, entries, { setCurrentContext: request.setContext === true });
  const newText = formatKubeconfig(merged.document);
  const kubeconfigChanged = newText !== text;

  const dryRun = request.dryRun === true;
  let profileWritten = false;
  if (!dryRun) {
    if (profilePart !== undefined && request.writeAwsProfile === true && profilePart.plan.action === "add") {
      const { path: profilePath, plan } = profilePart;
      written(await deps.files.writeAwsConfig(profilePath, plan.text), "AWS_CONFIG_FILE");
      profileWritten = true;
    }
    if (kubeconfigChanged) written(await deps.files.writeKubeconfig(path, newText), "--kubeconfig");
  }

  return {
    path,
    cluster,
    described,
    entries,
    changes: merged.changes,
    dryRun,
    kubeconfigChanged,
    kubeconfigWritten: !dryRun && kubeconfigChanged,
    ...(profilePart !== undefined ? { awsProfile: { ...profilePart, written: profileWritten } } : {}),
  };
}

/** A failed write (a path through a file, no permission) is EG109 at `option`. */
function written(result: FileWriteResult, option: string): void {
  if (result.ok) return;
  refuse(
    `${result.message}; nothing was written`,
    `Point ${option} at a directory you can write to (it is created when missing).`,
    "EG109",
    option,
  );
}

// ---------------------------------------------------------------------------------------
// EKS

async function describe(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
  notes: KubeconfigNote[],
): Promise<ObservedCluster> {
  const { target } = request;
  const { cluster } = target;
  let described: ObservedCluster | undefined;
  try {
    described = await deps.aws.describeCluster(cluster);
  } catch (error) {
    if (!isPortError(error)) throw error;
    if (error.kind !== "access-denied") {
      refuse(
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
    described = await describeAsTeamRole(request, deps, error.message);
    notes.push({ kind: "described-as-role", cluster: cluster.name, roleArn: target.team.roleArn });
  }
  if (described === undefined) {
    refuse(
      `cluster ${cluster.name} does not exist in ${cluster.region}`,
      "Check the cluster name and region (aws eks list-clusters --region REGION).",
      "KCFG002",
      target.clusterField,
    );
  }
  if (described.endpoint === "" || described.certificateAuthorityData === "") {
    refuse(
      `cluster ${cluster.name} has no endpoint or CA yet (it is probably still being created)`,
      "Wait until the cluster is ACTIVE and run this again.",
      "KCFG002",
      target.clusterField,
    );
  }
  return described;
}

/** DescribeCluster with the team role's credentials, assumed under the member's session name. */
async function describeAsTeamRole(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
  ownDenial: string,
): Promise<ObservedCluster | undefined> {
  const { cluster, team, clusterField } = request.target;
  const profile = request.profile;
  const sessionName =
    request.sessionName ??
    (await sessionNameOf(
      deps.aws,
      { from: "chain" },
      cluster.region,
      profile === undefined ? "" : `with profile ${profile}`,
      "Configure AWS credentials, or pass --session-name YOUR_IAM_USER_NAME.",
    ));
  try {
    return await deps.aws.describeClusterAsRole(cluster, team.roleArn, sessionName);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    refuse(
      `eks:DescribeCluster ${cluster.name} in ${cluster.region} is denied to your identity (${ownDenial}), and reading it as the team role ${team.roleArn} (session ${sessionName}) failed too: ${message}`,
      "Check that you are in the team's IAM group (it allows sts:AssumeRole on the role), or ask for eks:DescribeCluster on the cluster.",
      "KCFG002",
      clusterField,
    );
  }
}

/** The entries are named after the ARN EKS reports; a config implying another is noted. */
function withReportedArn(cluster: Cluster, described: ObservedCluster, notes: KubeconfigNote[]): Cluster {
  if (described.arn === cluster.arn) return cluster;
  if (cluster.authentication !== "auto")
    notes.push({ kind: "cluster-arn-differs", reported: described.arn, implied: cluster.arn });
  return { ...cluster, arn: described.arn };
}

// ---------------------------------------------------------------------------------------
// AWS config profile (--exec aws)

async function planProfile(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
  name: string,
): Promise<Omit<PlannedAwsProfile, "written">> {
  const { target } = request;
  const sourceProfile = request.sourceProfile ?? deps.host.awsProfile ?? "default";
  if (sourceProfile === name) {
    refuse(
      `--source-profile ${sourceProfile} is the profile being written`,
      "The team profile assumes the role from another profile that holds your own credentials; pass that one with --source-profile.",
      "KCFG001",
      "--source-profile",
    );
  }
  let sessionName = request.sessionName;
  const sessionNameFrom = sessionName !== undefined ? "flag" : "caller";
  // Exactly the credentials the aws CLI uses for source_profile: that profile of the shared
  // config and credentials files (keys, SSO, credential_process), never environment keys.
  sessionName ??= await sessionNameOf(
    deps.aws,
    { from: "profile", profile: sourceProfile },
    target.cluster.region,
    `with profile ${sourceProfile}`,
    "The session name defaults to your IAM user name. Check --source-profile, or pass --session-name YOUR_IAM_USER_NAME.",
  );
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
  if (problems.length > 0) throw new Refusal(problems);
  const path = deps.files.awsConfigPath();
  const read = await deps.files.readAwsConfig(path);
  if (!read.ok) throw new Refusal(read.diagnostics);
  const plan = planAwsConfigProfile(read.value ?? "", profile, formatAwsConfigProfile);
  if (plan.action === "conflict" && request.writeAwsProfile === true) {
    const diffs = plan.differences.map(
      ([k, have, want]) => `${k} is ${have ?? "not set"}, eksgate would set ${want}`,
    );
    refuse(
      `profile ${name} already exists in ${path} (line ${plan.line}) with other settings: ${diffs.join("; ")}`,
      `eksgate never overwrites a profile. Either edit or remove [profile ${name}] in ${path} yourself, or choose another name with --profile-name.`,
      "KCFG007",
      { file: path, line: plan.line, column: 1 },
    );
  }
  return { path, profile, plan, sessionNameFrom };
}

/** The role session name a set of credentials gives: the IAM user name behind them. */
async function sessionNameOf(
  aws: ClusterAccessPort,
  credentials: CallerCredentials,
  region: string,
  how: string,
  hint: string,
): Promise<string> {
  const { sessionNameFromArn } = await import("../token/plugin.js");
  let arn: string | undefined;
  try {
    arn = await aws.callerArn(region, credentials);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    refuse(
      `cannot find out who you are${how === "" ? "" : ` ${how}`} (sts:GetCallerIdentity failed: ${message})`,
      hint,
      "KCFG003",
      "--session-name",
    );
  }
  const name = arn === undefined ? undefined : sessionNameFromArn(arn);
  if (name === undefined) {
    refuse(
      `cannot derive a role session name from your identity ${arn ?? "(none)"}`,
      "Pass --session-name with your IAM user name.",
      "KCFG003",
      "--session-name",
    );
  }
  return name;
}
