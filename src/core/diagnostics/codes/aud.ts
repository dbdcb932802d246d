/** Access audit (AUD): `explain`, `who-can`, `can-i`, `audit`, `snapshot`. */
import { defineFamily } from "./define.js";

export const AUD_CODES = defineFamily(
  "AUD",
  {
    title: "Access audit (AUD): `explain`, `who-can`, `can-i`, `audit`, `snapshot`",
    intro:
      "AUD0nn: the audit commands' input. AUD1nn: the findings of `eksgate audit`; details, and which findings are downgraded when, in [audit.md](audit.md#audit-eksgate-audit).",
  },
  {
    AUD001: {
      severity: "error",
      where: "explain, can-i",
      meaning:
        "The principal is not an ARN the EKS authenticator maps (IAM user, role, account root, assumed-role or federated-user session), or no caller can have it (the reason says why).",
    },
    AUD002: {
      severity: "error",
      where: "audit commands",
      meaning: "`--cluster` names a cluster the snapshot does not have.",
    },
    AUD003: {
      severity: "error",
      where: "who-can, can-i",
      meaning: "The request (verb, resource, namespace, subresource) is not valid.",
    },
    AUD005: {
      severity: "error",
      where: "audit commands",
      meaning: "Live collection failed (the message says which call and which permission it needs).",
    },
    AUD006: {
      severity: "error",
      where: "audit commands",
      meaning: "No region to collect in: pass --region, set AWS_REGION, or name a config.",
    },
    AUD007: {
      severity: "error",
      where: "audit commands",
      meaning: "`--kube-context` with more than one cluster.",
    },
    AUD008: { severity: "error", where: "audit --html", meaning: "The HTML report could not be written." },
    AUD009: {
      severity: "error",
      where: "audit commands",
      meaning: "`--scps` and `--organizations` given together.",
    },
    AUD010: {
      severity: "error",
      where: "explain, who-can, can-i, audit",
      meaning:
        "`--context KEY=VALUE` is malformed: not KEY=VALUE, a value of the wrong type, a single-valued key twice, or a key another flag sets.",
    },
    AUD011: {
      severity: "warning",
      alsoAs: ["error"],
      where: "explain, who-can, can-i, audit",
      meaning:
        "`--context` names a key AWS does not define for sts:AssumeRole (warning), or one eksgate derives from the principal.",
    },
    AUD012: {
      severity: "error",
      where: "explain, who-can, can-i, audit",
      meaning: "`--at` is not an ISO 8601 date and time with a zone.",
    },
    AUD013: {
      severity: "error",
      alsoAs: ["warning"],
      where: "explain, who-can, can-i, audit",
      meaning:
        "`--session-name` is not a valid role session name, contradicts the session of an assumed-role ARN, or has no effect (warning).",
    },
    AUD014: { severity: "error", where: "snapshot", meaning: "`--context` was renamed to `--kube-context`." },
    AUD101: {
      severity: "error",
      where: "audit",
      meaning:
        "An aws-auth entry or access entry maps into system:masters (unrestricted, RBAC cannot limit it).",
    },
    AUD102: {
      severity: "warning",
      where: "audit",
      meaning: "An access entry holds AmazonEKSClusterAdminPolicy (or AmazonEKSAdminPolicy) cluster-wide.",
    },
    AUD110: {
      severity: "error",
      where: "audit",
      meaning: "A mapped role's trust policy lets any AWS principal (`*`) assume it.",
    },
    AUD111: {
      severity: "warning",
      where: "audit",
      meaning: "A mapped role's trust policy allows AWS principals without an sts:RoleSessionName condition.",
    },
    AUD120: {
      severity: "error",
      where: "audit",
      meaning: "A mapping names a role (or user) that does not exist in IAM.",
    },
    AUD121: {
      severity: "error",
      where: "audit",
      meaning: "An aws-auth rolearn includes a role path: the entry never matches.",
    },
    AUD122: {
      severity: "warning",
      where: "audit",
      meaning: "A duplicate aws-auth entry is shadowed by a later one with the same ARN.",
    },
    AUD130: {
      severity: "warning",
      where: "audit",
      meaning: "A binding grants bind, escalate or impersonate.",
    },
    AUD140: {
      severity: "warning",
      where: "audit",
      meaning: "mapAccounts maps every principal of an account.",
    },
    AUD150: {
      severity: "error",
      where: "audit",
      meaning:
        "An access entry is older than its role: the role was recreated and the entry no longer applies.",
    },
  },
);
