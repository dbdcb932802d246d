/**
 * `eksgate audit`: findings with stable codes (AUDnnn, plus aws-auth lint's AAnnn) and the
 * per-cluster access graph for the HTML report. Pure.
 *
 * - `auditSnapshot({snapshot, files?, clusters?})`: every finding, errors first, with counts.
 * - `accessGraphs(snapshot, clusters?)`: IAM group -> role -> Kubernetes group -> binding -> role.
 * - `AUDIT_CODES` / `AUDIT_CODE_TABLE`: the codes as data.
 */
export * from "./codes.js";
export {
  auditSnapshot,
  isoTimestampMillis,
  type AuditFinding,
  type AuditInput,
  type AuditReport,
} from "./findings.js";
export {
  accessGraphs,
  AUDIT_GRAPH_COLUMNS,
  type AuditGraphColumn,
  type AuditGraphEdge,
  type AuditGraphNode,
  type ClusterAccessGraph,
} from "./graph.js";
