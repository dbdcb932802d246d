/**
 * Codes of the RBAC evaluator's findings about the objects it reads (docs/diagnostics.md is
 * generated from this table). Object-level findings show up in `eksgate audit`; errors also
 * when a snapshot is read.
 */
import type { Severity } from "../../diagnostics.js";

export interface RbacCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

export const RBAC_EVALUATION_CODE_TABLE: readonly RbacCodeInfo[] = [
  {
    code: "RBAC_OBJECT_INVALID",
    severity: "error",
    title: "An RBAC object is malformed (a field of the wrong type, a missing name): it is skipped.",
  },
  {
    code: "RBAC_OBJECT_IGNORED",
    severity: "info",
    title: "An object in the RBAC input is not a Role, ClusterRole or binding: ignored.",
  },
  {
    code: "RBAC_DUPLICATE_OBJECT",
    severity: "warning",
    title: "The same object appears twice in the input: the last one is used.",
  },
  {
    code: "RBAC_ROLEREF_MISSING",
    severity: "warning",
    title:
      "A binding refers to a role that does not exist (or a ClusterRoleBinding to a Role): it grants nothing.",
  },
  {
    code: "RBAC_SUBJECT_NEVER_MATCHES",
    severity: "warning",
    title:
      "A binding subject can never match anyone (an unknown kind, a ServiceAccount without a namespace).",
  },
  {
    code: "RBAC_AGGREGATION_SELECTOR_INVALID",
    severity: "warning",
    title: "A ClusterRole's aggregation selector is invalid: its rules are used as written.",
  },
  {
    code: "RBAC_AGGREGATION_CYCLE",
    severity: "info",
    title:
      "ClusterRoles aggregate each other in a cycle: the rules written in those manifests are ignored, as the controller does.",
  },
  {
    code: "RBAC_AGGREGATION_NOT_CONVERGED",
    severity: "warning",
    title: "Aggregation did not settle within its round limit: aggregated rules may be incomplete.",
  },
  {
    code: "RBAC_ACCESS_POLICY_UNKNOWN",
    severity: "warning",
    title:
      "An access entry is associated with an access policy eksgate does not model: it is treated as granting nothing.",
  },
];
