/**
 * The model's RBAC objects and ConfigMaps to and from @kubernetes/client-node's V1 types.
 */
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   @kubernetes/client-node's models are plain data classes without behaviour; its
   serializer treats object literals and instances alike. */
import type {
  RbacV1Subject,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1ObjectMeta,
  V1RoleBinding,
  V1RoleRef,
} from "@kubernetes/client-node";
import {
  normalizePolicyRule,
  RBAC_API_VERSION,
  type ClusterRole,
  type ClusterRoleBinding,
  type ObservedClusterRoleBinding,
  type ObservedRoleBinding,
  type RoleBinding,
} from "../../core/model/rbac.js";
import type { RoleRef, Subject } from "../../core/model/rbac-api.js";
import type { ObservedConfigMap } from "../../ports/kube.js";
export function observedConfigMap(cm: V1ConfigMap): ObservedConfigMap {
  return { data: { ...cm.data }, resourceVersion: cm.metadata?.resourceVersion ?? "" };
}

export function labelSelectorOf(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** Whether two roleRefs name the same role (a live one may name a Role). */
export function sameRoleRef(a: RoleRef, b: RoleRef): boolean {
  return a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;
}

/** The object to send; `metadata` replaces the model's (for an update of a live object). */
export function toV1ClusterRole(role: ClusterRole, metadata?: V1ObjectMeta): V1ClusterRole {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRole",
    metadata: metadata ?? { name: role.metadata.name, labels: { ...role.metadata.labels } },
    rules: role.rules.map((r) => ({
      verbs: [...r.verbs],
      ...(r.apiGroups !== undefined ? { apiGroups: [...r.apiGroups] } : {}),
      ...(r.resources !== undefined ? { resources: [...r.resources] } : {}),
      ...(r.resourceNames !== undefined ? { resourceNames: [...r.resourceNames] } : {}),
      ...(r.nonResourceURLs !== undefined ? { nonResourceURLs: [...r.nonResourceURLs] } : {}),
    })),
  };
}

export function toV1Binding(
  binding: ClusterRoleBinding | RoleBinding,
  metadata?: V1ObjectMeta,
): V1ClusterRoleBinding & V1RoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: binding.kind,
    metadata: metadata ?? {
      name: binding.metadata.name,
      ...(binding.metadata.namespace !== undefined ? { namespace: binding.metadata.namespace } : {}),
      labels: { ...binding.metadata.labels },
    },
    subjects: binding.subjects.map((s) => ({ kind: s.kind, apiGroup: s.apiGroup, name: s.name })),
    roleRef: { apiGroup: binding.roleRef.apiGroup, kind: binding.roleRef.kind, name: binding.roleRef.name },
  };
}

export function fromV1ClusterRole(role: V1ClusterRole): ClusterRole {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRole",
    metadata: { name: role.metadata?.name ?? "", labels: { ...role.metadata?.labels } },
    rules: (role.rules ?? []).map(normalizePolicyRule),
  };
}

export function fromV1ClusterRoleBinding(binding: V1ClusterRoleBinding): ObservedClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: { name: binding.metadata?.name ?? "", labels: { ...binding.metadata?.labels } },
    subjects: (binding.subjects ?? []).map(fromV1Subject),
    roleRef: fromV1RoleRef(binding.roleRef),
  };
}

export function fromV1RoleBinding(binding: V1RoleBinding): ObservedRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "RoleBinding",
    metadata: {
      name: binding.metadata?.name ?? "",
      namespace: binding.metadata?.namespace ?? "",
      labels: { ...binding.metadata?.labels },
    },
    subjects: (binding.subjects ?? []).map(fromV1Subject),
    roleRef: fromV1RoleRef(binding.roleRef),
  };
}

/**
 * eksgate writes only Group subjects, but a live binding may have been edited to name users
 * or service accounts. Those are kept as they are, kind and all, so that a comparison with
 * the desired binding sees the difference.
 */
export function fromV1Subject(subject: RbacV1Subject): Subject {
  return {
    kind: subject.kind,
    apiGroup: subject.apiGroup ?? "",
    name: subject.name,
    ...(subject.namespace !== undefined ? { namespace: subject.namespace } : {}),
  };
}

/** A live RoleBinding may reference a Role; kept as it is, like subjects. */
export function fromV1RoleRef(ref: V1RoleRef): RoleRef {
  return { apiGroup: ref.apiGroup, kind: ref.kind, name: ref.name };
}
