/**
 * The names `eksgate audit` uses for its findings' codes (AUD1nn). What each code means and
 * its usual severity are in the registry (src/core/diagnostics/codes/aud.ts); a code never
 * changes meaning once released. aws-auth lint findings keep their own AAnnn codes.
 */
import { AUD_CODES } from "../../diagnostics/codes/aud.js";
import type { CodeInfo, DiagnosticCode } from "../../diagnostics/codes/index.js";

export type AuditCodeInfo = CodeInfo<DiagnosticCode>;

export const AUDIT_CODES = {
  systemMasters: "AUD101",
  clusterAdminPolicy: "AUD102",
  trustOpen: "AUD110",
  trustNoSessionName: "AUD111",
  roleMissing: "AUD120",
  rolePath: "AUD121",
  shadowed: "AUD122",
  escalation: "AUD130",
  mapAccounts: "AUD140",
  recreatedRole: "AUD150",
} as const satisfies Record<string, keyof typeof AUD_CODES.codes>;

export type AuditCodeName = keyof typeof AUDIT_CODES;

/** Every audit finding's code (AUD1nn), in code order, for docs and tests. */
export const AUDIT_CODE_TABLE: readonly AuditCodeInfo[] = AUD_CODES.list.filter((c) => c.number >= 100);
