/**
 * Amazon Resource Names: the one place eksgate takes an ARN apart or puts one together.
 *
 * `splitArnSections` is the single parse every reader builds on: six `:`-separated
 * sections, the last (the resource) may itself contain `:` (the AWS SDK's `arn.Parse`
 * rules, which aws-iam-authenticator's pkg/arn uses too). On top of it:
 *
 * - `parseArn` / `readArn`: the typed value (partition, service, region, account, and the
 *   resource as type, path and name);
 * - `parsePrincipalArn`: a caller ARN as the authenticator accepts it, and
 *   `canonicalizeArn`, the key aws-auth is searched with:
 *   - `arn:P:sts::A:assumed-role/NAME/SESSION` becomes `arn:P:iam::A:role/NAME`. STS never
 *     reports a role's path, so the canonical ARN has none: a `rolearn` in aws-auth that
 *     includes a path (`role/team/NAME`) can never match (upstream issue #268);
 *   - `arn:P:iam::A:user/PATH/NAME`, `...:role/...` and `...:root` are kept as they are
 *     (user ARNs keep their path);
 *   - `arn:P:sts::A:federated-user/NAME` is kept as it is;
 *   - anything else is rejected, as is a partition the authenticator does not know;
 * - `classifyPrincipalArn`: the lenient reading IAM policy evaluation needs (any partition,
 *   groups included, paths dropped from names);
 * - `iamPrincipalArnProblem` / `accountIdProblem`: why an ARN or account ID written in a
 *   mapping can never name a real principal (lint);
 * - `identityCenterRoleOf`, `rolePathOf`, `withoutRolePath`: role paths, including the
 *   `aws-reserved/sso.amazonaws.com/[REGION/]` path of IAM Identity Center roles;
 * - `arnLike`: the authenticator's wildcard comparison of two ARNs.
 *
 * IAM User Guide, "IAM identifiers":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
import type { Diagnostic, DiagnosticCode, Result } from "../diagnostics.js";

/** Partitions the authenticator accepts in a caller ARN. */
export const PARTITIONS = [
  "aws",
  "aws-cn",
  "aws-us-gov",
  "aws-iso",
  "aws-iso-b",
  "aws-iso-e",
  "aws-iso-f",
  "aws-eusc",
] as const;
export type Partition = (typeof PARTITIONS)[number];

export function isPartition(value: string): value is Partition {
  return (PARTITIONS as readonly string[]).includes(value);
}

/** An ARN's sections. Nothing is validated beyond the shape. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  /** Everything after the fifth `:` (may contain `:` and `/`). */
  readonly resource: string;
  /** The resource up to its first `/` (`role` in `role/team/NAME`; all of it without `/`). */
  readonly resourceType: string;
  /**
   * The segments between the type and the name: `/` when there are none, otherwise
   * `/a/b/` (leading and trailing slash), as IAM writes paths.
   */
  readonly path: string;
  /** The resource after its last `/` (`NAME` in `role/team/NAME`); empty without `/`. */
  readonly name: string;
}

/** Diagnostic codes produced by this module. */
export const ARN_CODES = {
  invalidPrefix: "ARN001",
  notEnoughSections: "ARN002",
  unknownPartition: "ARN003",
  unsupportedResource: "ARN004",
  unsupportedService: "ARN005",
  assumedRoleWithoutRole: "ARN006",
} as const;

function failure(
  code: DiagnosticCode,
  summary: string,
  detail: string,
): { ok: false; diagnostics: Diagnostic[] } {
  return { ok: false, diagnostics: [{ code, severity: "error", summary, detail }] };
}

function ok<T>(value: T): Result<T> {
  return { ok: true, value, diagnostics: [] };
}

/**
 * The six sections of an ARN (or an ARN pattern), the fifth `:` onwards kept whole as the
 * resource; undefined when there are fewer than six. The first section is not checked.
 */
