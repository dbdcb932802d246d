/**
 * `eksgate migrate --cluster NAME [--to API_AND_CONFIG_MAP|API] [--out plan.json] [--json]
 * [--accept-loss CODE...]`: the plan that moves a cluster from aws-auth to access entries,
 * with its proof. Reads a snapshot (`--snapshot DIR`) or collects one live, read-only.
 */
import { basename, dirname } from "node:path";
import { writeFilesAtomically } from "../../adapters/fs/write-files.js";
import {
  directoryFromIam,
  MIGRATE_CODES,
  MIGRATION_TARGETS,
  migrationRefusal,
  planMigration,
  type MigrationTarget,
} from "../../core/migrate/index.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { renderDiagnostics } from "../views/diagnostics.js";
import { migrationText } from "../views/migrate.js";
import { warnAboutAccessPolicies } from "./access-policy-check.js";
import { loadSnapshotFor } from "./can-i.js";
import { cliError, failWith, type AccessInputOptions } from "./snapshot-command.js";

export interface MigrateCliOptions extends AccessInputOptions {
  readonly cluster: string;
  readonly to: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly acceptLoss?: readonly string[];
  /** Apply this saved plan instead of planning. */
  readonly apply?: string;
  readonly autoApprove?: boolean;
  readonly backupDir?: string;
}

export async function migrateCommand(options: MigrateCliOptions, term: Terminal): Promise<number> {
  if (options.apply !== undefined) {
    const { migrateApplyCommand } = await import("./migrate-apply.js");
    return migrateApplyCommand({ ...options, apply: options.apply }, term);
  }
  if (!(MIGRATION_TARGETS as readonly string[]).includes(options.to)) {
    failWith(
      [
        cliError(
          MIGRATE_CODES.modeUnreachable,
          `--to ${options.to} is not a mode a migration goes to`,
          "Use --to API_AND_CONFIG_MAP (aws-auth still read) or --to API.",
          "--to",
        ),
      ],
      options,
      term,
    );
    return ExitCode.error;
  }
  const snapshot = await loadSnapshotFor(options, term);
  if (snapshot === undefined) return ExitCode.error;
  const cluster = snapshot.clusters.find((c) => c.name === options.cluster);
  if (cluster === undefined) return ExitCode.error;
  const result = planMigration({
    cluster,
    to: options.to as MigrationTarget,
    principals: directoryFromIam(snapshot.iam),
  });
  if (!result.ok) {
    failWith(result.diagnostics, options, term);
    return ExitCode.error;
  }
  const plan = result.value;
  await warnAboutAccessPolicies(options, term);
  const accepted = options.acceptLoss ?? [];
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (options.out !== undefined) {
    try {
      await writeFilesAtomically(dirname(options.out), [{ path: basename(options.out), content: json }]);
    } catch (error) {
      failWith(
        [
          cliError(
            MIGRATE_CODES.planFile,
            `could not write ${options.out}: ${error instanceof Error ? error.message : String(error)}`,
            "Check that the directory exists and is writable.",
            "--out",
          ),
        ],
        options,
        term,
      );
      return ExitCode.error;
    }
  }
  if (options.json === true) term.out(json);
  else term.out(migrationText(plan, accepted, term));
  if (options.out !== undefined && options.json !== true) term.out(`wrote ${options.out}\n`);
  // A refused plan is still printed (and saved) for review, but the command fails: a
  // pipeline must not go on to apply a switch that loses access nobody accepted.
  const refusal = migrationRefusal(plan, accepted);
  if (refusal !== undefined) {
    term.err(renderDiagnostics([refusal], term));
    return ExitCode.error;
  }
  return ExitCode.ok;
}
