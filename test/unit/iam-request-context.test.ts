// The request context the IAM evaluator builds: the keys AWS sets for every request, for the
// principal and for the resource ("AWS global condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html;
// "IAM policy elements: Variables and tags", Principal key values,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
import { describe, expect, it } from "vitest";
import {
  canAssumeRole,
  evaluate,
  resolveCaller,
  type AccountAuthorizationDetails,
  type Decision,
  type IamSnapshot,
  type RequestOptions,
} from "../../src/core/evaluate/iam/index.js";
import { buildRequestContext } from "../../src/core/evaluate/iam/context-builder.js";
import { formatIamDate, parseIamDate } from "../../src/core/evaluate/iam/request-context.js";

const A = "111111111111";
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

function snapshot(): IamSnapshot {
  const details: AccountAuthorizationDetails = {
    UserDetailList: [
      {
        UserName: "alice",
        UserId: "AIDAALICE0000000000001",
        Arn: `arn:aws:iam::${A}:user/eng/alice`,
        Tags: [{ Key: "team", Value: "rnd" }],
        UserPolicyList: [
          {
            PolicyName: "p",
            PolicyDocument: doc({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }),
          },
        ],
      },
      { UserName: "bob", UserId: "AIDABOB0000000000000001", Arn: `arn:aws:iam::${A}:user/bob` },
    ],
    RoleDetailList: [
      {
        RoleName: "deploy",
        RoleId: "AROADEPLOY000000000001",
        Arn: `arn:aws:iam::${A}:role/ci/deploy`,
        Tags: [
          { Key: "team", Value: "rnd" },
          { Key: "Env", Value: "prod" },
        ],
        AssumeRolePolicyDocument: doc({
          Sid: "Trust",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${A}:root` },
          Action: "sts:AssumeRole",
        }),
        RolePolicyList: [
          { PolicyName: "p", PolicyDocument: doc({ Effect: "Allow", Action: "*", Resource: "*" }) },
        ],
      },
    ],
  };
  return { accounts: [details] };
}

const ctx = (d: Decision): Record<string, readonly string[]> => Object.fromEntries(d.context);

describe("request context: keys AWS always sets", () => {
  it("an IAM user with long-term keys: identity keys, tags, no MFA keys, no invented keys", () => {
    const c = resolveCaller(snapshot(), `arn:aws:iam::${A}:user/eng/alice`).context;
    expect(c.get("aws:PrincipalType")).toEqual(["User"]);
    expect(c.get("aws:PrincipalAccount")).toEqual([A]);
    expect(c.get("aws:PrincipalArn")).toEqual([`arn:aws:iam::${A}:user/eng/alice`]);
    expect(c.get("aws:userid")).toEqual(["AIDAALICE0000000000001"]);
    expect(c.get("aws:username")).toEqual(["alice"]);
    expect(c.get("aws:PrincipalTag/team")).toEqual(["rnd"]);
    expect(c.get("aws:principaltag/TEAM")).toEqual(["rnd"]);
    expect(c.get("aws:MultiFactorAuthPresent")).toBeUndefined();
    expect(c.get("aws:MultiFactorAuthAge")).toBeUndefined();
    expect(c.get("aws:TokenIssueTime")).toBeUndefined();
    expect(c.get("aws:SecureTransport")).toEqual(["true"]);
    expect(c.get("aws:ViaAWSService")).toEqual(["false"]);
    // Only AWS's own keys: no key for the list of principal tag keys.
    expect(c.entries().map(([k]) => k.toLowerCase())).not.toContain("aws:principaltagkeys");
    expect(c.entries().every(([k]) => /^(aws|sts):/.test(k))).toBe(true);
  });

  it("an IAM user with MFA: temporary credentials carry MultiFactorAuthPresent, Age and TokenIssueTime", () => {
    const c = resolveCaller(snapshot(), `arn:aws:iam::${A}:user/eng/alice`, {
      mfa: true,
      mfaAgeSeconds: 120,
      at: "2025-06-01T12:00:00Z",
    }).context;
    expect(c.get("aws:MultiFactorAuthPresent")).toEqual(["true"]);
    expect(c.get("aws:MultiFactorAuthAge")).toEqual(["120"]);
    expect(c.get("aws:TokenIssueTime")).toEqual(["2025-06-01T11:58:00Z"]);
  });

  it("a role session: AssumedRole, ROLEID:session, the role ARN with its path, no user name, MFA false", () => {
    const c = resolveCaller(snapshot(), `arn:aws:sts::${A}:assumed-role/deploy/build-7`, {
      sourceIdentity: "alice",
    }).context;
    expect(c.get("aws:PrincipalType")).toEqual(["AssumedRole"]);
    expect(c.get("aws:userid")).toEqual(["AROADEPLOY000000000001:build-7"]);
    expect(c.get("aws:PrincipalArn")).toEqual([`arn:aws:iam::${A}:role/ci/deploy`]);
    expect(c.get("aws:username")).toBeUndefined();
    expect(c.get("aws:PrincipalTag/Env")).toEqual(["prod"]);
    expect(c.get("aws:MultiFactorAuthPresent")).toEqual(["false"]);
    expect(c.get("aws:MultiFactorAuthAge")).toBeUndefined();
    expect(c.get("aws:SourceIdentity")).toEqual(["alice"]);
  });

  it("a role given by ARN uses callerSessionName; a session of a role outside the snapshot keeps its role ARN", () => {
    const given = resolveCaller(snapshot(), `arn:aws:iam::${A}:role/ci/deploy`, { callerSessionName: "s1" });
    expect(given.arn).toBe(`arn:aws:sts::${A}:assumed-role/deploy/s1`);
    expect(given.context.get("aws:userid")).toEqual(["AROADEPLOY000000000001:s1"]);
    const outside = resolveCaller(snapshot(), `arn:aws:sts::222222222222:assumed-role/gone/s`).context;
    expect(outside.get("aws:PrincipalArn")).toEqual(["arn:aws:iam::222222222222:role/gone"]);
    expect(outside.get("aws:PrincipalAccount")).toEqual(["222222222222"]);
    expect(outside.get("aws:userid")).toBeUndefined();
  });

  it("the account root and federated users get their documented PrincipalType and userid", () => {
    const root = resolveCaller(snapshot(), `arn:aws:iam::${A}:root`).context;
    expect(root.get("aws:PrincipalType")).toEqual(["Account"]);
    expect(root.get("aws:userid")).toEqual([A]);
    expect(root.get("aws:username")).toBeUndefined();
    const fed = resolveCaller(snapshot(), `arn:aws:sts::${A}:federated-user/carol`).context;
    expect(fed.get("aws:PrincipalType")).toEqual(["FederatedUser"]);
    expect(fed.get("aws:userid")).toEqual([`${A}:carol`]);
    expect(fed.get("aws:MultiFactorAuthPresent")).toBeUndefined();
  });

  it("aws:CurrentTime and aws:EpochTime come from the given instant: text, epoch seconds or a Date", () => {
    const iso = buildRequestContext({}, { at: "2025-06-01T14:00:00+02:00" }).context;
    expect(iso.get("aws:CurrentTime")).toEqual(["2025-06-01T12:00:00Z"]);
    expect(iso.get("aws:EpochTime")).toEqual(["1748779200"]);
    const epoch = buildRequestContext({}, { at: "1748779200" }).context;
    expect(epoch.get("aws:CurrentTime")).toEqual(["2025-06-01T12:00:00Z"]);
    const date = buildRequestContext({}, { at: { getTime: () => 1748779200500 } }).context;
    expect(date.get("aws:CurrentTime")).toEqual(["2025-06-01T12:00:00.500Z"]);
    expect(date.get("aws:EpochTime")).toEqual(["1748779200"]);
    const none = buildRequestContext({}, {});
    expect(none.context.get("aws:CurrentTime")).toBeUndefined();
    const bad = buildRequestContext({}, { at: "next tuesday" });
    expect(bad.context.get("aws:CurrentTime")).toBeUndefined();
    expect(bad.warnings.join()).toContain("not a date");
  });

  it("formats dates without a clock, round-tripping parseIamDate", () => {
    for (const text of [
      "1970-01-01T00:00:00Z",
      "2000-02-29T23:59:59Z",
      "2024-12-31T00:00:00.250Z",
      "1969-07-20T20:17:40Z",
    ]) {
      expect(formatIamDate(parseIamDate(text) ?? Number.NaN)).toBe(text);
    }
  });

  it("keys given in context override computed ones", () => {
    const c = resolveCaller(snapshot(), `arn:aws:iam::${A}:user/eng/alice`, {
      context: { "aws:PrincipalTag/team": "ops", "aws:SourceIp": "10.0.0.1", "aws:TagKeys": ["a", "b"] },
    }).context;
    expect(c.get("aws:PrincipalTag/team")).toEqual(["ops"]);
    expect(c.get("aws:SourceIp")).toEqual(["10.0.0.1"]);
    expect(c.get("aws:TagKeys")).toEqual(["a", "b"]);
  });
});

describe("request context of a request on a resource", () => {
  it("AssumeRole: the role's own tags are aws:ResourceTag/*, with the AssumeRole parameters", () => {
    const d = canAssumeRole(snapshot(), `arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${A}:role/ci/deploy`, {
      sessionName: "bob-s",
      externalId: "x-1",
      at: "2025-06-01T12:00:00Z",
    });
    const c = ctx(d);
    expect(c["aws:ResourceTag/team"]).toEqual(["rnd"]);
    expect(c["aws:ResourceTag/Env"]).toEqual(["prod"]);
    expect(c["aws:ResourceAccount"]).toEqual([A]);
    expect(c["sts:RoleSessionName"]).toEqual(["bob-s"]);
    expect(c["sts:ExternalId"]).toEqual(["x-1"]);
    expect(c["aws:CurrentTime"]).toEqual(["2025-06-01T12:00:00Z"]);
    expect(c["sts:SourceIdentity"]).toBeUndefined();
    expect(d.context.map(([k]) => k)).toEqual(
      [...d.context.map(([k]) => k)].sort((a, b) => a.localeCompare(b)),
    );
  });

  it("other requests on a user or role of the snapshot see that entity's tags", () => {
    const d = evaluate(
      snapshot(),
      `arn:aws:iam::${A}:user/bob`,
      "iam:GetUser",
      `arn:aws:iam::${A}:user/eng/alice`,
    );
    expect(ctx(d)["aws:ResourceTag/team"]).toEqual(["rnd"]);
    const s3 = evaluate(snapshot(), `arn:aws:iam::${A}:user/bob`, "s3:GetObject", "arn:aws:s3:::bucket/key");
    expect(ctx(s3)["aws:ResourceAccount"]).toBeUndefined();
  });

  /** One user `u` with one inline policy of these statements; `ask` evaluates s3:GetObject. */
  function oneUser(...statements: object[]): (options?: RequestOptions) => Decision {
    const snap: IamSnapshot = {
      accounts: [
        {
          UserDetailList: [
            {
              UserName: "u",
              Arn: `arn:aws:iam::${A}:user/u`,
              UserPolicyList: [{ PolicyName: "p", PolicyDocument: doc(...statements) }],
            },
          ],
        },
      ],
    };
    return (options = {}) =>
      evaluate(snap, `arn:aws:iam::${A}:user/u`, "s3:GetObject", "arn:aws:s3:::b/k", options);
  }

  it("a decision that tests aws:CurrentTime without a request time says so", () => {
    const ask = oneUser({
      Sid: "Until",
      Effect: "Allow",
      Action: "s3:*",
      Resource: "*",
      Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
    });
    const without = ask();
    expect(without.decision).toBe("ImplicitDeny");
    expect(without.warnings.join("\n")).toContain(
      "tests aws:CurrentTime, which AWS sets on every request, but no request time was given",
    );
    const withTime = ask({ at: "2029-12-31T23:59:59Z" });
    expect(withTime.decision).toBe("Allow");
    expect(withTime.warnings).toEqual([]);
  });

  it("a Deny on aws:SourceIp without the caller's address says the address was not given", () => {
    const ask = oneUser(
      { Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "*" },
      {
        Sid: "OfficeOnly",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      },
    );
    const unknown = ask();
    expect(unknown.decision).toBe("ExplicitDeny");
    expect(unknown.warnings.join("\n")).toContain("the caller's IP address was not given");
    const office = ask({ context: { "aws:SourceIp": "203.0.113.7" } });
    expect(office.decision).toBe("Allow");
    expect(office.warnings).toEqual([]);
  });
});
