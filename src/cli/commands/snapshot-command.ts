/**
 * `eksgate snapshot --out DIR`: collect an access snapshot live (read-only) and write it in
 * the documented layout; and the snapshot loading every audit command shares (offline from
 * `--snapshot DIR`, or collected live in memory).
 */
import { loadConfigFile } from "../../adapters/fs/config-file.js";
import { readJsonFile, readSnapshotDir, writeSnapshotDir } from "../../adapters/fs/snapshot-dir.js";
import type { Diagnostic, DiagnosticCode } from "../../core/diagnostics.js";
import { hasErrors } from "../../core/diagnostics.js";
import { readIamRoleArn } from "../../core/model/arn.js";
import { parseSnapshot, type AccessSnapshot, type SnapshotFile } from "../../core/snapshot/index.js";
import type { SnapshotTarget } from "../../engine/collect-snapshot.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { outputWriteDiagnostic, renderDiagnostics, reportFailure } from "../views/diagnostics.js";
import { OutputWriteError } from "../../adapters/fs/write-files.js";

/** Where the audit commands read from. */
export interface AccessInputOptions {
  /** The command prints JSON: its failures then come as JSON on stdout too. */
  readonly json?: boolean;
  /** An offline snapshot directory. */
  readonly snapshot?: string;
  /** eksgate config: which clusters (and regions) to collect live. */
  readonly config?: string;
  readonly region?: string;
  readonly profile?: string;
  /** kubeconfig context, for a single cluster (`--kube-context`). */
  readonly kubeContext?: string;
  readonly kubeconfig?: string;
  /** A file of SCPs (the iam/scps.json shape). */
  readonly scps?: string;
  /** Read SCPs from AWS Organizations. */
  readonly organizations?: boolean;
  /** Read Identity Center state (sso-admin, identitystore). */
  readonly identityCenter?: boolean;
  /** Further accounts' IAM: `ID=PROFILE` or `ID=ROLE_ARN` (repeatable). */
  readonly account?: readonly string[];
}

export interface SnapshotCliOptions extends AccessInputOptions {
  readonly out: string;
  readonly cluster?: readonly string[];
  /** The old name of `--kube-context`: refused with a hint. */
  readonly context?: string;
}

export const AUDIT_CODES = {
  principal: "AUD001",
  cluster: "AUD002",
  request: "AUD003",
  collect: "AUD005",
  region: "AUD006",
  kubeContext: "AUD007",
  scps: "AUD009",
  renamedFlag: "AUD014",
  account: "AUD015",
} as const satisfies Record<string, DiagnosticCode>;

/** `--account ID=PROFILE` / `ID=ROLE_ARN`, or the problem with it. */
export function parseAccountFlags(
  values: readonly string[],
):
  | { ok: true; accounts: { accountId: string; profile?: string; roleArn?: string }[] }
  | { ok: false; reason: string } {
  const accounts: { accountId: string; profile?: string; roleArn?: string }[] = [];
  for (const v of values) {
    const m = /^(\d{12})=(.+)$/.exec(v);
    if (m?.[1] === undefined || m[2] === undefined)
      return {
        ok: false,
        reason: `--account ${JSON.stringify(v)} is not ACCOUNT_ID=PROFILE or ACCOUNT_ID=ROLE_ARN`,
      };
    const [, accountId, how] = m;
    if (accounts.some((a) => a.accountId === accountId))
      return { ok: false, reason: `--account names account ${accountId} twice` };
    if (how.startsWith("arn:")) {
      if (readIamRoleArn(how) === undefined)
        return { ok: false, reason: `--account ${accountId}=${how}: not an IAM role ARN` };
      accounts.push({ accountId, roleArn: how });
    } else accounts.push({ accountId, profile: how });
  }
  return { ok: true, accounts };
}

/** Whether the command prints JSON (`--json`, `-o json`). */
export function printsJson(options: AccessInputOptions & { readonly output?: string }): boolean {
  return options.json === true || options.output === "json";
}

/**
 * Diagnostics that end the command: `{"ok": false, "diagnostics": [...]}` on stdout when
 * it prints JSON, rendered on stderr otherwise.
 */
export function failWith(
  diagnostics: readonly Diagnostic[],
  options: AccessInputOptions & { readonly output?: string },
  term: Terminal,
): void {
  reportFailure(diagnostics, term, { json: printsJson(options) });
}

/** A problem with what the command was asked; `path` names the option or argument at fault. */
export function cliError(
  code: DiagnosticCode,
  summary: string,
  detail: string | undefined,
  path: string,
): Diagnostic {
  return { code, severity: "error", summary, ...(detail !== undefined ? { detail } : {}), path };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as { hint?: unknown }).hint;
    return typeof hint === "string" ? `${error.message}. ${hint}` : error.message;
  }
  return String(error);
}

