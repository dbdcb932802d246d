/** Access snapshot (SNAP): reading it (src/core/snapshot), its directory (src/adapters/fs), collecting it live (src/engine/collect-snapshot.ts). */
import { defineFamily } from "./define.js";

export const SNAP_CODES = defineFamily(
  "SNAP",
  {
    title: "Access snapshot (SNAP): `eksgate snapshot` and `--snapshot DIR`",
    intro: "SNAP0nn: reading a snapshot. SNAP1nn: reading its directory and collecting it live.",
  },
  {
    SNAP001: { severity: "error", meaning: "No `iam/account-authorization-details*.json` in the snapshot." },
    SNAP002: { severity: "error", meaning: "A JSON file (or `--scps FILE`) does not parse." },
    SNAP003: {
      severity: "error",
      meaning: "A file does not have the shape its place in the layout asks for.",
    },
    SNAP004: {
      severity: "error",
      meaning: "A YAML file does not parse (the message gives `file:line:column`).",
    },
    SNAP005: {
      severity: "warning",
      meaning: "A cluster has no `cluster.json`: its mode is taken to be CONFIG_MAP.",
    },
    SNAP006: {
      severity: "error",
      meaning: "A cluster's `authenticationMode` is not one EKS knows: CONFIG_MAP is assumed.",
    },
    SNAP007: { severity: "info", meaning: "A file outside the layout: ignored." },
    SNAP008: {
      severity: "warning",
      meaning: "A cluster has no RBAC objects: only system:masters and access policies grant anything.",
    },
    SNAP009: {
      severity: "warning",
      meaning: "aws-auth has problems the authenticator stumbles on (run `eksgate lint aws-auth`).",
    },
    SNAP010: {
      severity: "warning",
      meaning: "No `clusters/` directory: only IAM questions can be answered.",
    },
    SNAP100: {
      severity: "error",
      meaning: "The snapshot directory (or a file named on the command line) is missing.",
    },
    SNAP101: { severity: "error", meaning: "The snapshot directory or one of its files cannot be read." },
    SNAP110: { severity: "error", meaning: "A cluster to collect was not found in its region." },
    SNAP111: {
      severity: "warning",
      meaning: "`--organizations`: SCPs could not be read; the snapshot has none (the hint says what to do).",
    },
    SNAP112: {
      severity: "info",
      meaning:
        "`--organizations`: no SCP applies (SCPs not enabled, no organization, or the management account).",
    },
  },
);