export function splitArnSections(
  text: string,
): readonly [string, string, string, string, string, string] | undefined {
  const sections: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const at = text.indexOf(":", start);
    if (at < 0) return undefined;
    sections.push(text.slice(start, at));
    start = at + 1;
  }
  const [prefix = "", partition = "", service = "", region = "", accountId = ""] = sections;
  return [prefix, partition, service, region, accountId, text.slice(start)];
}

function typed(partition: string, service: string, region: string, accountId: string, resource: string): Arn {
  const first = resource.indexOf("/");
  const last = resource.lastIndexOf("/");
  return {
    partition,
    service,
    region,
    accountId,
    resource,
    resourceType: first < 0 ? resource : resource.slice(0, first),
    path: first < 0 || first === last ? "/" : `${resource.slice(first, last)}/`,
    name: first < 0 ? "" : resource.slice(last + 1),
  };
}

/** Splits an ARN into its sections (the SDK's `arn.Parse` rules), with diagnostics. */
export function parseArn(text: string): Result<Arn> {
  if (!text.startsWith("arn:")) {
    return failure(
      ARN_CODES.invalidPrefix,
      `'${text}' is not an ARN: it does not start with 'arn:'`,
      "Write the full ARN, e.g. arn:aws:iam::111122223333:role/NAME.",
    );
  }
  const sections = splitArnSections(text);
  if (sections === undefined) {
    return failure(
      ARN_CODES.notEnoughSections,
      `'${text}' is not an ARN: it needs six ':'-separated sections`,
      "An ARN looks like arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.",
    );
  }
  const [, partition, service, region, accountId, resource] = sections;
  return ok(typed(partition, service, region, accountId, resource));
}

/** `parseArn` without the diagnostics: undefined when the text is not an ARN. */
export function readArn(text: string): Arn | undefined {
  const parsed = parseArn(text);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * An ARN of IAM's own resources as IAM writes them: a partition, service `iam`, no region
 * and a 12-digit account. Undefined for anything else. The resource is not checked.
 */
export function readIamArn(text: string): Arn | undefined {
  const arn = readArn(text);
  if (arn === undefined || arn.partition === "" || arn.service !== "iam" || arn.region !== "")
    return undefined;
  return isAccountId(arn.accountId) ? arn : undefined;
}

/**
 * An IAM role ARN as IAM accepts one in a request (AssumeRole, a config's roleArn):
 * `arn:P:iam::ACCOUNT:role/[PATH/]NAME` with a 12-digit account, a role name of 1-64
 * letters, digits and `+=,.@_-`, and path segments of printable ASCII. Undefined otherwise.
 */
export function readIamRoleArn(text: string): Arn | undefined {
  const arn = readIamArn(text);
  if (arn?.resourceType !== "role" || !NAME.test(arn.name)) return undefined;
  const segments = arn.path.split("/").slice(1, -1);
  return segments.every((s) => PATH_SEGMENT.test(s)) ? arn : undefined;
}

/** Whether the text is an IAM group ARN (`arn:P:iam::A:group/[PATH/]NAME`). */
export function isIamGroupArn(text: string): boolean {
  return readIamArn(text)?.resource.startsWith("group/") === true;
}

/** The account ID section of an ARN, or undefined when it is empty (or not an ARN). */
export function accountIdOf(text: string): string | undefined {
  const accountId = readArn(text)?.accountId;
  return accountId === "" ? undefined : accountId;
}

/** The partition of an ARN, or `fallback` when the text has no partition section. */
export function partitionOf(text: string, fallback = "aws"): string {
  const at = text.indexOf(":");
  if (at < 0) return fallback;
  const end = text.indexOf(":", at + 1);
  return end < 0 ? text.slice(at + 1) : text.slice(at + 1, end);
}

/** The region section of an ARN, or undefined when it is empty (or not an ARN). */
export function regionOf(text: string): string | undefined {
  const region = readArn(text)?.region;
  return region === "" ? undefined : region;
}

/** The path of an ARN's resource: `/team/` for `role/team/NAME`, `/` when it has none. */
export function iamPathOf(text: string): string {
  return readArn(text)?.path ?? "/";
}

/**
 * The text after the last `/`: the name of a user, role, group, policy or session in its
 * ARN (`NAME` in `role/team/NAME`). The whole text when it has no `/`.
 */
export function arnResourceName(text: string): string {
  return text.slice(text.lastIndexOf("/") + 1);
}

export function formatArn(
  arn: Pick<Arn, "partition" | "service" | "region" | "accountId" | "resource">,
): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;
}

