/**
 * `eksgate migrate --cluster NAME --apply PLAN [--accept-loss CODE...] [--auto-approve]`:
 * carries out a plan written by `eksgate migrate --out PLAN`, in the order of
 * core/migrate/apply-steps.ts. Asks first on a terminal; a rerun continues where a run
 * stopped.
 */
import { createInterface } from "node:readline/promises";
import { readTextInput } from "../../adapters/fs/config-file.js";
import { resolveKubeConnection } from "../../adapters/kube/connection.js";
import { createKubePort } from "../../adapters/kube/kube-port.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { accountIdOf } from "../../core/model/arn.js";
import {
  MIGRATE_CODES,
  migrationRefusal,
  migrationSteps,
  parseMigrationPlan,
  type MigrationPlan,
} from "../../core/migrate/index.js";
import {
  applyMigration,
  type MigrationEvent,
  type MigrationStepOutcome,
} from "../../engine/migrate-apply.js";
import type { KubePort } from "../../ports/kube.js";
import { wireEngine } from "../composition.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { renderDiagnostics } from "../views/diagnostics.js";
import { AUDIT_CODES, cliError } from "./snapshot-command.js";

export interface MigrateApplyOptions {
  readonly cluster: string;
  readonly apply: string;
  readonly acceptLoss?: readonly string[];
  readonly autoApprove?: boolean;
  readonly json?: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly kubeContext?: string;
  readonly kubeconfig?: string;
  readonly backupDir?: string;
}

function fail(term: Terminal, diagnostics: readonly Diagnostic[]): number {
  term.err(renderDiagnostics(diagnostics, term));
  return ExitCode.error;
}

async function readPlan(options: MigrateApplyOptions, term: Terminal): Promise<MigrationPlan | undefined> {
  const read = await readTextInput(options.apply, "migration plan");
  if (!read.ok) {
    fail(term, read.diagnostics);
    return undefined;
  }
  const parsed = parseMigrationPlan(read.value.text, options.apply);
  if (!parsed.ok) {
    fail(term, parsed.diagnostics);
    return undefined;
  }
  if (parsed.value.cluster !== options.cluster) {
    fail(term, [
      cliError(
        MIGRATE_CODES.planFile,
        `${options.apply} is the plan of cluster ${parsed.value.cluster}, not of ${options.cluster}`,
        "Apply each cluster's own plan: eksgate migrate --cluster NAME --out FILE.",
        "--apply",
      ),
    ]);
    return undefined;
  }
  return parsed.value;
}

async function confirmed(
  plan: MigrationPlan,
  options: MigrateApplyOptions,
  term: Terminal,
): Promise<boolean> {
  if (options.autoApprove === true) return true;
  if (!term.isTTY || !process.stdin.isTTY) {
    term.err(
      `${term.paint.red("error")} EG320: refusing to migrate without confirmation: standard input is not a terminal.\n` +
        `  hint: review the plan, then run again with --auto-approve.\n`,
    );
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `\nMigrate ${plan.cluster} to ${plan.to} in ${migrationSteps(plan).length} steps? Only "yes" is accepted: `,
    );
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}

function progress(term: Terminal, quiet: boolean): (event: MigrationEvent) => void {
  let position = "";
  return (event) => {
    if (quiet) return;
    if (event.type === "start") position = `[${event.index + 1}/${event.total}]`;
    if (event.type === "done")
      term.err(`${position} ${event.step.id}${event.note !== undefined ? `: ${event.note}` : ""}\n`);
    if (event.type === "failed") term.err(`${position} ${event.step.id}: ${term.paint.red("failed")}\n`);
    if (event.type === "wait") term.err(term.paint.dim(`  ${event.why}\n`));
    if (event.type === "backup") term.err(`saved the previous aws-auth to ${event.path}\n`);
  };
}

function outcomesJson(ok: boolean, outcomes: readonly MigrationStepOutcome[]): string {
  return `${JSON.stringify(
    {
      ok,
      steps: outcomes.map((o) => ({
        id: o.step.id,
        kind: o.step.kind,
        status: o.status,
        ...(o.note !== undefined ? { note: o.note } : {}),
        ...(o.diagnostic !== undefined ? { diagnostic: o.diagnostic } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}

export async function migrateApplyCommand(options: MigrateApplyOptions, term: Terminal): Promise<number> {
  const plan = await readPlan(options, term);
  if (plan === undefined) return ExitCode.error;
  const refusal = migrationRefusal(plan, options.acceptLoss ?? []);
  if (refusal !== undefined) return fail(term, [refusal]);
  const region = options.region ?? process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"];
  if (region === undefined) {
    return fail(term, [
      cliError(
        AUDIT_CODES.region,
        `no region for cluster ${plan.cluster}`,
        "Pass --region or set AWS_REGION.",
        "--region",
      ),
    ]);
  }
  if (!(await confirmed(plan, options, term))) return ExitCode.error;

  const wiring = wireEngine(
    {
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.backupDir !== undefined ? { backupDir: options.backupDir } : {}),
      region,
    },
    () => undefined,
  );
  const eks = wiring.deps.eks(region);
  let kube: KubePort;
  try {
    const described = await eks.describeCluster(plan.cluster);
    if (described === undefined) {
      return fail(term, [
        cliError(
          MIGRATE_CODES.planFile,
          `cluster ${plan.cluster} does not exist in ${region}`,
          "Check --region and the credentials.",
          "--cluster",
        ),
      ]);
    }
    if (options.kubeContext !== undefined) {
      const connection = await resolveKubeConnection({
        ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
        context: options.kubeContext,
        cluster: { name: described.name, arn: described.arn, endpoint: described.endpoint },
      });
      if (!connection.ok) return fail(term, connection.diagnostics);
      kube = createKubePort(connection.value);
    } else {
      const accountId = accountIdOf(described.arn) ?? "";
      const connected = await wiring.deps.kube(
        { name: described.name, region, authentication: "access-entries", arn: described.arn, accountId },
        described,
      );
      if (!connected.ok) return fail(term, connected.diagnostics);
      kube = connected.value;
    }
  } catch (error) {
    return fail(term, [
      cliError(
        MIGRATE_CODES.planFile,
        `could not reach cluster ${plan.cluster}: ${error instanceof Error ? error.message : String(error)}`,
        "Check the credentials, --region and the kubeconfig (or --kube-context).",
        "--cluster",
      ),
    ]);
  }
  const result = await applyMigration(plan, {
    eks,
    kube,
    iam: wiring.deps.iam,
    clock: wiring.deps.clock,
    backups: wiring.deps.backups,
    events: progress(term, options.json === true),
  });
  if (options.json === true) term.out(outcomesJson(result.ok, result.outcomes));
  const failed = result.outcomes.find((o) => o.status === "failed");
  if (failed?.diagnostic !== undefined) term.err(renderDiagnostics([failed.diagnostic], term));
  if (!result.ok) {
    if (options.json !== true) {
      const done = result.outcomes.filter((o) => o.status === "done").length;
      term.err(
        `${done} of ${result.outcomes.length} steps done; everyone keeps the access they had. Run the same command again to continue.\n`,
      );
    }
    return ExitCode.error;
  }
  if (options.json !== true)
    term.out(`${plan.cluster} migrated to ${plan.to}: ${result.outcomes.length} steps done.\n`);
  return ExitCode.ok;
}
