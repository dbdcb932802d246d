/**
 * Kubernetes RBAC objects in the shape the API server serves them
 * (rbac.authorization.k8s.io/v1 JSON): the one RBAC model. `kubectl get ... -o json`, or
 * `-o yaml` parsed to a plain object, fits these types as they are.
 *
 * - The evaluator reads these (core/evaluate/rbac).
 * - What eksgate writes (rbac.ts) narrows them: its objects are these objects with the
 *   fields eksgate always sets made required, which the compiler checks.
 * - What observe reads back (rbac.ts, `ObservedRbacObject`) keeps a live binding's
 *   subjects and roleRef in this wide form, since anyone may have edited them.
 */
import type { PolicyRule } from "./access-config.js";

export const RBAC_API_GROUP = "rbac.authorization.k8s.io";
export const RBAC_API_VERSION = `${RBAC_API_GROUP}/v1`;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

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
