/**
 * Name rules shared by the config checks: what IAM and Kubernetes accept, and a
 * "did you mean" for misspelt references.
 */
import { RESERVED_USERNAME_PREFIXES } from "../model/access-entry.js";

/** IAM role, group and policy names: letters, digits and `+=,.@_-`. */
export const IAM_NAME = /^[\w+=,.@-]+$/;
export const IAM_ROLE_NAME_MAX = 64;
export const IAM_GROUP_NAME_MAX = 128;
export const IAM_POLICY_NAME_MAX = 128;

/** RFC 1123 label: namespaces, and our team names (they become label values and object names). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MAX = 63;

/** Names of RBAC objects (ClusterRole, bindings) may contain ':' besides subdomain characters. */
export const RBAC_OBJECT_NAME = /^[a-zA-Z0-9:._-]+$/;
export const RBAC_OBJECT_NAME_MAX = 253;

/** AWS region names such as us-east-2, eu-central-1, us-gov-west-1, cn-north-1, us-isob-east-1. */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** EKS cluster names: 1-100 characters, alphanumeric first, then alphanumerics, '-' and '_'. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9._-]{0,99}$/;

export const ACCOUNT_ID = /^\d{12}$/;
/** An account alias in the config: a DNS label, so it reads well in names and messages. */
export const ACCOUNT_ALIAS = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** IAM Identity Center permission set names (CreatePermissionSet: 1-32 of [\w+=,.@-]). */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

/** The prefix of a Kubernetes group or user name that EKS reserves, if it has one. */
export function reservedPrefix(name: string): string | undefined {
  const lower = name.toLowerCase();
  return RESERVED_USERNAME_PREFIXES.find((p) => lower.startsWith(p));
}

/** Levenshtein distance, small inputs only. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}
