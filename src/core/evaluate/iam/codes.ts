/**
 * Codes of the IAM evaluator's findings about the account data it reads (docs/diagnostics.md
 * is generated from this table). They show up when a snapshot is read.
 */
import type { Severity } from "../../diagnostics.js";

export interface IamCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

export const IAM_EVALUATION_CODE_TABLE: readonly IamCodeInfo[] = [
  {
    code: "IAM_POLICY_UNPARSABLE",
    severity: "error",
    title: "A policy document is neither JSON nor URL-encoded JSON: it is ignored.",
  },
  {
    code: "IAM_POLICY_INVALID_STATEMENT",
    severity: "error",
    title: "A policy statement is malformed (no Effect, a field of the wrong type): it is ignored.",
  },
  {
    code: "IAM_POLICY_NO_DEFAULT_VERSION",
    severity: "warning",
    title: "A managed policy has no default version document: it grants nothing.",
  },
  {
    code: "IAM_POLICY_MISSING",
    severity: "warning",
    title: "A managed policy is attached but not in the snapshot: it is ignored.",
  },
  {
    code: "IAM_GROUP_MISSING",
    severity: "warning",
    title: "A user is in a group that is not in the snapshot: the group's policies are ignored.",
  },
  {
    code: "IAM_TRUST_NO_PRINCIPAL",
    severity: "error",
    title: "A trust policy statement has no Principal: it matches nobody.",
  },
  {
    code: "IAM_TRUST_GROUP_PRINCIPAL",
    severity: "error",
    title: "A trust policy names an IAM group: groups are not principals and never match.",
  },
  {
    code: "IAM_TRUST_UNKNOWN_PRINCIPAL",
    severity: "warning",
    title: "A trust policy names something that is not a principal ARN (a deleted principal's id?).",
  },
];
