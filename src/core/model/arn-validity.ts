/**
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
import { PARTITIONS } from "./arn.js";

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
  const lower = arn.toLowerCase();
  const sections = lower.split(":");
  if (sections[0] !== "arn" || sections.length < 6) {
    return problem("malformed", "is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)");
  }
  const [, partition = "", service = "", region = ""] = sections;
  const resource = sections.slice(5).join(":");
  const original = arn.split(":");
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    return problem(
      "malformed",
      `has the partition '${original[1] ?? ""}', which is not an AWS partition`,
      `Use one of ${PARTITIONS.join(", ")}.`,
    );
  }
  if (service !== "iam" && service !== "sts") {
    return problem(
      "malformed",
      `has the service '${original[2] ?? ""}': principals are iam (roles, users) or sts (sessions)`,
    );
  }
  const accountText = original[4] ?? "";
  const accountWhy = accountIdProblem(accountText);
  if (accountWhy !== undefined)
    return problem("account", `has an account ID that ${accountWhy.replace(/^'[^']*' /u, "")}`);
  if (region !== "") {
    return problem(
      "malformed",
      `has the region '${original[3] ?? ""}': ${service.toUpperCase()} ARNs have none`,
      `Write arn:${partition}:${service}::${accountText}:${original.slice(5).join(":")}.`,
    );
  }
  const [type = "", ...rest] = resource.split("/");
  const afterType = arn.split(":").slice(5).join(":").split("/").slice(1);
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