/** An IAM user, role or group: its path and its name. */
export interface NamedIamArn<K extends "role" | "user" | "group"> {
  readonly kind: K;
  readonly partition: string;
  readonly accountId: string;
  /** `/` when there is no path, otherwise `/a/b/` (leading and trailing slash). */
  readonly path: string;
  readonly name: string;
}

/** An IAM or STS principal ARN, broken down. */
export type PrincipalArn =
  | NamedIamArn<"role">
  | NamedIamArn<"user">
  | { readonly kind: "root"; readonly partition: string; readonly accountId: string }
  | {
      readonly kind: "assumed-role";
      readonly partition: string;
      readonly accountId: string;
      readonly roleName: string;
      readonly sessionName: string;
    }
  | {
      readonly kind: "federated-user";
      readonly partition: string;
      readonly accountId: string;
      readonly name: string;
    };

/**
 * Reads an ARN as a principal the authenticator accepts: IAM role, user, account root,
 * STS assumed role or federated user, in a known partition.
 */
export function parsePrincipalArn(text: string): Result<PrincipalArn> {
  const parsed = parseArn(text);
  if (!parsed.ok) return parsed;
  const arn = parsed.value;
  if (!isPartition(arn.partition)) {
    return failure(
      ARN_CODES.unknownPartition,
      `'${text}' has an unknown partition '${arn.partition}'`,
      `Use one of: ${PARTITIONS.join(", ")}.`,
    );
  }
  const type = arn.resourceType;
  const base = { partition: arn.partition, accountId: arn.accountId };
  if (arn.service === "sts") {
    if (type === "federated-user") return ok({ kind: "federated-user", ...base, name: afterType(arn) });
    if (type === "assumed-role") {
      const session = assumedRoleOf(arn);
      if (session === undefined) {
        return failure(
          ARN_CODES.assumedRoleWithoutRole,
          `assumed-role ARN '${text}' does not name a role and a session`,
          "An assumed-role ARN looks like arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.",
        );
      }
      return ok({ kind: "assumed-role", ...base, ...session });
    }
    return failure(
      ARN_CODES.unsupportedResource,
      `'${arn.resource}' is not an identity the authenticator accepts for service sts`,
      "Use an assumed-role or federated-user ARN.",
    );
  }
  if (arn.service === "iam") {
    if (type === "role" || type === "user") {
      // `role` alone (no `/`) names nobody: the path is `/` and the name empty.
      return ok({ kind: type, ...base, path: arn.path, name: arn.name });
    }
    if (type === "root") return ok({ kind: "root", ...base });
    return failure(
      ARN_CODES.unsupportedResource,
      `'${arn.resource}' is not an identity the authenticator accepts for service iam`,
      "Use a role/, user/ or root ARN.",
    );
  }
  return failure(
    ARN_CODES.unsupportedService,
    `service '${arn.service}' in '${text}' is not a service for identities`,
    "Only iam and sts ARNs identify a caller.",
  );
}

/** The resource after its type and the `/` that ends it (`team/NAME` for `role/team/NAME`). */
function afterType(arn: Arn): string {
  return arn.resource.slice(arn.resourceType.length + 1);
}

/**
 * `assumed-role/ROLE/SESSION`: the session is the last segment and the role everything
 * between (the authenticator's reading); undefined without both.
 */
function assumedRoleOf(arn: Arn): { roleName: string; sessionName: string } | undefined {
  if (arn.path === "/") return undefined;
  return { roleName: arn.path.slice(1, -1), sessionName: arn.name };
}

/** A principal as IAM policy evaluation reads it; `other` for anything else. */
export type IamPrincipalArn =
  Exclude<PrincipalArn, { kind: "federated-user" }> | NamedIamArn<"group"> | { readonly kind: "other" };

