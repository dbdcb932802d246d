/**
 * The IAM principals a migration may name, with their real ARNs (role paths included),
 * unique ids and creation dates. Access entries need the full ARN, while aws-auth names
 * roles without their path; this is where the path comes back from.
 */
import type { IamSnapshot } from "../evaluate/iam/index.js";

export interface DirectoryPrincipal {
  readonly kind: "role" | "user";
  /** The ARN IAM reports, path included. */
  readonly arn: string;
  readonly account: string;
  /** The name without the path. */
  readonly name: string;
  readonly path: string;
  /** RoleId / UserId. */
  readonly id?: string;
  /** ISO 8601 as IAM wrote it, when known. */
  readonly createDate?: string;
}

export interface PrincipalDirectory {
  /**
   * Accounts whose every role and user is listed: a principal of one of them that is not
   * listed does not exist. Principals of other accounts cannot be checked.
   */
  readonly completeAccounts: readonly string[];
  readonly principals: readonly DirectoryPrincipal[];
}

const IAM_ARN = /^arn:([a-z-]+):iam::(\d{12}):(role|user)\/(.*)$/;

/** Splits an IAM role or user ARN into kind, account, path and name. */
export function splitIamArn(
  arn: string,
): { kind: "role" | "user"; partition: string; account: string; path: string; name: string } | undefined {
  const m = IAM_ARN.exec(arn);
  if (m === null) return undefined;
  const rest = m[4] ?? "";
  const slash = rest.lastIndexOf("/");
  return {
    kind: m[3] === "role" ? "role" : "user",
    partition: m[1] ?? "aws",
    account: m[2] ?? "",
    path: slash < 0 ? "/" : `/${rest.slice(0, slash)}/`,
    name: slash < 0 ? rest : rest.slice(slash + 1),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The directory a snapshot's IAM part gives: every role and user of
 * GetAccountAuthorizationDetails (which lists them all, paths and CreateDate included).
 */
export function directoryFromIam(iam: IamSnapshot): PrincipalDirectory {
  const principals: DirectoryPrincipal[] = [];
  const accounts = new Set<string>();
  for (const details of iam.accounts) {
    const raw: { arn: string; kind: "role" | "user"; id?: string; created: unknown }[] = [
      ...(details.RoleDetailList ?? []).map((r) => ({
        arn: r.Arn,
        kind: "role" as const,
        ...(r.RoleId === undefined ? {} : { id: r.RoleId }),
        created: (r as { CreateDate?: unknown }).CreateDate,
      })),
      ...(details.UserDetailList ?? []).map((u) => ({
        arn: u.Arn,
        kind: "user" as const,
        ...(u.UserId === undefined ? {} : { id: u.UserId }),
        created: (u as { CreateDate?: unknown }).CreateDate,
      })),
    ];
    for (const r of raw) {
      const parts = splitIamArn(r.arn);
      if (parts === undefined) continue;
      accounts.add(parts.account);
      const createDate = text(r.created);
      principals.push({
        kind: r.kind,
        arn: r.arn,
        account: parts.account,
        name: parts.name,
        path: parts.path,
        ...(r.id === undefined ? {} : { id: r.id }),
        ...(createDate === undefined ? {} : { createDate }),
      });
    }
  }
  return { completeAccounts: [...accounts].sort(), principals };
}

const lookups = new WeakMap<PrincipalDirectory, Map<string, DirectoryPrincipal>>();

/** The principal of that kind, account and name (IAM names are unique without case). */
export function findPrincipal(
  directory: PrincipalDirectory,
  kind: "role" | "user",
  account: string,
  name: string,
): DirectoryPrincipal | undefined {
  let index = lookups.get(directory);
  if (index === undefined) {
    index = new Map();
    for (const p of directory.principals) index.set(`${p.kind}|${p.account}|${p.name.toLowerCase()}`, p);
    lookups.set(directory, index);
  }
  return index.get(`${kind}|${account}|${name.toLowerCase()}`);
}
