// The EKS token: same bytes as the installed `aws eks get-token` at the same instant, and a
// signature that an independent SigV4 computation (written here from the AWS docs, not
// using src/token/sigv4.ts) accepts.
import { execFileSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runToken } from "../../src/token/main.js";
import { signToken } from "../../src/token/bearer-token.js";
import {
  canonicalRequest,
  EMPTY_BODY_SHA256,
  signature,
  stringToSign,
  type AwsCredentials,
} from "../../src/token/sigv4.js";

const KEYS: AwsCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
// The aws CLI (Python) takes about a second to start, much more on a busy machine.
const AWS_CLI_TIMEOUT_MS = 60_000;
const home = mkdtempSync(join(tmpdir(), "eksgate-token-sigv4-"));
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

function decode(token: string): URL {
  expect(token.startsWith("k8s-aws-v1.")).toBe(true);
  const payload = token.slice("k8s-aws-v1.".length);
  expect(payload).not.toMatch(/[=+/]/); // base64url without padding
  return new URL(Buffer.from(payload, "base64url").toString("utf8"));
}

/** X-Amz-Date (20261128T203906Z) as epoch milliseconds. */
function instantOf(url: URL): number {
  const d = url.searchParams.get("X-Amz-Date") ?? "";
  return Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  );
}

function awsGetToken(credentials: AwsCredentials, cluster: string, region: string): string {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: home,
    AWS_CONFIG_FILE: join(home, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined && { AWS_SESSION_TOKEN: credentials.sessionToken }),
  };
  const out = JSON.parse(
    execFileSync("aws", ["eks", "get-token", "--cluster-name", cluster, "--region", region], {
      env,
      encoding: "utf8",
    }),
  ) as {
    status: { token: string };
  };
  return out.status.token;
}

const RFC3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

/** SigV4 query-signature check from first principles: true when the URL's signature is right. */
function verifyPresignedUrl(url: URL, secretAccessKey: string, clusterName: string): boolean {
  const params = [...url.searchParams.entries()];
  const given = url.searchParams.get("X-Amz-Signature");
  const [keyId, day, region, service, terminator] = (url.searchParams.get("X-Amz-Credential") ?? "").split(
    "/",
  );
  if (given === null || keyId === undefined || terminator !== "aws4_request") return false;
  const query = params
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => `${RFC3986(k)}=${RFC3986(v)}`)
    .sort()
    .join("&");
  const signedHeaders = url.searchParams.get("X-Amz-SignedHeaders");
  if (signedHeaders !== "host;x-k8s-aws-id") return false;
  const request = [
    "GET",
    url.pathname,
    query,
    `host:${url.host}`,
    `x-k8s-aws-id:${clusterName}`,
    "",
    signedHeaders,
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const date = url.searchParams.get("X-Amz-Date") ?? "";
  const scope = `${day ?? ""}/${region ?? ""}/${service ?? ""}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", date, scope, createHash("sha256").update(request).digest("hex")].join(
    "\n",
  );
  let key: Buffer = createHmac("sha256", `AWS4${secretAccessKey}`)
    .update(day ?? "")
    .digest();
  for (const part of [region ?? "", service ?? "", "aws4_request"])
    key = createHmac("sha256", key).update(part).digest();
  return createHmac("sha256", key).update(toSign).digest("hex") === given;
}

describe("SigV4 primitives", () => {
  it("reproduce the get-vanilla case of the AWS SigV4 test suite", () => {
    const canonical = canonicalRequest({
      method: "GET",
      path: "/",
      query: [],
      headers: { Host: "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z" },
      payloadHash: EMPTY_BODY_SHA256,
    });
    const sts = stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical.text);
    expect(
      signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service", sts),
    ).toBe("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  });
});

describe("the token is byte-identical to aws eks get-token", () => {
  const cases: { name: string; credentials: AwsCredentials; cluster: string; region: string }[] = [
    { name: "long-term keys", credentials: KEYS, cluster: "demo", region: "eu-west-1" },
    {
      name: "session token with reserved characters, odd cluster name",
      credentials: { ...KEYS, secretAccessKey: "se+cr/et=", sessionToken: "FQoGZXIvYXdzE+abc/x==&é" },
      cluster: "prod cluster/x+y~z",
      region: "us-east-1",
    },
    { name: "China partition", credentials: KEYS, cluster: "  spaced   name ", region: "cn-north-1" },
  ];
  for (const c of cases) {
    it(
      c.name,
      () => {
        const theirs = awsGetToken(c.credentials, c.cluster, c.region);
        const ours = signToken(c.credentials, c.cluster, c.region, instantOf(decode(theirs)));
        expect(ours).toBe(theirs);
      },
      AWS_CLI_TIMEOUT_MS,
    );
  }

  it(
    "through runToken at the CLI's instant",
    async () => {
      const theirs = awsGetToken(KEYS, "demo", "us-west-2");
      const instant = instantOf(decode(theirs));
      let out = "";
      const code = await runToken(
        ["--cluster-name", "demo", "--region", "us-west-2", "--no-cache"],
        { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, HOME: home },
        { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } },
        { now: () => instant },
      );
      expect(code).toBe(0);
      expect((JSON.parse(out) as { status: { token: string } }).status.token).toBe(theirs);
    },
    AWS_CLI_TIMEOUT_MS,
  );
});

describe("the token's signature", () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);

  it("verifies independently with the secret key, in botocore's query order", () => {
    const url = decode(signToken({ ...KEYS, sessionToken: "tok/en+=" }, "demo", "eu-central-1", now));
    expect(url.origin).toBe("https://sts.eu-central-1.amazonaws.com");
    expect([...url.searchParams.keys()]).toEqual([
      "Action",
      "Version",
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Expires",
      "X-Amz-SignedHeaders",
      "X-Amz-Security-Token",
      "X-Amz-Signature",
    ]);
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20261128T120000Z");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(verifyPresignedUrl(url, KEYS.secretAccessKey, "demo")).toBe(true);
  });

  it("does not verify for another cluster name or another secret", () => {
    const url = decode(signToken(KEYS, "demo", "eu-central-1", now));
    expect(verifyPresignedUrl(url, KEYS.secretAccessKey, "demo2")).toBe(false);
    expect(verifyPresignedUrl(url, "other-secret", "demo")).toBe(false);
  });
});
