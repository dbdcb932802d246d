/**
 * Every code the access snapshot reports (SNAPnnn), reading it (src/core/snapshot), reading
 * its directory (src/adapters/fs) or collecting it live (src/engine/collect-snapshot.ts).
 * docs/diagnostics.md is generated from this table.
 */
import type { Severity } from "../diagnostics.js";

export interface SnapshotCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

export const SNAPSHOT_CODE_TABLE: readonly SnapshotCodeInfo[] = [
  {
    code: "SNAP001",
    severity: "error",
    title: "No `iam/account-authorization-details*.json` in the snapshot.",
  },
  { code: "SNAP002", severity: "error", title: "A JSON file (or `--scps FILE`) does not parse." },
  {
    code: "SNAP003",
    severity: "error",
    title: "A file does not have the shape its place in the layout asks for.",
  },
  {
    code: "SNAP004",
    severity: "error",
    title: "A YAML file does not parse (the message gives `file:line:column`).",
  },
  {
    code: "SNAP005",
    severity: "warning",
    title: "A cluster has no `cluster.json`: its mode is taken to be CONFIG_MAP.",
  },
  {
    code: "SNAP006",
    severity: "error",
    title: "A cluster's `authenticationMode` is not one EKS knows: CONFIG_MAP is assumed.",
  },
  { code: "SNAP007", severity: "info", title: "A file outside the layout: ignored." },
  {
    code: "SNAP008",
    severity: "warning",
    title: "A cluster has no RBAC objects: only system:masters and access policies grant anything.",
  },
  {
    code: "SNAP009",
    severity: "warning",
    title: "aws-auth has problems the authenticator stumbles on (run `eksgate lint aws-auth`).",
  },
  {
    code: "SNAP010",
    severity: "warning",
    title: "No `clusters/` directory: only IAM questions can be answered.",
  },
  {
    code: "SNAP100",
    severity: "error",
    title: "The snapshot directory (or a file named on the command line) is missing.",
  },
  { code: "SNAP101", severity: "error", title: "The snapshot directory or one of its files cannot be read." },
  { code: "SNAP110", severity: "error", title: "A cluster to collect was not found in its region." },
  {
    code: "SNAP111",
    severity: "warning",
    title: "`--organizations`: SCPs could not be read; the snapshot has none (the hint says what to do).",
  },
  {
    code: "SNAP112",
    severity: "info",
    title:
      "`--organizations`: no SCP applies (SCPs not enabled, no organization, or the management account).",
  },
];
