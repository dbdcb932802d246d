/**
 * What `eksgate token` does, with its clock, cache, credentials and STS injected.
 *
 * Order of work, cheapest first:
 *  1. a cached token that still has more than a minute of its 14 left: done, no signing;
 *  2. cached assumed-role credentials that outlive a fresh token: sign locally, no network;
 *  3. otherwise load the caller's credentials, find the session name (cached after the
 *     first GetCallerIdentity), AssumeRole, cache the credentials, sign.
 * Without --role-arn the token is signed with the caller's own credentials.
 */
import type { CredentialCache } from "./cache.js";
import { callerCacheKey, selectedProfile, type CredentialsResolver } from "./credentials.js";
import { StsError, TokenError } from "./errors.js";
import type { AwsCredentials } from "./sigv4.js";
import type { AssumedRoleCredentials, StsApi } from "./sts.js";
import type { TokenKeyParts } from "./token-file.js";
import { readArn } from "../core/model/arn.js";

/** A token is reported to kubectl as valid for 14 minutes (STS accepts it for 15). */
export const TOKEN_LIFETIME_MS = 14 * 60_000;
/** A cached token is handed out only while it has at least this much left. */
export const TOKEN_REUSE_MARGIN_MS = 60_000;
/** ... and only when it was not issued more than this far in the future (the clock moved back). */
export const TOKEN_FUTURE_TOLERANCE_MS = 5 * 60_000;
/**
 * Assumed-role credentials are reused only while they outlive a token signed now (STS
 * rejects a presigned URL whose session has expired) plus a safety margin.
 */
export const ROLE_REUSE_MARGIN_MS = 15 * 60_000 + 2 * 60_000;
/** How long the caller's own identity (the default session name) is remembered. */
export const IDENTITY_LIFETIME_MS = 12 * 60 * 60_000;

export interface TokenRequest {
  readonly clusterName: string;
  readonly region: string;
  readonly roleArn?: string;
  readonly sessionName?: string;
  readonly profile?: string;
  readonly group?: string;
}

export interface IssuedToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly source: "cache" | "cached-role" | "fresh";
}

export interface TokenPluginDeps {
  readonly now: () => number;
  readonly env: NodeJS.ProcessEnv;
  /** Undefined with --no-cache. */
  readonly cache: CredentialCache | undefined;
  readonly resolveCredentials: CredentialsResolver;
  /** Created only when a call is needed (it loads node:http/https). */
  readonly sts: (region: string) => Promise<StsApi>;
}

/**
 * The role session name for a caller ARN: an IAM user's name, an assumed role's or a
 * federated user's session name. Undefined when the ARN names nobody in particular.
 */
