/**
 * `eksgate audit [--snapshot DIR] [--cluster NAME] [--json] [--html FILE]`: findings with
 * severity and code, grouped by severity; exit 1 when any finding is an error.
 */
import { writeFileAtomically } from "../../adapters/fs/kubeconfig-file.js";
import { readSnapshotDir } from "../../adapters/fs/snapshot-dir.js";
import { accessGraphs, auditSnapshot } from "../../core/evaluate/audit/index.js";
import { directoryFromIam, withDoctorFindings } from "../../core/migrate/index.js";
import { parseSnapshot, type SnapshotFile } from "../../core/snapshot/index.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { auditHtml } from "../views/audit-html.js";
import { contextLine } from "../views/access.js";
import { auditJson, auditText } from "../views/audit.js";
import { renderDiagnostics } from "../views/diagnostics.js";
import { checkCluster, type AuditOutputOptions } from "./can-i.js";
import { requestContextFor, type RequestContextCliOptions } from "./request-context.js";
import { cliError, collectLive, failWith, type AccessInputOptions } from "./snapshot-command.js";

/** The HTML report could not be written (docs/audit.md). */
const HTML_WRITE_CODE = "AUD008";

export interface AuditCliOptions extends AccessInputOptions, AuditOutputOptions, RequestContextCliOptions {
  readonly cluster?: string;
  readonly html?: string;
}

export async function auditCommand(options: AuditCliOptions, term: Terminal): Promise<number> {
  const context = requestContextFor(options, term);
  if (context === undefined) return ExitCode.error;
  let files: readonly SnapshotFile[];
  if (options.snapshot !== undefined) {
    const read = await readSnapshotDir(options.snapshot);
    if (!read.ok) {
      failWith(read.diagnostics, options, term);
      return ExitCode.error;
    }
    files = read.value;
  } else {
    const live = await collectLive(options, options.cluster === undefined ? [] : [options.cluster], term);
    if (live === undefined) return ExitCode.error;
    files = live.files;
  }
  const parsed = parseSnapshot(files);
  const shown = parsed.diagnostics.filter((d) => d.severity !== "info");
  if (shown.length > 0) term.err(renderDiagnostics(shown, term));
  const snapshot = parsed.snapshot;
  const unknownCluster = checkCluster(snapshot, options.cluster);
  if (unknownCluster !== undefined) {
    failWith([unknownCluster], options, term);
    return ExitCode.error;
  }
  const clusters = options.cluster === undefined ? undefined : [options.cluster];
  // The doctor's findings (EG430-EG434) are part of the audit.
  const report = withDoctorFindings(
    auditSnapshot({ snapshot, files, ...(clusters !== undefined ? { clusters } : {}) }),
    snapshot.clusters,
    directoryFromIam(snapshot.iam),
  );
  if (options.html !== undefined) {
    const graphs = accessGraphs(snapshot, clusters, context.options);
    try {
      await writeFileAtomically(
        options.html,
        auditHtml(report, graphs, {
          source: `${options.snapshot ?? "live collection"}; ${contextLine(context.summary)}`,
        }),
        0o644,
        false,
      );
    } catch (error) {
      failWith(
        [
          cliError(
            HTML_WRITE_CODE,
            `could not write ${options.html}: ${error instanceof Error ? error.message : String(error)}`,
            undefined,
            "--html",
          ),
        ],
        options,
        term,
      );
      return ExitCode.error;
    }
  }
  if (options.json === true || options.output === "json") {
    term.out(`${JSON.stringify(auditJson(report, context.summary), null, 2)}\n`);
  } else {
    term.out(auditText(report, term, context.summary));
    if (options.html !== undefined) term.out(`wrote ${options.html}\n`);
  }
  return report.counts.error > 0 ? ExitCode.error : ExitCode.ok;
}
