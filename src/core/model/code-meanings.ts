/**
 * What each model-check code means, one line each, for docs/diagnostics.md. Typed so that a
 * code added to one of the tables without a meaning here does not compile.
 */
import type { ACCESS_ENTRY_DIAGNOSTIC_CODES } from "./access-entry.js";
import type { ARN_CODES } from "./arn.js";
import type { IAM_DIAGNOSTIC_CODES } from "./iam-documents.js";
import type { KUBECONFIG_DIAGNOSTIC_CODES } from "./kubeconfig-entry.js";
import type { POLICY_DIAGNOSTIC_CODES } from "./policy-document.js";
import type { RBAC_DIAGNOSTIC_CODES } from "./rbac.js";

type CodeOf<T> = T[keyof T];

export type ModelCode =
  | CodeOf<typeof ARN_CODES>
  | CodeOf<typeof IAM_DIAGNOSTIC_CODES>
  | CodeOf<typeof POLICY_DIAGNOSTIC_CODES>
  | CodeOf<typeof RBAC_DIAGNOSTIC_CODES>
  | CodeOf<typeof ACCESS_ENTRY_DIAGNOSTIC_CODES>
  | CodeOf<typeof KUBECONFIG_DIAGNOSTIC_CODES>;

export const MODEL_CODE_MEANINGS: Readonly<Record<ModelCode, string>> = {
  ARN001: "The text does not start with `arn:`.",
  ARN002: "The ARN has fewer than the six `:`-separated sections an ARN needs.",
  ARN003: "The partition is not one AWS has (aws, aws-cn, aws-us-gov and the isolated partitions).",
  ARN004:
    "The resource part is not an identity the authenticator accepts (a user, role or root for iam, an assumed role for sts).",
  ARN005: "The service is not one of identities (iam or sts).",
  ARN006: "An assumed-role ARN without the role name and session name after `assumed-role/`.",
  "iam-name-empty": "An IAM user, group, role or policy name is empty.",
  "iam-name-too-long": "An IAM name is longer than IAM allows for its kind.",
  "iam-name-characters": "An IAM name uses characters IAM refuses (allowed: letters, digits and `+=,.@_-`).",
  "iam-tag-value": "A team name cannot be an IAM tag value (over 256 characters, or characters tags refuse).",
  "iam-policy-too-large": "A policy document is over IAM's default size quota for its kind.",
  "policy-encoding": "A policy document cannot be URL-decoded (as IAM returns them).",
  "policy-json": "A policy document is not valid JSON.",
  "policy-shape": "A policy document or statement has the wrong shape (not an object, Statement not a list).",
  "policy-unknown-key": "A statement has a key IAM does not know.",
  "policy-version": "`Version` is missing or not `2012-10-17` (policy variables need it).",
  "policy-sid": "A `Sid` has characters other than letters and digits, or two statements share one.",
  "policy-action-required": "A statement has neither `Action` nor `NotAction`.",
  "policy-resource-required": "An identity-policy statement has neither `Resource` nor `NotResource`.",
  "policy-principal-required": "A trust-policy statement has neither `Principal` nor `NotPrincipal`.",
  "policy-principal-not-allowed": "An identity policy names a `Principal` (only trust policies may).",
  "policy-resource-not-allowed": "A trust policy names a `Resource` (only identity policies may).",
  "policy-group-principal":
    "A trust policy names an IAM group as principal: groups are not principals, it never matches.",
  "rbac-rule-verbs-required": "An RBAC rule has no verbs.",
  "rbac-rule-mixed-non-resource": "An RBAC rule mixes resources and nonResourceURLs.",
  "rbac-rule-namespaced-non-resource":
    "A Role (namespaced) has a nonResourceURLs rule, which only ClusterRoles may have.",
  "rbac-rule-api-groups-required": "A resource rule has no apiGroups.",
  "rbac-rule-resources-required": "A rule has neither resources nor nonResourceURLs.",
  "rbac-rule-non-resource-url": "A nonResourceURL is not a path (`/...`, `*` only at the end).",
  "rbac-rule-grants-everything": "A rule grants every verb on every resource, like cluster-admin.",
  "rbac-rule-escalation-verb":
    "A rule grants bind, escalate or impersonate: its holder can gain more than the role gives.",
  "rbac-object-name":
    "An RBAC object name is not one Kubernetes accepts, or a custom role would replace a built-in ClusterRole.",
  "rbac-namespace-name": "A namespace name is not a valid DNS label.",
  "rbac-label-value": "A label value is not one Kubernetes accepts (63 characters, alphanumeric ends).",
  "rbac-system-group": "A team's Kubernetes group is in the reserved `system:` namespace.",
  "access-entry-principal": "An access entry's principal is not an IAM user or role ARN.",
  "access-entry-type": "An access entry type is not one EKS knows.",
  "access-entry-username-reserved":
    "An access entry's username starts with a prefix EKS reserves (`system:`, `eks:`, `aws:`, `amazon:`, `iam:`).",
  "access-entry-username-session-colon":
    "An access entry's username template needs a `:` before `{{SessionName}}`.",
  "access-entry-group-reserved":
    "An access entry's Kubernetes group starts with `system:`, which access entries reject.",
  "access-entry-group-empty": "An access entry has an empty Kubernetes group name.",
  "access-entry-standard-only":
    "Kubernetes groups or access policies on an access entry that is not STANDARD.",
  "access-entry-policy-arn": "An access policy ARN is not an EKS cluster access policy ARN.",
  "access-entry-scope":
    "An access scope is invalid (type not cluster or namespace, or a namespace scope without namespaces).",
  "username-template-unknown":
    "A `{{...}}` in a username or group is not a variable EKS or the authenticator substitutes.",
  "aws-auth-role-path":
    "An aws-auth rolearn with a role path: the authenticator compares with the path-less ARN, so it never matches.",
  "aws-auth-role-arn": "An aws-auth rolearn is not an IAM role ARN.",
  "aws-auth-username": "An aws-auth mapRoles entry without a username.",
  "aws-profile-session-name-missing":
    "The AWS CLI profile for a team needs a role session name and none could be found.",
  "aws-profile-session-name-invalid":
    "The role session name is not one STS accepts (2-64 of letters, digits and `+=,.@_-`).",
};
