/**
 * The two STS calls the plugin makes on a cache miss, as signed query-protocol POSTs over
 * node:http(s). Loaded only on a cache miss. The AWS SDK's STS client would do the same
 * but costs several times the start-up time of this module (docs/benchmarks.md).
 *
 * The endpoint is `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the regional
 * `https://sts.<region>.amazonaws.com` (what the SDK and awscli do).
 */
import { StsError } from "./errors.js";
import { httpRequest } from "./http.js";
import { signFormPost, STS_API_VERSION, type AwsCredentials } from "./sigv4.js";

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

export interface AssumedRoleCredentials extends AwsCredentials {
  readonly sessionToken: string;
  readonly expiration: number;
}

/** The STS operations the token plugin needs; the seam tests can replace. */
export interface StsApi {
  readonly endpoint: string;
  getCallerIdentity(credentials: AwsCredentials): Promise<CallerIdentity>;
  assumeRole(
    credentials: AwsCredentials,
    roleArn: string,
    sessionName: string,
  ): Promise<AssumedRoleCredentials>;
}

export function stsEndpoint(env: NodeJS.ProcessEnv, region: string): string {
  const configured = env["AWS_ENDPOINT_URL_STS"] ?? env["AWS_ENDPOINT_URL"];
  return configured !== undefined && configured !== "" ? configured : `https://sts.${region}.amazonaws.com`;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X"))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The text of the first `<name>` element; STS answers are flat enough for this. */
export function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1]);
}

function required(xml: string, name: string, operation: string): string {
  const value = xmlText(xml, name);
  if (value === undefined || value === "")
    throw new StsError("MalformedResponse", `STS ${operation} answer has no ${name}`, 200);
  return value;
}

export function createStsApi(endpoint: string, region: string, now: () => number): StsApi {
  const url = new URL(endpoint);
  const path = url.pathname === "" ? "/" : url.pathname;

  async function call(
    credentials: AwsCredentials,
    params: readonly (readonly [string, string])[],
  ): Promise<string> {
    const request = signFormPost(credentials, region, "sts", url.host, path, params, now());
    const { status, body } = await httpRequest(url, "POST", request.headers, request.body);
    if (status >= 200 && status < 300) return body;
    const code = xmlText(body, "Code") ?? `HTTP${status}`;
    const message = xmlText(body, "Message") ?? (body.trim().slice(0, 200) || `HTTP status ${status}`);
    throw new StsError(code, message, status);
  }

  return {
    endpoint,
    async getCallerIdentity(credentials) {
      const xml = await call(credentials, [
        ["Action", "GetCallerIdentity"],
        ["Version", STS_API_VERSION],
      ]);
      return {
        arn: required(xml, "Arn", "GetCallerIdentity"),
        account: required(xml, "Account", "GetCallerIdentity"),
        userId: required(xml, "UserId", "GetCallerIdentity"),
      };
    },
    async assumeRole(credentials, roleArn, sessionName) {
      const xml = await call(credentials, [
        ["Action", "AssumeRole"],
        ["Version", STS_API_VERSION],
        ["RoleArn", roleArn],
        ["RoleSessionName", sessionName],
      ]);
      const expiration = Date.parse(required(xml, "Expiration", "AssumeRole"));
      if (Number.isNaN(expiration))
        throw new StsError("MalformedResponse", "STS AssumeRole answer has an unreadable Expiration", 200);
      return {
        accessKeyId: required(xml, "AccessKeyId", "AssumeRole"),
        secretAccessKey: required(xml, "SecretAccessKey", "AssumeRole"),
        sessionToken: required(xml, "SessionToken", "AssumeRole"),
        expiration,
      };
    },
  };
}
