/**
 * Just enough ARN handling for IAM evaluation: split, classify IAM principals, and turn an
 * assumed-role session ARN back into its role.
 */

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon; may itself contain colons. */
  readonly resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition = "", service = "", region = "", account = ""] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/** The account id in an ARN, or undefined when it has none (or is not an ARN). */
export function accountOf(arn: string): string | undefined {
  const parsed = parseArn(arn);
  return parsed === undefined || parsed.account === "" ? undefined : parsed.account;
}

export type PrincipalArnKind =
  | { readonly kind: "user"; readonly account: string; readonly name: string }
  | { readonly kind: "role"; readonly account: string; readonly name: string }
  | {
      readonly kind: "assumed-role";
      readonly account: string;
      readonly roleName: string;
      readonly sessionName: string;
    }
  | { readonly kind: "group"; readonly account: string; readonly name: string }
  | { readonly kind: "root"; readonly account: string }
  | { readonly kind: "other" };

/**
 * Classifies an IAM/STS principal ARN. Paths are dropped from user, role and group names
 * (`user/division/alice` is user `alice`).
 */
export function classifyPrincipalArn(arn: string): PrincipalArnKind {
  let hit = classified.get(arn);
  if (hit === undefined) {
    hit = classify(arn);
    if (classified.size >= 100_000) classified.clear();
    classified.set(arn, hit);
  }
  return hit;
}

const classified = new Map<string, PrincipalArnKind>();

function classify(arn: string): PrincipalArnKind {
  const parsed = parseArn(arn);
  if (parsed === undefined) return { kind: "other" };
  const { service, account, resource } = parsed;
  if (service === "iam") {
    if (resource === "root") return { kind: "root", account };
    const slash = resource.indexOf("/");
    if (slash < 0) return { kind: "other" };
    const type = resource.slice(0, slash);
    const name = resource.slice(resource.lastIndexOf("/") + 1);
    if (type === "user") return { kind: "user", account, name };
    if (type === "role") return { kind: "role", account, name };
    if (type === "group") return { kind: "group", account, name };
    return { kind: "other" };
  }
  if (service === "sts" && resource.startsWith("assumed-role/")) {
    const rest = resource.slice("assumed-role/".length);
    const slash = rest.indexOf("/");
    if (slash < 0) return { kind: "other" };
    return {
      kind: "assumed-role",
      account,
      roleName: rest.slice(0, slash),
      sessionName: rest.slice(slash + 1),
    };
  }
  return { kind: "other" };
}

export function sessionArn(partition: string, account: string, roleName: string, session: string): string {
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`;
}
