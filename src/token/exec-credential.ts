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

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * RFC 3339 in UTC without fractions, as client-go and the aws CLI write it. Computed by
 * arithmetic (days since the epoch to a proleptic Gregorian date) because the first Date
 * object costs about a millisecond of start-up, a noticeable share of a cache hit.
 */
export function rfc3339(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  // Shift the epoch to 0000-03-01 so leap days fall at the end of each 400-year era.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hh)}:${pad(mm)}:${pad(secondOfDay % 60)}Z`;
}

export function execCredentialJson(apiVersion: string, token: string, expiresAt: number): string {
  return JSON.stringify({
    kind: "ExecCredential",
    apiVersion,
    spec: {},
    status: { expirationTimestamp: rfc3339(expiresAt), token },
  });
}
