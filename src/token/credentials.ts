/**
 * The caller's own AWS credentials, from the standard chain.
 *
 * Fast path: when no profile is selected (no --profile, no AWS_PROFILE) and
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are set, the SDK's default chain would return
 * exactly those (its first link is the environment, and it skips that link when a profile
 * is selected). We read them directly and load no SDK at all. A selected profile that is
 * an IAM Identity Center (SSO) profile is served by sso.ts, also without the SDK. Every
 * other case (other profiles, credential_process, web identity, container and instance
 * metadata, an SSO token to refresh) goes through `fromNodeProviderChain` of
 * @aws-sdk/credential-providers, imported only then.
 */
import type { AwsCredentials } from "./sigv4.js";

export function selectedProfile(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (explicit !== undefined) return explicit;
  const fromEnv = env["AWS_PROFILE"];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

export function credentialsFromEnvironment(
  profile: string | undefined,
  env: NodeJS.ProcessEnv,
): AwsCredentials | undefined {
  if (profile !== undefined) return undefined;
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
  if (
    accessKeyId === undefined ||
    accessKeyId === "" ||
    secretAccessKey === undefined ||
    secretAccessKey === ""
  )
    return undefined;
  const sessionToken = env["AWS_SESSION_TOKEN"];
  const expiration = Date.parse(env["AWS_CREDENTIAL_EXPIRATION"] ?? "");
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined && sessionToken !== "" && { sessionToken }),
    ...(!Number.isNaN(expiration) && { expiration }),
  };
}

/**
 * Who the caller is, for cache keys, without loading anything: the access key id when the
 * environment supplies keys, otherwise the profile (and config files) the chain will read.
 */
export function callerCacheKey(profile: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv = credentialsFromEnvironment(profile, env);
  if (fromEnv !== undefined) return `key:${fromEnv.accessKeyId}`;
  const files = `${env["AWS_CONFIG_FILE"] ?? ""}|${env["AWS_SHARED_CREDENTIALS_FILE"] ?? ""}`;
  return `profile:${profile ?? "default"}|${files}`;
}

export type CredentialsResolver = (profile: string | undefined) => Promise<AwsCredentials>;

export function defaultCredentialsResolver(
  env: NodeJS.ProcessEnv,
  now: () => number = Date.now,
): CredentialsResolver {
  return async (profile) => {
    const direct = credentialsFromEnvironment(profile, env);
    if (direct !== undefined) return direct;
    // A selected IAM Identity Center profile: its cached sign-in and one portal call.
    const home = env["HOME"] ?? env["USERPROFILE"];
    if (profile !== undefined && home !== undefined && home !== "") {
      const { ssoCredentials } = await import("./sso.js");
      const fromSso = await ssoCredentials(profile, env, home, now());
      if (fromSso !== undefined) return fromSso;
    }
    const { resolveFromProviderChain } = await import("./credentials-chain.js");
    return resolveFromProviderChain(profile);
  };
}