async function targetsFor(
  options: AccessInputOptions,
  clusters: readonly string[],
): Promise<{ targets: SnapshotTarget[]; regions: string[] } | { diagnostics: readonly Diagnostic[] }> {
  const envRegion = process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"];
  let configured: { name: string; region: string }[] = [];
  if (options.config !== undefined) {
    const loaded = await loadConfigFile(options.config);
    if (!loaded.ok) return { diagnostics: loaded.diagnostics };
    configured = loaded.value.clusters.map((c) => ({ name: c.name, region: c.region }));
  }
  const region = options.region ?? envRegion;
  const targets: SnapshotTarget[] = [];
  const wanted = clusters.length > 0 ? clusters : configured.map((c) => c.name);
  for (const name of wanted) {
    const r = options.region ?? configured.find((c) => c.name === name)?.region ?? envRegion;
    if (r === undefined) {
      return {
        diagnostics: [
          cliError(
            AUDIT_CODES.region,
            `no region for cluster ${name}`,
            "Pass --region, set AWS_REGION, or name a config (-c) that gives the cluster's region.",
            "--region",
          ),
        ],
      };
    }
    targets.push({ name, region: r });
  }
  if (targets.length === 0 && region === undefined) {
    return {
      diagnostics: [
        cliError(
          AUDIT_CODES.region,
          "no cluster and no region to list clusters in",
          "Pass --cluster NAME and --region, set AWS_REGION, or use -c eksgate.yaml.",
          "--region",
        ),
      ],
    };
  }
  return { targets, regions: region === undefined ? [] : [region] };
}

/** Collects the snapshot files live. Prints progress and problems on stderr. */
export async function collectLive(
  options: AccessInputOptions,
  clusters: readonly string[],
  term: Terminal,
): Promise<{ files: readonly SnapshotFile[]; clusters: readonly string[] } | undefined> {
  const t = await targetsFor(options, clusters);
  if ("diagnostics" in t) {
    failWith(t.diagnostics, options, term);
    return undefined;
  }
  if (options.kubeContext !== undefined && t.targets.length !== 1) {
    failWith(
      [
        cliError(
          AUDIT_CODES.kubeContext,
          "--kube-context needs exactly one cluster",
          "Name it with --cluster.",
          "--kube-context",
        ),
      ],
      options,
      term,
    );
    return undefined;
  }
  if (options.scps !== undefined && options.organizations === true) {
    failWith(
      [
        cliError(
          AUDIT_CODES.scps,
          "--scps and --organizations both name where SCPs come from",
          "Keep one: --scps FILE, or --organizations to read them from AWS Organizations.",
          "--scps",
        ),
      ],
      options,
      term,
    );
    return undefined;
  }
  const accountFlags = parseAccountFlags(options.account ?? []);
  if (!accountFlags.ok) {
    failWith(
      [
        cliError(
          AUDIT_CODES.account,
          accountFlags.reason,
          "Write --account 222222222222=workload-profile or --account 222222222222=arn:aws:iam::222222222222:role/OrganizationAccountAccessRole (repeatable).",
          "--account",
        ),
      ],
      options,
      term,
    );
    return undefined;
  }
  let scpContent: unknown;
  if (options.scps !== undefined) {
    const read = await readJsonFile(options.scps);
    if (!read.ok) {
      failWith(read.diagnostics, options, term);
      return undefined;
    }
    scpContent = read.value;
  }
  const [{ collectSnapshot }, aws, { standardCredentials }, kube, idc] = await Promise.all([
    import("../../engine/collect-snapshot.js"),
    import("../../adapters/aws/snapshot-collector.js"),
    import("../../adapters/aws/client-config.js"),
    import("../../adapters/kube/snapshot-collector.js"),
    options.identityCenter === true ? import("../../adapters/aws/identity-center-collector.js") : undefined,
  ]);
  // One credential chain for every client, as plan and apply use: an SSO token is read once.
  const awsOptions = {
    credentials: standardCredentials(options.profile),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(t.targets[0]?.region !== undefined ? { region: t.targets[0].region } : {}),
  };
  try {
    const collected = await collectSnapshot(
      {
        iam: aws.createIamSnapshotSource(awsOptions),
        ...(options.organizations === true
          ? { organizations: aws.createOrganizationsSnapshotSource(awsOptions) }
          : {}),
        ...(idc !== undefined ? { identityCenter: idc.createIdentityCenterSnapshotSource(awsOptions) } : {}),
        ...(accountFlags.accounts.length > 0
          ? {
              accounts: accountFlags.accounts.map((a) => ({
                accountId: a.accountId,
                iam: aws.createIamSnapshotSource({
                  ...awsOptions,
                  ...(a.profile !== undefined
                    ? { profile: a.profile, credentials: standardCredentials(a.profile) }
                    : {}),
                  ...(a.roleArn !== undefined ? { roleArn: a.roleArn } : {}),
                }),
              })),
            }
          : {}),
        eks: (region) => aws.createEksSnapshotSource(region, awsOptions),
        kube: (cluster) =>
          kube.createKubeSnapshotSource(cluster, {
            ...(options.kubeContext !== undefined ? { context: options.kubeContext } : {}),
            ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
          }),
      },
      {
        clusters: t.targets,
        regions: t.regions,
        ...(scpContent !== undefined
          ? { serviceControlPolicies: { from: "file" as const, content: scpContent } }
          : options.organizations === true
            ? { serviceControlPolicies: { from: "organizations" as const } }
            : {}),
        progress: (step) => {
          if (term.isTTY) term.err(term.paint.dim(`  ${step}\n`));
        },
      },
    );
    if (hasErrors(collected.diagnostics)) {
      failWith(collected.diagnostics, options, term);
      return undefined;
    }
    if (collected.diagnostics.length > 0) term.err(renderDiagnostics(collected.diagnostics, term));
    return { files: collected.files, clusters: collected.clusters };
  } catch (error) {
    failWith(
      [
        cliError(
          AUDIT_CODES.collect,
          `collecting the snapshot failed: ${messageOf(error)}`,
          "The snapshot needs iam:GetAccountAuthorizationDetails, eks:DescribeCluster, eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies, and get/list on ConfigMaps, RBAC objects and Namespaces. Or pass --snapshot DIR.",
          clusters.length > 0 ? "--cluster" : "--region",
        ),
      ],
      options,
      term,
    );
    return undefined;
  }
}

