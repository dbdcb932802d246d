/**
 * The client.authentication.k8s.io ExecCredential kubectl reads from the plugin's stdout.
 * The apiVersion must be the one kubectl asked for in KUBERNETES_EXEC_INFO; kubectl treats
 * any other as an error. v1beta1 is the answer when nothing was asked (old clients).
 */
import { TokenError } from "./errors.js";

export const EXEC_API_V1 = "client.authentication.k8s.io/v1";
export const EXEC_API_V1BETA1 = "client.authentication.k8s.io/v1beta1";

export function requestedApiVersion(execInfo: string | undefined): string {
  if (execInfo === undefined || execInfo.trim() === "") return EXEC_API_V1BETA1;
  let parsed: unknown;
  try {
    parsed = JSON.parse(execInfo);
  } catch {
    throw new TokenError("KUBERNETES_EXEC_INFO is not valid JSON: update kubectl or unset the variable");
  }
  const apiVersion =
    typeof parsed === "object" && parsed !== null
      ? (parsed as Record<string, unknown>)["apiVersion"]
      : undefined;
  if (apiVersion === EXEC_API_V1 || apiVersion === EXEC_API_V1BETA1) return apiVersion;
  throw new TokenError(
    `kubectl asked for ExecCredential ${typeof apiVersion === "string" ? apiVersion : "(no apiVersion)"}; eksgate token speaks ${EXEC_API_V1} and ${EXEC_API_V1BETA1}: set apiVersion ${EXEC_API_V1} in the kubeconfig's exec entry`,
  );
}

/** RFC 3339 in UTC without fractions, as client-go and the aws CLI write it. */
export function rfc3339(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

export function execCredentialJson(apiVersion: string, token: string, expiresAt: number): string {
  return JSON.stringify({
    kind: "ExecCredential",
    apiVersion,
    spec: {},
    status: { expirationTimestamp: rfc3339(expiresAt), token },
  });
}
