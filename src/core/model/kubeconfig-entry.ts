/**
 * The kubeconfig entries a team member uses: a user whose credentials come from an exec
 * plugin (client.authentication.k8s.io/v1), a context, and the cluster. Names follow
 * `aws eks update-kubeconfig`: cluster, user and context are all named after the cluster
 * ARN, so eksgate's entries replace the ones the aws CLI would write, not add to them.
 *
 * Two exec forms:
 * - `eksgate-token --cluster-name X --region R --role-arn ARN` (the same plugin as
 *   `eksgate token`, behind a shell script that serves a cached token without starting
 *   Node): assumes the role itself with the caller's IAM user name as session name, which
 *   a `sessionName: caller` trust policy requires. Where there is no POSIX shell
 *   (Windows), `eksgate token ...` instead.
 * - the aws CLI via a config profile (`aws ... eks get-token ... --profile P`): a profile
 *   with `role_arn`, `source_profile` and `role_session_name` is the only way the aws CLI
 *   chooses a session name; `--role-arn` always uses `EKSGetTokenAuth`, which a
 *   `sessionName: caller` trust policy refuses.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Cluster, Team } from "./access-config.js";

export const EXEC_API_VERSION = "client.authentication.k8s.io/v1";

/**
 * v1 requires it; `Never`: the plugins never prompt, so kubectl must not hand them a
 * terminal (and does not wire its stdin to them).
 */
export type InteractiveMode = "Never" | "IfAvailable" | "Always";

export interface ExecEnvVar {
  readonly name: string;
  readonly value: string;
}

export interface ExecConfig {
  readonly apiVersion: typeof EXEC_API_VERSION;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: readonly ExecEnvVar[];
  readonly interactiveMode: InteractiveMode;
  readonly provideClusterInfo?: boolean;
}

export interface NamedUser {
  readonly name: string;
  readonly user: { readonly exec: ExecConfig };
}

export interface NamedContext {
  readonly name: string;
  readonly context: { readonly cluster: string; readonly user: string };
}

export interface NamedCluster {
  readonly name: string;
  readonly cluster: { readonly server: string; readonly "certificate-authority-data": string };
}

/** A kubeconfig file (apiVersion v1, kind Config) as plain data. */
export interface Kubeconfig {
  readonly apiVersion: "v1";
  readonly kind: "Config";
  readonly clusters: readonly NamedCluster[];
  readonly contexts: readonly NamedContext[];
  readonly users: readonly NamedUser[];
  readonly "current-context"?: string;
  readonly preferences: Readonly<Record<string, never>>;
}

export interface KubeconfigNameOptions {
  /** Name for the user and context instead of the cluster ARN (like update-kubeconfig's `--alias`/`--user-alias`). */
  readonly name?: string;
}

export const EKSGATE_COMMAND = "eksgate";
/** The package's second executable: `eksgate token` with a cache-hit path in POSIX sh. */
export const EKSGATE_TOKEN_COMMAND = "eksgate-token";
export const AWS_CLI_COMMAND = "aws";

/**
 * How the eksgate form runs the plugin: `eksgate-token ARGS` (default), or
 * `eksgate token ARGS` on platforms without a POSIX shell.
 */
export type EksgatePluginCommand = typeof EKSGATE_TOKEN_COMMAND | typeof EKSGATE_COMMAND;

/**
 * The user entry running the eksgate token plugin for a team on a cluster: it assumes the
 * team role, or, with `profile` (an Identity Center team's `aws sso login` profile), signs
 * with that profile's session.
 */
export function eksgateExecUser(
  team: { readonly roleArn: string; readonly iamGroup?: string },
  cluster: Cluster,
  options: KubeconfigNameOptions & { readonly plugin?: EksgatePluginCommand; readonly profile?: string } = {},
): NamedUser {
  const plugin = options.plugin ?? EKSGATE_TOKEN_COMMAND;
  const credentials =
    options.profile !== undefined
      ? ["--profile", options.profile]
      : [
          "--role-arn",
          team.roleArn,
          // Named in the error when the caller may not assume the role.
          ...(team.iamGroup !== undefined && team.iamGroup !== "" ? ["--group", team.iamGroup] : []),
        ];
  return {
    name: options.name ?? cluster.arn,
    user: {
      exec: {
        apiVersion: EXEC_API_VERSION,
        command: plugin,
        args: [
          ...(plugin === EKSGATE_COMMAND ? ["token"] : []),
          "--cluster-name",
          cluster.name,
          "--region",
          cluster.region,
          ...credentials,
        ],
        interactiveMode: "Never",
      },
    },
  };
}

/**
 * The user entry running `aws eks get-token` with a named AWS config profile that assumes
 * the team role (see `awsCliProfile`). `--output json` as update-kubeconfig writes it, so a
 * user whose default output is `text` or `table` still gets an ExecCredential.
 */
