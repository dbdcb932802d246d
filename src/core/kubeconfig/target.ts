/**
 * Which cluster and team `eksgate kubeconfig` writes entries for: picked from a config
 * (`--cluster`, `--team`, optional when there is only one choice), or given by flags alone
 * (`--cluster-name`, `--region`, `--role-arn`). Every refusal is a diagnostic at the option
 * or field it comes from.
 */
import type { Diagnostic, DiagnosticCode } from "../diagnostics.js";
import {
  isIdentityCenterTeam,
  teamRoleArnFor,
  type AccessConfig,
  type Cluster,
  type SessionNamePolicy,
  type Team,
} from "../model/access-config.js";
import { accountIdOf, formatClusterArn, partitionOf, readIamArn } from "../model/arn.js";
import type { TeamIdentity } from "./entries.js";

export interface KubeconfigTarget {
  readonly cluster: Cluster;
  readonly team: TeamIdentity;
  /** Only from a config: whether the team's trust policy forces the session name. */
  readonly sessionNamePolicy?: SessionNamePolicy;
  /** Where the cluster was named, for diagnostics: `--cluster-name`, or the config field. */
  readonly clusterField: string;
  /**
   * Set for an Identity Center team: members sign in (`aws sso login`) with a profile of
   * the cluster's account and this permission set, and the token signs with that session.
   */
  readonly identityCenter?: {
    readonly permissionSet: string;
    /** Region of the Identity Center instance. */
    readonly region: string;
    /** The default AWS access portal URL, when the config names the identity store. */
    readonly startUrl?: string;
  };
}

export interface TargetFlags {
  readonly cluster?: string;
  readonly team?: string;
  readonly clusterName?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly group?: string;
}

export type TargetResult =
  | { readonly ok: true; readonly value: KubeconfigTarget }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const INPUT: DiagnosticCode = "KCFG001";

function refused(summary: string, detail: string | undefined, code: DiagnosticCode, path: string) {
  return {
    ok: false,
    diagnostics: [{ code, severity: "error", summary, ...(detail !== undefined ? { detail } : {}), path }],
  } as const;
}

/** Whether the flags ask for the config-less form (any of --cluster-name, --region, --role-arn). */
export function isFlagTarget(flags: TargetFlags): boolean {
  return flags.clusterName !== undefined || flags.roleArn !== undefined || flags.region !== undefined;
}

/**
 * The target from flags alone; `configFlag` names the config option that was also given
 * (`--config`, `--cluster`, `--team`), which is refused.
 */
export function targetFromFlags(flags: TargetFlags, configFlag: string | undefined): TargetResult {
  if (configFlag !== undefined) {
    return refused(
      "use either a config file (-c, --cluster, --team) or --cluster-name/--region/--role-arn, not both",
      undefined,
      INPUT,
      configFlag,
    );
  }
  const missing = (
    [
      ["--cluster-name", flags.clusterName],
      ["--region", flags.region],
      ["--role-arn", flags.roleArn],
    ] as const
  )
    .filter(([, v]) => v === undefined || v === "")
    .map(([flag]) => flag);
  if (missing.length > 0)
    return refused(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} required without a config file`,
      undefined,
      INPUT,
      missing[0] ?? "--cluster-name",
    );
  const roleArn = flags.roleArn ?? "";
  const role = readIamArn(roleArn);
  const roleName =
    role !== undefined &&
    /^[\w-]+$/.test(role.partition) &&
    role.resourceType === "role" &&
    /^[\w+=,.@-]+$/.test(role.name)
      ? role.name
      : undefined;
  if (roleName === undefined)
    return refused(
      `--role-arn ${roleArn} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`,
      undefined,
      INPUT,
      "--role-arn",
    );
  const region = flags.region ?? "";
  const account = accountIdOf(roleArn) ?? "";
  const name = flags.clusterName ?? "";
  return {
    ok: true,
    value: {
      // The ARN is replaced by the one DescribeCluster reports.
      cluster: {
        name,
        region,
        authentication: "auto",
        arn: formatClusterArn(partitionOf(roleArn), region, account, name),
        accountId: account,
      },
      team: { name: roleName, roleArn, ...(flags.group !== undefined ? { iamGroup: flags.group } : {}) },
      clusterField: "--cluster-name",
    },
  };
}

/** The target from a loaded config (`file` names it in messages). */
export function targetFromConfig(config: AccessConfig, flags: TargetFlags, file: string): TargetResult {
  const cluster = pickCluster(config, flags.cluster, file);
  if (!cluster.ok) return cluster;
  const team = pickTeam(config, cluster.value, flags.team, file);
  if (!team.ok) return team;
  const ic = isIdentityCenterTeam(team.value) ? team.value.identityCenter : undefined;
  const storeId = config.identityCenter?.identityStoreId;
  return {
    ok: true,
    value: {
      cluster: cluster.value,
      team: {
        name: team.value.name,
        // With several accounts the team role lives in each cluster's account.
        roleArn: teamRoleArnFor(team.value, cluster.value),
        iamGroup: flags.group ?? team.value.iamGroup,
      },
      sessionNamePolicy: team.value.sessionName,
      clusterField: `clusters[${config.clusters.indexOf(cluster.value)}].name`,
      ...(ic !== undefined
        ? {
            identityCenter: {
              permissionSet: ic.permissionSet,
              region: config.identityCenter?.region ?? cluster.value.region,
              // The portal's default address is the identity store id's subdomain.
              ...(storeId !== undefined ? { startUrl: `https://${storeId}.awsapps.com/start` } : {}),
            },
          }
        : {}),
    },
  };
}

type Picked<T> = { readonly ok: true; readonly value: T } | Extract<TargetResult, { ok: false }>;

function pickCluster(config: AccessConfig, name: string | undefined, file: string): Picked<Cluster> {
  if (name !== undefined) {
    const found = config.clusters.find((c) => c.name === name);
    if (found === undefined) {
      return refused(
        `--cluster ${name} is not in ${file}`,
        `Clusters in the config: ${config.clusters.map((c) => c.name).join(", ") || "none"}.`,
        "EG140",
        "--cluster",
      );
    }
    return { ok: true, value: found };
  }
  const only = config.clusters.length === 1 ? config.clusters[0] : undefined;
  if (only !== undefined) return { ok: true, value: only };
  return refused(
    "--cluster is required: the config defines more than one cluster",
    `Choose one of: ${config.clusters.map((c) => c.name).join(", ")}.`,
    "EG140",
    "--cluster",
  );
}

function pickTeam(
  config: AccessConfig,
  cluster: Cluster,
  name: string | undefined,
  file: string,
): Picked<Team> {
  const withAccess = config.teams.filter((t) => t.access.some((a) => a.cluster === cluster.name));
  if (name !== undefined) {
    const found = config.teams.find((t) => t.name === name);
    if (found === undefined) {
      return refused(
        `--team ${name} is not in ${file}`,
        `Teams in the config: ${config.teams.map((t) => t.name).join(", ") || "none"}.`,
        "EG140",
        "--team",
      );
    }
    if (!withAccess.includes(found)) {
      return refused(
        `team ${name} has no access to cluster ${cluster.name}`,
        `Teams with access to it: ${withAccess.map((t) => t.name).join(", ") || "none"}.`,
        "EG140",
        "--team",
      );
    }
    return { ok: true, value: found };
  }
  const only = withAccess.length === 1 ? withAccess[0] : undefined;
  if (only !== undefined) return { ok: true, value: only };
  return refused(
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
