import { describe, expect, it } from "vitest";
import { parseAwsConfigProfiles, planAwsConfigProfile } from "../../src/core/kubeconfig/aws-config.js";
import { formatAwsConfigProfile, type AwsCliProfile } from "../../src/core/model/kubeconfig-entry.js";

const profile: AwsCliProfile = {
  name: "eksgate-payments",
  settings: {
    role_arn: "arn:aws:iam::111122223333:role/eksgate-payments",
    source_profile: "default",
    role_session_name: "alice",
  },
};

const CONFIG = `# my settings
[default]
region = eu-west-1
output = json

[profile work]
sso_session = corp
s3 =
    max_concurrent_requests = 20

[sso-session corp]
sso_region = eu-west-1
`;

describe("AWS config profiles", () => {
  it("reads default and named profiles and skips other section kinds and nested settings", () => {
    const sections = parseAwsConfigProfiles(CONFIG);
    expect(sections.map((s) => s.profile)).toEqual(["default", "work"]);
    expect(sections[1]?.settings).toEqual({ sso_session: "corp", s3: "" });
  });

  it("appends a missing profile and leaves the rest of the file byte for byte", () => {
    const plan = planAwsConfigProfile(CONFIG, profile, formatAwsConfigProfile);
    expect(plan.action).toBe("add");
    if (plan.action !== "add") return;
    expect(plan.text.startsWith(CONFIG)).toBe(true);
    expect(plan.text.slice(CONFIG.length)).toBe(
      "\n[profile eksgate-payments]\nrole_arn = arn:aws:iam::111122223333:role/eksgate-payments\nsource_profile = default\nrole_session_name = alice\n",
    );
    expect(parseAwsConfigProfiles(plan.text).find((s) => s.profile === "eksgate-payments")?.settings).toEqual(
      profile.settings,
    );
  });

  it("separates the new section from a file without a final newline", () => {
    const plan = planAwsConfigProfile("[default]\nregion = x", profile, formatAwsConfigProfile);
    expect(
      plan.action === "add" && plan.text.startsWith("[default]\nregion = x\n\n[profile eksgate-payments]\n"),
    ).toBe(true);
  });

  it("accepts an existing profile with the same settings (and extra ones of its owner)", () => {
    const text = `${CONFIG}\n[profile eksgate-payments]\nrole_arn = ${profile.settings.role_arn}\nsource_profile=default\nrole_session_name = alice\nregion = us-east-1\n`;
    expect(planAwsConfigProfile(text, profile, formatAwsConfigProfile)).toEqual({
      action: "unchanged",
      line: 14,
    });
  });

  it("reports a profile with other settings as a conflict, naming each difference", () => {
    const text = `[profile eksgate-payments]\nrole_arn = ${profile.settings.role_arn}\nsource_profile = ops\n`;
    expect(planAwsConfigProfile(text, profile, formatAwsConfigProfile)).toEqual({
      action: "conflict",
      line: 1,
      differences: [
        ["source_profile", "ops", "default"],
        ["role_session_name", undefined, "alice"],
      ],
    });
  });
});
