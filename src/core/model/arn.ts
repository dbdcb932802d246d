/**
 * Amazon Resource Names, read the way aws-iam-authenticator reads them.
 *
 * The authenticator (pkg/arn) splits an ARN like the AWS SDK does: it must start with
 * `arn:` and have six `:`-separated sections, the last one (the resource) may itself
 * contain `:`. Nothing else is validated at that stage. `canonicalizeArn` then turns the
 * caller identity STS returns into the key aws-auth is searched with:
 *
 * - `arn:P:sts::A:assumed-role/NAME/SESSION` becomes `arn:P:iam::A:role/NAME`. STS never
 *   reports a role's path, so the canonical ARN has none: a `rolearn` in aws-auth that
 *   includes a path (`role/team/NAME`) can never match (upstream issue #268).
 * - `arn:P:iam::A:user/PATH/NAME`, `...:role/...` and `...:root` are kept as they are
 *   (user ARNs keep their path).
 * - `arn:P:sts::A:federated-user/NAME` is kept as it is.
 * - Anything else is rejected, as is a partition the authenticator does not know.
 */
import type { Diagnostic, Result } from "../diagnostics.js";

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

/** The six sections of an ARN, unvalidated beyond the shape. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  /** Everything after the fifth `:` (may contain `:` and `/`). */
  readonly resource: string;
}

/** An IAM or STS principal ARN, broken down. */
export type PrincipalArn =
  | {
      readonly kind: "role" | "user";
      readonly partition: string;
      readonly accountId: string;
      /** `/` when there is no path, otherwise `/a/b/` (leading and trailing slash). */
      readonly path: string;
      readonly name: string;
    }
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

/** Diagnostic codes produced by this module. */
export const ARN_CODES = {
  invalidPrefix: "ARN001",
  notEnoughSections: "ARN002",
  unknownPartition: "ARN003",
  unsupportedResource: "ARN004",
  unsupportedService: "ARN005",
  assumedRoleWithoutRole: "ARN006",
} as const;

function failure(code: string, summary: string, detail: string): { ok: false; diagnostics: Diagnostic[] } {
  return { ok: false, diagnostics: [{ code, severity: "error", summary, detail }] };
}

/** Splits an ARN into its six sections (the SDK's `arn.Parse` rules). */
export function parseArn(text: string): Result<Arn> {
  if (!text.startsWith("arn:")) {
    return failure(
      ARN_CODES.invalidPrefix,
      `'${text}' is not an ARN: it does not start with 'arn:'`,
      "Write the full ARN, e.g. arn:aws:iam::111122223333:role/NAME.",
    );
  }
  const sections: string[] = [];
  let rest = text;
  for (let i = 0; i < 5; i++) {
    const at = rest.indexOf(":");
    if (at < 0) break;
    sections.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  if (sections.length < 5) {
    return failure(
      ARN_CODES.notEnoughSections,
      `'${text}' is not an ARN: it needs six ':'-separated sections`,
      "An ARN looks like arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.",
    );
  }
  const [, partition = "", service = "", region = "", accountId = ""] = sections;
  return { ok: true, value: { partition, service, region, accountId, resource: rest }, diagnostics: [] };
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;
}

/** Splits `a/b/c` into the path `/a/b/` and the name `c`. */
function splitPathAndName(afterType: string): { path: string; name: string } {
  const at = afterType.lastIndexOf("/");
  if (at < 0) return { path: "/", name: afterType };
  return { path: `/${afterType.slice(0, at)}/`, name: afterType.slice(at + 1) };
}

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
  const parts = arn.resource.split("/");
  const type = parts[0] ?? "";
  const afterType = parts.slice(1).join("/");
  const base = { partition: arn.partition, accountId: arn.accountId };
  if (arn.service === "sts") {
    if (type === "federated-user") return ok({ kind: "federated-user", ...base, name: afterType });
    if (type === "assumed-role") {
      if (parts.length < 3) {
        return failure(
          ARN_CODES.assumedRoleWithoutRole,
          `assumed-role ARN '${text}' does not name a role and a session`,
          "An assumed-role ARN looks like arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.",
        );
      }
      return ok({
        kind: "assumed-role",
        ...base,
        roleName: parts.slice(1, -1).join("/"),
        sessionName: parts[parts.length - 1] ?? "",
      });
    }
    return failure(
      ARN_CODES.unsupportedResource,
      `'${arn.resource}' is not an identity the authenticator accepts for service sts`,
      "Use an assumed-role or federated-user ARN.",
    );
  }
  if (arn.service === "iam") {
    if (type === "role" || type === "user")
      return ok({ kind: type, ...base, ...splitPathAndName(afterType) });
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

function ok<T>(value: T): Result<T> {
  return { ok: true, value, diagnostics: [] };
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
  if (p.kind === "assumed-role") return ok(`arn:${p.partition}:iam::${p.accountId}:role/${p.roleName}`);
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

/** The ARN STS reports for a session of a role (never with the role's path). */
export function formatAssumedRoleArn(
  partition: string,
  accountId: string,
  roleName: string,
  sessionName: string,
): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
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

/** The role ARN with its path removed: what aws-auth needs to match the role. */
export function withoutRolePath(text: string): string {
  const principal = parsePrincipalArn(text);
  if (!principal.ok || principal.value.kind !== "role") return text;
  const p = principal.value;
  return formatRoleArn(p.partition, p.accountId, p.name);
}

/**
 * The authenticator's `ArnLike`: both strings are split into six sections and each
 * section of the pattern must match the whole section, where `*` stands for any run of
 * characters and `?` for at most one character. Returns false if either does not parse.
 */
export function arnLike(arn: string, pattern: string): boolean {
  const a = parseArn(arn);
  const p = parseArn(pattern);
  if (!a.ok || !p.ok) return false;
  const as = [a.value.partition, a.value.service, a.value.region, a.value.accountId, a.value.resource];
  const ps = [p.value.partition, p.value.service, p.value.region, p.value.accountId, p.value.resource];
  return as.every((section, i) => sectionLike(section, ps[i] ?? ""));
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
