/**
 * Who a caller becomes in Kubernetes through aws-auth, decided the way the authenticator
 * decides it (pkg/server/server.go `doMapping`, pkg/mapper/configmap/mapper.go `Map`):
 *
 * 1. The caller ARN is canonicalized (assumed-role -> IAM role ARN without path) and
 *    lowercased.
 * 2. mapRoles: an entry matches when its lowercased rolearn equals the canonical ARN, or
 *    (sso entries, only with the SSORoleMatch feature gate on, which EKS does not enable)
 *    when the canonical ARN is ArnLike the sso pattern. mapRoles is searched
 *    for every caller, users included, and mapUsers for every caller, roles included.
 * 3. mapUsers: lowercased userarn equals the canonical ARN.
 * 4. mapAccounts: the caller's account is listed -> username is the canonical ARN (as
 *    returned, not lowercased), no groups.
 * 5. The username and each group of a matched entry are rendered: `{{EC2PrivateDNSName}}`
 *    (only when the session name is an EC2 instance ID), then `{{AccountID}}`,
 *    `{{SessionName}}` (with `@` replaced by `-`), `{{SessionNameRaw}}`, `{{AccessKeyID}}`.
 *
 * Where the authenticator's choice is not deterministic (it ranges over a Go map), this
 * module picks a fixed winner and lists the other candidates in `alternatives`.
 */
import type { Result } from "../../diagnostics.js";
import { arnLike, canonicalizeArn, parsePrincipalArn } from "../arn.js";
import { awsAuthDiagnostic } from "./codes.js";
import type {
  AwsAuthAccount,
  AwsAuthMapping,
  AwsAuthMappings,
  AwsAuthRoleMapping,
  AwsAuthUserMapping,
} from "./types.js";