export function awsCliExecUser(
  cluster: Cluster,
  profileName: string,
  options: KubeconfigNameOptions = {},
): NamedUser {
  return {
    name: options.name ?? cluster.arn,
    user: {
      exec: {
        apiVersion: EXEC_API_VERSION,
        command: AWS_CLI_COMMAND,
        args: [
          "--region",
          cluster.region,
          "eks",
          "get-token",
          "--cluster-name",
          cluster.name,
          "--output",
          "json",
          "--profile",
          profileName,
        ],
        interactiveMode: "Never",
      },
    },
  };
}

export function kubeconfigContext(cluster: Cluster, options: KubeconfigNameOptions = {}): NamedContext {
  const name = options.name ?? cluster.arn;
  return { name, context: { cluster: cluster.arn, user: name } };
}

/** The cluster entry; endpoint and CA come from DescribeCluster, so offline callers pass them in. */
export function kubeconfigCluster(
  cluster: Cluster,
  endpoint: string,
  certificateAuthorityData: string,
): NamedCluster {
  return {
    name: cluster.arn,
    cluster: { server: endpoint, "certificate-authority-data": certificateAuthorityData },
  };
}

/** A whole kubeconfig from its parts; the first context becomes current unless told otherwise. */
export function kubeconfigDocument(parts: {
  readonly clusters: readonly NamedCluster[];
  readonly contexts: readonly NamedContext[];
  readonly users: readonly NamedUser[];
  readonly currentContext?: string;
}): Kubeconfig {
  const current = parts.currentContext ?? parts.contexts[0]?.name;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: parts.clusters,
    contexts: parts.contexts,
    users: parts.users,
    ...(current !== undefined ? { "current-context": current } : {}),
    preferences: {},
  };
}

// ---------------------------------------------------------------------------------------------
// AWS CLI profile

/** A profile in `~/.aws/config` that assumes the team role from the member's own profile. */
export interface AwsCliProfile {
  readonly name: string;
  readonly settings: {
    readonly role_arn: string;
    readonly source_profile: string;
    /** Must be the member's IAM user name when the team uses `sessionName: caller`. */
    readonly role_session_name?: string;
  };
}

export function teamProfileName(team: Pick<Team, "name">): string {
  return `eksgate-${team.name}`;
}

export function awsCliProfile(
  team: Team,
  options: {
    readonly sourceProfile: string;
    readonly roleSessionName?: string;
    readonly profileName?: string;
  },
): AwsCliProfile {
  return {
    name: options.profileName ?? teamProfileName(team),
    settings: {
      role_arn: team.roleArn,
      source_profile: options.sourceProfile,
      ...(options.roleSessionName !== undefined ? { role_session_name: options.roleSessionName } : {}),
    },
  };
}

/** The profile as an `~/.aws/config` section (`[profile NAME]`, `key = value` lines). */
export function formatAwsConfigProfile(profile: AwsCliProfile): string {
  const lines = [`[profile ${profile.name}]`];
  for (const key of ["role_arn", "source_profile", "role_session_name"] as const) {
    const value = profile.settings[key];
    if (value !== undefined) lines.push(`${key} = ${value}`);
  }
  return `${lines.join("\n")}\n`;
}

export const KUBECONFIG_DIAGNOSTIC_CODES = {
  sessionNameMissing: "KCFG101",
  sessionNameInvalid: "KCFG102",
} as const;

/** STS RoleSessionName: 2-64 characters of `[\w+=,.@-]`. */
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * Problems with a member's profile: a `sessionName: caller` team needs `role_session_name`
 * (the member's IAM user name) or STS denies the AssumeRole; the name must be a valid STS
 * session name.
 */
export function validateAwsCliProfile(team: Team, profile: AwsCliProfile, path: string): Diagnostic[] {
  const sessionName = profile.settings.role_session_name;
  if (sessionName === undefined) {
    return team.sessionName === "caller"
      ? [
          {
            code: KUBECONFIG_DIAGNOSTIC_CODES.sessionNameMissing,
            severity: "error",
            summary: `Profile ${profile.name} has no role_session_name; team ${team.name} only accepts sessions named after the caller.`,
            detail: "Set role_session_name to your IAM user name.",
            path: `${path}.role_session_name`,
          },
        ]
      : [];
  }
  if (!ROLE_SESSION_NAME.test(sessionName)) {
    return [
      {
        code: KUBECONFIG_DIAGNOSTIC_CODES.sessionNameInvalid,
        severity: "error",
        summary: `"${sessionName}" is not a valid role session name.`,
        detail: "Use 2-64 letters, digits and + = , . @ _ -.",
        path: `${path}.role_session_name`,
      },
    ];
  }
  return [];
}
