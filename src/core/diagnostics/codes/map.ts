/** Identity mappings (MAP): access entries and aws-auth entries. */
import { defineFamily } from "./define.js";

export const MAP_CODES = defineFamily(
  "MAP",
  {
    title: "Identity mappings (MAP): access entries and aws-auth entries",
    intro:
      "An access entry or aws-auth mapRoles entry eksgate builds from the config is one EKS or the authenticator would refuse, or would never match.",
  },
  {
    MAP001: { severity: "error", meaning: "An access entry's principal is not an IAM user or role ARN." },
    MAP002: { severity: "error", meaning: "An access entry type is not one EKS knows." },
    MAP003: {
      severity: "error",
      meaning:
        "An access entry's username starts with a prefix EKS reserves (`system:`, `eks:`, `aws:`, `amazon:`, `iam:`).",
    },
    MAP004: {
      severity: "error",
      meaning: "An access entry's username template needs a `:` before `{{SessionName}}`.",
    },
    MAP005: {
      severity: "error",
      meaning: "An access entry's Kubernetes group starts with `system:`, which access entries reject.",
    },
    MAP006: { severity: "error", meaning: "An access entry has an empty Kubernetes group name." },
    MAP007: {
      severity: "error",
      meaning: "Kubernetes groups or access policies on an access entry that is not STANDARD.",
    },
    MAP008: { severity: "error", meaning: "An access policy ARN is not an EKS cluster access policy ARN." },
    MAP009: {
      severity: "error",
      meaning:
        "An access scope is invalid (type not cluster or namespace, or a namespace scope without namespaces).",
    },
    MAP010: {
      severity: "warning",
      meaning: "A `{{...}}` in a username or group is not a variable EKS or the authenticator substitutes.",
    },
    MAP011: {
      severity: "error",
      meaning:
        "An aws-auth rolearn with a role path: the authenticator compares with the path-less ARN, so it never matches.",
    },
    MAP012: { severity: "error", meaning: "An aws-auth rolearn is not an IAM role ARN." },
    MAP013: { severity: "error", meaning: "An aws-auth mapRoles entry without a username." },
  },
);
