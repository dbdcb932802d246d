/**
 * A small AWS Signature Version 4 implementation on node:crypto, just enough for the two
 * things the token plugin signs: the presigned STS GetCallerIdentity URL that becomes the
 * EKS bearer token, and form-encoded STS query requests (GetCallerIdentity, AssumeRole).
 *
 * Why our own instead of @smithy/signature-v4: importing that package costs more start-up
 * time than the whole cache-hit path is allowed to take (see docs/benchmarks.md).
 *
 * Reference: "Create a signed AWS API request" and "Authenticating requests: using query
 * parameters" in the AWS General Reference / IAM user guide.
 */
import { createHash, createHmac } from "node:crypto";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials stop working, epoch milliseconds. */
  readonly expiration?: number;
}

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `20261128T203906Z` and `20261128` for an instant. */
export function amzDate(epochMs: number): { readonly dateTime: string; readonly date: string } {
  const iso = new Date(epochMs).toISOString(); // 2026-11-28T20:39:06.123Z
  const dateTime = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return { dateTime, date: dateTime.slice(0, 8) };
}

export function sha256Hex(data: string): string {
  return createHash("sha256").update(data, "utf8").digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, "aws4_request");
}

/** Header values are trimmed and inner runs of spaces collapsed (as botocore does). */
function canonicalHeaderValue(value: string): string {
  return value.trim().split(/\s+/).join(" ");
}

/** Query pairs sorted by encoded key, then encoded value, joined as the canonical query. */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

export interface CanonicalRequestInput {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  /** Header names in any case; they are lowercased and sorted. */
  readonly headers: Readonly<Record<string, string>>;
  readonly payloadHash: string;
}

export function canonicalRequest(input: CanonicalRequestInput): {
  readonly text: string;
  readonly signedHeaders: string;
} {
  const headers = Object.entries(input.headers)
    .map(([k, v]) => [k.toLowerCase(), canonicalHeaderValue(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([k]) => k).join(";");
  const text = [
    input.method,
    input.path,
    canonicalQuery(input.query),
    headers.map(([k, v]) => `${k}:${v}\n`).join(""),
    signedHeaders,
    input.payloadHash,
  ].join("\n");
  return { text, signedHeaders };
}

export function signature(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
  stringToSign: string,
): string {
  return createHmac("sha256", signingKey(secretAccessKey, date, region, service))
    .update(stringToSign, "utf8")
    .digest("hex");
}

export function stringToSign(dateTime: string, scope: string, canonicalRequestText: string): string {
  return [ALGORITHM, dateTime, scope, sha256Hex(canonicalRequestText)].join("\n");
}

/** The STS API version every query request and the token use. */
export const STS_API_VERSION = "2011-06-15";
/** Sent in the token as botocore does; STS itself accepts the URL for 15 minutes regardless. */
export const PRESIGN_EXPIRES_SECONDS = 60;
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";

export interface PresignInput {
  readonly credentials: AwsCredentials;
  readonly region: string;
  /** The host of the URL, normally `sts.<region>.amazonaws.com`. */
  readonly host: string;
  readonly clusterName: string;
  readonly now: number;
}

/**
 * The presigned `GET https://<host>/?Action=GetCallerIdentity...` URL, with the query in the
 * order botocore writes it so that the token is byte-identical to `aws eks get-token`.
 */
export function presignGetCallerIdentity(input: PresignInput): string {
  const { dateTime, date } = amzDate(input.now);
  const scope = `${date}/${input.region}/sts/aws4_request`;
  const query: [string, string][] = [
    ["Action", "GetCallerIdentity"],
    ["Version", STS_API_VERSION],
    ["X-Amz-Algorithm", ALGORITHM],
    ["X-Amz-Credential", `${input.credentials.accessKeyId}/${scope}`],
    ["X-Amz-Date", dateTime],
    ["X-Amz-Expires", String(PRESIGN_EXPIRES_SECONDS)],
    ["X-Amz-SignedHeaders", `host;${CLUSTER_ID_HEADER}`],
  ];
  if (input.credentials.sessionToken !== undefined) {
    query.push(["X-Amz-Security-Token", input.credentials.sessionToken]);
  }
  const canonical = canonicalRequest({
    method: "GET",
    path: "/",
    query,
    headers: { host: input.host, [CLUSTER_ID_HEADER]: input.clusterName },
    payloadHash: EMPTY_BODY_SHA256,
  });
  const sig = signature(
    input.credentials.secretAccessKey,
    date,
    input.region,
    "sts",
    stringToSign(dateTime, scope, canonical.text),
  );
  query.push(["X-Amz-Signature", sig]);
  return `https://${input.host}/?${query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join("&")}`;
}

export interface SignedFormRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Signs a form-encoded POST (the STS query protocol) with an Authorization header.
 * `host` is the Host header exactly as it will be sent (with a non-default port).
 */
export function signFormPost(
  credentials: AwsCredentials,
  region: string,
  service: string,
  host: string,
  path: string,
  params: readonly (readonly [string, string])[],
  now: number,
): SignedFormRequest {
  const { dateTime, date } = amzDate(now);
  const body = params.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join("&");
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    host,
    "x-amz-date": dateTime,
  };
  if (credentials.sessionToken !== undefined) headers["x-amz-security-token"] = credentials.sessionToken;
  const payloadHash = sha256Hex(body);
  const canonical = canonicalRequest({ method: "POST", path, query: [], headers, payloadHash });
  const scope = `${date}/${region}/${service}/aws4_request`;
  const sig = signature(
    credentials.secretAccessKey,
    date,
    region,
    service,
    stringToSign(dateTime, scope, canonical.text),
  );
  headers["authorization"] =
    `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${canonical.signedHeaders}, Signature=${sig}`;
  return { headers, body };
}