/**
 * Classifies an ARN for IAM evaluation: users, roles and groups (with their paths split
 * off their names), the account root and assumed-role sessions, in any partition and
 * whatever the region section says. Everything else, federated users included, is `other`.
 * Results are cached: the evaluator asks about the same ARNs many times.
 */
export function classifyPrincipalArn(text: string): IamPrincipalArn {
  let hit = classified.get(text);
  if (hit === undefined) {
    hit = classify(text);
    if (classified.size >= 100_000) classified.clear();
    classified.set(text, hit);
  }
  return hit;
}

const classified = new Map<string, IamPrincipalArn>();

function classify(text: string): IamPrincipalArn {
  const arn = readArn(text);
  if (arn === undefined) return { kind: "other" };
  const base = { partition: arn.partition, accountId: arn.accountId };
  if (arn.service === "iam") {
    if (arn.resource === "root") return { kind: "root", ...base };
    if (!arn.resource.includes("/")) return { kind: "other" };
    const type = arn.resourceType;
    if (type === "user" || type === "role" || type === "group")
      return { kind: type, ...base, path: arn.path, name: arn.name };
    return { kind: "other" };
  }
  if (arn.service === "sts" && arn.resourceType === "assumed-role") {
    const session = assumedRoleOf(arn);
    return session === undefined ? { kind: "other" } : { kind: "assumed-role", ...base, ...session };
  }
  return { kind: "other" };
}

/**
 * The canonical ARN the authenticator looks mappings up with. Assumed roles become the
 * IAM role ARN without a path; every other accepted identity is returned unchanged
 * (same case: the lookup lowercases later).
 */
export function canonicalizeArn(text: string): Result<string> {
  const principal = parsePrincipalArn(text);
  if (!principal.ok) return principal;
  const p = principal.value;
  if (p.kind === "assumed-role") return ok(formatRoleArn(p.partition, p.accountId, p.roleName));
  return ok(text);
}

/** `arn:P:iam::A:role/PATHNAME` (path `/` by default). */
export function formatRoleArn(partition: string, accountId: string, name: string, path = "/"): string {
  return `arn:${partition}:iam::${accountId}:role${normalizePath(path)}${name}`;
}

/** `arn:P:iam::A:user/PATHNAME` (path `/` by default). */
export function formatUserArn(partition: string, accountId: string, name: string, path = "/"): string {
  return `arn:${partition}:iam::${accountId}:user${normalizePath(path)}${name}`;
}

