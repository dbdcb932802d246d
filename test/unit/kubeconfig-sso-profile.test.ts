// Planning an Identity Center member's AWS config profile (core/kubeconfig/aws-config.ts,
// planSsoProfile) and picking an Identity Center team's target (core/kubeconfig/target.ts):
// which session is used or added, what counts as the same profile, what is a conflict.
import { describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { planSsoProfile, type SsoProfileWish } from "../../src/core/kubeconfig/aws-config.js";
import { targetFromConfig } from "../../src/core/kubeconfig/target.js";

const WISH: SsoProfileWish = {
  profileName: "eksgate-data",
  accountId: "222222222222",
  roleName: "EksgateData",
  region: "eu-west-1",
  ssoRegion: "us-east-1",
};
const URL = "https://d-1234567890.awsapps.com/start";
const CORP = `[sso-session corp]
sso_start_url = ${URL}
sso_region = us-east-1
`;

describe("planSsoProfile", () => {
  it("adds a session and the profile after what is there, separated by one blank line", () => {
    const plan = planSsoProfile("[default]\nregion = eu-west-1", { ...WISH, startUrl: URL });
    expect(plan.action).toBe("add");
    expect(plan.action !== "needs-start-url" && plan.text).toBe(`[default]
region = eu-west-1

[sso-session eksgate]
sso_start_url = ${URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile eksgate-data]
sso_session = eksgate
sso_account_id = 222222222222
sso_role_name = EksgateData
region = eu-west-1
`);
  });

  it("reuses the session that has the start URL, and the only session when no URL is given", () => {
    for (const wish of [{ ...WISH, startUrl: URL }, WISH]) {
      const plan = planSsoProfile(CORP, wish);
      expect(plan.action).toBe("add");
      if (plan.action === "needs-start-url") throw new Error("a session is there");
      expect(plan.sessionName).toBe("corp");
      expect(plan.session.action).toBe("unchanged");
      expect(plan.text).toBe(
        `${CORP}\n[profile eksgate-data]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = EksgateData\nregion = eu-west-1\n`,
      );
    }
  });

  it("without a session or a start URL there is nothing to add the profile to", () => {
    expect(planSsoProfile("", WISH)).toMatchObject({ action: "needs-start-url", sessionName: "eksgate" });
    const two = `${CORP}\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n`;
    expect(planSsoProfile(two, WISH)).toMatchObject({ action: "needs-start-url" });
  });

  it("a named session with another region is a conflict and the file stays as it is", () => {
    const plan = planSsoProfile(CORP, { ...WISH, session: "corp", ssoRegion: "eu-central-1" });
    expect(plan.action).toBe("conflict");
    if (plan.action === "needs-start-url") throw new Error("a session is there");
    expect(plan.session).toEqual({
      action: "conflict",
      line: 1,
      differences: [["sso_region", "us-east-1", "eu-central-1"]],
    });
    expect(plan.text).toBe(CORP);
  });

  it("an existing profile with the same account and permission set is used as it is, whatever its session", () => {
    const mine = `${CORP}\n[profile eksgate-data]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = EksgateData\noutput = json\n`;
    expect(planSsoProfile(mine, { ...WISH, startUrl: "https://elsewhere.awsapps.com/start" })).toMatchObject({
      action: "unchanged",
      sessionName: "corp",
      profile: { action: "unchanged", line: 5 },
    });
    const other = mine.replace("EksgateData", "Admin");
    expect(planSsoProfile(other, WISH)).toMatchObject({
      action: "conflict",
      profile: { action: "conflict", line: 5, differences: [["sso_role_name", "Admin", "EksgateData"]] },
    });
  });
});

const ORG = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accounts:
  - id: "111111111111"
    alias: identity
  - id: "222222222222"
    alias: prod
identityAccount: identity
identityCenter:
  region: us-east-1
  identityStoreId: d-1234567890
clusters:
  - name: prod
    region: eu-west-1
    account: prod
teams:
  - name: rnd
    iamGroup: rnd-devs
    access:
      - cluster: prod
        clusterRole: view
  - name: data
    identityCenter:
      group: Data
      permissionSet: EksgateData
    access:
      - cluster: prod
        clusterRole: edit
`;

describe("targetFromConfig with several accounts and Identity Center", () => {
  const parsed = parseAccessConfig("org.yaml", ORG);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  const config = parsed.value;

  it("an IAM-group team assumes its role in the cluster's account", () => {
    const target = targetFromConfig(config, { team: "rnd" }, "org.yaml");
    expect(target.ok && target.value.team.roleArn).toBe("arn:aws:iam::222222222222:role/eksgate-rnd");
    expect(target.ok && target.value.identityCenter).toBeUndefined();
  });

  it("an Identity Center team gets its permission set, the instance's region and the default portal URL", () => {
    const target = targetFromConfig(config, { team: "data" }, "org.yaml");
    expect(target.ok && target.value.identityCenter).toEqual({
      permissionSet: "EksgateData",
      region: "us-east-1",
      startUrl: "https://d-1234567890.awsapps.com/start",
    });
  });
});
