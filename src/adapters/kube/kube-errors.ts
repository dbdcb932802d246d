/**
 * Kubernetes and network failures as PortErrors: the operation (`patch configmaps
 * kube-system/aws-auth`), the identity and the missing permission where the server names
 * them, and RBAC escalation refusals told apart from plain denials.
 */
import { ApiException } from "@kubernetes/client-node";
import { PortError, type PortFailureKind } from "../../ports/errors.js";

/** One request, as RBAC names it: a verb on a resource, maybe a namespace and a name. */
export interface Operation {
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

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

export function describeOperation(op: Operation): string {
  const target =
    op.name === undefined ? "" : op.namespace !== undefined ? ` ${op.namespace}/${op.name}` : ` ${op.name}`;
  return `${op.verb} ${op.resource}${target}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
