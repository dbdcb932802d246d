/** aws-auth (AA): `eksgate lint aws-auth`, plan and apply. */
import { defineFamily } from "./define.js";

export const AA_CODES = defineFamily(
  "AA",
  {
    title: "aws-auth (AA): `eksgate lint aws-auth`, plan and apply",
    intro:
      "The severity follows what the authenticator does with the entry. **error**: it drops the key or the entry (or the API server rejects the ConfigMap), so mappings are lost. **warning**: it keeps the entry, but the entry never matches anyone (an ARN with a 5-digit account, a placeholder, a region, white space, a group, a session ARN, a role path; an sso entry on EKS), or it works in a way that misleads. **info**: nothing is lost (an empty value is skipped). `eksgate lint aws-auth` exits 1 on errors; with `--strict` on warnings too. The severity shown is the one in this table, always.",
  },
  {
    AA001: {
      severity: "error",
      meaning: "The manifest is not valid YAML (or is empty / holds several documents).",
    },
    AA002: {
      severity: "warning",
      meaning: "Not the ConfigMap kube-system/aws-auth (wrong kind, name or namespace).",
    },
    AA003: {
      severity: "error",
      meaning: "A data value is not a string; the API server rejects the ConfigMap.",
    },
    AA004: {
      severity: "error",
      meaning: "YAML/JSON error in a key: the authenticator drops every entry of that key.",
    },
    AA005: {
      severity: "error",
      meaning: "A key does not hold a list: the authenticator reads no entry from it.",
    },
    AA006: {
      severity: "error",
      meaning: "Invalid entry (no rolearn/sso/userarn, both rolearn and sso, bad sso fields): skipped.",
    },
    AA007: {
      severity: "warning",
      meaning: "A field has the wrong type; the authenticator ignores that field.",
    },
    AA008: {
      severity: "warning",
      meaning:
        "rolearn/userarn can never name an IAM principal (malformed, wrong partition, service or resource type, a region): kept, never matches.",
    },
    AA009: { severity: "warning", meaning: "rolearn includes a role path: kept, but it never matches." },
    AA010: {
      severity: "warning",
      meaning: "rolearn/userarn is an STS assumed-role (session) ARN: kept, but it never matches.",
    },
    AA011: { severity: "warning", meaning: "Duplicate ARN: the last entry wins, earlier ones are ignored." },
    AA012: {
      severity: "warning",
      meaning: "Grants system:masters (unrestricted, cannot be limited by RBAC).",
    },
    AA013: { severity: "warning", meaning: "mapAccounts lets every principal of an account in." },
    AA014: { severity: "error", meaning: "Unknown template variable: it is left in the name as written." },
    AA015: { severity: "warning", meaning: "No entry maps to group system:nodes: nodes cannot join." },
    AA016: {
      severity: "warning",
      meaning: "Username with a reserved prefix (system:, eks:, aws:, amazon:, iam:).",
    },
    AA017: {
      severity: "error",
      meaning: "Entry without a username: the caller is authenticated with an empty name.",
    },
    AA018: {
      severity: "warning",
      meaning: "Two entries match the same caller; the authenticator picks either one.",
    },
    AA019: {
      severity: "warning",
      meaning: "sso.partition is set; authenticator versions disagree on how it is matched.",
    },
    AA020: { severity: "info", meaning: "An empty or quotes-only value: the key is skipped." },
    AA021: {
      severity: "warning",
      meaning: "A role ARN in mapUsers or a user ARN in mapRoles (works, but misleading).",
    },
    AA022: {
      severity: "warning",
      meaning:
        "An account ID (a mapAccounts item, or in a rolearn/userarn) is not 12 digits: kept, never matches.",
    },
    AA023: {
      severity: "warning",
      meaning: "A data key the authenticator ignores (keys are case-sensitive).",
    },
    AA024: {
      severity: "warning",
      meaning: "{{EC2PrivateDNSName}} on an entry that is not a node role: mapping fails for other callers.",
    },
    AA025: {
      severity: "warning",
      meaning: "rolearn/userarn contains white space: kept, but it never matches.",
    },
    AA026: {
      severity: "warning",
      meaning: "rolearn/userarn is an IAM group ARN: groups cannot authenticate, it never matches.",
    },
    AA027: {
      severity: "warning",
      meaning: "An sso entry: honoured only behind the SSORoleMatch feature gate, which EKS does not enable.",
    },
    AA028: {
      severity: "error",
      meaning: "mapRoles/mapUsers/mapAccounts outside data: not part of the ConfigMap's data, ignored.",
    },
    AA030: {
      severity: "error",
      meaning: "eksgate refuses to rewrite mapRoles (it is broken or an entry is not eksgate's).",
    },
    AA031: {
      severity: "error",
      meaning: "A desired mapRoles entry is invalid (its rolearn must be a role ARN without a path).",
    },
  },
);
