/** RBAC (RBAC): the objects eksgate builds and the objects the audit reads. */
import { defineFamily } from "./define.js";

export const RBAC_CODES = defineFamily(
  "RBAC",
  {
    title: "RBAC (RBAC): the objects eksgate builds and the objects the audit reads",
    intro:
      "RBAC0nn: an RBAC object eksgate builds from the config is one Kubernetes would refuse (or grants more than it seems to). RBAC1nn: the RBAC evaluator's findings about the objects it reads; they show up in `eksgate audit`, errors also when a snapshot is read.",
  },
  {
    RBAC001: { severity: "error", meaning: "An RBAC rule has no verbs." },
    RBAC002: { severity: "error", meaning: "An RBAC rule mixes resources and nonResourceURLs." },
    RBAC003: {
      severity: "error",
      meaning: "A Role (namespaced) has a nonResourceURLs rule, which only ClusterRoles may have.",
    },
    RBAC004: { severity: "error", meaning: "A resource rule has no apiGroups." },
    RBAC005: { severity: "error", meaning: "A rule has neither resources nor nonResourceURLs." },
    RBAC006: {
      severity: "warning",
      meaning: "A nonResourceURL is not a path (`/...`, `*` only at the end).",
    },
    RBAC007: {
      severity: "warning",
      meaning: "A rule grants every verb on every resource, like cluster-admin.",
    },
    RBAC008: {
      severity: "warning",
      meaning: "A rule grants bind, escalate or impersonate: its holder can gain more than the role gives.",
    },
    RBAC009: {
      severity: "error",
      meaning:
        "An RBAC object name is not one Kubernetes accepts, or a custom role would replace a built-in ClusterRole.",
    },
    RBAC010: { severity: "error", meaning: "A namespace name is not a valid DNS label." },
    RBAC011: {
      severity: "error",
      meaning: "A label value is not one Kubernetes accepts (63 characters, alphanumeric ends).",
    },
    RBAC012: {
      severity: "error",
      meaning: "A team's Kubernetes group is in the reserved `system:` namespace.",
    },
    RBAC101: {
      severity: "error",
      meaning: "An RBAC object is malformed (a field of the wrong type, a missing name): it is skipped.",
    },
    RBAC102: {
      severity: "info",
      meaning: "An object in the RBAC input is not a Role, ClusterRole or binding: ignored.",
    },
    RBAC103: {
      severity: "warning",
      meaning: "The same object appears twice in the input: the last one is used.",
    },
    RBAC104: {
      severity: "warning",
      meaning:
        "A binding refers to a role that does not exist (or a ClusterRoleBinding to a Role): it grants nothing.",
    },
    RBAC105: {
      severity: "warning",
      meaning:
        "A binding subject can never match anyone (an unknown kind, a ServiceAccount without a namespace).",
    },
    RBAC106: {
      severity: "warning",
      meaning: "A ClusterRole's aggregation selector is invalid: its rules are used as written.",
    },
    RBAC107: {
      severity: "info",
      meaning:
        "ClusterRoles aggregate each other in a cycle: the rules written in those manifests are ignored, as the controller does.",
    },
    RBAC108: {
      severity: "warning",
      meaning: "Aggregation did not settle within its round limit: aggregated rules may be incomplete.",
    },
    RBAC109: {
      severity: "warning",
      meaning:
        "An access entry is associated with an access policy eksgate does not model: it is treated as granting nothing.",
    },
  },
);
