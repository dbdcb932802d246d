/**
 * The doctor's findings as part of `eksgate audit`: each the audit does not already report
 * under a code of its own becomes an audit finding (its EG43x code, the cluster, what it is about, why from the code's meaning, and the fix),
 * merged into the report in the audit's order (severity, then code, cluster, subject).
 */
import { codeInfo } from "../diagnostics/codes/index.js";
import type { AuditFinding, AuditReport } from "../evaluate/audit/index.js";
import type { ClusterAccess } from "../snapshot/model.js";
import { doctorCluster, type DoctorFinding } from "./doctor.js";
import type { PrincipalDirectory } from "./principals.js";

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Doctor codes the audit reports already under its own code, which it keeps: a stale entry
 * (EG430, audit AUD150) and a principal that does not exist (EG432, audit AUD120).
 */
const COVERED_BY_AUDIT: ReadonlySet<string> = new Set(["EG430", "EG432"]);

function auditFindingOf(f: DoctorFinding): AuditFinding {
  return {
    code: f.code,
    severity: f.severity,
    cluster: f.cluster,
    subject: f.subject,
    summary: f.summary,
    where: `cluster ${f.cluster}: ${f.subject}`,
    why: codeInfo(f.code).meaning,
    fix: f.fix,
  };
}

export function withDoctorFindings(
  report: AuditReport,
  clusters: readonly ClusterAccess[],
  directory: PrincipalDirectory,
): AuditReport {
  const audited = new Set(report.clusters);
  const added = clusters
    .filter((c) => audited.has(c.name))
    .flatMap((c) => doctorCluster(c, directory))
    .filter((f) => !COVERED_BY_AUDIT.has(f.code));
  if (added.length === 0) return report;
  const findings = [...report.findings, ...added.map(auditFindingOf)].sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.cluster ?? "").localeCompare(b.cluster ?? "") ||
      a.subject.localeCompare(b.subject),
  );
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return { ...report, findings, counts };
}