export function sessionNameFromArn(text: string): string | undefined {
  const arn = readArn(text);
  let name: string | undefined;
  if (arn?.resourceType === "user") name = arn.name;
  else if (arn?.resourceType === "assumed-role") name = arn.path === "/" ? undefined : arn.name;
  else if (arn?.resourceType === "federated-user") name = arn.resource.slice("federated-user/".length);
  if (name === undefined || name === "") return undefined;
  // A valid IAM user name is a valid session name apart from the 2-character minimum.
  return /^[\w+=,.@-]{2,64}$/.test(name) ? name : undefined;
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function keyOf(parts: Readonly<Record<string, string | undefined>>): string {
  return JSON.stringify(parts);
}

export function explainStsFailure(
  error: unknown,
  operation: "AssumeRole" | "GetCallerIdentity",
  request: TokenRequest,
  endpoint: string,
): TokenError {
  if (!(error instanceof StsError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new TokenError(`cannot reach AWS STS at ${endpoint} for ${operation}: ${message}`);
  }
  switch (error.code) {
    case "AccessDenied":
      if (operation === "AssumeRole" && request.roleArn !== undefined) {
        const group = request.group === undefined ? "the team's IAM group" : `IAM group ${request.group}`;
        return new TokenError(
          `not allowed to assume role ${request.roleArn}: is your IAM user in ${group}? Ask the team's admins to add you (AWS said: ${error.message})`,
        );
      }
      return new TokenError(`AWS STS refused ${operation}: ${error.message}`);
    case "ExpiredToken":
    case "ExpiredTokenException":
      return new TokenError(
        `your AWS session credentials have expired: ${request.profile === undefined ? "get new ones" : `run \`aws sso login --profile ${request.profile}\` or refresh profile ${request.profile}`} and try again`,
      );
    case "InvalidClientTokenId":
    case "UnrecognizedClientException":
      return new TokenError(
        "AWS does not recognise your access key id: check AWS_ACCESS_KEY_ID or the keys of your profile",
      );
    case "SignatureDoesNotMatch":
      return new TokenError(
        "AWS rejected the request signature: your secret access key does not match the access key id",
      );
    default:
      return new TokenError(`AWS STS ${operation} failed: ${error.code}: ${error.message}`);
  }
}

export async function issueToken(request: TokenRequest, deps: TokenPluginDeps): Promise<IssuedToken> {
  const profile = selectedProfile(request.profile, deps.env);
  const caller = callerCacheKey(profile, deps.env);
  const { cache } = deps;
  const tokenParts: TokenKeyParts = {
    cluster: request.clusterName,
    region: request.region,
    ...(request.roleArn !== undefined && { role: request.roleArn }),
    ...(request.sessionName !== undefined && { session: request.sessionName }),
    caller,
  };
  const start = deps.now();

  const cached = cache?.readToken(tokenParts);
  // A token from the future (clock moved back) or about to expire is not handed out.
  if (
    cached !== undefined &&
    cached.issuedAt <= start + TOKEN_FUTURE_TOLERANCE_MS &&
    cached.expiresAt - start >= TOKEN_REUSE_MARGIN_MS
  )
    return { token: cached.token, expiresAt: cached.expiresAt, source: "cache" };

  let signing: AwsCredentials;
  let source: IssuedToken["source"] = "fresh";
  if (request.roleArn === undefined) {
    signing = await deps.resolveCredentials(profile);
  } else {
    const roleKey = keyOf({
      role: request.roleArn,
      region: request.region,
      session: request.sessionName,
      caller,
    });
    const role = cache?.read("role", roleKey, (entry) => {
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = entry;
      if (
        !isString(accessKeyId) ||
        !isString(secretAccessKey) ||
        !isString(sessionToken) ||
        !isNumber(expiration)
      )
        return undefined;
      if (expiration - start < ROLE_REUSE_MARGIN_MS) return undefined;
      return { accessKeyId, secretAccessKey, sessionToken, expiration };
    });
    if (role !== undefined) {
      signing = role;
      source = "cached-role";
    } else {
      const assumed = await assumeRole(request, request.roleArn, profile, caller, deps);
      cache?.write("role", roleKey, { ...assumed });
      signing = assumed;
    }
  }

  const { signToken } = await import("./bearer-token.js");
  const now = deps.now();
  const token = signToken(signing, request.clusterName, request.region, now);
  let expiresAt = now + TOKEN_LIFETIME_MS;
  if (signing.expiration !== undefined) expiresAt = Math.min(expiresAt, signing.expiration);
  cache?.writeToken(tokenParts, { token, issuedAt: now, expiresAt });
  return { token, expiresAt, source };
}

async function assumeRole(
  request: TokenRequest,
  roleArn: string,
  profile: string | undefined,
  caller: string,
  deps: TokenPluginDeps,
): Promise<AssumedRoleCredentials> {
  const base = await deps.resolveCredentials(profile);
  const sts = await deps.sts(request.region);
  let sessionName = request.sessionName;
  if (sessionName === undefined) {
    const identityKey = keyOf({ caller });
    const start = deps.now();
    sessionName = deps.cache?.read("identity", identityKey, (entry) => {
      const { sessionName: name, fetchedAt } = entry;
      if (
        !isString(name) ||
        !isNumber(fetchedAt) ||
        fetchedAt > start ||
        start - fetchedAt > IDENTITY_LIFETIME_MS
      )
        return undefined;
      return name;
    });
    if (sessionName === undefined) {
      let arn: string;
      try {
        arn = (await sts.getCallerIdentity(base)).arn;
      } catch (error) {
        throw explainStsFailure(error, "GetCallerIdentity", request, sts.endpoint);
      }
      sessionName = sessionNameFromArn(arn);
      if (sessionName === undefined) {
        throw new TokenError(
          `cannot derive a role session name from your identity ${arn}: pass --session-name`,
        );
      }
      deps.cache?.write("identity", identityKey, { arn, sessionName, fetchedAt: deps.now() });
    }
  }
  try {
    return await sts.assumeRole(base, roleArn, sessionName);
  } catch (error) {
    throw explainStsFailure(error, "AssumeRole", request, sts.endpoint);
  }
}
