/**
 * What the IAM and EKS adapters share: the credentials (the standard AWS chain unless the
 * caller passes its own) and the settings every SDK client gets.
 */
import "./node-version-warning.js";
import type { IAMClientConfig } from "@aws-sdk/client-iam";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";

/** Static keys or a provider, as any SDK v3 client accepts them. */
export type AwsCredentials = NonNullable<IAMClientConfig["credentials"]>;

/**
 * The standard credential chain: environment, shared config and credentials files
 * (profiles, including SSO, credential_process and role chaining), web identity, the
 * container endpoint, then instance metadata. Memoized: build it once and hand the same
 * provider to every port so that an SSO token is read, or IMDS asked, only once.
 */
export function standardCredentials(profile?: string): AwsCredentials {
  return fromNodeProviderChain(profile === undefined ? {} : { profile });
}

/** The profile named in hints: the explicit one, else AWS_PROFILE. */
export function effectiveProfile(profile: string | undefined): string | undefined {
  return profile ?? process.env["AWS_PROFILE"];
}

export interface AssumedRoleOptions {
  /** The region of the STS client that assumes the role. */
  readonly region?: string;
  /** Default `eksgate`; shows in CloudTrail and in the session's ARN. */
  readonly sessionName?: string;
  /** Another STS endpoint (tests). */
  readonly stsEndpoint?: string;
}

/**
 * Credentials of a role in another account, assumed from `source` (the identity eksgate
 * runs as), e.g. an OrganizationAccountAccessRole-style admin role. Refreshed by the SDK.
 */
export function assumedRoleCredentials(
  roleArn: string,
  source: AwsCredentials,
  options: AssumedRoleOptions = {},
): AwsCredentials {
  const clientConfig = {
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.stsEndpoint !== undefined ? { endpoint: options.stsEndpoint } : {}),
  };
  return fromTemporaryCredentials({
    masterCredentials: source,
    params: { RoleArn: roleArn, RoleSessionName: options.sessionName ?? "eksgate" },
    ...(Object.keys(clientConfig).length > 0 ? { clientConfig } : {}),
  });
}
