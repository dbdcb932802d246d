/**
 * The EKS bearer token: `k8s-aws-v1.` + unpadded base64url of a presigned STS
 * GetCallerIdentity URL on the regional endpoint, bound to the cluster by the signed
 * `x-k8s-aws-id` header. Loaded only when a token must be signed (node:crypto is not free).
 */
import { presignGetCallerIdentity, type AwsCredentials } from "./sigv4.js";

export const TOKEN_PREFIX = "k8s-aws-v1.";

/** The regional STS host, in the partition's DNS suffix (the token must name this host). */
export function stsHost(region: string): string {
  return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

export function encodeToken(presignedUrl: string): string {
  return TOKEN_PREFIX + Buffer.from(presignedUrl, "utf8").toString("base64url");
}

export function signToken(
  credentials: AwsCredentials,
  clusterName: string,
  region: string,
  now: number,
): string {
  return encodeToken(
    presignGetCallerIdentity({ credentials, region, host: stsHost(region), clusterName, now }),
  );
}
