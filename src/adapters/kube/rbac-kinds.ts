/**
 * The RBAC kinds KubePort writes, one row each: the API resource a kind is served as, and
 * what each needs to name one object (RoleBindings are namespaced).
 */
import type { RbacObject } from "../../core/model/rbac.js";
import { PortError } from "../../ports/errors.js";
import type { RbacKind } from "../../ports/kube.js";
import type { Operation } from "./kube-errors.js";

/** The API resource each kind is served as. */
export const RESOURCE_OF: Readonly<Record<RbacKind, string>> = {
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  RoleBinding: "rolebindings",
};

export function operationOn(verb: string, object: RbacObject): Operation {
  return {
    verb,
    resource: RESOURCE_OF[object.kind],
    name: object.metadata.name,
    ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
  };
}

export function describeObject(kind: RbacKind, name: string, namespace: string | undefined): string {
  return namespace === undefined ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
}

export function requireNamespace(kind: RbacKind, name: string, namespace: string | undefined): string {
  if (namespace === undefined || namespace === "") {
    throw new PortError("invalid", `${kind} ${name} needs a namespace.`, {
      operation: `${kind} ${name}`,
    });
  }
  return namespace;
}
