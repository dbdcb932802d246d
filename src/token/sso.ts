/**
 * Credentials from an IAM Identity Center (AWS SSO) profile, without the AWS SDK: the
 * profile's account and role, the access token `aws sso login` cached, and one call to the
 * SSO portal's GetRoleCredentials. Loaded only on a cache miss with a selected profile.
 *
 * What is read, as botocore and the SDKs read it (docs/specs/sso-portal.md):
 * - `[profile P]` with `sso_session = S`, `sso_account_id`, `sso_role_name`, and
 *   `[sso-session S]` with `sso_start_url`, `sso_region`; or the legacy form with
 *   `sso_start_url` and `sso_region` in the profile itself;
 * - the token `~/.aws/sso/cache/<sha1 of S, or of the start URL in the legacy form>.json`,
 *   a JSON object with `accessToken` and `expiresAt` (ISO 8601);
 * - GetRoleCredentials: `GET /federation/credentials?account_id=A&role_name=R` on
 *   `https://portal.sso.<sso_region>.amazonaws.com` (AWS_ENDPOINT_URL_SSO, else
 *   AWS_ENDPOINT_URL, for tests and private endpoints), the token in the
 *   `x-amz-sso_bearer_token` header, unsigned.
 *
 * A profile that also has other credential settings (role_arn, credential_process, keys in
 * either file) is left to the SDK's chain, which decides between them; so is an expired
 * token that carries what the SDK needs to refresh it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { findAwsConfigSection, parseAwsConfigSections } from "../core/kubeconfig/aws-config.js";
import { tokenFailure } from "./errors.js";
import { httpRequest } from "./http.js";
import type { AwsCredentials } from "./sigv4.js";

export interface SsoProfile {
  readonly profile: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly startUrl: string;
  /** Region of the Identity Center instance (the portal's region). */
  readonly region: string;
  /** The `sso-session` name; absent in the legacy form. */
  readonly session?: string;
}

export interface SsoRoleCredentials extends AwsCredentials {
  readonly sessionToken: string;
  readonly expiration: number;
}

/** Settings that make a profile something other than (or more than) an SSO profile. */
const OTHER_CREDENTIALS = [
  "role_arn",
  "credential_process",
  "web_identity_token_file",
  "aws_access_key_id",
] as const;
const SSO_KEYS = ["sso_session", "sso_account_id", "sso_role_name", "sso_start_url"] as const;

function login(profile: string): string {
  return `run \`aws sso login --profile ${profile}\` and try again`;
}

function incomplete(profile: string, file: string, what: string): never {
  throw tokenFailure({
    code: "TOK103",
    severity: "error",
    summary: `AWS profile ${profile} in ${file} is not a usable SSO profile: ${what}`,
    detail: "fix the profile (eksgate kubeconfig --write-aws-profile writes a complete one)",
  });
}

/**
 * The SSO settings of `profile`, or undefined when it is no SSO profile or has other
 * credential settings too. An SSO profile that lacks something is TOK103.
 */
