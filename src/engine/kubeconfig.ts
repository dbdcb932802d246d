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
import {
  planAwsConfigProfile,
  planSsoProfile,
  type ProfilePlan,
  type SsoProfilePlan,
} from "../core/kubeconfig/aws-config.js";
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
  /** Identity Center teams: the `sso-session` the profile signs in with. */
  readonly ssoSession?: string;
  /** Identity Center teams: the AWS access portal URL, for a session not in the file yet. */
  readonly ssoStartUrl?: string;
}

/** Something the person should know that is not a failure (the CLI shows it on stderr). */
export type KubeconfigNote =
  | { readonly kind: "described-as-role"; readonly cluster: string; readonly roleArn: string }
  | { readonly kind: "cluster-arn-differs"; readonly reported: string; readonly implied: string };

/** The AWS CLI profile the entries run with: one that assumes the team role, or an SSO one. */
export type PlannedAwsProfile =
  | {
      readonly form: "role";
      readonly path: string;
      readonly profile: AwsCliProfile;
      readonly plan: ProfilePlan;
      readonly sessionNameFrom: "flag" | "caller";
      readonly written: boolean;
    }
  | {
      readonly form: "sso";
      readonly path: string;
      readonly name: string;
      readonly plan: SsoProfilePlan;
      readonly written: boolean;
    };

