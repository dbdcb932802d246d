/**
 * Mapping: from an IAM principal session to the Kubernetes identity a cluster gives it
 * (access entries with their precedence, aws-auth exactly as the authenticator reads it,
 * `system:authenticated`), with the access policies that come with an access entry.
 */
export * from "./map-principal.js";
