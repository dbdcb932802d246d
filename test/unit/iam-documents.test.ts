import { describe, expect, it } from "vitest";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import {
  IAM_NAME_MAX_LENGTH,
  groupPolicyName,
  rolePolicyName,
  teamClusterArns,
  teamGroupPolicy,
  teamIamDocuments,
  teamRolePolicy,
  teamRoleTags,
  teamTrustPolicy,
  validateIamName,
  validateTeamIam,
} from "../../src/core/model/iam-documents.js";
import {
  asArray,
  decodePolicyDocument,
  policyDocumentsEquivalent,
  serializePolicyDocument,
  statementsOf,
  validatePolicyDocument,
} from "../../src/core/model/policy-document.js";
import { expectGolden } from "../support/golden.js";
import {
  ACCOUNT_ID,
  DEV,
  PROD,
  access,
  cluster,
  exampleConfig,
  team,
  teamNamed,
} from "../support/example-access-config.js";

function documentsJson(config: AccessConfig, teamName: string): string {
  const docs = teamIamDocuments(config, teamNamed(config, teamName));
  const asData = {
    ...docs,
    trustPolicy: JSON.parse(serializePolicyDocument(docs.trustPolicy)) as unknown,
    rolePolicy: {
      name: docs.rolePolicy.name,
      document: JSON.parse(serializePolicyDocument(docs.rolePolicy.document)) as unknown,
    },
    groupPolicy: {
      name: docs.groupPolicy.name,
      document: JSON.parse(serializePolicyDocument(docs.groupPolicy.document)) as unknown,
    },
  };
  return `${JSON.stringify(asData, null, 2)}\n`;
}

describe("team IAM documents (golden)", () => {
  const config = exampleConfig();
  it.each(config.teams.map((t) => t.name))("matches the golden documents of team %s", (name) => {
    expectGolden(`iam/${name}.json`, documentsJson(config, name));
  });

  it("writes the trust policy JSON byte for byte as the golden file", () => {
    expectGolden(
      "iam/rnd-trust-policy.json",
      `${serializePolicyDocument(teamTrustPolicy(config, teamNamed(config, "rnd")))}\n`,
    );
  });
});

describe("teamTrustPolicy", () => {
  const account = { accountId: ACCOUNT_ID, partition: "aws" };

  it("trusts the account root for sts:AssumeRole only, and forces the session name for `caller`", () => {
    const doc = teamTrustPolicy(account, team("rnd"));
    const [st, ...rest] = statementsOf(doc);
    expect(rest).toEqual([]);
    expect(doc.Version).toBe("2012-10-17");
    expect(st?.Principal).toEqual({ AWS: "arn:aws:iam::123456789123:root" });
    expect(asArray(st?.Action)).toEqual(["sts:AssumeRole"]);
    expect(st?.Condition).toEqual({ StringEquals: { "sts:RoleSessionName": "${aws:username}" } });
  });

  it("has no condition for `free` session names without MFA", () => {
    const st = statementsOf(teamTrustPolicy(account, team("x", { sessionName: "free" })))[0];
    expect(st?.Condition).toBeUndefined();
  });

  it("adds the MFA condition when required, with or without the session-name condition", () => {
    expect(
      statementsOf(teamTrustPolicy(account, team("x", { requireMfa: true, sessionName: "free" })))[0]
        ?.Condition,
    ).toEqual({
      Bool: { "aws:MultiFactorAuthPresent": "true" },
    });
    expect(statementsOf(teamTrustPolicy(account, team("x", { requireMfa: true })))[0]?.Condition).toEqual({
      StringEquals: { "sts:RoleSessionName": "${aws:username}" },
      Bool: { "aws:MultiFactorAuthPresent": "true" },
    });
  });

  it("uses the config's partition for the root principal", () => {
    const st = statementsOf(
      teamTrustPolicy({ accountId: ACCOUNT_ID, partition: "aws-us-gov" }, team("x")),
    )[0];
    expect(st?.Principal).toEqual({ AWS: "arn:aws-us-gov:iam::123456789123:root" });
  });

  it("does not allow sts:TagSession", () => {
    const text = serializePolicyDocument(teamTrustPolicy(account, team("x", { requireMfa: true })));
    expect(text).not.toMatch(/TagSession/);
  });
});

describe("teamRolePolicy", () => {
  it("allows only eks:DescribeCluster on exactly the team's cluster", () => {
    const doc = teamRolePolicy([DEV, PROD], team("rnd", { access: [access(DEV.name, "edit")] }));
    const sts = statementsOf(doc);
    expect(sts).toHaveLength(1);
    expect(asArray(sts[0]?.Action)).toEqual(["eks:DescribeCluster"]);
    expect(asArray(sts[0]?.Resource)).toEqual([DEV.arn]);
    expect(sts[0]?.Effect).toBe("Allow");
  });

  it("lists every cluster of the team once, sorted, with no wildcard anywhere", () => {
    const extra = cluster("a-first", "ap-south-1");
    const t = team("multi", {
      access: [
        access(PROD.name, "view"),
        access(DEV.name, "edit", ["a"]),
        access(DEV.name, "view", ["b"]),
        access(extra.name, "view"),
      ],
    });
    const doc = teamRolePolicy([DEV, PROD, extra], t);
    const st = statementsOf(doc)[0];
    // Sorted by ARN: ap-south-1, eu-west-1, us-east-2.
    expect(asArray(st?.Resource)).toEqual([extra.arn, PROD.arn, DEV.arn]);
    for (const value of [...asArray(st?.Action), ...asArray(st?.Resource)]) expect(value).not.toContain("*");
  });

  it("is the same whatever order the team's access entries come in", () => {
    const a = team("t", { access: [access(PROD.name, "view"), access(DEV.name, "edit")] });
    const b = team("t", { access: [access(DEV.name, "edit"), access(PROD.name, "view")] });
    expect(serializePolicyDocument(teamRolePolicy([DEV, PROD], a))).toBe(
      serializePolicyDocument(teamRolePolicy([PROD, DEV], b)),
    );
  });

  it("throws on a cluster the config does not define (a broken invariant)", () => {
    expect(() => teamClusterArns([DEV], team("t", { access: [access("nope", "view")] }))).toThrow(/nope/);
    expect(() => teamRolePolicy([DEV], team("t", { access: [] }))).toThrow(/no cluster access/);
  });
});