export function ssoProfileFrom(
  configText: string,
  credentialsText: string | undefined,
  profile: string,
  file: string,
): SsoProfile | undefined {
  const sections = parseAwsConfigSections(configText);
  const section = findAwsConfigSection(sections, "profile", profile);
  if (section === undefined) return undefined;
  const settings = section.settings;
  if (!SSO_KEYS.some((k) => settings[k] !== undefined)) return undefined;
  if (OTHER_CREDENTIALS.some((k) => settings[k] !== undefined)) return undefined;
  if (credentialsText !== undefined) {
    const keys = parseAwsConfigSections(credentialsText).filter(
      (s) => (s.kind === "other" || s.name === "default") && s.name === profile,
    );
    if (keys.some((s) => s.settings["aws_access_key_id"] !== undefined)) return undefined;
  }

  const accountId = settings["sso_account_id"];
  const roleName = settings["sso_role_name"];
  if (accountId === undefined || !/^\d{12}$/.test(accountId))
    incomplete(
      profile,
      file,
      accountId === undefined ? "no sso_account_id" : `sso_account_id ${accountId} is not 12 digits`,
    );
  if (roleName === undefined || roleName === "") incomplete(profile, file, "no sso_role_name");

  const sessionName = settings["sso_session"];
  let startUrl = settings["sso_start_url"];
  let region = settings["sso_region"];
  if (sessionName !== undefined) {
    const session = findAwsConfigSection(sections, "sso-session", sessionName);
    if (session === undefined)
      incomplete(profile, file, `sso_session ${sessionName} names no [sso-session ${sessionName}] section`);
    const sessionUrl = session.settings["sso_start_url"];
    const sessionRegion = session.settings["sso_region"];
    // botocore refuses a profile whose own values contradict its session's.
    if (startUrl !== undefined && sessionUrl !== undefined && startUrl !== sessionUrl)
      incomplete(profile, file, `its sso_start_url differs from that of [sso-session ${sessionName}]`);
    if (region !== undefined && sessionRegion !== undefined && region !== sessionRegion)
      incomplete(profile, file, `its sso_region differs from that of [sso-session ${sessionName}]`);
    startUrl = sessionUrl ?? startUrl;
    region = sessionRegion ?? region;
  }
  if (startUrl === undefined || startUrl === "") incomplete(profile, file, "no sso_start_url");
  if (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    incomplete(
      profile,
      file,
      region === undefined ? "no sso_region" : `sso_region ${region} is not a region`,
    );
  return {
    profile,
    accountId,
    roleName,
    startUrl,
    region,
    ...(sessionName !== undefined && { session: sessionName }),
  };
}

/** Where `aws sso login` caches the profile's access token. */
export function ssoTokenFile(home: string, sso: SsoProfile): string {
  const key = createHash("sha1")
    .update(sso.session ?? sso.startUrl, "utf8")
    .digest("hex");
  return `${home}/.aws/sso/cache/${key}.json`;
}

/** An access token is not used in its last minute: the call with it takes time too. */
const TOKEN_MARGIN_MS = 60_000;

function isText(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * The access token in the cache file's text (undefined: no file). `refresh` when it has
 * expired but holds a refresh token and a client registration that has not: the SDK
 * can renew it.
 */
export function ssoAccessToken(
  text: string | undefined,
  sso: SsoProfile,
  file: string,
  now: number,
): { readonly accessToken: string } | "refresh" {
  const who = sso.session !== undefined ? `SSO session ${sso.session}` : `SSO start URL ${sso.startUrl}`;
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const { accessToken, expiresAt } = record;
  const expires = isText(expiresAt) ? Date.parse(expiresAt) : Number.NaN;
  if (!isText(accessToken) || Number.isNaN(expires)) {
    throw tokenFailure({
      code: "TOK101",
      severity: "error",
      summary: `not signed in to ${who} (${text === undefined ? "no" : "no usable"} token in ${file})`,
      detail: login(sso.profile),
    });
  }
  if (expires - now > TOKEN_MARGIN_MS) return { accessToken };
  const registration = isText(record["registrationExpiresAt"])
    ? Date.parse(record["registrationExpiresAt"])
    : Number.NaN;
  if (
    isText(record["refreshToken"]) &&
    isText(record["clientId"]) &&
    isText(record["clientSecret"]) &&
    registration - now > TOKEN_MARGIN_MS
  )
    return "refresh";
  throw tokenFailure({
    code: "TOK102",
    severity: "error",
    summary: `the sign-in to ${who} expired at ${new Date(expires).toISOString()}`,
    detail: login(sso.profile),
  });
}

export function ssoPortalEndpoint(env: NodeJS.ProcessEnv, region: string): string {
  const configured = env["AWS_ENDPOINT_URL_SSO"] || env["AWS_ENDPOINT_URL"];
  return configured !== undefined && configured !== ""
    ? configured
    : `https://portal.sso.${region}.amazonaws.com`;
}

/** The `message` of a rest-json error body, if it has one. */
function errorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) {
      const { message, Message } = parsed as Record<string, unknown>;
      if (isText(message)) return message;
      if (isText(Message)) return Message;
    }
  } catch {
    // not JSON: the start of the body below
  }
  return body.trim().slice(0, 200);
}

