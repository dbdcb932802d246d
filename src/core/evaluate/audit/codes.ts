/**
 * Stable codes of `eksgate audit` findings (AUDnnn). A code never changes meaning once
 * released; docs/audit.md lists them from this table. aws-auth lint findings keep their
 * own AAnnn codes (src/core/model/aws-auth/codes.ts).
 */
import type { Severity } from "../../diagnostics.js";

export interface AuditCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

export const AUDIT_CODES = {
  systemMasters: {
    code: "AUD101",
    severity: "error",
    title: "An aws-auth entry or access entry maps into system:masters (unrestricted, RBAC cannot limit it).",
  },
  clusterAdminPolicy: {
    code: "AUD102",
    severity: "warning",
    title: "An access entry holds AmazonEKSClusterAdminPolicy (or AmazonEKSAdminPolicy) cluster-wide.",
  },
  trustOpen: {
    code: "AUD110",
    severity: "error",
    title: "A mapped role's trust policy lets any AWS principal (`*`) assume it.",
  },
  trustNoSessionName: {
    code: "AUD111",
    severity: "warning",
    title: "A mapped role's trust policy allows AWS principals without an sts:RoleSessionName condition.",
  },
  roleMissing: {
    code: "AUD120",
    severity: "error",
    title: "A mapping names a role (or user) that does not exist in IAM.",
  },
  rolePath: {
    code: "AUD121",
    severity: "error",
    title: "An aws-auth rolearn includes a role path: the entry never matches.",
  },
  shadowed: {
    code: "AUD122",
    severity: "warning",
    title: "A duplicate aws-auth entry is shadowed by a later one with the same ARN.",
  },
  escalation: {
    code: "AUD130",
    severity: "warning",
    title: "A binding grants bind, escalate or impersonate.",
  },
  mapAccounts: {
    code: "AUD140",
    severity: "warning",
    title: "mapAccounts maps every principal of an account.",
  },
  recreatedRole: {
    code: "AUD150",
    severity: "error",
    title:
      "An access entry no longer applies to its role: the role was recreated (entry older than the role, another RoleId recorded, or an Identity Center role under a new suffix).",
  },
} as const satisfies Record<string, AuditCodeInfo>;

export type AuditCodeName = keyof typeof AUDIT_CODES;

/** Every audit code, in code order, for docs and tests. */
export const AUDIT_CODE_TABLE: readonly AuditCodeInfo[] = Object.values(AUDIT_CODES).sort((a, b) =>
  a.code.localeCompare(b.code),
);
