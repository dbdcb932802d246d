import { describe, expect, it } from "vitest";
import { CPU_HEAVY_TIMEOUT_MS } from "../support/time-limits.js";
import {
  canAssumeRole,
  evaluate,
  indexSnapshot,
  isAssumeRoleDecision,
  mergeAuthorizationDetailsPages,
  principalsThatCanAssume,
  rolesAssumableBy,
  snapshotOf,
  type AccountAuthorizationDetails,
  type IamSnapshot,
} from "../../src/core/evaluate/iam/index.js";
import {
  parseIamDate,
  RequestContext,
  substituteVariables,
} from "../../src/core/evaluate/iam/request-context.js";
import { arnMatches, actionMatches, wildcardMatch } from "../../src/core/evaluate/iam/wildcard.js";

const A = "111111111111";
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const assumeAllow = (resource: string, sid = "Assume") => ({
  Sid: sid,
  Effect: "Allow",
  Action: "sts:AssumeRole",
  Resource: resource,
});
const rootTrust = doc({
  Sid: "Root",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${A}:root` },
  Action: "sts:AssumeRole",
});

/** A small organization: team groups, each with a role its members may assume. */
function org(): AccountAuthorizationDetails {
  return {
    UserDetailList: [
      { UserName: "alice", UserId: "AIDAALICE", Arn: `arn:aws:iam::${A}:user/alice`, GroupList: ["rnd"] },
      { UserName: "bob", UserId: "AIDABOB", Arn: `arn:aws:iam::${A}:user/bob`, GroupList: ["ops", "rnd"] },
      { UserName: "carol", UserId: "AIDACAROL", Arn: `arn:aws:iam::${A}:user/carol`, GroupList: [] },
      {
        UserName: "dave",
        UserId: "AIDADAVE",
        Arn: `arn:aws:iam::${A}:user/dave`,
        GroupList: ["rnd"],
        UserPolicyList: [
          {
            PolicyName: "no-rnd",
            PolicyDocument: encodeURIComponent(
              JSON.stringify(
                doc({
                  Sid: "NoRnd",
                  Effect: "Deny",
                  Action: "sts:*",
                  Resource: `arn:aws:iam::${A}:role/rnd`,
                }),
              ),
            ),
          },
        ],
      },
    ],
    GroupDetailList: [
      {
        GroupName: "rnd",
        Arn: `arn:aws:iam::${A}:group/rnd`,
        GroupPolicyList: [
          {
            PolicyName: "assume-rnd",
            PolicyDocument: doc(assumeAllow(`arn:aws:iam::${A}:role/rnd`, "AssumeRnd")),
          },
        ],
      },
      {
        GroupName: "ops",
        Arn: `arn:aws:iam::${A}:group/ops`,
        AttachedManagedPolicies: [
          { PolicyName: "assume-ops", PolicyArn: `arn:aws:iam::${A}:policy/assume-ops` },
        ],
      },
    ],
    RoleDetailList: [
      {
        RoleName: "rnd",
        RoleId: "AROARND",
        Arn: `arn:aws:iam::${A}:role/rnd`,
        AssumeRolePolicyDocument: rootTrust,
      },
      {
        RoleName: "ops",
        RoleId: "AROAOPS",
        Arn: `arn:aws:iam::${A}:role/ops`,
        AssumeRolePolicyDocument: rootTrust,
      },
      {
        RoleName: "break-glass",
        Arn: `arn:aws:iam::${A}:role/break-glass`,
        AssumeRolePolicyDocument: doc(
          {
            Sid: "Carol",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${A}:user/carol` },
            Action: "sts:AssumeRole",
          },
          { Sid: "Partner", Effect: "Allow", Principal: { AWS: "999999999999" }, Action: "sts:AssumeRole" },
          {
            Sid: "Group",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${A}:group/ops` },
            Action: "sts:AssumeRole",
          },
          {
            Sid: "Svc",
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ),
      },
    ],
    Policies: [
      {
        PolicyName: "assume-ops",
        Arn: `arn:aws:iam::${A}:policy/assume-ops`,
        DefaultVersionId: "v2",
        PolicyVersionList: [
          {
            VersionId: "v2",
            IsDefaultVersion: true,
            Document: encodeURIComponent(
              JSON.stringify(doc(assumeAllow(`arn:aws:iam::${A}:role/ops`, "AssumeOps"))),
            ),
          },
          { VersionId: "v1", IsDefaultVersion: false, Document: doc(assumeAllow("*")) },
        ],
      },
    ],
  };
}

describe("snapshot loading", () => {
  it("accepts URL-encoded and object documents and resolves groups and managed policies", () => {
    const index = indexSnapshot(snapshotOf(org()));
    expect(index.diagnostics.filter((d) => d.code !== "IAM107" && d.code !== "IAM108")).toEqual([]);
    expect(index.users.map((u) => u.name)).toEqual(["alice", "bob", "carol", "dave"]);
    expect(index.group(A, "rnd")?.members.map((u) => u.name)).toEqual(["alice", "bob", "dave"]);
  });

  it("lints group principals in trust policies (I2)", () => {
    const index = indexSnapshot(snapshotOf(org()));
    const lint = index.diagnostics.find((d) => d.code === "IAM107");
    expect(lint?.severity).toBe("error");
    expect(lint?.path).toBe("accounts[0].RoleDetailList[2].AssumeRolePolicyDocument.Statement[2]");
  });

  it("collects diagnostics for missing groups and managed policies and unparsable documents", () => {
    const details: AccountAuthorizationDetails = {
      UserDetailList: [
        {
          UserName: "x",
          Arn: `arn:aws:iam::${A}:user/x`,
          GroupList: ["ghost"],
          AttachedManagedPolicies: [{ PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
          UserPolicyList: [{ PolicyName: "broken", PolicyDocument: "%7B%22Version" }],
        },
      ],
    };
    const codes = indexSnapshot(snapshotOf(details))
      .diagnostics.map((d) => d.code)
      .sort();
    expect(codes).toEqual(["IAM101", "IAM104", "IAM105"]);
  });

  it("merges SDK pages", () => {
    const a = org();
    const merged = mergeAuthorizationDetailsPages([
      { UserDetailList: a.UserDetailList ?? [], IsTruncated: true, Marker: "m" },
      {
        GroupDetailList: a.GroupDetailList ?? [],
        RoleDetailList: a.RoleDetailList ?? [],
        Policies: a.Policies ?? [],
      },
    ]);
    const d = canAssumeRole(snapshotOf(merged), `arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${A}:role/rnd`);
    expect(d.allowed).toBe(true);
  });
});

describe("decisions explain themselves", () => {
  const snapshot = snapshotOf(org());

  it("names the identity and trust statements of an allowed AssumeRole", () => {
    const d = canAssumeRole(snapshot, `arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${A}:role/ops`);
    expect(d.decision).toBe("Allow");
    expect(d.sessionName).toBe("bob");
    expect(d.identityStatement).toMatchObject({
      source: {
        kind: "group-managed",
        policyName: "assume-ops",
        policyArn: `arn:aws:iam::${A}:policy/assume-ops`,
        attachedTo: `arn:aws:iam::${A}:group/ops`,
      },
      sid: "AssumeOps",
      statementIndex: 0,
      effect: "Allow",
    });
    expect(d.trustStatement).toMatchObject({
      source: { kind: "trust", attachedTo: `arn:aws:iam::${A}:role/ops` },
      sid: "Root",
      grant: "account",
    });
    expect(d.statements).toHaveLength(2);
    expect(d.identityStatement?.why).toContain("sts:AssumeRole");
  });

  it("names the Deny that wins (I1)", () => {
    const d = canAssumeRole(snapshot, `arn:aws:iam::${A}:user/dave`, `arn:aws:iam::${A}:role/rnd`);
    expect(d.decision).toBe("ExplicitDeny");
    expect(d.statements).toMatchObject([
      { sid: "NoRnd", source: { kind: "user-inline", policyName: "no-rnd" } },
    ]);
    expect(d.reasons[0]).toContain("user-inline policy no-rnd");
  });

  it("says what is missing for an implicit deny, and lists statements that nearly matched", () => {
    const d = canAssumeRole(snapshot, `arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${A}:role/ops`);
    expect(d.decision).toBe("ImplicitDeny");
    expect(d.statements).toEqual([]);
    expect(d.reasons).toEqual([
      `no identity policy of arn:aws:iam::${A}:user/alice (or its groups rnd) allows sts:AssumeRole on arn:aws:iam::${A}:role/ops`,
    ]);
    const conditional = snapshotOf({
      ...org(),
      RoleDetailList: [
        {
          RoleName: "rnd",
          Arn: `arn:aws:iam::${A}:role/rnd`,
          AssumeRolePolicyDocument: doc({
            Sid: "Named",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${A}:root` },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
          }),
        },
      ],
    });
    const miss = canAssumeRole(conditional, `arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${A}:role/rnd`, {
      sessionName: "root",
    });
    expect(miss.layers.resource?.unmet[0]?.why).toContain("sts:RoleSessionName");
  });

  it("evaluate() uses the role's trust policy for sts:AssumeRole", () => {
    const d = evaluate(
      snapshot,
      `arn:aws:iam::${A}:user/alice`,
      "sts:AssumeRole",
      `arn:aws:iam::${A}:role/rnd`,
    );
    expect(isAssumeRoleDecision(d)).toBe(true);
    if (isAssumeRoleDecision(d)) expect(d.trustStatement?.sid).toBe("Root");
  });

  it("evaluate() applies a given resource policy: same account identity OR resource grant", () => {
    const bucketPolicy = doc({
      Sid: "Carol",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${A}:user/carol` },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::shared/*",
    });
    const d = evaluate(snapshot, `arn:aws:iam::${A}:user/carol`, "s3:GetObject", "arn:aws:s3:::shared/a", {
      resourcePolicy: { document: bucketPolicy, account: A },
    });
    expect(d.decision).toBe("Allow");
    const other = evaluate(
      snapshot,
      `arn:aws:iam::${A}:user/alice`,
      "s3:GetObject",
      "arn:aws:s3:::shared/a",
      {
        resourcePolicy: { document: bucketPolicy, account: A },
      },
    );
    expect(other.decision).toBe("ImplicitDeny");
  });
});

describe("who can assume a role", () => {
  const snapshot = snapshotOf(org());

  it("finds group members through the identity index, and skips those denied", () => {
    const rnd = principalsThatCanAssume(snapshot, `arn:aws:iam::${A}:role/rnd`);
    expect(rnd.principals.map((p) => [p.principalArn, p.viaGroups])).toEqual([
      [`arn:aws:iam::${A}:user/alice`, ["rnd"]],
      [`arn:aws:iam::${A}:user/bob`, ["rnd"]],
    ]);
    const withDenied = principalsThatCanAssume(snapshot, `arn:aws:iam::${A}:role/rnd`, {
      includeDenied: true,
    });
    expect(withDenied.principals.find((p) => p.principalArn.endsWith("/dave"))?.decision.decision).toBe(
      "ExplicitDeny",
    );
  });

  it("reports direct users and what the snapshot cannot resolve", () => {
    const bg = principalsThatCanAssume(snapshot, `arn:aws:iam::${A}:role/break-glass`);
    expect(bg.principals.map((p) => p.principalArn)).toEqual([`arn:aws:iam::${A}:user/carol`]);
    expect(bg.unresolved.map((u) => [u.principal, u.sid])).toEqual([
      ["999999999999", "Partner"],
      [`arn:aws:iam::${A}:group/ops`, "Group"],
      ["ec2.amazonaws.com", "Svc"],
    ]);
  });

  it("uses each caller's user name as session name by default (I13)", () => {
    const details = org();
    const named: AccountAuthorizationDetails = {
      ...details,
      RoleDetailList: [
        {
          RoleName: "rnd",
          Arn: `arn:aws:iam::${A}:role/rnd`,
          AssumeRolePolicyDocument: doc({
            Effect: "Allow",
            Principal: { AWS: A },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
          }),
        },
      ],
    };
    const s = snapshotOf(named);
    expect(principalsThatCanAssume(s, `arn:aws:iam::${A}:role/rnd`).principals).toHaveLength(2);
    expect(
      principalsThatCanAssume(s, `arn:aws:iam::${A}:role/rnd`, { sessionName: "shared" }).principals,
    ).toHaveLength(0);
  });

  it("lists the roles a user can assume", () => {
    const roles = rolesAssumableBy(snapshot, `arn:aws:iam::${A}:user/bob`).map((d) => d.roleArn);
    expect(roles).toEqual([`arn:aws:iam::${A}:role/ops`, `arn:aws:iam::${A}:role/rnd`]);
    expect(rolesAssumableBy(snapshot, `arn:aws:iam::${A}:user/carol`).map((d) => d.roleArn)).toEqual([
      `arn:aws:iam::${A}:role/break-glass`,
    ]);
  });
});

describe("matching primitives", () => {
  it("wildcards", () => {
    expect(actionMatches("ec2:Describe*", "EC2:DescribeInstances")).toBe(true);
    expect(wildcardMatch("a?c", "abc")).toBe(true);
    expect(wildcardMatch("a?c", "abbc")).toBe(false);
    expect(wildcardMatch("a.c", "abc")).toBe(false);
    expect(wildcardMatch("x(1)+", "x(1)+")).toBe(true);
    expect(arnMatches("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/a/b")).toBe(true);
    expect(arnMatches("arn:aws:*", "arn:aws:iam::1:role/x")).toBe(false);
  });

  it("dates without a clock", () => {
    expect(parseIamDate("1970-01-01T00:00:00Z")).toBe(0);
    expect(parseIamDate("2024-02-29T12:30:00Z")).toBe(1709209800000);
    expect(parseIamDate("2024-02-29T14:30:00+02:00")).toBe(1709209800000);
    expect(parseIamDate("1709209800")).toBe(1709209800000);
    expect(parseIamDate("2024-13-01")).toBeUndefined();
  });

  it("policy variables", () => {
    const ctx = new RequestContext({ "aws:username": "alice", "aws:TagKeys": ["a", "b"] });
    expect(substituteVariables("home/${aws:username}/*", ctx)).toBe("home/alice/*");
    expect(substituteVariables("${AWS:UserName}", ctx)).toBe("alice");
    expect(substituteVariables("${aws:TagKeys}", ctx)).toBeUndefined();
    expect(substituteVariables("${aws:nothing, 'x y'}", ctx)).toBe("x y");
    expect(substituteVariables("${aws:nothing}", ctx)).toBeUndefined();
  });
});

/** A generated organization at the benchmark scale. */
function bigOrg(users: number, groups: number, roles: number): IamSnapshot {
  const U: NonNullable<AccountAuthorizationDetails["UserDetailList"]>[number][] = [];
  const G: NonNullable<AccountAuthorizationDetails["GroupDetailList"]>[number][] = [];
  const R: NonNullable<AccountAuthorizationDetails["RoleDetailList"]>[number][] = [];
  for (let g = 0; g < groups; g++) {
    G.push({
      GroupName: `g${g}`,
      Arn: `arn:aws:iam::${A}:group/g${g}`,
      GroupPolicyList: [
        {
          PolicyName: "assume",
          PolicyDocument: doc(
            assumeAllow(`arn:aws:iam::${A}:role/r${g}`),
            assumeAllow(`arn:aws:iam::${A}:role/r${g + groups}`),
            { Effect: "Allow", Action: ["s3:Get*", "ec2:Describe*"], Resource: "*" },
          ),
        },
      ],
    });
  }
  for (let u = 0; u < users; u++) {
    U.push({
      UserName: `u${u}`,
      UserId: `AIDA${u}`,
      Arn: `arn:aws:iam::${A}:user/u${u}`,
      GroupList: [`g${u % groups}`, `g${(u * 7) % groups}`],
      UserPolicyList:
        u % 50 === 0
          ? [{ PolicyName: "ops", PolicyDocument: doc(assumeAllow(`arn:aws:iam::${A}:role/ops-*`)) }]
          : [],
    });
  }
  for (let r = 0; r < roles; r++) {
    const name = r < 2 * groups ? `r${r}` : `ops-${r}`;
    R.push({
      RoleName: name,
      Arn: `arn:aws:iam::${A}:role/${name}`,
      AssumeRolePolicyDocument: doc({
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
      }),
    });
  }
  return { accounts: [{ UserDetailList: U, GroupDetailList: G, RoleDetailList: R }] };
}

describe("indexing", { timeout: CPU_HEAVY_TIMEOUT_MS }, () => {
  // Speed is measured by bench/audit-scale; this checks the index does its job: a who-can
  // query evaluates only the candidates the index finds, not every principal.
  it("who-can evaluates only indexed candidates in a large organization", () => {
    const snapshot = bigOrg(2_000, 200, 600);
    const index = indexSnapshot(snapshot);
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const who = principalsThatCanAssume(index, `arn:aws:iam::${A}:role/r${i * 7}`);
      found += who.principals.length;
      expect(who.evaluated).toBeLessThan(100);
    }
    let reachable = 0;
    for (let u = 0; u < 100; u++)
      reachable += rolesAssumableBy(index, `arn:aws:iam::${A}:user/u${u * 13}`).length;
    expect(found).toBeGreaterThan(20 * 5);
    expect(reachable).toBeGreaterThanOrEqual(100 * 2);
  });
});
