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
      hint: "Name a cluster the snapshot holds (its clusters/ directory).",
    },
    AUD003: {
      severity: "error",
      where: "who-can, can-i",
      meaning: "The request (verb, resource, namespace, subresource) is not valid.",
      hint: "Write the request as kubectl would: a verb, a resource, and -n NAMESPACE for a namespaced one.",
    },
    AUD005: {
      severity: "error",
      where: "audit commands",
      meaning: "Live collection failed (the message says which call and which permission it needs).",
      hint: "Grant the call the message names, or pass --snapshot DIR collected elsewhere.",
    },
    AUD006: {
      severity: "error",
      where: "audit commands",
      meaning: "No region to collect in: pass --region, set AWS_REGION, or name a config.",
      hint: "Pass --region, set AWS_REGION, or name a config with -c.",
    },
    AUD007: {
      severity: "error",
      where: "audit commands",
      meaning: "`--kube-context` with more than one cluster.",
      hint: "Name one cluster with --cluster.",
    },
    AUD008: {
      severity: "error",
      where: "audit --html",
      meaning: "The HTML report could not be written.",
      hint: "Point --html at a place you can write to.",
    },
    AUD009: {
      severity: "error",
      where: "audit commands",
      meaning: "`--scps` and `--organizations` given together.",
      hint: "Keep one: --scps FILE, or --organizations.",
    },
    AUD010: {
      severity: "error",
      where: "explain, who-can, can-i, audit",
      meaning:
        "`--context KEY=VALUE` is malformed: not KEY=VALUE, a value of the wrong type, a single-valued key twice, or a key another flag sets.",
      hint: "Write --context KEY=VALUE, once per single-valued key.",
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
      hint: "Write the time with its zone, e.g. 2026-01-31T09:00:00Z.",
    },
    AUD013: {
      severity: "error",
      alsoAs: ["warning"],
      where: "explain, who-can, can-i, audit",
      meaning:
        "`--session-name` is not a valid role session name, contradicts the session of an assumed-role ARN, or has no effect (warning).",
    },
    AUD014: {
      severity: "error",
      where: "snapshot",
      meaning: "`--context` was renamed to `--kube-context`.",
      hint: "Use --kube-context for the kubeconfig context; --context now sets request-context keys.",
    },
    AUD015: {
      severity: "error",
      where: "audit commands",
      meaning:
        "`--account` is not `ACCOUNT_ID=PROFILE` or `ACCOUNT_ID=ROLE_ARN` (12-digit id, each account once).",
      hint: "Write --account ACCOUNT_ID=PROFILE or --account ACCOUNT_ID=ROLE_ARN, once per account.",
    },
    AUD101: {
      severity: "error",
      where: "audit",
      meaning:
        "An aws-auth entry or access entry maps into system:masters (unrestricted, RBAC cannot limit it).",
      hint: "Map to a group of your own bound to the permissions needed, unless unrestricted access is intended.",
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
      hint: "Restrict the trust policy's Principal to the accounts or roles that should assume the role.",
    },
    AUD111: {
      severity: "warning",
      where: "audit",
      meaning: "A mapped role's trust policy allows AWS principals without an sts:RoleSessionName condition.",
      hint: "Add a condition on sts:RoleSessionName (for example that it equals ${aws:username}) so sessions say who they are.",
    },
    AUD120: {
      severity: "error",
      where: "audit",
      meaning: "A mapping names a role (or user) that does not exist in IAM.",
      hint: "Remove the mapping, or recreate the principal if it is still meant to have access.",
    },
    AUD121: {
      severity: "error",
      where: "audit",
      meaning: "An aws-auth rolearn includes a role path: the entry never matches.",
      hint: "Write the role ARN without its path.",
    },
    AUD122: {
      severity: "warning",
      where: "audit",
      meaning: "A duplicate aws-auth entry is shadowed by a later one with the same ARN.",
      hint: "Keep one entry per ARN.",
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
        "An access entry no longer applies to its role: the role was recreated (entry older than the role, another RoleId recorded, or an Identity Center role under a new suffix).",
      hint: "Delete the access entry and create it again for the current role.",
    },
  },
);