/** `arn:P:iam::A:root`, the account root user (what a bare account ID in a Principal means). */
export function formatRootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** The ARN STS reports for a session of a role (never with the role's path). */
export function formatAssumedRoleArn(
  partition: string,
  accountId: string,
  roleName: string,
  sessionName: string,
): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** `arn:P:eks:REGION:A:cluster/NAME` */
export function formatClusterArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:eks:${region}:${accountId}:cluster/${name}`;
}

function normalizePath(path: string): string {
  if (path === "" || path === "/") return "/";
  return `/${path.replace(/^\/+|\/+$/g, "")}/`;
}

/**
 * The path of an IAM role ARN (`/team/` for `role/team/NAME`), or undefined when the ARN
 * is not a role ARN or has no path. A role ARN with a path never matches in aws-auth.
 */
export function rolePathOf(text: string): string | undefined {
  const principal = parsePrincipalArn(text);
  if (!principal.ok || principal.value.kind !== "role") return undefined;
  return principal.value.path === "/" ? undefined : principal.value.path;
}

/**
 * The role ARN with its path removed: what aws-auth needs to match the role (the caller's
 * canonical ARN never has one). Any other text is returned unchanged.
 */
export function withoutRolePath(text: string): string {
  const principal = parsePrincipalArn(text);
  if (!principal.ok || principal.value.kind !== "role") return text;
  const p = principal.value;
  return formatRoleArn(p.partition, p.accountId, p.name);
}

/** An IAM Identity Center (SSO) role: the role a permission set provisions in an account. */
export interface IdentityCenterRole {
  readonly partition: string;
  readonly accountId: string;
  /** The Identity Center region in the path (`/aws-reserved/sso.amazonaws.com/REGION/`), if any. */
  readonly region?: string;
  readonly permissionSetName: string;
  /** The hexadecimal suffix IAM Identity Center adds to the role name. */
  readonly suffix: string;
  /** The role's name, `AWSReservedSSO_<PermissionSet>_<suffix>`. */
  readonly roleName: string;
  /** The role ARN without its path: the form aws-auth and access entries compare. */
  readonly arnWithoutPath: string;
}

const SSO_ROLE_NAME = /^AWSReservedSSO_(.+)_([0-9a-f]+)$/iu;

/**
 * Reads an IAM Identity Center role ARN,
 * `arn:P:iam::A:role/aws-reserved/sso.amazonaws.com/[REGION/]AWSReservedSSO_<PermissionSet>_<hex>`
 * (IAM Identity Center User Guide, "Referencing permission sets in resource policies, Amazon
 * EKS, and AWS KMS":
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
 * A path-less `role/AWSReservedSSO_...` ARN (the canonical form) is read too. Undefined
 * for any other ARN.
 */
export function identityCenterRoleOf(text: string): IdentityCenterRole | undefined {
  const principal = parsePrincipalArn(text);
  if (!principal.ok || principal.value.kind !== "role") return undefined;
  const { partition, accountId, path, name } = principal.value;
  const segments = path.split("/").filter((s) => s !== "");
  let region: string | undefined;
  if (segments.length > 0) {
    const [reserved, sso, ...more] = segments;
    if (reserved?.toLowerCase() !== "aws-reserved" || sso?.toLowerCase() !== "sso.amazonaws.com")
      return undefined;
    if (more.length > 1) return undefined;
    region = more[0];
  }
  const match = SSO_ROLE_NAME.exec(name);
  if (match === null) return undefined;
  return {
    partition,
    accountId,
    ...(region === undefined ? {} : { region }),
    permissionSetName: match[1] ?? "",
    suffix: match[2] ?? "",
    roleName: name,
    arnWithoutPath: formatRoleArn(partition, accountId, name),
  };
}

/*
 * Whether an account ID or an IAM principal ARN written in a mapping can ever name a real
 * principal. The authenticator does not check what aws-auth says: it lowercases the
 * written ARN and compares it with the caller's canonical ARN (which STS produces, so it is
 * always well formed), and compares mapAccounts items with the caller's account ID as
 * text. A mapping that fails these checks is kept, and never matches anyone.
 *
 * Real principals (IAM User Guide, "IAM identifiers"):
 * - account IDs are 12 digits;
 * - `arn:PARTITION:iam::ACCOUNT:role/NAME`, `...:user/PATH/NAME`, `...:root`, with no
 *   region; a caller's role ARN never has a path (STS leaves it out);
 * - `arn:PARTITION:sts::ACCOUNT:federated-user/NAME` for GetFederationToken sessions;
 * - role and user names are 1-64 of letters, digits and `+=,.@_-`; paths are `/`-separated
 *   printable ASCII.
 * Letter case does not matter (both sides are lowercased).
 */
const ACCOUNT_ID = /^[0-9]{12}$/u;

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/** Any white space or control character (a written value is compared as is). */
const SPACE = /[\s\u0000-\u001f\u007f-\u009f\u200b\ufeff]/u;

/** Why an account ID can never be one (undefined when it is 12 digits). */
export function accountIdProblem(text: string): string | undefined {
  if (isAccountId(text)) return undefined;
  if (text === "") return "is empty";
  if (SPACE.test(text)) return `'${text}' contains white space`;
  if (/^[0-9]+$/u.test(text)) {
    return `'${text}' has ${String(text.length)} digits, not 12${text.length < 12 ? " (an unquoted number may have lost its leading zeros)" : ""}`;
  }
  if (/[<>{}$]|^[A-Za-z_-]+$/u.test(text)) return `'${text}' is a placeholder, not an account ID`;
  return `'${text}' is not a 12-digit account ID`;
}

export type IamArnProblemKind =
  /** White space or control characters anywhere in the ARN. */
  | "whitespace"
  /** Not `arn:` with six sections, an unknown partition or service, a region, a bad name. */
  | "malformed"
  /** The account section is not 12 digits. */
  | "account"
  /** An IAM group: groups never authenticate. */
  | "group"
  /** An STS assumed-role (session) ARN: callers are compared by their role ARN. */
  | "assumed-role"
  /** A role ARN with a path: the caller's role ARN never has one. */
  | "role-path";

export interface IamArnProblem {
  readonly kind: IamArnProblemKind;
  /** What is wrong, as the end of a sentence about the ARN. */
  readonly why: string;
  /** What to write instead, when that can be said. */
  readonly fix?: string;
}

const NAME = /^[\w+=,.@-]{1,64}$/u;
const PATH_SEGMENT = /^[\x21-\x2e\x30-\x7e]+$/u;
const IAM_TYPES = ["role", "user", "group", "policy", "instance-profile", "oidc-provider", "saml-provider"];

function problem(kind: IamArnProblemKind, why: string, fix?: string): IamArnProblem {
  return { kind, why, ...(fix === undefined ? {} : { fix }) };
}

/** Checks a role or user name; a wildcard gets its own explanation. */
function nameProblem(name: string, what: string): IamArnProblem | undefined {
  if (NAME.test(name)) return undefined;
  if (name === "") return problem("malformed", `names no ${what}`);
  if (/[*?]/u.test(name)) {
    return problem(
      "malformed",
      `has a wildcard in the ${what} name ('${name}'): no ${what} is called that, and authenticator releases that compare ARNs as text never match it (only newer releases read * and ? as wildcards)`,
      `Name each ${what} explicitly.`,
    );
  }
  return problem(
    "malformed",
    `has '${name}', which is not a valid ${what} name (1-64 of letters, digits and +=,.@_-)`,
  );
}

/**
 * The first reason an ARN written in aws-auth can never match a caller, or undefined when
 * it can name a real IAM role, user, account root or federated user.
 */
export function iamPrincipalArnProblem(arn: string): IamArnProblem | undefined {
  if (SPACE.test(arn)) {
    const trimmed = arn.trim();
    return problem(
      "whitespace",
      trimmed === arn ? "contains white space" : "has white space at its start or end",
      trimmed !== arn && !SPACE.test(trimmed)
        ? `Write '${trimmed}' without the spaces (check the quotes).`
        : "Remove the white space.",
    );
  }
  const original = splitArnSections(arn);
  if (original === undefined || original[0].toLowerCase() !== "arn") {
    return problem("malformed", "is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)");
  }
  const [, partitionText, serviceText, regionText, accountText, resourceText] = original;
  const partition = partitionText.toLowerCase();
  const service = serviceText.toLowerCase();
  if (!isPartition(partition)) {
    return problem(
      "malformed",
      `has the partition '${partitionText}', which is not an AWS partition`,
      `Use one of ${PARTITIONS.join(", ")}.`,
    );
  }
  if (service !== "iam" && service !== "sts") {
    return problem(
      "malformed",
      `has the service '${serviceText}': principals are iam (roles, users) or sts (sessions)`,
    );
  }
  const accountWhy = accountIdProblem(accountText);
  if (accountWhy !== undefined)
    return problem("account", `has an account ID that ${accountWhy.replace(/^'[^']*' /u, "")}`);
  if (regionText !== "") {
    return problem(
      "malformed",
      `has the region '${regionText}': ${service.toUpperCase()} ARNs have none`,
      `Write arn:${partition}:${service}::${accountText}:${resourceText}.`,
    );
  }
  const resource = resourceText.toLowerCase();
  const [type = "", ...rest] = resource.split("/");
  const afterType = resourceText.split("/").slice(1);
  if (service === "sts") {
    if (type === "assumed-role") {
      const role = afterType.length >= 2 ? afterType.slice(0, -1).join("/") : undefined;
      return problem(
        "assumed-role",
        "is an STS assumed-role (session) ARN: the authenticator compares the caller's role ARN, so it never matches",
        role === undefined ? undefined : `Use arn:${partition}:iam::${accountText}:role/${role}.`,
      );
    }
    if (type === "federated-user" && rest.length === 1) {
      const name = afterType[0] ?? "";
      return /^[\w+=,.@-]{2,32}$/u.test(name)
        ? undefined
        : problem(
            "malformed",
            `has '${name}', which is not a federated user name (2-32 of letters, digits and +=,.@_-)`,
          );
    }
    return problem(
      "malformed",
      `has the STS resource '${resource}': only assumed-role and federated-user sessions exist`,
    );
  }
  if (type === "root" && rest.length === 0) return undefined;
  if (type === "group") {
    return problem(
      "group",
      "is an IAM group: groups cannot authenticate (a caller is a user or a role session)",
      "Map the role the group's members assume (eksgate gives each team a role), or the users themselves.",
    );
  }
  if (type !== "role" && type !== "user") {
    return problem(
      "malformed",
      `has the resource type '${type}'${IAM_TYPES.includes(type) ? ", which is not an identity that can call AWS" : ""}: only role/, user/ and root name principals`,
    );
  }
  const name = afterType[afterType.length - 1] ?? "";
  const path = afterType.slice(0, -1);
  const bad = nameProblem(name, type);
  if (bad !== undefined) return bad;
  const badSegment = path.find((s) => !PATH_SEGMENT.test(s));
  if (badSegment !== undefined) return problem("malformed", `has an invalid path ('/${path.join("/")}/')`);
  if (type === "role" && path.length > 0) {
    const sso = path[0]?.toLowerCase() === "aws-reserved" && path[1]?.toLowerCase() === "sso.amazonaws.com";
    return problem(
      "role-path",
      `includes the role path '/${path.join("/")}/': the caller's role ARN never has one, so this entry never matches`,
      `Use arn:${partition}:iam::${accountText}:role/${name}${sso ? " (IAM Identity Center roles too: drop aws-reserved/sso.amazonaws.com/REGION/)" : ""}.`,
    );
  }
  return undefined;
}

/**
 * The authenticator's `ArnLike`: both strings are split into six sections and each
 * section of the pattern must match the whole section, where `*` stands for any run of
 * characters and `?` for at most one character. Returns false if either does not parse.
 */
export function arnLike(arn: string, pattern: string): boolean {
  if (!arn.startsWith("arn:") || !pattern.startsWith("arn:")) return false;
  const as = splitArnSections(arn);
  const ps = splitArnSections(pattern);
  if (as === undefined || ps === undefined) return false;
  return as.every((section, i) => i === 0 || sectionLike(section, ps[i] ?? ""));
}

/**
 * One section against its pattern, as the authenticator's ArnLike reads it: `*` is any run
 * of characters and `?` is at most one character (it builds `.*` and `.?` for Go's regexp).
 * The patterns come from ConfigMaps and snapshots that may be hostile, so this walks every
 * pattern position at once (a set of states, no backtracking): at most about
 * (section length + 1) * (pattern length + 1) steps, whatever the pattern.
 */
function sectionLike(section: string, pattern: string): boolean {
  // Code points, as Go's regexp reads runes.
  const tokens = Array.from(pattern);
  const chars = Array.from(section);
  const m = tokens.length;
  let states = new Uint8Array(m + 1);
  const close = (set: Uint8Array): void => {
    for (let i = 0; i < m; i++) if (set[i] === 1 && (tokens[i] === "*" || tokens[i] === "?")) set[i + 1] = 1;
  };
  states[0] = 1;
  close(states);
  for (const ch of chars) {
    const next = new Uint8Array(m + 1);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (states[i] !== 1) continue;
      const token = tokens[i];
      if (token === "*") next[i] = 1;
      else if (token === "?" || token === ch) next[i + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    close(next);
    states = next;
  }
  return states[m] === 1;
}
