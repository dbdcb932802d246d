/**
 * `eksgate kubeconfig`: the command line of the kubeconfig use case (engine/kubeconfig.ts).
 * Parses the options, loads the config, picks the cluster and team, wires the real adapters
 * and prints what the use case did or why it refused.
 */
import { loadConfigFile } from "../../adapters/fs/config-file.js";
import { createUserFilesPort } from "../../adapters/fs/user-files.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { formatAwsConfigProfile } from "../../core/model/kubeconfig-entry.js";
import { formatKubeconfig, type EntryChange, type KubeconfigEntries } from "../../core/kubeconfig/merge.js";
import {
  isFlagTarget,
  targetFromConfig,
  targetFromFlags,
  type KubeconfigTarget,
  type TargetFlags,
} from "../../core/kubeconfig/target.js";
import {
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
  Omit<KubeconfigRequest, "target"> & { readonly config?: string; readonly json?: boolean };

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
    ...request
  } = options;
  const { createClusterAccessPort } = await import("../../adapters/aws/cluster-access.js");
  const result = await writeTeamKubeconfig(
    {
      ...request,
      target: target.value,
    },
    {
      aws: createClusterAccessPort(options.profile !== undefined ? { profile: options.profile } : {}),
      files: createUserFilesPort(process.env),
      host: {
        windows: process.platform === "win32",
        ...(process.env["AWS_PROFILE"] !== undefined ? { awsProfile: process.env["AWS_PROFILE"] } : {}),
      },
    },
  );
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
  const part = input.awsProfile;
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
    } else if (part.written) {
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
    ...(part !== undefined
      ? {
          awsProfile: {
            path: part.path,
            name: part.profile.name,
            settings: part.profile.settings,
            sessionNameFrom: part.sessionNameFrom,
            action: part.plan.action,
            written: part.written,
          },
        }
      : {}),
  };
}
