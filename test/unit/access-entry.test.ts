import { describe, expect, it } from "vitest";
import {
  accessPolicyArn,
  teamAccessEntry,
  teamAwsAuthMapping,
  validateAccessEntry,
  validateAwsAuthRoleMapping,
  type AccessEntrySpec,
} from "../../src/core/model/access-entry.js";
import { expectGolden } from "../support/golden.js";
import { exampleConfig, team } from "../support/example-access-config.js";

const valid: AccessEntrySpec = {
  principalArn: "arn:aws:iam::123456789123:role/eksgate-rnd",
  type: "STANDARD",
  kubernetesGroups: ["eksgate:rnd"],
  username: "eksgate:rnd:{{SessionName}}",
  accessPolicies: [],
};

function codes(entry: Partial<AccessEntrySpec>): string[] {
  return validateAccessEntry({ ...valid, ...entry }, "entry").map((d) => d.code);
}

describe("identity mappings (golden)", () => {
  it("matches the golden aws-auth entries and access entries of the example teams", () => {
    const config = exampleConfig();
    const teams = [...config.teams, team("breakglass", { systemMasters: true })];
    const out = {
      mapRoles: teams.map(teamAwsAuthMapping),
      accessEntries: teams.map((t) => teamAccessEntry(t)),
    };
    expectGolden("identity/mappings.json", `${JSON.stringify(out, null, 2)}\n`);
  });
});

describe("teamAwsAuthMapping", () => {
  it("maps the role to the team's username template and group", () => {
    expect(teamAwsAuthMapping(team("rnd"))).toEqual({
      rolearn: "arn:aws:iam::123456789123:role/eksgate-rnd",
      username: "eksgate:rnd:{{SessionName}}",
      groups: ["eksgate:rnd"],
    });
  });

  it("adds system:masters only when the team asked for it", () => {
    expect(teamAwsAuthMapping(team("a")).groups).not.toContain("system:masters");
    expect(teamAwsAuthMapping(team("a", { systemMasters: true })).groups).toEqual([
      "eksgate:a",
      "system:masters",
    ]);
  });

  it("passes the aws-auth checks", () => {
    expect(validateAwsAuthRoleMapping(teamAwsAuthMapping(team("rnd")), "mapRoles[0]")).toEqual([]);
  });
});

describe("validateAwsAuthRoleMapping", () => {
  it("reports a role path, which aws-auth never matches", () => {
    const d = validateAwsAuthRoleMapping(
      {
        rolearn: "arn:aws:iam::123456789123:role/teams/eksgate-rnd",
        username: "u:{{SessionName}}",
        groups: [],
      },
      "mapRoles[3]",
    );
    expect(d.map((x) => [x.code, x.path])).toEqual([["MAP011", "mapRoles[3].rolearn"]]);
  });

  it("reports a non-role ARN, an empty or system: username and unknown templates", () => {
    const check = (rolearn: string, username: string, groups: string[] = []): string[] =>
      validateAwsAuthRoleMapping({ rolearn, username, groups }, "m").map((d) => d.code);
    expect(check("arn:aws:iam::123456789123:user/alice", "a")).toEqual(["MAP012"]);
    expect(check("arn:aws:iam::123456789123:role/r", "")).toEqual(["MAP013"]);
    expect(check("arn:aws:iam::123456789123:role/r", "system:admin")).toEqual(["MAP013"]);
    expect(check("arn:aws:iam::123456789123:role/r", "u:{{SessionID}}", ["g-{{Account}}"])).toEqual([
      "MAP010",
      "MAP010",
    ]);
  });
});

describe("teamAccessEntry", () => {
  it("is a STANDARD entry for the role with the team's group and username", () => {
    expect(teamAccessEntry(team("rnd"))).toEqual(valid);
    expect(validateAccessEntry(teamAccessEntry(team("rnd")), "e")).toEqual([]);
  });

  it("expresses system:masters as the cluster-scoped cluster-admin access policy in the role's partition", () => {
    const entry = teamAccessEntry(
      team("ops", { systemMasters: true, roleArn: "arn:aws-cn:iam::123456789123:role/eksgate-ops" }),
    );
    expect(entry.kubernetesGroups).toEqual(["eksgate:ops"]);
    expect(entry.accessPolicies).toEqual([
      {
        policyArn: "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      },
    ]);
    expect(validateAccessEntry(entry, "e")).toEqual([]);
  });
});

describe("validateAccessEntry", () => {
  it.each(["system:", "eks:", "aws:", "amazon:", "iam:"])("rejects usernames starting with %s", (prefix) => {
    expect(codes({ username: `${prefix}someone` })).toEqual(["MAP003"]);
  });

  it("requires a ':' before {{SessionName}} and {{SessionNameRaw}}", () => {
    expect(codes({ username: "{{SessionName}}" })).toEqual(["MAP004"]);
    expect(codes({ username: "team-{{SessionNameRaw}}" })).toEqual(["MAP004"]);
    expect(codes({ username: "team-{{SessionName}}:x" })).toEqual(["MAP004"]);
    expect(codes({ username: "team:{{SessionNameRaw}}" })).toEqual([]);
    expect(codes({ username: "fixed-user" })).toEqual([]);
  });

  it("rejects system: groups and empty group names, with the index in the path", () => {
    const d = validateAccessEntry(
      { ...valid, kubernetesGroups: ["ok", "system:masters", ""] },
      "clusters[0].entries[1]",
    );
    expect(d.map((x) => [x.code, x.path])).toEqual([
      ["MAP005", "clusters[0].entries[1].kubernetesGroups[1]"],
      ["MAP006", "clusters[0].entries[1].kubernetesGroups[2]"],
    ]);
    expect(d[0]?.detail).toContain("AmazonEKSClusterAdminPolicy");
  });

  it.each([
    ["an IAM group", "arn:aws:iam::123456789123:group/dev.rnd.group"],
    ["an STS session", "arn:aws:sts::123456789123:assumed-role/eksgate-rnd/alice"],
    [
      "a service-linked role",
      "arn:aws:iam::123456789123:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
    ],
    ["not an ARN", "eksgate-rnd"],
  ])("rejects %s as principal", (_what, principalArn) => {
    expect(codes({ principalArn })).toEqual(["MAP001"]);
  });

  it("accepts users and roles with paths as principals", () => {
    expect(codes({ principalArn: "arn:aws:iam::123456789123:user/people/alice" })).toEqual([]);
    expect(codes({ principalArn: "arn:aws-us-gov:iam::123456789123:role/teams/rnd" })).toEqual([]);
  });

  it("allows groups and access policies on STANDARD entries only", () => {
    expect(codes({ type: "EC2_LINUX" })).toEqual(["MAP007"]);
    expect(codes({ type: "EC2_LINUX", kubernetesGroups: [] })).toEqual([]);
  });

  it("checks access policy ARNs and namespace scopes", () => {
    expect(
      codes({
        accessPolicies: [
          {
            policyArn: accessPolicyArn("aws", "AmazonEKSViewPolicy"),
            accessScope: { type: "namespace", namespaces: ["dev-*"] },
          },
          { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", accessScope: { type: "cluster" } },
          {
            policyArn: accessPolicyArn("aws", "AmazonEKSEditPolicy"),
            accessScope: { type: "namespace", namespaces: [] },
          },
        ],
      }),
    ).toEqual(["MAP008", "MAP009"]);
  });
});
