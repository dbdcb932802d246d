// The server-side rules of the access-entry API, as plain functions that throw EksApiError.
// Each rule names its source; docs/specs/eks-access-entries-double.md lists them all.
import { invalidParameter } from "./errors.js";

export const ACCESS_ENTRY_TYPES = [
  "STANDARD",
  "EC2_LINUX",
  "EC2_WINDOWS",
  "FARGATE_LINUX",
  "HYBRID_LINUX",
  "HYPERPOD_LINUX",
  "EC2",
] as const;
export type AccessEntryType = (typeof ACCESS_ENTRY_TYPES)[number];

export const AUTHENTICATION_MODES = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"] as const;
export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];

/** An IAM user or role ARN, split into the parts the rules and the lookup need. */
export interface PrincipalRef {
  readonly arn: string;
  readonly partition: string;
  readonly accountId: string;
  readonly kind: "role" | "user";
  /** The IAM path, "/" when there is none, e.g. "/team/" for role/team/name. */
  readonly path: string;
  readonly name: string;
}

/** A request value for an error message. */
function show(value: unknown): string {
  // JSON.stringify returns undefined for undefined and functions, whatever its type says.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? "nothing";
}

const IAM_NAME = /^[\w+=,.@-]{1,128}$/;

/**
 * Principals are IAM users and roles only: no groups, no STS session ARNs, no root, no
 * service-linked roles (CreateAccessEntry API reference, `principalArn`; eks-access-entries.md
 * "Rules the server enforces").
 */
export function parsePrincipalArn(arn: string, clusterName: string): PrincipalRef {
  const match = /^arn:(aws|aws-cn|aws-us-gov):([a-z]+)::(\d{12}):(.+)$/.exec(arn);
  if (!match)
    throw invalidParameter(`The principalArn ${arn} is not a valid IAM principal ARN.`, clusterName);
  const [, partition = "", service = "", accountId = "", resource = ""] = match;
  if (service === "sts") {
    throw invalidParameter(
      `The principalArn ${arn} is an STS session; access entries take the IAM role or user ARN instead.`,
      clusterName,
    );
  }
  if (service !== "iam") throw invalidParameter(`The principalArn ${arn} is not an IAM ARN.`, clusterName);
  const slash = resource.indexOf("/");
  const resourceType = slash < 0 ? resource : resource.slice(0, slash);
  if (resourceType !== "role" && resourceType !== "user") {
    throw invalidParameter(
      `The principalArn ${arn} names an IAM ${resourceType}; only IAM users and roles can have access entries.`,
      clusterName,
    );
  }
  const rest = resource.slice(slash + 1);
  const lastSlash = rest.lastIndexOf("/");
  const name = rest.slice(lastSlash + 1);
  const path = lastSlash < 0 ? "/" : `/${rest.slice(0, lastSlash)}/`;
  if (!IAM_NAME.test(name) || path.includes("//")) {
    throw invalidParameter(`The principalArn ${arn} is not a valid IAM principal ARN.`, clusterName);
  }
  if (resourceType === "role" && path.startsWith("/aws-service-role/")) {
    throw invalidParameter(
      `The principalArn ${arn} is a service-linked role, which cannot have an access entry.`,
      clusterName,
    );
  }
  return { arn, partition, accountId, kind: resourceType, path, name };
}

export function parseEntryType(value: unknown, clusterName: string): AccessEntryType {
  if (value === undefined || value === null) return "STANDARD";
  const found = ACCESS_ENTRY_TYPES.find((t) => t === value);
  if (!found) {
    throw invalidParameter(
      `The type ${show(value)} is not one of ${ACCESS_ENTRY_TYPES.join(", ")}.`,
      clusterName,
    );
  }
  return found;
}

export const RESERVED_USERNAME_PREFIXES = ["system:", "eks:", "aws:", "amazon:", "iam:"] as const;
const SESSION_PLACEHOLDERS = ["{{SessionName}}", "{{SessionNameRaw}}"] as const;

/**
 * A custom username must not start with a reserved prefix, and a `:` must come before
 * `{{SessionName}}` / `{{SessionNameRaw}}` when one is used (user guide "Set a custom
 * username for EKS access entries"; eks-access-entries.md).
 */
export function checkUsername(username: unknown, clusterName: string): string {
  if (typeof username !== "string" || username.length === 0) {
    throw invalidParameter("username must be a non-empty string.", clusterName);
  }
  const reserved = RESERVED_USERNAME_PREFIXES.find((p) => username.startsWith(p));
  if (reserved) throw invalidParameter(`username cannot start with ${reserved}`, clusterName);
  for (const placeholder of SESSION_PLACEHOLDERS) {
    const at = username.indexOf(placeholder);
    if (at >= 0 && !username.slice(0, at).includes(":")) {
      throw invalidParameter(`username must have a ':' before ${placeholder}.`, clusterName);
    }
  }
  return username;
}

