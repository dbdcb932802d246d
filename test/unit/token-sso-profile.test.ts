// What the token plugin reads of an IAM Identity Center profile (src/token/sso.ts): the
// profile's settings in both forms, the cached token's file name and validity, and the
// TOK codes that say what to do. The portal call itself: test/integration/token-sso.test.ts.
import { describe, expect, it } from "vitest";
import { ssoAccessToken, ssoPortalEndpoint, ssoProfileFrom, ssoTokenFile } from "../../src/token/sso.js";

const FILE = "/home/ana/.aws/config";
const SESSION_FORM = `[default]
region = eu-west-1

[sso-session my-sso]
sso_start_url = https://d-9067642ac7.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

[profile payments]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = EksgatePayments
region = eu-west-1
`;
const LEGACY_FORM = `[profile old]
sso_start_url = https://d-9067642ac7.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly
`;
const NOW = Date.parse("2026-12-04T02:00:00Z");

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return "no failure";
}

describe("SSO profiles", () => {
  it("reads the sso-session form: account and role from the profile, start URL and region from the session", () => {
    expect(ssoProfileFrom(SESSION_FORM, undefined, "payments", FILE)).toEqual({
      profile: "payments",
      accountId: "111122223333",
      roleName: "EksgatePayments",
      startUrl: "https://d-9067642ac7.awsapps.com/start",
      region: "eu-central-1",
      session: "my-sso",
    });
  });

  it("reads the legacy form with the start URL in the profile", () => {
    expect(ssoProfileFrom(LEGACY_FORM, undefined, "old", FILE)).toEqual({
      profile: "old",
      accountId: "111122223333",
      roleName: "ReadOnly",
      startUrl: "https://d-9067642ac7.awsapps.com/start",
      region: "us-east-1",
    });
  });

  it("leaves profiles that are no SSO profile, or also something else, to the SDK chain", () => {
    expect(ssoProfileFrom(SESSION_FORM, undefined, "default", FILE)).toBeUndefined();
    expect(ssoProfileFrom(SESSION_FORM, undefined, "missing", FILE)).toBeUndefined();
    const withRole = `${LEGACY_FORM}role_arn = arn:aws:iam::111122223333:role/x\n`;
    expect(ssoProfileFrom(withRole, undefined, "old", FILE)).toBeUndefined();
    const keys = "[old]\naws_access_key_id = AKIA\naws_secret_access_key = s\n";
    expect(ssoProfileFrom(LEGACY_FORM, keys, "old", FILE)).toBeUndefined();
    expect(ssoProfileFrom(LEGACY_FORM, "[other]\naws_access_key_id = AKIA\n", "old", FILE)).toBeDefined();
  });

  it("an incomplete or contradictory SSO profile is TOK103, naming the profile, the file and what is wrong", () => {
    const noSession = SESSION_FORM.replace("[sso-session my-sso]", "[sso-session other]");
    expect(failure(() => ssoProfileFrom(noSession, undefined, "payments", FILE))).toBe(
      `TOK103 AWS profile payments in ${FILE} is not a usable SSO profile: sso_session my-sso names no [sso-session my-sso] section; fix the profile (eksgate kubeconfig --write-aws-profile writes a complete one)`,
    );
    const noRole = LEGACY_FORM.replace("sso_role_name = ReadOnly\n", "");
    expect(failure(() => ssoProfileFrom(noRole, undefined, "old", FILE))).toMatch(
      /^TOK103 .*: no sso_role_name;/,
    );
    const badAccount = LEGACY_FORM.replace("111122223333", "1111");
    expect(failure(() => ssoProfileFrom(badAccount, undefined, "old", FILE))).toMatch(
      /sso_account_id 1111 is not 12 digits/,
    );
    const contradicts = SESSION_FORM.replace(
      "sso_session = my-sso",
      "sso_session = my-sso\nsso_region = us-west-2",
    );
    expect(failure(() => ssoProfileFrom(contradicts, undefined, "payments", FILE))).toMatch(
      /its sso_region differs from that of \[sso-session my-sso\]/,
    );
  });
});

describe("the cached SSO token", () => {
  const profile = ssoProfileFrom(SESSION_FORM, undefined, "payments", FILE);
  const legacy = ssoProfileFrom(LEGACY_FORM, undefined, "old", FILE);
  if (profile === undefined || legacy === undefined) throw new Error("fixtures are SSO profiles");

  it("is named after the SHA-1 of the session name, or of the start URL in the legacy form (as botocore names it)", () => {
    expect(ssoTokenFile("/home/ana", profile)).toBe(
      "/home/ana/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json",
    );
    expect(ssoTokenFile("/home/ana", legacy)).toBe(
      "/home/ana/.aws/sso/cache/9e104e67bc03709422c341f8e7b917448969b3a1.json",
    );
  });

  it("is used while it has more than a minute left, in either timestamp form", () => {
    const token = (expiresAt: string) => JSON.stringify({ accessToken: "t0k", expiresAt });
    expect(ssoAccessToken(token("2026-12-04T03:00:00Z"), profile, "f", NOW)).toEqual({ accessToken: "t0k" });
    expect(ssoAccessToken(token("2026-12-04T02:01:30.000Z"), profile, "f", NOW)).toEqual({
      accessToken: "t0k",
    });
  });

  it("missing or unreadable is TOK101: run aws sso login for the profile", () => {
    expect(failure(() => ssoAccessToken(undefined, profile, "/c/x.json", NOW))).toBe(
      "TOK101 not signed in to SSO session my-sso (no token in /c/x.json); run `aws sso login --profile payments` and try again",
    );
    expect(failure(() => ssoAccessToken("{not json", legacy, "/c/y.json", NOW))).toBe(
      "TOK101 not signed in to SSO start URL https://d-9067642ac7.awsapps.com/start (no usable token in /c/y.json); run `aws sso login --profile old` and try again",
    );
  });

  it("expired (or in its last minute) is TOK102, unless the SDK can refresh it", () => {
    const expired = JSON.stringify({ accessToken: "t0k", expiresAt: "2026-12-04T02:00:30Z" });
    expect(failure(() => ssoAccessToken(expired, profile, "f", NOW))).toBe(
      "TOK102 the sign-in to SSO session my-sso expired at 2026-12-04T02:00:30.000Z; run `aws sso login --profile payments` and try again",
    );
    const refreshable = JSON.stringify({
      accessToken: "t0k",
      expiresAt: "2026-12-04T01:00:00Z",
      refreshToken: "r",
      clientId: "c",
      clientSecret: "s",
      registrationExpiresAt: "2027-01-01T00:00:00Z",
    });
    expect(ssoAccessToken(refreshable, profile, "f", NOW)).toBe("refresh");
    const registrationOver = refreshable.replace("2027-01-01", "2026-12-01");
    expect(failure(() => ssoAccessToken(registrationOver, profile, "f", NOW))).toMatch(/^TOK102 /);
  });
});

describe("the portal endpoint", () => {
  it("is the regional portal unless AWS_ENDPOINT_URL_SSO or AWS_ENDPOINT_URL says otherwise", () => {
    expect(ssoPortalEndpoint({}, "eu-central-1")).toBe("https://portal.sso.eu-central-1.amazonaws.com");
    expect(ssoPortalEndpoint({ AWS_ENDPOINT_URL: "http://a" }, "x")).toBe("http://a");
    expect(ssoPortalEndpoint({ AWS_ENDPOINT_URL: "http://a", AWS_ENDPOINT_URL_SSO: "http://b" }, "x")).toBe(
      "http://b",
    );
  });
});
