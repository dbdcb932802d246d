/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   @kubernetes/client-node's models are plain data classes without behaviour; its
   serializer treats object literals and instances alike. */
/**
 * KubePort over @kubernetes/client-node: one cluster's ConfigMaps, RBAC objects and
 * namespaces, with Kubernetes failures translated into PortErrors that name the operation,
 * the identity and the missing permission.
 *
 * Every request is counted by its Kubernetes verb and resource (`get configmaps`,
 * `patch configmaps`, `create rolebindings`, ...), so a benchmark can check how many API
 * calls, and which writes, an apply made.
 *
 * Behaviour the engine can rely on:
 * - replaceConfigMapData is one JSON Patch request (RBAC verb `patch`) that sets
 *   metadata.resourceVersion to the caller's version, so the server answers 409 Conflict if
 *   anyone wrote in between, and replaces /data only.
 * - upsertRbac tries `create` first (one request for a new object). When the object exists
 *   it reads it and refuses (already-exists) unless it carries eksgate's managed-by label;
 *   otherwise it updates it under the version it read, keeping other labels and annotations.
 *   A binding whose roleRef differs (immutable in Kubernetes) is deleted under that version
 *   and created again.
 * - deleteRbac of an object that is already gone succeeds, so an interrupted run can repeat.
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../../core/model/access-config.js";
import type { ObservedRbacObject, RbacObject } from "../../core/model/rbac.js";
import { PortError } from "../../ports/errors.js";
import type { KubePort, RbacKind } from "../../ports/kube.js";
import { kubeApiClients } from "./api-clients.js";
import type { KubeConnection } from "./connection.js";
import { describeOperation, type Operation, toPortError } from "./kube-errors.js";
import { describeObject, operationOn, requireNamespace, RESOURCE_OF } from "./rbac-kinds.js";
import {
  fromV1ClusterRole,
  fromV1ClusterRoleBinding,
  fromV1RoleBinding,
  labelSelectorOf,
  observedConfigMap,
  sameRoleRef,
  toV1Binding,
  toV1ClusterRole,
} from "./v1-codec.js";

export type CountedKubePort = KubePort & {
  /** API requests made so far, by `<verb> <resource>`; a copy. */
  calls(): Record<string, number>;
};

/** Verbs that change state, for summing the writes in `calls()`. */
export const KUBE_WRITE_VERBS: readonly string[] = ["create", "update", "patch", "delete"];

export interface KubePortOptions {
  /** RBAC objects are listed in pages of this many (default 500). */
  readonly listPageSize?: number;
}

