/**
 * What a live ListAccessPolicies answer says about the evaluator's table: one EG418 warning
 * per policy AWS offers that the table does not know (AWS adds policies several times a
 * year; an entry associated with such a policy has access the proof cannot see).
 */
import type { Diagnostic } from "../diagnostics.js";
import { ACCESS_POLICY_TABLE_VERSION, unknownAccessPolicies } from "../evaluate/rbac/index.js";
import { MIGRATE_CODES } from "./codes.js";

export function accessPolicyWarnings(listed: readonly { readonly name: string }[]): Diagnostic[] {
  return unknownAccessPolicies(listed).map((name) => ({
    code: MIGRATE_CODES.unknownAccessPolicy,
    severity: "warning",
    summary: `EKS offers the access policy ${name}, which eksgate's table (${ACCESS_POLICY_TABLE_VERSION}) does not know: access it grants is not evaluated`,
    detail:
      "Entries associated with it may have more access than the proof and doctor show. Update eksgate, or check that policy's rules in the EKS user guide.",
  }));
}
