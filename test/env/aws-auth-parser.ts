// aws-auth-parse: aws-iam-authenticator's own aws-auth parser (pkg/mapper/configmap
// `ParseMap`, at the pinned authenticator version) behind a JSON interface, built from
// test/env/k8s/aws-auth-parse by binaries.ts (COMPONENTS.awsAuthParse) and cached by version.
import { dirname, join } from "node:path";
import { COMPONENTS, ensureComponent, run, type ProgressLog } from "./binaries.js";

export interface AuthenticatorEntry {
  readonly rolearn?: string;
  readonly userarn?: string;
  readonly username: string;
  readonly groups: readonly string[] | null;
  readonly userid: string;
}

export interface AuthenticatorKey {
  readonly present: boolean;
  /** ParseMap's error for this key alone; empty when it reported none. */
  readonly error: string;
  readonly entries?: readonly AuthenticatorEntry[];
  readonly accounts?: readonly string[];
}

export interface AuthenticatorParse {
  /** Set when a manifest could not be decoded into a ConfigMap. */
  readonly manifestError?: string;
  readonly mapRoles?: AuthenticatorKey;
  readonly mapUsers?: AuthenticatorKey;
  readonly mapAccounts?: AuthenticatorKey;
}

/** Builds (or finds cached) aws-auth-parse; returns the binary's path. */
export async function awsAuthParseBinary(log?: ProgressLog): Promise<string> {
  const dir = await ensureComponent(COMPONENTS.awsAuthParse, log);
  return join(dir, "aws-auth-parse");
}

async function parse(binary: string, args: readonly string[], input: string): Promise<AuthenticatorParse[]> {
  const result = await run(binary, args, dirname(binary), input, process.env);
  if (result.code !== 0) {
    throw new Error(`aws-auth-parse exited ${String(result.code)}: ${result.stderr.slice(-2000)}`);
  }
  const lines = result.stdout.split("\n").filter((l) => l !== "");
  return lines.map((l) => JSON.parse(l) as AuthenticatorParse);
}

/** Parses each ConfigMap `data` with the authenticator's parser, in one process. */
export async function parseWithAuthenticator(
  binary: string,
  data: readonly Readonly<Record<string, string>>[],
): Promise<AuthenticatorParse[]> {
  const results = await parse(binary, [], data.map((d) => `${JSON.stringify({ data: d })}\n`).join(""));
  if (results.length !== data.length) {
    throw new Error(`aws-auth-parse answered ${String(results.length)} of ${String(data.length)} inputs`);
  }
  return results;
}

/** Parses ConfigMap manifest files (YAML or JSON) as kubectl decodes them. */
export async function parseManifestsWithAuthenticator(
  binary: string,
  files: readonly string[],
): Promise<AuthenticatorParse[]> {
  return parse(binary, files, "");
}