export function createKubePort(connection: KubeConnection, options: KubePortOptions = {}): CountedKubePort {
  const pageSize = options.listPageSize ?? 500;
  const { core, rbac, authorization } = kubeApiClients(connection);
  const counts = new Map<string, number>();

  async function call<T>(op: Operation, run: () => Promise<T>): Promise<T> {
    const key = `${op.verb} ${op.resource}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    try {
      return await run();
    } catch (error) {
      throw toPortError(error, op, connection.server);
    }
  }

  /** Like `call`, but a 404 answers undefined. */
  async function callOrMissing<T>(op: Operation, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call(op, run);
    } catch (error) {
      if (error instanceof PortError && error.kind === "not-found") return undefined;
      throw error;
    }
  }

  /** The live object in the model's shape, with the metadata an update needs. */
  async function readRbac(
    kind: RbacKind,
    name: string,
    namespace: string | undefined,
  ): Promise<{ readonly object: ObservedRbacObject; readonly metadata: V1ObjectMeta } | undefined> {
    const op = {
      verb: "get",
      resource: RESOURCE_OF[kind],
      name,
      ...(namespace !== undefined ? { namespace } : {}),
    };
    switch (kind) {
      case "ClusterRole": {
        const found = await callOrMissing(op, () => rbac.readClusterRole({ name }));
        return found && { object: fromV1ClusterRole(found), metadata: found.metadata ?? {} };
      }
      case "ClusterRoleBinding": {
        const found = await callOrMissing(op, () => rbac.readClusterRoleBinding({ name }));
        return found && { object: fromV1ClusterRoleBinding(found), metadata: found.metadata ?? {} };
      }
      case "RoleBinding": {
        const ns = requireNamespace(kind, name, namespace);
        const found = await callOrMissing(op, () => rbac.readNamespacedRoleBinding({ name, namespace: ns }));
        return found && { object: fromV1RoleBinding(found), metadata: found.metadata ?? {} };
      }
    }
  }

  async function createRbac(object: RbacObject): Promise<void> {
    const op = operationOn("create", object);
    switch (object.kind) {
      case "ClusterRole":
        await call(op, () => rbac.createClusterRole({ body: toV1ClusterRole(object) }));
        return;
      case "ClusterRoleBinding":
        await call(op, () => rbac.createClusterRoleBinding({ body: toV1Binding(object) }));
        return;
      case "RoleBinding":
        await call(op, () =>
          rbac.createNamespacedRoleBinding({
            namespace: object.metadata.namespace,
            body: toV1Binding(object),
          }),
        );
        return;
    }
  }

  async function replaceRbac(object: RbacObject, metadata: V1ObjectMeta): Promise<void> {
    const op = operationOn("update", object);
    const name = object.metadata.name;
    switch (object.kind) {
      case "ClusterRole":
        await call(op, () => rbac.replaceClusterRole({ name, body: toV1ClusterRole(object, metadata) }));
        return;
      case "ClusterRoleBinding":
        await call(op, () => rbac.replaceClusterRoleBinding({ name, body: toV1Binding(object, metadata) }));
        return;
      case "RoleBinding":
        await call(op, () =>
          rbac.replaceNamespacedRoleBinding({
            name,
            namespace: object.metadata.namespace,
            body: toV1Binding(object, metadata),
          }),
        );
        return;
    }
  }

  async function removeRbac(
    kind: RbacKind,
    name: string,
    namespace: string | undefined,
    preconditions?: { uid?: string; resourceVersion?: string },
  ): Promise<void> {
    const op = {
      verb: "delete",
      resource: RESOURCE_OF[kind],
      name,
      ...(namespace !== undefined ? { namespace } : {}),
    };
    const body = preconditions === undefined ? {} : { preconditions };
    switch (kind) {
      case "ClusterRole":
        await callOrMissing(op, () => rbac.deleteClusterRole({ name, body }));
        return;
      case "ClusterRoleBinding":
        await callOrMissing(op, () => rbac.deleteClusterRoleBinding({ name, body }));
        return;
      case "RoleBinding":
        await callOrMissing(op, () =>
          rbac.deleteNamespacedRoleBinding({
            name,
            namespace: requireNamespace(kind, name, namespace),
            body,
          }),
        );
        return;
    }
  }

  async function listPages(kind: RbacKind, labelSelector: string): Promise<ObservedRbacObject[]> {
    const out: ObservedRbacObject[] = [];
    let next: string | undefined;
    do {
      const page = {
        labelSelector,
        limit: pageSize,
        ...(next !== undefined ? { _continue: next } : {}),
      };
      const op = { verb: "list", resource: RESOURCE_OF[kind] };
      switch (kind) {
        case "ClusterRole": {
          const list = await call(op, () => rbac.listClusterRole(page));
          out.push(...list.items.map(fromV1ClusterRole));
          next = list.metadata?._continue;
          break;
        }
        case "ClusterRoleBinding": {
          const list = await call(op, () => rbac.listClusterRoleBinding(page));
          out.push(...list.items.map(fromV1ClusterRoleBinding));
          next = list.metadata?._continue;
          break;
        }
        case "RoleBinding": {
          const list = await call(op, () => rbac.listRoleBindingForAllNamespaces(page));
          out.push(...list.items.map(fromV1RoleBinding));
          next = list.metadata?._continue;
          break;
        }
      }
    } while (next !== undefined && next !== "");
    return out;
  }

  return {
    server: connection.server,

    calls: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),

    async readConfigMap(namespace, name) {
      const cm = await callOrMissing({ verb: "get", resource: "configmaps", namespace, name }, () =>
        core.readNamespacedConfigMap({ name, namespace }),
      );
      return cm === undefined ? undefined : observedConfigMap(cm);
    },

    async replaceConfigMapData(namespace, name, data, resourceVersion) {
      // One JSON patch: setting metadata.resourceVersion to the version the caller read makes
      // the server refuse with 409 Conflict when the object changed since; replacing only
      // /data leaves labels, annotations and binaryData as they are.
      const patch = [
        { op: "replace", path: "/metadata/resourceVersion", value: resourceVersion },
        { op: "add", path: "/data", value: { ...data } },
      ];
      const cm = await call({ verb: "patch", resource: "configmaps", namespace, name }, () =>
        core.patchNamespacedConfigMap({ name, namespace, body: patch }),
      );
      return observedConfigMap(cm);
    },

    async createConfigMap(namespace, name, data) {
      const cm = await call({ verb: "create", resource: "configmaps", namespace, name }, () =>
        core.createNamespacedConfigMap({
          namespace,
          body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: { ...data } },
        }),
      );
      return observedConfigMap(cm);
    },

    async deleteConfigMap(namespace, name, resourceVersion) {
      // The precondition makes the server answer 409 Conflict when the object changed since
      // the caller read it, as replaceConfigMapData does for writes.
      await call({ verb: "delete", resource: "configmaps", namespace, name }, () =>
        core.deleteNamespacedConfigMap({ name, namespace, body: { preconditions: { resourceVersion } } }),
      );
    },

    async reviewAccess(user, request) {
      const attributes =
        "path" in request
          ? { nonResourceAttributes: { verb: request.verb, path: request.path } }
          : {
              resourceAttributes: {
                verb: request.verb,
                group: request.apiGroup,
                resource: request.resource,
                ...(request.subresource !== undefined ? { subresource: request.subresource } : {}),
                ...(request.name !== undefined ? { name: request.name } : {}),
                ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
              },
            };
      const review = await call({ verb: "create", resource: "subjectaccessreviews" }, () =>
        authorization.createSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SubjectAccessReview",
            spec: {
              user: user.user,
              groups: [...user.groups],
              ...(user.uid !== undefined ? { uid: user.uid } : {}),
              ...(user.extra !== undefined
                ? { extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])) }
                : {}),
              ...attributes,
            },
          },
        }),
      );
      const status = review.status;
      const reason = status?.reason ?? status?.evaluationError;
      return {
        allowed: status?.allowed === true,
        ...(reason !== undefined && reason !== "" ? { reason } : {}),
      };
    },

    async listRbac(kind, labels) {
      return listPages(kind, labelSelectorOf(labels));
    },

    async getRbac(kind, name, namespace) {
      return (await readRbac(kind, name, namespace))?.object;
    },

    async upsertRbac(object) {
      try {
        await createRbac(object);
        return;
      } catch (error) {
        if (!(error instanceof PortError && error.kind === "already-exists")) throw error;
      }
      const { kind } = object;
      const { name, namespace } = object.metadata;
      const existing = await readRbac(kind, name, namespace);
      if (existing === undefined) {
        // Deleted between our create and read: create again.
        await createRbac(object);
        return;
      }
      const meta = existing.metadata;
      if (meta.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
        throw new PortError(
          "already-exists",
          `${describeObject(kind, name, namespace)} exists on ${connection.server} and is not managed by eksgate ` +
            `(no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label); eksgate leaves it alone.`,
          { operation: describeOperation(operationOn("update", object)) },
        );
      }
      const live = existing.object;
      if (
        object.kind !== "ClusterRole" &&
        live.kind !== "ClusterRole" &&
        !sameRoleRef(live.roleRef, object.roleRef)
      ) {
        // roleRef cannot change in place: replace the binding, but only the version we read.
        await removeRbac(kind, name, namespace, {
          ...(meta.uid !== undefined ? { uid: meta.uid } : {}),
          ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
        });
        await createRbac(object);
        return;
      }
      await replaceRbac(object, {
        name,
        ...(namespace !== undefined ? { namespace } : {}),
        labels: { ...meta.labels, ...object.metadata.labels },
        ...(meta.annotations !== undefined ? { annotations: meta.annotations } : {}),
        ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
      });
    },

    async deleteRbac(kind, name, namespace) {
      await removeRbac(kind, name, namespace);
    },

    async namespaceExists(name) {
      const ns = await callOrMissing({ verb: "get", resource: "namespaces", name }, () =>
        core.readNamespace({ name }),
      );
      return ns !== undefined;
    },
  };
}
