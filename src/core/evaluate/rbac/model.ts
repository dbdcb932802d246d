/**
 * Kubernetes RBAC objects in the shape the API server serves them
 * (rbac.authorization.k8s.io/v1 JSON). `kubectl get ... -o json`, or `-o yaml` parsed to
 * a plain object, fits these types as-is: every field the evaluator does not read is
 * simply ignored.
 */
import type { PolicyRule } from "../../model/access-config.js";

export const RBAC_API_GROUP = "rbac.authorization.k8s.io";
export const RBAC_API_VERSION = `${RBAC_API_GROUP}/v1`;

/** The group the API server lets through before RBAC is consulted (R11). */
export const SUPERUSER_GROUP = "system:masters";
export const AUTHENTICATED_GROUP = "system:authenticated";
export const UNAUTHENTICATED_GROUP = "system:unauthenticated";
export const SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:";
export const SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/**
 * One rule of a Role or ClusterRole: the model's type, shared with the planner. Missing
 * lists mean empty lists.
 */
export type { PolicyRule };

export type LabelSelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  readonly values?: readonly string[];
}

/** metav1.LabelSelector: the requirements are ANDed; an empty selector selects everything. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface AggregationRule {
  readonly clusterRoleSelectors?: readonly LabelSelector[];
}

export interface Role {
  readonly apiVersion?: string;
  readonly kind?: "Role";
  readonly metadata: ObjectMeta;
  readonly rules?: readonly PolicyRule[] | null;
}

export interface ClusterRole {
  readonly apiVersion?: string;
  readonly kind?: "ClusterRole";
  readonly metadata: ObjectMeta;
  readonly rules?: readonly PolicyRule[] | null;
  readonly aggregationRule?: AggregationRule;
}

export type SubjectKind = "User" | "Group" | "ServiceAccount";

export interface Subject {
  /** `User`, `Group`, `ServiceAccount`; any other kind never matches anyone. */
  readonly kind: string;
  readonly name: string;
  /** `rbac.authorization.k8s.io` for User and Group, `""` for ServiceAccount. */
  readonly apiGroup?: string;
  /** ServiceAccount only; in a RoleBinding it defaults to the binding's namespace. */
  readonly namespace?: string;
}

export interface RoleRef {
  readonly apiGroup: string;
  /** `Role` or `ClusterRole`. */
  readonly kind: string;
  readonly name: string;
}

export interface RoleBinding {
  readonly apiVersion?: string;
  readonly kind?: "RoleBinding";
  readonly metadata: ObjectMeta;
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef;
}

export interface ClusterRoleBinding {
  readonly apiVersion?: string;
  readonly kind?: "ClusterRoleBinding";
  readonly metadata: ObjectMeta;
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef;
}

export interface Namespace {
  readonly apiVersion?: string;
  readonly kind?: "Namespace";
  readonly metadata: ObjectMeta;
}

/** The RBAC state of one cluster, as plain objects. */
export interface RbacObjects {
  readonly roles: readonly Role[];
  readonly clusterRoles: readonly ClusterRole[];
  readonly roleBindings: readonly RoleBinding[];
  readonly clusterRoleBindings: readonly ClusterRoleBinding[];
  readonly namespaces: readonly string[];
}

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