/** Template variables the authenticator replaces in usernames and groups. */
export const TEMPLATE_VARIABLES = [
  "AccountID",
  "AccessKeyID",
  "SessionName",
  "SessionNameRaw",
  "EC2PrivateDNSName",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** The authenticator's test for an EC2 instance ID in the session name. */
export const EC2_INSTANCE_ID = /^i-([A-Za-z0-9_]{8}|[A-Za-z0-9_]{17})$/;

/** Every `{{...}}` in a template, with its offset. */
export function findTemplateVariables(template: string): { name: string; offset: number; known: boolean }[] {
  const out: { name: string; offset: number; known: boolean }[] = [];
  for (const m of template.matchAll(/\{\{(.*?)\}\}/g)) {
    const name = m[1] ?? "";
    out.push({ name, offset: m.index, known: (TEMPLATE_VARIABLES as readonly string[]).includes(name) });
  }
  return out;
}

export interface AwsAuthTemplateValues {
  readonly accountId: string;
  readonly sessionName: string;
  readonly accessKeyId?: string;
  readonly ec2PrivateDnsName?: string;
}

export interface RenderedTemplate {
  readonly text: string;
  /** Variables present in the template whose value was not supplied (left as written). */
  readonly unresolved: readonly TemplateVariable[];
}

/**
 * Renders a username or group template. Fails exactly where the authenticator fails: a
 * template with `{{EC2PrivateDNSName}}` for a session name that is not an instance ID.
 */
export function renderAwsAuthTemplate(
  template: string,
  values: AwsAuthTemplateValues,
): Result<RenderedTemplate> {
  const unresolved: TemplateVariable[] = [];
  let text = template;
  if (text.includes("{{EC2PrivateDNSName}}")) {
    if (!EC2_INSTANCE_ID.test(values.sessionName)) {
      return {
        ok: false,
        diagnostics: [
          awsAuthDiagnostic(
            "ec2DnsTemplate",
            `'${template}' needs {{EC2PrivateDNSName}} but session name '${values.sessionName}' is not an EC2 instance ID: the authenticator denies access`,
            "Use {{EC2PrivateDNSName}} only in node-role entries.",
            undefined,
            undefined,
          ),
        ],
      };
    }
    if (values.ec2PrivateDnsName === undefined) unresolved.push("EC2PrivateDNSName");
    else text = text.split("{{EC2PrivateDNSName}}").join(values.ec2PrivateDnsName);
  }
  text = text.split("{{AccountID}}").join(values.accountId);
  text = text.split("{{SessionName}}").join(values.sessionName.split("@").join("-"));
  text = text.split("{{SessionNameRaw}}").join(values.sessionName);
  if (text.includes("{{AccessKeyID}}")) {
    if (values.accessKeyId === undefined) unresolved.push("AccessKeyID");
    else text = text.split("{{AccessKeyID}}").join(values.accessKeyId);
  }
  return { ok: true, value: { text, unresolved }, diagnostics: [] };
}

export interface AwsAuthCaller {
  /** The ARN STS reports (GetCallerIdentity), e.g. an assumed-role ARN. */
  readonly arn: string;
  /** Defaults to the account in the ARN. */
  readonly accountId?: string;
  /** Defaults to the session of an assumed-role ARN, empty otherwise. */
  readonly sessionName?: string;
  readonly accessKeyId?: string;
  readonly ec2PrivateDnsName?: string;
}

export interface AwsAuthMatchOptions {
  /**
   * Whether sso entries are considered: the authenticator matches them only when its alpha
   * SSORoleMatch feature gate is on. Default false, as on EKS, which does not enable it:
   * there a session of an AWSReservedSSO_* role is not mapped by an sso entry.
   */
  readonly ssoRoleMatch?: boolean;
}

export type AwsAuthMatch =
  | {
      readonly matched: true;
      readonly via: "mapRoles" | "mapUsers";
      readonly canonicalArn: string;
      readonly entry: AwsAuthMapping;
      readonly username: string;
      readonly groups: readonly string[];
      readonly unresolved: readonly TemplateVariable[];
      /** Other entries that match too; the authenticator may pick any of them. */
      readonly alternatives: readonly AwsAuthMapping[];
    }
  | {
      readonly matched: true;
      readonly via: "mapAccounts";
      readonly canonicalArn: string;
      readonly account: AwsAuthAccount;
      readonly username: string;
      readonly groups: readonly string[];
      readonly unresolved: readonly TemplateVariable[];
      readonly alternatives: readonly AwsAuthMapping[];
    }
  | {
      readonly matched: false;
      readonly canonicalArn: string;
      /** Set when an entry matched but rendering its templates failed (access denied). */
      readonly entry?: AwsAuthMapping;
      readonly reason: string;
    };

interface MappingIndex {
  readonly exactRoles: ReadonlyMap<string, readonly AwsAuthRoleMapping[]>;
  readonly ssoRoles: readonly AwsAuthRoleMapping[];
  /** Last written first. */
  readonly users: ReadonlyMap<string, readonly AwsAuthUserMapping[]>;
}

/** Per parsed aws-auth, its entries by lowercased ARN: built once, on the first lookup. */
const indexes = new WeakMap<AwsAuthMappings, MappingIndex>();

function indexOf(mappings: AwsAuthMappings): MappingIndex {
  const known = indexes.get(mappings);
  if (known !== undefined) return known;
  const exactRoles = new Map<string, AwsAuthRoleMapping[]>();
  const ssoRoles: AwsAuthRoleMapping[] = [];
  for (const r of mappings.effectiveRoles) {
    if (r.sso !== undefined) {
      ssoRoles.push(r);
      continue;
    }
    const list = exactRoles.get(r.key);
    if (list === undefined) exactRoles.set(r.key, [r]);
    else list.push(r);
  }
  const users = new Map<string, AwsAuthUserMapping[]>();
  for (let i = mappings.effectiveUsers.length - 1; i >= 0; i--) {
    const u = mappings.effectiveUsers[i];
    if (u === undefined) continue;
    const key = u.userarn.toLowerCase();
    const list = users.get(key);
    if (list === undefined) users.set(key, [u]);
    else list.push(u);
  }
  const index: MappingIndex = { exactRoles, ssoRoles, users };
  indexes.set(mappings, index);
  return index;
}

/** The role entries that match a canonical ARN, best first (exact rolearn before sso). */
export function matchingRoleEntries(
  mappings: AwsAuthMappings,
  canonicalArn: string,
  options: AwsAuthMatchOptions = {},
): AwsAuthRoleMapping[] {
  const lower = canonicalArn.toLowerCase();
  const index = indexOf(mappings);
  const exact = index.exactRoles.get(lower) ?? [];
  if (options.ssoRoleMatch !== true || index.ssoRoles.length === 0) return [...exact];
  return [...exact, ...index.ssoRoles.filter((r) => arnLike(lower, r.key))];
}

/** The user entries that match a canonical ARN, the last written first. */
export function matchingUserEntries(mappings: AwsAuthMappings, canonicalArn: string): AwsAuthUserMapping[] {
  return [...(indexOf(mappings).users.get(canonicalArn.toLowerCase()) ?? [])];
}

/** Maps a caller through aws-auth. Fails only when the caller ARN is not acceptable. */
export function matchAwsAuth(
  mappings: AwsAuthMappings,
  caller: AwsAuthCaller,
  options: AwsAuthMatchOptions = {},
): Result<AwsAuthMatch> {
  const canonical = canonicalizeArn(caller.arn);
  if (!canonical.ok) return canonical;
  const principal = parsePrincipalArn(caller.arn);
  if (!principal.ok) return principal;
  const canonicalArn = canonical.value;
  const accountId = caller.accountId ?? principal.value.accountId;
  const sessionName =
    caller.sessionName ?? (principal.value.kind === "assumed-role" ? principal.value.sessionName : "");
  const values: AwsAuthTemplateValues = {
    accountId,
    sessionName,
    ...(caller.accessKeyId === undefined ? {} : { accessKeyId: caller.accessKeyId }),
    ...(caller.ec2PrivateDnsName === undefined ? {} : { ec2PrivateDnsName: caller.ec2PrivateDnsName }),
  };
  const roles = matchingRoleEntries(mappings, canonicalArn, options);
  const users = matchingUserEntries(mappings, canonicalArn);
  const [entry, ...alternatives] = roles.length > 0 ? roles : users;
  if (entry !== undefined) {
    const via = entry.kind === "role" ? "mapRoles" : "mapUsers";
    const unresolved = new Set<TemplateVariable>();
    const render = (t: string): string | { error: string } => {
      const r = renderAwsAuthTemplate(t, values);
      if (!r.ok) return { error: r.diagnostics[0]?.summary ?? "template error" };
      r.value.unresolved.forEach((u) => unresolved.add(u));
      return r.value.text;
    };
    const username = render(entry.username);
    if (typeof username !== "string")
      return ok({ matched: false, canonicalArn, entry, reason: username.error });
    const groups: string[] = [];
    for (const g of entry.groups) {
      const rendered = render(g);
      if (typeof rendered !== "string")
        return ok({ matched: false, canonicalArn, entry, reason: rendered.error });
      groups.push(rendered);
    }
    return ok({
      matched: true,
      via,
      canonicalArn,
      entry,
      username,
      groups,
      unresolved: [...unresolved],
      alternatives,
    });
  }
  const account = mappings.accounts.find((a) => a.accountId === accountId);
  if (account !== undefined) {
    return ok({
      matched: true,
      via: "mapAccounts",
      canonicalArn,
      account,
      username: canonicalArn,
      groups: [],
      unresolved: [],
      alternatives: [],
    });
  }
  return ok({ matched: false, canonicalArn, reason: `no aws-auth entry maps ${canonicalArn}` });
}

function ok<T>(value: T): Result<T> {
  return { ok: true, value, diagnostics: [] };
}
