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
      hint: "Pass one aws-auth ConfigMap as YAML (kubectl get cm -n kube-system aws-auth -o yaml).",
    },
    AA002: {
      severity: "warning",
      meaning: "Not the ConfigMap kube-system/aws-auth (wrong kind, name or namespace).",
    },
    AA003: {
      severity: "error",
      meaning: "A data value is not a string; the API server rejects the ConfigMap.",
      hint: "Quote the value: every value under data is a string.",
    },
    AA004: {
      severity: "error",
      meaning: "YAML/JSON error in a key: the authenticator drops every entry of that key.",
      hint: "Fix the YAML of that key; until then the authenticator maps no one through it.",
    },
    AA005: {
      severity: "error",
      meaning: "A key does not hold a list: the authenticator reads no entry from it.",
      hint: "Write the key's value as a YAML list of entries.",
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
    AA011: {
      severity: "warning",
      meaning: "Duplicate ARN: the last entry wins, earlier ones are ignored.",
      hint: "Keep one entry per ARN.",
    },
    AA012: {
      severity: "warning",
      meaning: "Grants system:masters (unrestricted, cannot be limited by RBAC).",
      hint: "Map to a group of your own bound to the permissions needed; RBAC cannot limit system:masters.",
    },
    AA013: {
      severity: "warning",
      meaning: "mapAccounts lets every principal of an account in.",
      hint: "Map the principals that need access one by one instead.",
    },
    AA014: {
      severity: "error",
      meaning: "Unknown template variable: it is left in the name as written.",
      hint: "Use a variable the authenticator substitutes ({{AccountID}}, {{SessionName}}, {{SessionNameRaw}}, {{EC2PrivateDNSName}}, {{AccessKeyID}}).",
    },
    AA015: {
      severity: "warning",
      meaning: "No entry maps to group system:nodes: nodes cannot join.",
      hint: "Keep the node role's entry (groups system:bootstrappers and system:nodes) unless the cluster has no nodes that use it.",
    },
    AA016: {
      severity: "warning",
      meaning: "Username with a reserved prefix (system:, eks:, aws:, amazon:, iam:).",
      hint: "Choose a username without the reserved prefix.",
    },
    AA017: {
      severity: "error",
      meaning: "Entry without a username: the caller is authenticated with an empty name.",
      hint: "Give the entry a username.",
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
      hint: "Move the entry to the key for its kind: roles under mapRoles, users under mapUsers.",
    },
    AA022: {
      severity: "warning",
      meaning:
        "An account ID (a mapAccounts item, or in a rolearn/userarn) is not 12 digits: kept, never matches.",
    },
    AA023: {
      severity: "warning",
      meaning: "A data key the authenticator ignores (keys are case-sensitive).",
      hint: "Spell the key exactly mapRoles, mapUsers or mapAccounts.",
    },
    AA024: {
      severity: "warning",
      meaning: "{{EC2PrivateDNSName}} on an entry that is not a node role: mapping fails for other callers.",
    },
    AA025: {
      severity: "warning",
      meaning: "rolearn/userarn contains white space: kept, but it never matches.",
      hint: "Remove the white space from the ARN.",
    },
    AA026: {
      severity: "warning",
      meaning: "rolearn/userarn is an IAM group ARN: groups cannot authenticate, it never matches.",
      hint: "Map the users of the group, or a role they assume.",
    },
    AA027: {
      severity: "warning",
      meaning: "An sso entry: honoured only behind the SSORoleMatch feature gate, which EKS does not enable.",
    },
    AA028: {
      severity: "error",
      meaning: "mapRoles/mapUsers/mapAccounts outside data: not part of the ConfigMap's data, ignored.",
      hint: "Move the key under data:.",
    },
    AA030: {
      severity: "error",
      meaning: "eksgate refuses to rewrite mapRoles (it is broken or an entry is not eksgate's).",
      hint: "Fix what the message names in aws-auth, or remove the entry that is not eksgate's from its role list; eksgate changes nothing until then.",
    },
    AA031: {
      severity: "error",
      meaning: "A desired mapRoles entry is invalid (its rolearn must be a role ARN without a path).",
    },
  },
);
