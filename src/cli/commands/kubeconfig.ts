/**
 * `eksgate kubeconfig`: the command line of the kubeconfig use case (engine/kubeconfig.ts).
 * Parses the options, loads the config, picks the cluster and team, wires the real adapters
 * and prints what the use case did or why it refused.
 */
import { loadConfigFile } from "../../adapters/fs/config-file.js";
import { createUserFilesPort } from "../../adapters/fs/user-files.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { formatAwsConfigProfile } from "../../core/model/kubeconfig-entry.js";
import { formatAwsConfigSection } from "../../core/kubeconfig/aws-config.js";
import { formatKubeconfig, type EntryChange, type KubeconfigEntries } from "../../core/kubeconfig/merge.js";
import {
  isFlagTarget,
  targetFromConfig,
  targetFromFlags,
  type KubeconfigTarget,
  type TargetFlags,
} from "../../core/kubeconfig/target.js";
import {
  writeTeamAwsProfile,
  writeTeamKubeconfig,
  type KubeconfigNote,
  type KubeconfigOutcome,
  type KubeconfigRequest,
  type PlannedAwsProfile,
} from "../../engine/kubeconfig.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { renderDiagnostics } from "../views/diagnostics.js";

/** Commander's options: which cluster and team, what to write, and how to report. */
export type KubeconfigOptions = TargetFlags &
  Omit<KubeconfigRequest, "target"> & {
    readonly config?: string;
    readonly json?: boolean;
    readonly awsProfileOnly?: boolean;
  };

export async function kubeconfigCommand(options: KubeconfigOptions, term: Terminal): Promise<number> {
  const json = options.json === true;
  const refused = (diagnostics: readonly Diagnostic[], printed = false): number => {
    if (json) term.out(`${JSON.stringify({ ok: false, diagnostics }, null, 2)}\n`);
    else if (!printed) term.err(renderDiagnostics([...diagnostics], term));
    return ExitCode.error;
  };

  const target = await resolveTarget(options, term);
  if (!target.ok) return refused(target.diagnostics, target.printed);

  // What is not the request: the target's flags, the config file and the output form.
  const {
    config: _config,
    json: _json,
    cluster: _cluster,
    team: _team,
    clusterName: _clusterName,
    region: _region,
    roleArn: _roleArn,
    group: _group,
    awsProfileOnly,
    ...request
  } = options;
  const { createClusterAccessPort } = await import("../../adapters/aws/cluster-access.js");
  const deps = {
    aws: createClusterAccessPort(options.profile !== undefined ? { profile: options.profile } : {}),
    files: createUserFilesPort(process.env),
    host: {
      windows: process.platform === "win32",
      ...(process.env["AWS_PROFILE"] !== undefined ? { awsProfile: process.env["AWS_PROFILE"] } : {}),
    },
  };
  if (awsProfileOnly === true) {
    const only = await writeTeamAwsProfile({ ...request, target: target.value }, deps);
    if (!only.ok) return refused(only.diagnostics);
    if (json)
      term.out(
        `${JSON.stringify({ ok: true, dryRun: options.dryRun === true, awsProfile: profileJson(only.value) }, null, 2)}\n`,
      );
    else term.out(`${profileLines(only.value, options.writeAwsProfile === true, term).join("\n")}\n`);
    return ExitCode.ok;
  }
  const result = await writeTeamKubeconfig({ ...request, target: target.value }, deps);
  if (!json) for (const note of result.notes) term.err(noteText(note, term));
  if (!result.ok) return refused(result.diagnostics);

  const outcome = result.value;
  if (json) term.out(`${JSON.stringify(jsonReport(outcome), null, 2)}\n`);
  else term.out(textReport({ ...outcome, options, term }));
  return ExitCode.ok;
}

function noteText(note: KubeconfigNote, term: Terminal): string {
  switch (note.kind) {
    case "described-as-role":
      return `${term.paint.dim("note")} your identity may not call eks:DescribeCluster; read ${note.cluster} as the team role ${note.roleArn} instead\n`;
    case "cluster-arn-differs":
      return `${term.paint.yellow("warning")} EKS reports cluster ARN ${note.reported}, the config implies ${note.implied}; the entries are named after EKS's.\n`;
  }
}

type TargetOutcome =
  | { readonly ok: true; readonly value: KubeconfigTarget }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly printed: boolean };