/** kubernetesGroups: strings, none starting with `system:` (eks-access-entries.md). */
export function checkKubernetesGroups(groups: unknown, clusterName: string): string[] {
  if (!Array.isArray(groups))
    throw invalidParameter("kubernetesGroups must be a list of strings.", clusterName);
  return groups.map((group: unknown) => {
    if (typeof group !== "string" || group.length === 0) {
      throw invalidParameter("kubernetesGroups entries must be non-empty strings.", clusterName);
    }
    if (group.startsWith("system:")) {
      throw invalidParameter(`kubernetesGroups cannot start with system: (got ${group}).`, clusterName);
    }
    return group;
  });
}

/**
 * The username EKS picks when none is given: for a role the STS assumed-role ARN without the
 * role's path plus `/{{SessionName}}`, for a user the user ARN (user guide "Set a custom
 * username"). Node types get the node identity of the Kubernetes node authorizer.
 */
export function defaultUsername(principal: PrincipalRef, type: AccessEntryType): string {
  switch (type) {
    case "STANDARD":
      return principal.kind === "role"
        ? `arn:${principal.partition}:sts::${principal.accountId}:assumed-role/${principal.name}/{{SessionName}}`
        : principal.arn;
    case "EC2_LINUX":
    case "EC2_WINDOWS":
    case "EC2":
      return "system:node:{{EC2PrivateDNSName}}";
    case "FARGATE_LINUX":
    case "HYBRID_LINUX":
    case "HYPERPOD_LINUX":
      return "system:node:{{SessionName}}";
  }
}

/** Groups EKS fills in for node entries (shown by DescribeAccessEntry); STANDARD starts empty. */
export function defaultGroups(type: AccessEntryType): string[] {
  switch (type) {
    case "EC2_LINUX":
    case "FARGATE_LINUX":
    case "HYBRID_LINUX":
    case "HYPERPOD_LINUX":
      return ["system:nodes"];
    case "EC2_WINDOWS":
      return ["system:nodes", "eks:kube-proxy-windows"];
    case "STANDARD":
    case "EC2":
      return [];
  }
}

export interface AccessScope {
  readonly type: "cluster" | "namespace";
  readonly namespaces: readonly string[];
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_PREFIX = /^[a-z0-9][-a-z0-9]*\*$/;

/**
 * accessScope.type is `cluster` or `namespace`; `namespace` needs at least one namespace,
 * each a DNS label or a prefix ending in `*` such as `dev-*` (AccessScope API reference;
 * eks-access-entries.md "Calls").
 */
export function parseAccessScope(value: unknown, clusterName: string): AccessScope {
  if (typeof value !== "object" || value === null)
    throw invalidParameter("accessScope is required.", clusterName);
  const { type, namespaces } = value as { type?: unknown; namespaces?: unknown };
  if (type !== "cluster" && type !== "namespace") {
    throw invalidParameter(`accessScope.type must be cluster or namespace (got ${show(type)}).`, clusterName);
  }
  const list: unknown[] = namespaces === undefined || namespaces === null ? [] : (namespaces as unknown[]);
  if (!Array.isArray(list)) throw invalidParameter("accessScope.namespaces must be a list.", clusterName);
  if (type === "cluster") {
    if (list.length > 0)
      throw invalidParameter("accessScope.namespaces must be empty for a cluster scope.", clusterName);
    return { type, namespaces: [] };
  }
  if (list.length === 0)
    throw invalidParameter("accessScope.namespaces is required for a namespace scope.", clusterName);
  const checked = list.map((ns: unknown) => {
    if (typeof ns !== "string" || ns.length > 63 || !(NAMESPACE.test(ns) || NAMESPACE_PREFIX.test(ns))) {
      throw invalidParameter(`accessScope.namespaces has an invalid namespace: ${show(ns)}.`, clusterName);
    }
    return ns;
  });
  return { type, namespaces: [...new Set(checked)] };
}

export function parseAuthenticationMode(value: unknown, field: string): AuthenticationMode {
  const found = AUTHENTICATION_MODES.find((m) => m === value);
  if (!found) {
    throw invalidParameter(
      `${field} must be one of ${AUTHENTICATION_MODES.join(", ")} (got ${show(value)}).`,
    );
  }
  return found;
}

/**
 * The authentication mode only moves forward one step at a time:
 * CONFIG_MAP -> API_AND_CONFIG_MAP -> API (eks-access-entries.md "Cluster setting"; the user
 * guide "Change authentication mode to use access entries").
 */
export function checkModeTransition(
  from: AuthenticationMode,
  to: AuthenticationMode,
  clusterName: string,
): void {
  const step = AUTHENTICATION_MODES.indexOf(to) - AUTHENTICATION_MODES.indexOf(from);
  if (step === 1) return;
  if (step === 0) throw invalidParameter(`The cluster is already in authentication mode ${to}.`, clusterName);
  throw invalidParameter(`Unsupported authentication mode update from ${from} to ${to}.`, clusterName);
}

export function modeAllowsAccessEntries(mode: AuthenticationMode): boolean {
  return mode === "API" || mode === "API_AND_CONFIG_MAP";
}
