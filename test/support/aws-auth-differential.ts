// What the differential test compares between eksgate's aws-auth reader and the
// authenticator's own parser: per key, whether it is there, whether the parser reports an
// error for it, and what it keeps (each entry's ARN, username, groups and userid, or the
// accounts). Entries are compared as decoded, before eksgate applies the validation of
// newer authenticator versions (which the pinned parser does not have).
import { parseAwsAuthData, type AwsAuthData, type AwsAuthMappings } from "../../src/core/model/aws-auth.js";
import type { AuthenticatorKey, AuthenticatorParse } from "../env/aws-auth-parser.js";

export interface KeyView {
  readonly present: boolean;
  readonly failed: boolean;
  readonly kept: readonly unknown[];
}

export type ParseView = Readonly<Record<"mapRoles" | "mapUsers" | "mapAccounts", KeyView>>;

const KEYS = ["mapRoles", "mapUsers", "mapAccounts"] as const;

export function viewOfMappings(m: AwsAuthMappings): ParseView {
  const entries = (key: "mapRoles" | "mapUsers"): KeyView => ({
    present: m.status[key] !== "absent",
    failed: m.decoded[key].failed,
    kept: m.decoded[key].entries.map((e) => ({
      arn: e.arn,
      username: e.username,
      groups: e.groups,
      userid: e.userid,
    })),
  });
  return {
    mapRoles: entries("mapRoles"),
    mapUsers: entries("mapUsers"),
    mapAccounts: {
      present: m.status.mapAccounts !== "absent",
      failed: m.decoded.mapAccounts.failed,
      kept: m.accounts.map((a) => a.accountId),
    },
  };
}

export function ourView(data: AwsAuthData): ParseView {
  const parsed = parseAwsAuthData(data);
  if (!parsed.ok) throw new Error("parseAwsAuthData never fails");
  return viewOfMappings(parsed.value);
}

function keyView(key: AuthenticatorKey | undefined, accounts: boolean): KeyView {
  if (key === undefined || !key.present) return { present: false, failed: false, kept: [] };
  return {
    present: true,
    failed: key.error !== "",
    kept: accounts
      ? [...(key.accounts ?? [])]
      : (key.entries ?? []).map((e) => ({
          arn: e.rolearn ?? e.userarn ?? "",
          username: e.username,
          groups: e.groups ?? [],
          userid: e.userid,
        })),
  };
}

export function authenticatorView(parse: AuthenticatorParse): ParseView {
  return {
    mapRoles: keyView(parse.mapRoles, false),
    mapUsers: keyView(parse.mapUsers, false),
    mapAccounts: keyView(parse.mapAccounts, true),
  };
}

/** The differences, one line each (empty when the two agree). */
export function differences(ours: ParseView, theirs: ParseView, errors?: AuthenticatorParse): string[] {
  const out: string[] = [];
  for (const key of KEYS) {
    const a = ours[key];
    const b = theirs[key];
    if (a.present !== b.present) out.push(`${key}: present ${String(a.present)} vs ${String(b.present)}`);
    if (a.failed !== b.failed) {
      out.push(
        `${key}: error ${String(a.failed)} vs ${String(b.failed)}${b.failed ? ` (${errors?.[key]?.error ?? ""})` : ""}`,
      );
    }
    if (JSON.stringify(a.kept) !== JSON.stringify(b.kept)) {
      out.push(
        `${key}: kept\n    eksgate:       ${JSON.stringify(a.kept)}\n    authenticator: ${JSON.stringify(b.kept)}`,
      );
    }
  }
  return out;
}