/**
 * The snapshot the audit commands work on: read from `--snapshot DIR`, or collected live in
 * memory. Prints problems; undefined when there is nothing usable.
 */
export async function loadAccessSnapshot(
  options: AccessInputOptions,
  clusters: readonly string[],
  term: Terminal,
): Promise<AccessSnapshot | undefined> {
  let files: readonly SnapshotFile[];
  if (options.snapshot !== undefined) {
    const read = await readSnapshotDir(options.snapshot);
    if (!read.ok) {
      failWith(read.diagnostics, options, term);
      return undefined;
    }
    files = read.value;
  } else {
    const live = await collectLive(options, clusters, term);
    if (live === undefined) return undefined;
    files = live.files;
  }
  const parsed = parseSnapshot(files);
  const shown = parsed.diagnostics.filter((d) => d.severity !== "info");
  if (
    hasErrors(parsed.diagnostics) &&
    parsed.snapshot.iamIndex.users.length + parsed.snapshot.iamIndex.roles.length === 0
  ) {
    failWith(shown, options, term);
    return undefined;
  }
  if (shown.length > 0) term.err(renderDiagnostics(shown, term));
  return parsed.snapshot;
}

/** `eksgate snapshot --out DIR` */
export async function snapshotCommand(options: SnapshotCliOptions, term: Terminal): Promise<number> {
  if (options.context !== undefined) {
    failWith(
      [
        cliError(
          AUDIT_CODES.renamedFlag,
          "--context was renamed to --kube-context",
          `Pass --kube-context ${options.context}: --context now names request-context keys on explain, who-can, can-i and audit (docs/audit.md).`,
          "--context",
        ),
      ],
      options,
      term,
    );
    return ExitCode.error;
  }
  const live = await collectLive(options, options.cluster ?? [], term);
  if (live === undefined) return ExitCode.error;
  let written: string[];
  try {
    written = await writeSnapshotDir(options.out, live.files);
  } catch (error) {
    if (!(error instanceof OutputWriteError)) throw error;
    failWith([outputWriteDiagnostic(error, "--out")], options, term);
    return ExitCode.error;
  }
  const check = parseSnapshot(live.files);
  const problems = check.diagnostics.filter((d) => d.severity !== "info");
  if (problems.length > 0) term.err(renderDiagnostics(problems, term));
  term.out(
    `wrote ${written.length} files under ${options.out} (${live.clusters.length} cluster${live.clusters.length === 1 ? "" : "s"}: ${live.clusters.join(", ") || "none"})\n`,
  );
  return ExitCode.ok;
}
