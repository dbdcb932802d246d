/**
 * What the RBAC evaluator reasons about: the objects (the model's, core/model/rbac-api.ts,
 * in the shape the API server serves them), who is asking and what they ask for.
 */
import type { PolicyRule } from "../../model/access-config.js";

export { RBAC_API_GROUP, RBAC_API_VERSION } from "../../model/rbac-api.js";
export type {
  ObjectMeta,
  LabelSelectorOperator,
  LabelSelectorRequirement,
  LabelSelector,
  AggregationRule,
  Role,
  ClusterRole,
  SubjectKind,
  Subject,
  RoleRef,
  RoleBinding,
  ClusterRoleBinding,
  Namespace,
  RbacObjects,
} from "../../model/rbac-api.js";
/** One rule of a Role or ClusterRole (missing lists mean empty lists), shared with the planner. */
export type { PolicyRule };

/** The group the API server lets through before RBAC is consulted (R11). */
export const SUPERUSER_GROUP = "system:masters";
export const AUTHENTICATED_GROUP = "system:authenticated";
export const UNAUTHENTICATED_GROUP = "system:unauthenticated";
export const SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:";
export const SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";

/**
 * Who is asking. `groups` is taken exactly as given, the way a SubjectAccessReview takes
 * it: the evaluator adds nothing. Adding `system:authenticated` and the service-account
 * groups is the authenticator's job, so the mapping layer (aws-auth / access entries)
 * must do it; `authenticatedIdentity()` does it for callers that need it.
 */
export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
  /** The IAM principal behind the identity, to match EKS access entries (R15). */
  readonly principalArn?: string;
}

/** A request for an API resource, as the API server's request attributes carry it. */
export interface ResourceAttributes {
  readonly verb: string;
  /** `""` is the core group. */
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
  /** Empty or missing: a cluster-scoped request (only ClusterRoleBindings apply). */
  readonly namespace?: string;
}

/** A request for a path that is not an API resource (`/healthz`, `/metrics`, `/api`). */
export interface NonResourceAttributes {
  readonly verb: string;
  readonly path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export type AccessRequest = Identity & RequestAttributes;

export function isNonResource(request: RequestAttributes): request is NonResourceAttributes {
  return "path" in request && typeof request.path === "string";
}

/** The service-account user name the API server gives `namespace/name`. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;
}

/** `{namespace, name}` when `user` is a service-account user name, otherwise undefined. */
export function parseServiceAccountUser(
  user: string,
): { readonly namespace: string; readonly name: string } | undefined {
  if (!user.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) return undefined;
  const rest = user.slice(SERVICE_ACCOUNT_USER_PREFIX.length);
  const colon = rest.indexOf(":");
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}

/**
 * The groups an authenticator gives a user on top of the ones it maps: every
 * authenticated user gets `system:authenticated` (R12); a service-account token adds
 * `system:serviceaccounts` and `system:serviceaccounts:<ns>`. Order is kept, duplicates
 * dropped.
 */
export function authenticatedIdentity(identity: Identity): Identity {
  const groups = [...identity.groups];
  const sa = parseServiceAccountUser(identity.user);
  if (sa) groups.push(SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${sa.namespace}`);
  groups.push(AUTHENTICATED_GROUP);
  return { ...identity, groups: [...new Set(groups)] };
}