describe("teamGroupPolicy", () => {
  it("allows sts:AssumeRole on exactly the team's role", () => {
    const t = team("rnd");
    const st = statementsOf(teamGroupPolicy(t))[0];
    expect(asArray(st?.Action)).toEqual(["sts:AssumeRole"]);
    expect(asArray(st?.Resource)).toEqual([t.roleArn]);
  });
});

describe("generated documents", () => {
  const config = exampleConfig();
  it.each(config.teams.map((t) => t.name))("pass IAM's structural checks for team %s", (name) => {
    const docs = teamIamDocuments(config, teamNamed(config, name));
    expect(validatePolicyDocument(docs.trustPolicy, "trust", "t")).toEqual([]);
    expect(validatePolicyDocument(docs.rolePolicy.document, "identity", "r")).toEqual([]);
    expect(validatePolicyDocument(docs.groupPolicy.document, "identity", "g")).toEqual([]);
  });

  it("round-trip through IAM's encoded form as equivalent documents", () => {
    const docs = teamIamDocuments(config, teamNamed(config, "payments"));
    for (const doc of [docs.trustPolicy, docs.rolePolicy.document, docs.groupPolicy.document]) {
      const decoded = decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)));
      expect(decoded.ok && policyDocumentsEquivalent(decoded.value, doc)).toBe(true);
    }
  });

  it("names and tags the team's policies and role", () => {
    const t = team("rnd");
    expect(groupPolicyName(t)).toBe("eksgate-rnd-assume");
    expect(rolePolicyName(t)).toBe("eksgate-rnd-eks");
    expect(teamRoleTags(t)).toEqual([
      { Key: "eksgate.dev/managed-by", Value: "eksgate" },
      { Key: "eksgate.dev/team", Value: "rnd" },
    ]);
  });
});

describe("validateIamName", () => {
  it.each([
    ["role", 64],
    ["user", 64],
    ["group", 128],
    ["policy", 128],
  ] as const)("allows %s names up to %i characters and not one more", (kind, max) => {
    expect(IAM_NAME_MAX_LENGTH[kind]).toBe(max);
    expect(validateIamName(kind, "a".repeat(max), "p")).toEqual([]);
    expect(validateIamName(kind, "a".repeat(max + 1), "p").map((d) => d.code)).toEqual(["IAM002"]);
  });

  it("allows letters, digits and + = , . @ _ - and names the characters it rejects", () => {
    expect(validateIamName("role", "dev.eks-access.role_+=,@", "p")).toEqual([]);
    const [d, ...rest] = validateIamName("group", "dev rnd/group", "teams[0].iamGroup");
    expect(rest).toEqual([]);
    expect(d?.code).toBe("IAM003");
    expect(d?.path).toBe("teams[0].iamGroup");
    expect(d?.summary).toContain('" /"');
  });

  it("rejects an empty name", () => {
    expect(validateIamName("role", "", "p").map((d) => d.code)).toEqual(["IAM001"]);
  });
});

describe("validateTeamIam", () => {
  it("finds nothing wrong with the example config", () => {
    const config = exampleConfig();
    config.teams.forEach((t, i) => {
      expect(validateTeamIam(config, t, `teams[${i}]`)).toEqual([]);
    });
  });

  it("reports a role name over 64 characters at the role name", () => {
    const config = exampleConfig();
    const t = team("rnd", { roleName: "r".repeat(65), access: [access(DEV.name, "view")] });
    expect(validateTeamIam(config, t, "teams[0]").map((d) => [d.code, d.path])).toEqual([
      ["IAM002", "teams[0].roleName"],
    ]);
  });

  it("reports policy names that get too long once, at the team name", () => {
    const config = exampleConfig();
    const name = "n".repeat(118); // eksgate-<name>-assume = 133 characters
    const t = team(name, { roleName: "short", access: [access(DEV.name, "view")] });
    expect(validateTeamIam(config, t, "teams[3]").map((d) => [d.code, d.path])).toEqual([
      ["IAM002", "teams[3].name"],
    ]);
  });

  it("reports a team name that is no valid IAM tag value or policy name", () => {
    const config = exampleConfig();
    const t = team("a*b", { roleName: "ok", iamGroup: "ok-group", access: [access(DEV.name, "view")] });
    expect(
      validateTeamIam(config, t, "teams[0]")
        .map((d) => d.code)
        .sort(),
    ).toEqual(["IAM003", "IAM004"]);
  });

  it("reports a role permission policy over IAM's size quota", () => {
    const clusters = Array.from({ length: 120 }, (_, i) =>
      cluster(`cluster-with-a-rather-long-name-number-${i}`, "us-east-1"),
    );
    const config: AccessConfig = { ...exampleConfig(), clusters };
    const t = team("big", { access: clusters.map((c) => access(c.name, "view")) });
    const diagnostics = validateTeamIam(config, t, "teams[0]");
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([["IAM005", "teams[0].access"]]);
  });

  it("skips the documents while a cluster reference is unresolved instead of throwing", () => {
    const config = exampleConfig();
    const t = team("t", { access: [access("nope", "view")] });
    expect(validateTeamIam(config, t, "teams[0]")).toEqual([]);
  });
});