/** GetRoleCredentials; every failure is a TOK code saying what to do. */
export async function getRoleCredentials(
  endpoint: string,
  accessToken: string,
  sso: SsoProfile,
): Promise<SsoRoleCredentials> {
  const url = new URL(endpoint);
  const base = url.pathname.endsWith("/") ? url.pathname.slice(0, -1) : url.pathname;
  url.pathname = `${base}/federation/credentials`;
  url.search = new URLSearchParams({ account_id: sso.accountId, role_name: sso.roleName }).toString();
  const role = `role ${sso.roleName} in account ${sso.accountId}`;
  let answer;
  try {
    answer = await httpRequest(url, "GET", {
      "x-amz-sso_bearer_token": accessToken,
      accept: "application/json",
    });
  } catch (error) {
    throw tokenFailure({
      code: "TOK105",
      severity: "error",
      summary: `cannot reach the AWS SSO portal at ${endpoint}: ${error instanceof Error ? error.message : String(error)}`,
      detail: "check the network (and AWS_ENDPOINT_URL_SSO if set) and try again",
    });
  }
  const { status, body } = answer;
  if (status === 200) {
    let credentials: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(body) as { roleCredentials?: unknown };
      if (typeof parsed.roleCredentials === "object" && parsed.roleCredentials !== null)
        credentials = parsed.roleCredentials as Record<string, unknown>;
    } catch {
      credentials = undefined;
    }
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials ?? {};
    if (
      isText(accessKeyId) &&
      isText(secretAccessKey) &&
      isText(sessionToken) &&
      typeof expiration === "number" &&
      Number.isFinite(expiration)
    )
      return { accessKeyId, secretAccessKey, sessionToken, expiration };
    throw tokenFailure({
      code: "TOK105",
      severity: "error",
      summary: `the AWS SSO portal at ${endpoint} answered GetRoleCredentials without usable credentials`,
      detail: "try again; if it persists, use the aws CLI (--exec aws) and report it",
    });
  }
  const type = String(answer.headers["x-amzn-errortype"] ?? "").split(":")[0] ?? "";
  const message = errorMessage(body);
  if (status === 401 || type === "UnauthorizedException") {
    throw tokenFailure({
      code: "TOK102",
      severity: "error",
      summary: `the AWS SSO portal no longer accepts the sign-in of profile ${sso.profile} (${message})`,
      detail: login(sso.profile),
    });
  }
  if (
    status === 403 ||
    status === 404 ||
    type === "ForbiddenException" ||
    type === "ResourceNotFoundException"
  ) {
    throw tokenFailure({
      code: "TOK104",
      severity: "error",
      summary: `IAM Identity Center gives you no ${role} (${message})`,
      detail: `ask the team's admins to assign you (or your group) permission set ${sso.roleName} in account ${sso.accountId}, then run \`aws sso login --profile ${sso.profile}\``,
    });
  }
  throw tokenFailure({
    code: "TOK105",
    severity: "error",
    summary: `the AWS SSO portal refused GetRoleCredentials for ${role}: ${type || `HTTP ${status}`}: ${message}`,
    detail: status === 429 ? "wait a moment and try again" : "try again; check the profile if it persists",
  });
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Credentials of `profile` when it is an SSO profile eksgate can serve on its own;
 * undefined when the SDK's chain should (not an SSO profile, or a token to refresh).
 */
export async function ssoCredentials(
  profile: string,
  env: NodeJS.ProcessEnv,
  home: string,
  now: number,
): Promise<SsoRoleCredentials | undefined> {
  const configFile = env["AWS_CONFIG_FILE"] || `${home}/.aws/config`;
  const credentialsFile = env["AWS_SHARED_CREDENTIALS_FILE"] || `${home}/.aws/credentials`;
  const configText = readIfThere(configFile);
  if (configText === undefined) return undefined;
  const sso = ssoProfileFrom(configText, readIfThere(credentialsFile), profile, configFile);
  if (sso === undefined) return undefined;
  const tokenFile = ssoTokenFile(home, sso);
  const token = ssoAccessToken(readIfThere(tokenFile), sso, tokenFile, now);
  if (token === "refresh") return undefined;
  return getRoleCredentials(ssoPortalEndpoint(env, sso.region), token.accessToken, sso);
}
