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
import { Agent as HttpsAgent } from "node:https";
import {
  ApiException,
  CoreV1Api,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type SecurityAuthentication,
  type V1ClusterRole,
  type V1ClusterRoleBinding,
  type V1ConfigMap,
  type V1ObjectMeta,
  type V1PolicyRule,
  type V1RoleBinding,
  type V1RoleRef,
  type RbacV1Subject,
} from "@kubernetes/client-node";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, type PolicyRule } from "../../core/model/access-config.js";
import {
  RBAC_API_VERSION,
  type ClusterRole,
  type ClusterRoleBinding,
  type ClusterRoleRef,
  type GroupSubject,
  type RbacObject,
  type RoleBinding,
} from "../../core/model/rbac.js";
import { PortError, type PortFailureKind } from "../../ports/errors.js";
import type { KubePort, ObservedConfigMap, RbacKind } from "../../ports/kube.js";
import type { KubeConnection } from "./connection.js";

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

const RESOURCE_OF: Readonly<Record<RbacKind, string>> = {
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  RoleBinding: "rolebindings",
};

interface Operation {
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

export function createKubePort(connection: KubeConnection, options: KubePortOptions = {}): CountedKubePort {
  const pageSize = options.listPageSize ?? 500;
  const config = createConfiguration({
    baseServer: new ServerConfiguration(connection.server, {}),
    authMethods: { default: connectionAuthentication(connection) },
  });
  const core = new CoreV1Api(config);
  const rbac = new RbacAuthorizationV1Api(config);
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
  ): Promise<{ readonly object: RbacObject; readonly metadata: V1ObjectMeta } | undefined> {
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

  async function listPages(kind: RbacKind, labelSelector: string): Promise<RbacObject[]> {
    const out: RbacObject[] = [];
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

// ---------------------------------------------------------------------------------------------
// Authentication

/**
 * Applies the kubeconfig's credentials and TLS settings, then the bearer token when the
 * connection has a token provider. client-node builds a fresh TLS agent for every request;
 * agents are reused here (with keep-alive) as long as the TLS settings stay the same, so a
 * plan of hundreds of calls does not pay a TLS handshake for each.
 */
function connectionAuthentication(connection: KubeConnection): SecurityAuthentication {
  const agents = new Map<string, HttpsAgent>();
  return {
    getName: () => "eksgate kube connection",
    async applySecurityAuthentication(context: RequestContext): Promise<void> {
      try {
        await connection.kubeConfig.applySecurityAuthentication(context);
        if (connection.tokenProvider !== undefined) {
          context.setHeaderParam("Authorization", `Bearer ${await connection.tokenProvider()}`);
        }
      } catch (error) {
        throw new PortError("credentials", `No credentials for ${connection.origin}: ${messageOf(error)}`, {
          operation: "authenticate",
          cause: error,
        });
      }
      const agent = context.getAgent();
      // Only a plain HTTPS agent; proxy agents are left as client-node made them.
      if (!(agent instanceof HttpsAgent) || agent.constructor !== HttpsAgent) return;
      const options = agent.options;
      const key = JSON.stringify([
        options.ca,
        options.cert,
        options.key,
        options.pfx,
        options.passphrase,
        options.rejectUnauthorized,
        options.servername,
      ]);
      let shared = agents.get(key);
      if (shared === undefined) {
        shared = new HttpsAgent({ ...options, keepAlive: true });
        agents.set(key, shared);
      }
      context.setAgent(shared);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

interface KubeStatus {
  readonly message?: string;
  readonly reason?: string;
}

function statusOf(body: unknown): KubeStatus {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { message: body };
    }
  }
  if (typeof value !== "object" || value === null) return {};
  const { message, reason } = value as Record<string, unknown>;
  return {
    ...(typeof message === "string" ? { message } : {}),
    ...(typeof reason === "string" ? { reason } : {}),
  };
}

const ESCALATION_MARKER = "is attempting to grant RBAC permissions not currently held";

/** Turns a client-node or network failure into a PortError in eksgate's vocabulary. */
export function toPortError(error: unknown, op: Operation, server: string): PortError {
  if (error instanceof PortError) return error;
  const operation = describeOperation(op);
  if (!(error instanceof ApiException)) {
    return new PortError("unavailable", `Could not reach ${server} to ${operation}: ${messageOf(error)}`, {
      operation,
      cause: error,
    });
  }
  const code = error.code;
  const status = statusOf(error.body);
  const said = status.message ?? `HTTP ${code}`;
  const identity = /\b[Uu]ser "([^"]*)"/.exec(said)?.[1];
  const base = { operation, ...(identity !== undefined ? { identity } : {}), cause: error };

  if (code === 403) {
    if (said.includes(ESCALATION_MARKER)) {
      const missing = escalationMissing(said);
      return new PortError(
        "access-denied",
        `Kubernetes refused to ${operation} on ${server}: ${identity === undefined ? "the caller" : `"${identity}"`} may not ` +
          `grant permissions it does not hold itself (RBAC escalation check). Apply as an identity that holds ` +
          `them, or one allowed to bind this role ("bind" on the ClusterRole). Missing: ${missing}`,
        { ...base, escalation: true, missingPermission: missing },
      );
    }
    const missing = forbiddenMissing(said);
    return new PortError("access-denied", `Kubernetes refused to ${operation} on ${server}: ${said}`, {
      ...base,
      ...(missing !== undefined ? { missingPermission: missing } : {}),
    });
  }
  const kind = failureKind(code, status.reason);
  return new PortError(kind, `Kubernetes could not ${operation} on ${server}: ${said}`, {
    ...base,
    ...(code === 429 ? { throttled: true } : {}),
  });
}

function failureKind(code: number, reason: string | undefined): PortFailureKind {
  if (code === 401) return "credentials";
  if (code === 404) return "not-found";
  if (code === 409) return reason === "AlreadyExists" ? "already-exists" : "conflict";
  if (code === 400 || code === 422) return "invalid";
  return "unavailable";
}

/** The rules listed after "not currently held:", one per line in the server's message. */
function escalationMissing(message: string): string {
  const after = message.slice(message.indexOf(ESCALATION_MARKER) + ESCALATION_MARKER.length);
  const rules = after
    .replace(/^:\s*/, "")
    .split(/; resolution errors:/)[0]
    ?.split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return rules === undefined || rules.length === 0 ? "(not stated)" : rules.join("; ");
}

/** `User "x" cannot patch resource "configmaps" in API group "" in the namespace "kube-system"`. */
function forbiddenMissing(message: string): string | undefined {
  const m =
    /cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/.exec(
      message,
    );
  if (m === null) return undefined;
  const [, verb, resource, group, namespace] = m;
  const what = group === undefined || group === "" ? resource : `${resource}.${group}`;
  return `${verb} ${what}${namespace !== undefined ? ` in namespace ${namespace}` : " at cluster scope"}`;
}

function describeOperation(op: Operation): string {
  const target =
    op.name === undefined ? "" : op.namespace !== undefined ? ` ${op.namespace}/${op.name}` : ` ${op.name}`;
  return `${op.verb} ${op.resource}${target}`;
}

function operationOn(verb: string, object: RbacObject): Operation {
  return {
    verb,
    resource: RESOURCE_OF[object.kind],
    name: object.metadata.name,
    ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
  };
}

function describeObject(kind: RbacKind, name: string, namespace: string | undefined): string {
  return namespace === undefined ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
}

function requireNamespace(kind: RbacKind, name: string, namespace: string | undefined): string {
  if (namespace === undefined || namespace === "") {
    throw new PortError("invalid", `${kind} ${name} needs a namespace.`, {
      operation: `${kind} ${name}`,
    });
  }
  return namespace;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Conversions

function observedConfigMap(cm: V1ConfigMap): ObservedConfigMap {
  return { data: { ...cm.data }, resourceVersion: cm.metadata?.resourceVersion ?? "" };
}

function labelSelectorOf(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** Compares as strings: a live roleRef may name a Role, whatever the model's type says. */
function sameRoleRef(
  a: { readonly apiGroup: string; readonly kind: string; readonly name: string },
  b: ClusterRoleRef,
): boolean {
  return a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;
}

/** The object to send; `metadata` replaces the model's (for an update of a live object). */
function toV1ClusterRole(role: ClusterRole, metadata?: V1ObjectMeta): V1ClusterRole {
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

function toV1Binding(
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

function fromV1ClusterRole(role: V1ClusterRole): ClusterRole {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRole",
    metadata: { name: role.metadata?.name ?? "", labels: { ...role.metadata?.labels } },
    rules: (role.rules ?? []).map(fromV1Rule),
  };
}

function fromV1Rule(rule: V1PolicyRule): PolicyRule {
  return {
    verbs: [...rule.verbs],
    ...(rule.apiGroups !== undefined ? { apiGroups: [...rule.apiGroups] } : {}),
    ...(rule.resources !== undefined ? { resources: [...rule.resources] } : {}),
    ...(rule.resourceNames !== undefined ? { resourceNames: [...rule.resourceNames] } : {}),
    ...(rule.nonResourceURLs !== undefined ? { nonResourceURLs: [...rule.nonResourceURLs] } : {}),
  };
}

function fromV1ClusterRoleBinding(binding: V1ClusterRoleBinding): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: { name: binding.metadata?.name ?? "", labels: { ...binding.metadata?.labels } },
    subjects: (binding.subjects ?? []).map(fromV1Subject),
    roleRef: fromV1RoleRef(binding.roleRef),
  };
}

function fromV1RoleBinding(binding: V1RoleBinding): RoleBinding {
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
 * The model only has Group subjects (all eksgate writes), but a live binding may have been
 * edited to name users or service accounts. Those are kept as they are, kind and all, so a
 * comparison with the desired binding sees the difference; the cast only widens what the
 * model's type admits.
 */
function fromV1Subject(subject: RbacV1Subject): GroupSubject {
  return {
    kind: subject.kind,
    apiGroup: subject.apiGroup ?? "",
    name: subject.name,
    ...(subject.namespace !== undefined ? { namespace: subject.namespace } : {}),
  } as unknown as GroupSubject;
}

/** A RoleBinding may reference a Role; the model's type is wider in the same way as subjects. */
function fromV1RoleRef(ref: V1RoleRef): ClusterRoleRef {
  return { apiGroup: ref.apiGroup, kind: ref.kind, name: ref.name } as ClusterRoleRef;
}