/** The cluster and team, from flags alone or from the config file. */
async function resolveTarget(options: KubeconfigOptions, term: Terminal): Promise<TargetOutcome> {
  if (isFlagTarget(options)) {
    const configFlag =
      options.config !== undefined
        ? "--config"
        : options.cluster !== undefined
          ? "--cluster"
          : options.team !== undefined
            ? "--team"
            : undefined;
    const target = targetFromFlags(options, configFlag);
    return target.ok ? target : { ...target, printed: false };
  }
  const file = options.config ?? "eksgate.yaml";
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) {
    // Printed here, with excerpts of the file.
    if (options.json !== true) {
      const sources = new Map(loaded.text !== undefined ? [[file, loaded.text]] : []);
      term.err(renderDiagnostics([...loaded.diagnostics], term, sources));
    }
    return { ok: false, diagnostics: loaded.diagnostics, printed: true };
  }
  const target = targetFromConfig(loaded.value, options, file);
  return target.ok ? target : { ...target, printed: false };
}

// ---------------------------------------------------------------------------------------
// Output

interface ReportInput {
  readonly path: string;
  readonly entries: KubeconfigEntries;
  readonly changes: readonly EntryChange[];
  readonly dryRun: boolean;
  readonly kubeconfigChanged: boolean;
  readonly awsProfile?: PlannedAwsProfile;
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
  if (input.awsProfile !== undefined)
    lines.push("", ...profileLines(input.awsProfile, input.options.writeAwsProfile === true, term));
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

/** What the report says about the AWS CLI profile, in either form. */
function profileLines(part: PlannedAwsProfile, writeAsked: boolean, term: Terminal): string[] {
  const where = `AWS config ${part.path}`;
  const name = part.form === "role" ? part.profile.name : part.name;
  const indent = (text: string, by: string) =>
    text
      .trimEnd()
      .split("\n")
      .map((l) => `${by}${l}`);
  let section: string;
  if (part.form === "role") section = formatAwsConfigProfile(part.profile);
  else if (part.plan.action === "needs-start-url")
    return [
      term.paint.yellow(
        `${where}: profile ${name} is missing, and there is no [sso-session ${part.plan.sessionName}] to put it in.`,
      ),
      "  Run again with --write-aws-profile --sso-start-url YOUR_ACCESS_PORTAL_URL.",
    ];
  else
    section = `${part.plan.session.action === "add" ? `${part.plan.session.section}\n` : ""}${formatAwsConfigSection(`profile ${name}`, part.plan.settings)}`;
  const signIn = part.form === "sso" ? [`Sign in before using it: aws sso login --profile ${name}`] : [];
  const plan = part.plan;
  if (plan.action === "unchanged")
    return [`${where}: profile ${name} is already there with these settings.`, ...signIn];
  if (plan.action === "conflict")
    return [
      term.paint.yellow(
        `${where}: profile ${name} exists with other settings (line ${conflictLine(part)}); the kubeconfig uses it as it is.`,
      ),
      `  eksgate would have written:`,
      ...indent(section, "    "),
    ];
  if (part.written) return [`${where}: added`, ...indent(section, "  "), ...signIn];
  if (writeAsked) return [`${where}: would add`, ...indent(section, "  ")];
  return [
    term.paint.yellow(`${where}: profile ${name} is missing; the kubeconfig needs it.`),
    "  Run again with --write-aws-profile, or add it yourself:",
    ...indent(section, "    "),
  ];
}

function conflictLine(part: PlannedAwsProfile): number {
  if (part.form === "role") return part.plan.action === "conflict" ? part.plan.line : 0;
  if (part.plan.action === "needs-start-url") return 0;
  const { profile, session } = part.plan;
  return profile.action === "conflict" ? profile.line : session.action === "conflict" ? session.line : 0;
}

function profileJson(part: PlannedAwsProfile): Record<string, unknown> {
  if (part.form === "role")
    return {
      form: "role",
      path: part.path,
      name: part.profile.name,
      settings: part.profile.settings,
      sessionNameFrom: part.sessionNameFrom,
      action: part.plan.action,
      written: part.written,
    };
  return {
    form: "sso",
    path: part.path,
    name: part.name,
    settings: part.plan.settings,
    ...(part.plan.action !== "needs-start-url"
      ? {
          ssoSession: {
            name: part.plan.sessionName,
            settings: part.plan.sessionSettings,
            action: part.plan.session.action,
          },
        }
      : { ssoSession: { name: part.plan.sessionName, action: "needs-start-url" } }),
    action: part.plan.action,
    written: part.written,
  };
}

function jsonReport(input: KubeconfigOutcome): Record<string, unknown> {
  const part = input.awsProfile;
  return {
    ok: true,
    dryRun: input.dryRun,
    kubeconfig: {
      path: input.path,
      written: input.kubeconfigWritten,
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
    ...(part !== undefined ? { awsProfile: profileJson(part) } : {}),
  };
}
