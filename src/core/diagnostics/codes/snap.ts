/** Access snapshot (SNAP): reading it (src/core/snapshot), its directory (src/adapters/fs), collecting it live (src/engine/collect-snapshot.ts). */
import { defineFamily } from "./define.js";

export const SNAP_CODES = defineFamily(
  "SNAP",
  {
    title: "Access snapshot (SNAP): `eksgate snapshot` and `--snapshot DIR`",
    intro: "SNAP0nn: reading a snapshot. SNAP1nn: reading its directory and collecting it live.",
  },
  {
    SNAP001: {
      severity: "error",
      meaning: "No `iam/account-authorization-details*.json` in the snapshot.",
      hint: "Collect IAM with aws iam get-account-authorization-details (or eksgate snapshot) into the snapshot's iam/ directory.",
    },
    SNAP002: {
      severity: "error",
      meaning: "A JSON file (or `--scps FILE`) does not parse.",
      hint: "Fix the JSON, or collect the file again.",
    },
    SNAP003: {
      severity: "error",
      meaning: "A file does not have the shape its place in the layout asks for.",
      hint: "Compare the file with the layout in docs/audit.md, or collect it again.",
    },
    SNAP004: {
      severity: "error",
      meaning: "A YAML file does not parse (the message gives `file:line:column`).",
      hint: "Fix the YAML at the position shown, or collect the file again.",
    },
    SNAP005: {
      severity: "warning",
      meaning: "A cluster has no `cluster.json`: its mode is taken to be CONFIG_MAP.",
      hint: "Add the cluster's cluster.json (aws eks describe-cluster) so its mode is known.",
    },
    SNAP006: {
      severity: "error",
      meaning: "A cluster's `authenticationMode` is not one EKS knows: CONFIG_MAP is assumed.",
      hint: "Collect cluster.json again with aws eks describe-cluster.",
    },
    SNAP007: { severity: "info", meaning: "A file outside the layout: ignored." },
    SNAP008: {
      severity: "warning",
      meaning: "A cluster has no RBAC objects: only system:masters and access policies grant anything.",
      hint: "Collect the RBAC objects (kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml) into the cluster's directory.",
    },
    SNAP009: {
      severity: "warning",
      meaning: "aws-auth has problems the authenticator stumbles on (run `eksgate lint aws-auth`).",
      hint: "Run eksgate lint aws-auth on the cluster's aws-auth for the details.",
    },
    SNAP010: {
      severity: "warning",
      meaning: "No `clusters/` directory: only IAM questions can be answered.",
      hint: "Collect the clusters too (eksgate snapshot, or the layout in docs/audit.md) to ask about Kubernetes access.",
    },
    SNAP020: {
      severity: "error",
      meaning:
        "An `identity-center/` file does not have the shape of the AWS CLI output it stands for (the message gives `file:line:column`).",
      hint: "Collect the file again with the AWS CLI command docs/audit.md names.",
    },
    SNAP021: {
      severity: "warning",
      meaning:
        "An Identity Center membership or account assignment names a user, group or permission set the snapshot does not hold: it is ignored.",
    },
    SNAP022: {
      severity: "warning",
      meaning:
        "An Identity Center user, group or permission set appears twice with other content: the first is kept.",
    },
    SNAP023: {
      severity: "error",
      meaning:
        "An `accounts/<id>/` directory is not named by a 12-digit account id, or its IAM files hold principals of another account.",
      hint: "Name each accounts/ directory by its 12-digit account id, holding that account's IAM only.",
    },
    SNAP100: {
      severity: "error",
      meaning: "The snapshot directory (or a file named on the command line) is missing.",
      hint: "Check the path.",
    },
    SNAP101: {
      severity: "error",
      meaning: "The snapshot directory or one of its files cannot be read.",
      hint: "Check the permissions of the snapshot directory and its files.",
    },
    SNAP110: {
      severity: "error",
      meaning: "A cluster to collect was not found in its region.",
      hint: "Check the name and the region (--region, or the cluster's region in the config).",
    },
    SNAP111: {
      severity: "warning",
      meaning: "`--organizations`: SCPs could not be read; the snapshot has none (the hint says what to do).",
      hint: "Run from the management account or a delegated administrator, or pass --scps FILE.",
    },
    SNAP112: {
      severity: "info",
      meaning:
        "`--organizations`: no SCP applies (SCPs not enabled, no organization, or the management account).",
    },
    SNAP113: {
      severity: "info",
      meaning:
        "A collected cluster whose mode reads aws-auth has no aws-auth ConfigMap: no IAM principal is mapped through it.",
    },
  },
);
