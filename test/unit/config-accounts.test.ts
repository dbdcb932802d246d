import { describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { sessionDurationSeconds } from "../../src/core/config/rules.js";
import { teamAccounts, teamRoleArnFor } from "../../src/core/model/access-config.js";

const orgConfig = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accounts:
  - id: "111111111111"
    alias: identity
  - id: "222222222222"
    alias: prod
    roleArn: arn:aws:iam::222222222222:role/OrganizationAccountAccessRole
  - id: "333333333333"
    alias: staging
    profile: staging-admin
identityAccount: identity
identityCenter:
  region: us-east-1
clusters:
  - name: prod
    region: eu-west-1
    account: prod
  - name: staging
    region: eu-west-1
    account: "333333333333"
teams:
  - name: rnd
    iamGroup: rnd-devs
    access:
      - cluster: prod
        clusterRole: view
      - cluster: staging
        clusterRole: edit
  - name: sre
    identityCenter:
      group: SRE
      permissionSet: EksgateSre
    access:
      - cluster: prod
        clusterRole: admin
`;

describe("config: several accounts", () => {
  it("resolves each cluster's account by alias or id and keeps the identity account", () => {
    const result = parseAccessConfig("org.yaml", orgConfig);
    expect(result.diagnostics).toEqual([]);
    if (!result.ok) throw new Error("expected a valid config");
    const config = result.value;
    expect(config.accountId).toBe("111111111111");
    expect(config.accounts.map((a) => [a.id, a.alias, a.reach])).toEqual([
      ["111111111111", "identity", { kind: "default" }],
      [
        "222222222222",
        "prod",
        { kind: "role", roleArn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole" },
      ],
      ["333333333333", "staging", { kind: "profile", profile: "staging-admin" }],
    ]);
    expect(config.clusters.map((c) => [c.accountId, c.arn])).toEqual([
      ["222222222222", "arn:aws:eks:eu-west-1:222222222222:cluster/prod"],
      ["333333333333", "arn:aws:eks:eu-west-1:333333333333:cluster/staging"],
    ]);
    const rnd = config.teams[0];
    if (rnd === undefined) throw new Error("no team");
    expect(teamAccounts(config, rnd)).toEqual(["222222222222", "333333333333"]);
    expect(config.clusters.map((c) => teamRoleArnFor(rnd, c))).toEqual([
      "arn:aws:iam::222222222222:role/eksgate-rnd",
      "arn:aws:iam::333333333333:role/eksgate-rnd",
    ]);
    expect(config.identityCenter).toEqual({ region: "us-east-1", accountId: "111111111111" });
  });

  it("an Identity Center team gets no IAM group and never the ${aws:username} session-name default", () => {
    const result = parseAccessConfig("org.yaml", orgConfig);
    if (!result.ok) throw new Error("expected a valid config");
    const sre = result.value.teams[1];
    expect(sre).toMatchObject({
      name: "sre",
      iamGroup: "",
      sessionName: "free",
      identityCenter: { group: "SRE", permissionSet: "EksgateSre", manage: true, sessionDuration: "PT1H" },
      kubernetesUsername: "eksgate:sre:{{SessionName}}",
    });
  });

  it("a single-account config is one account reached with the default identity", () => {
    const text = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "123456789012"
clusters: [{ name: dev, region: us-east-2 }]
teams: [{ name: rnd, iamGroup: rnd, access: [{ cluster: dev, clusterRole: view }] }]
`;
    const result = parseAccessConfig("one.yaml", text);
    if (!result.ok) throw new Error("expected a valid config");
    expect(result.value.accounts).toEqual([{ id: "123456789012", reach: { kind: "default" } }]);
    expect(result.value.clusters[0]?.accountId).toBe("123456789012");
    expect(result.value.identityCenter).toBeUndefined();
  });

  it("reports every problem at once, each with a code, a path, a position and a hint", () => {
    const text = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accounts:
  - id: "111111111111"
    alias: identity
  - id: "22222222222"
    alias: prod
    profile: prod
    roleArn: arn:aws:iam::444444444444:role/Admin
clusters:
  - name: prod
    region: eu-west-1
    account: prdo
teams:
  - name: rnd
    access: [{ cluster: prod, clusterRole: view }]
  - name: both
    iamGroup: g
    identityCenter: { group: G, permissionSet: P }
    access: [{ cluster: prod, clusterRole: view }]
  - name: sre
    sessionName: caller
    roleName: custom
    identityCenter:
      group: SRE
      groupId: 906753a1-1111-2222-3333-444444444444
      permissionSet: "a name with spaces"
      sessionDuration: PT13H
    access: [{ cluster: prod, clusterRole: view }]
`;
    const result = parseAccessConfig("bad.yaml", text);
    expect(result.ok).toBe(false);
    const got = result.diagnostics.map((d) => [d.code, d.path, d.source?.line]);
    expect(got).toEqual(
      expect.arrayContaining([
        ["EG129", "accounts[1].id", 6],
        ["EG151", "accounts[1]", 6],
        ["EG151", "accounts[1].roleArn", 9],
        ["EG150", "clusters[0].account", 13],
        ["EG152", "identityAccount", 1],
        ["EG153", "teams[0]", 15],
        ["EG153", "teams[1]", 17],
        ["EG156", "teams[2].sessionName", 22],
        ["EG156", "teams[2].roleName", 23],
        ["EG154", "teams[2].identityCenter", 25],
        ["EG155", "teams[2].identityCenter.permissionSet", 27],
        ["EG155", "teams[2].identityCenter.sessionDuration", 28],
      ]),
    );
    const unknown = result.diagnostics.find((d) => d.code === "EG150");
    expect(unknown?.summary).toBe('unknown account "prdo" (did you mean "prod"?)');
    // Every problem says what to do, in more than the summary's words.
    for (const d of result.diagnostics) {
      expect(typeof d.detail, d.code).toBe("string");
      expect(d.detail, d.code).not.toBe(d.summary);
      expect((d.detail ?? "").length, d.code).toBeGreaterThan(15);
    }
  });

  it("an IAM group ARN outside the identity account is EG136", () => {
    const text = orgConfig.replace(
      "iamGroup: rnd-devs",
      "iamGroup: arn:aws:iam::222222222222:group/rnd-devs",
    );
    const result = parseAccessConfig("org.yaml", text);
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["EG136", "teams[0].iamGroup"]]);
  });
});

describe("config: Identity Center session durations", () => {
  it("accepts PT1H to PT12H and nothing outside", () => {
    expect(["PT1H", "PT90M", "PT1H30M", "PT12H"].map(sessionDurationSeconds)).toEqual([
      3600, 5400, 5400, 43200,
    ]);
    expect(["PT59M", "PT12H1M", "P1D", "1h", "PT", ""].map(sessionDurationSeconds)).toEqual(
      Array(6).fill(undefined),
    );
  });

  it("refuses two Identity Center teams with one permission set (one role, one Kubernetes identity)", () => {
    const shared = orgConfig.replace(
      "  - name: sre\n",
      "  - name: ops\n    identityCenter: { group: Ops, permissionSet: EksgateSre }\n    access: [{ cluster: prod, clusterRole: view }]\n  - name: sre\n",
    );
    const result = parseAccessConfig("org.yaml", shared);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.path, d.summary, d.source?.line])).toEqual([
      [
        "EG126",
        "teams[2].identityCenter.permissionSet",
        'permission set "EksgateSre" is used by team "ops" too',
        36,
      ],
    ]);
  });
});
