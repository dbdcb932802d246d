/**
 * The AWS SDK's default credential chain, behind a dynamic import: loading it costs more
 * than the whole cache-hit path, so only a cache miss without environment keys gets here.
 */
import { TokenError } from "./errors.js";
import type { AwsCredentials } from "./sigv4.js";

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Turns the chain's failures into something a person can act on. */
export function credentialsErrorMessage(error: unknown, profile: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const shown = profile ?? "default";
  if (/SSO session|sso login|SSO token/i.test(message)) {
    return `the AWS SSO session of profile ${shown} has expired or is not signed in: run \`aws sso login --profile ${shown}\``;
  }
  if (
    /Could not resolve credentials using profile|Profile .* (could not be found|not found)/i.test(message)
  ) {
    return `AWS profile ${shown} has no usable credentials: check ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE) or pass another --profile`;
  }
  if (/Could not load credentials from any providers/i.test(message)) {
    return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a configured profile with --profile or AWS_PROFILE (see `aws configure`)";
  }
  return `could not load AWS credentials${profile === undefined ? "" : ` of profile ${profile}`}: ${message.split("\n")[0] ?? ""}`;
}

export async function resolveFromProviderChain(profile: string | undefined): Promise<AwsCredentials> {
  // kubectl shows whatever a plugin prints on stderr on every call: keep the SDK quiet.
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
  try {
    const provider = fromNodeProviderChain({ ...(profile !== undefined && { profile }), logger: silent });
    const found = await provider();
    return {
      accessKeyId: found.accessKeyId,
      secretAccessKey: found.secretAccessKey,
      ...(found.sessionToken !== undefined && { sessionToken: found.sessionToken }),
      ...(found.expiration !== undefined && { expiration: found.expiration.getTime() }),
    };
  } catch (error) {
    throw new TokenError(credentialsErrorMessage(error, profile));
  }
}
