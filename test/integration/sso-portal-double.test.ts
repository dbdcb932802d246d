// The SSO portal double against its specification (docs/specs/sso-portal.md): each rule over
// raw HTTP, and the answers as the real aws CLI's botocore client reads them, so the double
// speaks the wire format real clients expect, not only the one eksgate's client expects.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runProgram } from "../env/context.js";
import { startSsoPortalDouble, type SsoPortalDouble } from "../env/sso-portal-double/index.js";

const ACCOUNT = "111122223333";
const ROLE = "EksgatePayments";
const NOW = Date.parse("2026-12-04T02:00:00Z");
const CREDENTIALS = { accessKeyId: "ASIAPORTALDOUBLE0001", secretAccessKey: "s3cret", sessionToken: "tok" };

describe("SSO portal double", () => {
  let portal: SsoPortalDouble;
  let now = NOW;
  let home: string;

  beforeAll(async () => {
    portal = await startSsoPortalDouble({ now: () => now });
    home = mkdtempSync(join(tmpdir(), "eksgate-portal-"));
  });
  afterAll(async () => {
    await portal.stop();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    now = NOW;
    portal.reset();
    portal.signIn("good", NOW + 3_600_000);
    portal.assign("good", ACCOUNT, ROLE, { ...CREDENTIALS, expiration: NOW + 1_800_000 });
  });

  function get(query: string, token?: string): Promise<Response> {
    return fetch(`${portal.endpoint}/federation/credentials?${query}`, {
      headers: token === undefined ? {} : { "x-amz-sso_bearer_token": token },
    });
  }

  /** `aws sso get-role-credentials` against the double: botocore parses the answer. */
  function awsCli(token: string, account = ACCOUNT, role = ROLE) {
    return runProgram(
      "aws",
      [
        "sso",
        "get-role-credentials",
        "--role-name",
        role,
        "--account-id",
        account,
        "--access-token",
        token,
        "--region",
        "eu-west-1",
        "--endpoint-url",
        portal.endpoint,
        "--output",
        "json",
      ],
      { PATH: process.env["PATH"], HOME: home, AWS_CONFIG_FILE: join(home, "none"), AWS_MAX_ATTEMPTS: "1" },
    );
  }

  it("P1, P2: GET /federation/credentials with the bearer token answers the role's credentials, expiration in epoch ms", async () => {
    const res = await get(`role_name=${ROLE}&account_id=${ACCOUNT}`, "good");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ roleCredentials: { ...CREDENTIALS, expiration: NOW + 1_800_000 } });
    expect(portal.requests.at(-1)).toEqual({
      method: "GET",
      path: "/federation/credentials",
      query: { role_name: ROLE, account_id: ACCOUNT },
      bearerToken: "good",
    });
  });

  it("P1, P2: the real aws CLI reads the success answer", async () => {
    const run = await awsCli("good");
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      roleCredentials: { ...CREDENTIALS, expiration: NOW + 1_800_000 },
    });
  });

  it("P3, P4: a missing header or parameter is 400 InvalidRequestException with a message", async () => {
    for (const res of [
      await get(`role_name=${ROLE}&account_id=${ACCOUNT}`),
      await get(`role_name=${ROLE}`, "good"),
    ]) {
      expect(res.status).toBe(400);
      expect(res.headers.get("x-amzn-errortype")).toBe("InvalidRequestException");
      expect(await res.json()).toEqual({ message: expect.any(String) as string });
    }
  });

  it("P5: an unknown token and an expired one are 401 UnauthorizedException, as botocore reads it", async () => {
    const unknown = await get(`role_name=${ROLE}&account_id=${ACCOUNT}`, "nobody");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("UnauthorizedException");
    now = NOW + 3_600_000;
    const expired = await get(`role_name=${ROLE}&account_id=${ACCOUNT}`, "good");
    expect(expired.status).toBe(401);
    const run = await awsCli("good");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("(UnauthorizedException) when calling the GetRoleCredentials operation");
  });

  it("P6: a role the person has no assignment for is 403 ForbiddenException: No access", async () => {
    const res = await get(`role_name=Other&account_id=${ACCOUNT}`, "good");
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("ForbiddenException");
    expect(await res.json()).toEqual({ message: "No access" });
    const run = await awsCli("good", "444455556666");
    expect(run.stderr).toContain(
      "(ForbiddenException) when calling the GetRoleCredentials operation: No access",
    );
  });

  it("P7, D3: throttleNext answers the next call 429 TooManyRequestsException, then normally again", async () => {
    portal.throttleNext();
    const first = await get(`role_name=${ROLE}&account_id=${ACCOUNT}`, "good");
    expect(first.status).toBe(429);
    expect(first.headers.get("x-amzn-errortype")).toBe("TooManyRequestsException");
    expect((await get(`role_name=${ROLE}&account_id=${ACCOUNT}`, "good")).status).toBe(200);
  });

  it("P8: another path or method is 404 ResourceNotFoundException", async () => {
    const res = await fetch(`${portal.endpoint}/assignment/roles`, {
      headers: { "x-amz-sso_bearer_token": "good" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    const post = await fetch(
      `${portal.endpoint}/federation/credentials?role_name=${ROLE}&account_id=${ACCOUNT}`,
      {
        method: "POST",
        headers: { "x-amz-sso_bearer_token": "good" },
      },
    );
    expect(post.status).toBe(404);
  });

  it("D2: without an expiration the credentials last one hour from the call; D4: reset forgets everything", async () => {
    portal.assign("good", ACCOUNT, "NoExpiry", CREDENTIALS);
    now = NOW + 5_000;
    const res = await get(`role_name=NoExpiry&account_id=${ACCOUNT}`, "good");
    expect(
      ((await res.json()) as { roleCredentials: { expiration: number } }).roleCredentials.expiration,
    ).toBe(NOW + 5_000 + 3_600_000);
    portal.reset();
    expect(portal.requests).toEqual([]);
    expect((await get(`role_name=${ROLE}&account_id=${ACCOUNT}`, "good")).status).toBe(401);
  });
});