type ProfileToWrite = DistributiveOmit<PlannedAwsProfile, "written">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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
  const sso = target.identityCenter !== undefined;
  // An Identity Center member signs in with a profile whatever the exec form.
  const profileName =
    request.exec === "aws" || sso ? (request.profileName ?? teamProfileName(target.team)) : undefined;
  // The SSO profile needs no AWS call, and says whose credentials read the cluster.
  let profilePart: ProfileToWrite | undefined =
    sso && profileName !== undefined ? await planSsoPart(request, deps, profileName) : undefined;
  const described = await describe(request, deps, notes, describeCredentials(request, profilePart));
  const cluster = withReportedArn(target.cluster, described, notes);
  if (!sso && profileName !== undefined) profilePart = await planProfile(request, deps, profileName);

  const entries = teamKubeconfigEntries(
    target.team,
    cluster,
    { server: described.endpoint, certificateAuthorityData: described.certificateAuthorityData },
    {
      exec: request.exec,
      // bin/eksgate-token is a POSIX shell script; Windows has none, so Node runs there.
      plugin: deps.host.windows ? "eksgate" : "eksgate-token",
      ...(profileName !== undefined ? { profileName } : {}),
      ...(sso && profileName !== undefined ? { ssoProfile: profileName } : {}),
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
      written(await deps.files.writeAwsConfig(profilePart.path, profilePart.plan.text), "AWS_CONFIG_FILE");
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

/**
 * Who reads the cluster: `--profile`, else an Identity Center member's own SSO profile
 * once it is in the AWS config file (the identity the token will sign with), else the
 * standard chain.
 */
function describeCredentials(
  request: KubeconfigRequest,
  profilePart: ProfileToWrite | undefined,
): CallerCredentials {
  if (request.profile !== undefined) return { from: "chain" };
  if (profilePart?.form === "sso" && profilePart.plan.action === "unchanged")
    return { from: "profile", profile: profilePart.name };
  return { from: "chain" };
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
  credentials: CallerCredentials,
): Promise<ObservedCluster> {
  const { target } = request;
  const { cluster } = target;
  const as = credentials.from === "profile" ? ` as profile ${credentials.profile}` : "";
  let described: ObservedCluster | undefined;
  try {
    described = await deps.aws.describeCluster(cluster, credentials);
  } catch (error) {
    if (!isPortError(error)) throw error;
    const ic = target.identityCenter;
    if (ic !== undefined) {
      const profile = request.profileName ?? teamProfileName(target.team);
      refuse(
        `eks:DescribeCluster ${cluster.name} in ${cluster.region}${as} failed: ${error.message}`,
        error.kind === "credentials"
          ? `Sign in first: aws sso login --profile ${profile} (add the profile with --write-aws-profile --aws-profile-only if it is not there yet), or pass --profile with credentials that may read the cluster.`
          : error.kind === "access-denied"
            ? `Permission set ${ic.permissionSet} must allow eks:DescribeCluster on the cluster (the permission sets eksgate manages do); or pass --profile with credentials that may.`
            : "Check the cluster name, region and connectivity, then try again.",
        "KCFG002",
        target.clusterField,
      );
    }
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
): Promise<ProfileToWrite> {
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
  return { form: "role", path, profile, plan, sessionNameFrom };
}

/** The Identity Center member's SSO profile: the cluster's account, the team's permission set. */
async function planSsoPart(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
  name: string,
): Promise<ProfileToWrite> {
  const { target } = request;
  const ic = target.identityCenter;
  if (ic === undefined) throw new Error("planSsoPart needs an Identity Center target");
  const path = deps.files.awsConfigPath();
  const read = await deps.files.readAwsConfig(path);
  if (!read.ok) throw new Refusal(read.diagnostics);
  const startUrl = request.ssoStartUrl ?? ic.startUrl;
  const plan = planSsoProfile(read.value ?? "", {
    profileName: name,
    accountId: target.cluster.accountId,
    roleName: ic.permissionSet,
    region: target.cluster.region,
    ssoRegion: ic.region,
    ...(request.ssoSession !== undefined ? { session: request.ssoSession } : {}),
    ...(startUrl !== undefined ? { startUrl } : {}),
  });
  if (request.writeAwsProfile === true) {
    if (plan.action === "needs-start-url") {
      refuse(
        `--sso-start-url is required: ${path} has no [sso-session ${plan.sessionName}] to put profile ${name} in`,
        "Pass your AWS access portal URL (https://d-xxxxxxxxxx.awsapps.com/start or your organization's own), or name an existing session with --sso-session.",
        "KCFG008",
        "--sso-start-url",
      );
    }
    if (plan.action === "conflict") {
      const conflict = plan.profile.action === "conflict" ? plan.profile : plan.session;
      const section =
        plan.profile.action === "conflict" ? `[profile ${name}]` : `[sso-session ${plan.sessionName}]`;
      const diffs =
        conflict.action === "conflict"
          ? conflict.differences.map(
              ([k, have, want]) => `${k} is ${have ?? "not set"}, eksgate would set ${want}`,
            )
          : [];
      const line = conflict.action === "conflict" ? conflict.line : 1;
      refuse(
        `${section} already exists in ${path} (line ${line}) with other settings: ${diffs.join("; ")}`,
        plan.profile.action === "conflict"
          ? `eksgate never overwrites a profile. Either edit or remove ${section} in ${path} yourself, or choose another name with --profile-name.`
          : `eksgate never overwrites a session. Name another with --sso-session, or fix ${section} in ${path} yourself.`,
        "KCFG007",
        { file: path, line, column: 1 },
      );
    }
  }
  return { form: "sso", path, name, plan };
}

/**
 * `--aws-profile-only`: plans (and with `writeAwsProfile` adds) the AWS CLI profile of the
 * team without reading the cluster or touching the kubeconfig: the first step for an
 * Identity Center member, who signs in with that profile before anything can read the cluster.
 */
export async function writeTeamAwsProfile(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
): Promise<
  | { readonly ok: true; readonly value: PlannedAwsProfile }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
> {
  try {
    const { target } = request;
    if (target.identityCenter === undefined && request.exec !== "aws") {
      refuse(
        `--aws-profile-only: team ${target.team.name}'s kubeconfig entry uses no AWS profile`,
        "The profile is for Identity Center teams and for --exec aws; pass --exec aws, or leave out --aws-profile-only.",
        "KCFG001",
        "--aws-profile-only",
      );
    }
    const name = request.profileName ?? teamProfileName(target.team);
    const part =
      target.identityCenter !== undefined
        ? await planSsoPart(request, deps, name)
        : await planProfile(request, deps, name);
    let profileWritten = false;
    if (request.dryRun !== true && request.writeAwsProfile === true && part.plan.action === "add") {
      written(await deps.files.writeAwsConfig(part.path, part.plan.text), "AWS_CONFIG_FILE");
      profileWritten = true;
    }
    return { ok: true, value: { ...part, written: profileWritten } };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, diagnostics: error.diagnostics };
    throw error;
  }
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
