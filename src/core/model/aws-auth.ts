/**
 * The aws-auth ConfigMap: reading it like aws-iam-authenticator, matching a caller,
 * rewriting only eksgate's entries, and the stable diagnostic codes for all of it.
 */
export * from "./aws-auth/codes.js";
export * from "./aws-auth/types.js";
export {
  isSkippableValue,
  locateInText,
  parseAwsAuthData,
  ssoPattern,
  SSO_PARTITIONS,
  type AwsAuthData,
} from "./aws-auth/parse.js";
export { readAwsAuthManifest, type AwsAuthManifest, type ManifestDataValue } from "./aws-auth/manifest.js";
export * from "./aws-auth/match.js";
export * from "./aws-auth/write.js";
