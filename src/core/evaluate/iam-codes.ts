/**
 * Codes of the IAM evaluator's findings about the IAM data it reads from a snapshot
 * (docs/diagnostics.md is generated from this table). They show up when a snapshot is read
 * and in `eksgate audit`.
 */
import type { Severity } from "../diagnostics.js";

export interface IamEvaluationCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

export const IAM_EVALUATION_CODE_TABLE: readonly IamEvaluationCodeInfo[] = [
  {
    code: "IAM_POLICY_UNPARSABLE",
    severity: "error",
    title: "A policy document is not JSON (nor URL-encoded JSON), or not a JSON object: it grants nothing.",
  },
  {
    code: "IAM_POLICY_INVALID_STATEMENT",
    severity: "error",
    title:
      "A policy statement is malformed (not an object, an Effect other than Allow or Deny, not exactly one of Action and NotAction, both Resource and NotResource): it is ignored; a Condition that is not an object never holds.",
  },
  {
    code: "IAM_POLICY_NO_DEFAULT_VERSION",
    severity: "warning",
    title: "A managed policy has no default version document in the snapshot: it grants nothing.",
  },
  {
    code: "IAM_POLICY_MISSING",
    severity: "warning",
    title: "A managed policy is attached but not in the snapshot (collected with a filter?): it is ignored.",
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
    title:
      "A trust policy names something that is not a principal ARN (a deleted principal's unique id?): it matches nobody.",
  },
];
