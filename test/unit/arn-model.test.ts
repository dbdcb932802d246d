/**
 * The one ARN module: the typed parse every reader builds on, the lenient principal view
 * IAM evaluation uses, IAM Identity Center role paths and the small accessors the planner,
 * evaluator, CLI and token plugin share.
 *
 * ARN formats: IAM User Guide, "IAM identifiers",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
import { describe, expect, it } from "vitest";
import {
  accountIdOf,
  arnResourceName,
  classifyPrincipalArn,
  formatClusterArn,
  formatRootArn,
  iamPathOf,
  iamPrincipalArnProblem,
  identityCenterRoleOf,
  isIamGroupArn,
  parsePrincipalArn,
  partitionOf,
  readArn,
  readIamArn,
  readIamRoleArn,
  regionOf,
  splitArnSections,
  withoutRolePath,
} from "../../src/core/model/arn.js";

const A = "111122223333";

describe("splitArnSections and readArn", () => {
  it("keeps ':' in the resource and does not check the first section of a pattern", () => {
    expect(splitArnSections("*:*:s3:::bucket/a:b")).toEqual(["*", "*", "s3", "", "", "bucket/a:b"]);
    expect(splitArnSections("arn:aws:iam::1")).toBeUndefined();
    expect(readArn("*:aws:iam::1:role/x")).toBeUndefined();
  });

  it("breaks the resource into type, path and name", () => {
    expect(readArn(`arn:aws:iam::${A}:role/teams/payments/deployer`)).toMatchObject({
      resourceType: "role",
      path: "/teams/payments/",
      name: "deployer",
    });
    expect(readArn(`arn:aws:iam::${A}:root`)).toMatchObject({ resourceType: "root", path: "/", name: "" });
    expect(readArn(`arn:aws:sts::${A}:assumed-role/r/s`)).toMatchObject({
      resourceType: "assumed-role",
      path: "/r/",
      name: "s",
    });
  });

  it("reads single sections the way the old call sites did", () => {
    expect(partitionOf(`arn:aws-cn:iam::${A}:role/x`)).toBe("aws-cn");
    expect(partitionOf("not-an-arn")).toBe("aws");
    expect(partitionOf("not-an-arn", "")).toBe("");
    expect(accountIdOf(`arn:aws:iam::${A}:user/u`)).toBe(A);
    expect(accountIdOf("arn:aws:s3:::bucket")).toBeUndefined();
    expect(regionOf(`arn:aws:eks:eu-west-1:${A}:cluster/prod`)).toBe("eu-west-1");
    expect(regionOf(`arn:aws:iam::${A}:role/x`)).toBeUndefined();
    expect(arnResourceName(`arn:aws:iam::${A}:policy/team/ReadOnly`)).toBe("ReadOnly");
    expect(arnResourceName("plain")).toBe("plain");
    expect(iamPathOf(`arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x_1`)).toBe(
      "/aws-reserved/sso.amazonaws.com/",
    );
    expect(iamPathOf(`arn:aws:iam::${A}:role/x`)).toBe("/");
    expect(formatRootArn("aws", A)).toBe(`arn:aws:iam::${A}:root`);
    expect(formatClusterArn("aws", "eu-west-1", A, "prod")).toBe(`arn:aws:eks:eu-west-1:${A}:cluster/prod`);
  });

  it("recognises IAM ARNs only with no region and a 12-digit account", () => {
    expect(readIamArn(`arn:aws:iam::${A}:group/ops/admins`)?.name).toBe("admins");
    expect(readIamArn(`arn:aws:iam:eu-west-1:${A}:group/admins`)).toBeUndefined();
    expect(readIamArn("arn:aws:iam::1234:group/admins")).toBeUndefined();
    expect(isIamGroupArn(`arn:aws:iam::${A}:group/admins`)).toBe(true);
    expect(isIamGroupArn(`arn:aws:iam::${A}:user/admins`)).toBe(false);
  });

  it("reads a role ARN IAM would accept, path and all, and nothing else", () => {
    expect(readIamRoleArn(`arn:aws:iam::${A}:role/OrganizationAccountAccessRole`)?.accountId).toBe(A);
    expect(readIamRoleArn(`arn:aws-cn:iam::${A}:role/teams/a#b/deployer`)).toMatchObject({
      partition: "aws-cn",
      path: "/teams/a#b/",
      name: "deployer",
    });
    for (const bad of [
      `arn:aws:iam::${A}:user/deployer`,
      `arn:aws:iam::${A}:role/`,
      `arn:aws:iam::${A}:role/with space`,
      `arn:aws:iam::${A}:role/${"x".repeat(65)}`,
      `arn:aws:iam::${A}:role/a b/deployer`,
      `arn:aws:iam:eu-west-1:${A}:role/deployer`,
      "arn:aws:iam::1234:role/deployer",
      `arn:aws:sts::${A}:assumed-role/deployer/s`,
    ])
      expect(readIamRoleArn(bad), bad).toBeUndefined();
  });
});

describe("classifyPrincipalArn (IAM evaluation's reading)", () => {
  it("reads groups and any partition, and drops paths from names", () => {
    expect(classifyPrincipalArn(`arn:aws:iam::${A}:group/ops/admins`)).toEqual({
      kind: "group",
      partition: "aws",
      accountId: A,
      path: "/ops/",
      name: "admins",
    });
    expect(classifyPrincipalArn(`arn:aws-xx:iam::${A}:user/division/alice`)).toMatchObject({
      kind: "user",
      name: "alice",
    });
  });

  it("reads the session the same way the authenticator's reading does", () => {
    const arn = `arn:aws:sts::${A}:assumed-role/deployer/alice`;
    const strict = parsePrincipalArn(arn);
    expect(classifyPrincipalArn(arn)).toEqual(strict.ok ? strict.value : undefined);
  });

  it("is `other` for federated users, other services and type names without a '/'", () => {
    for (const arn of [
      `arn:aws:sts::${A}:federated-user/bob`,
      "arn:aws:s3:::bucket",
      `arn:aws:iam::${A}:user`,
      `arn:aws:sts::${A}:assumed-role/only`,
      "not an arn",
    ])
      expect(classifyPrincipalArn(arn).kind, arn).toBe("other");
  });
});

describe("IAM Identity Center roles", () => {
  // IAM Identity Center provisions one role per permission set in each account, named
  // AWSReservedSSO_<permission set>_<suffix> under /aws-reserved/sso.amazonaws.com/[REGION/].
  // IAM Identity Center User Guide, "Referencing permission sets in resource policies, Amazon
  // EKS, and AWS KMS": https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
  it("reads the permission set and region, and gives the ARN without the path", () => {
    const arn = `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Platform_Admin_0a1b2c3d4e5f6a7b`;
    expect(identityCenterRoleOf(arn)).toEqual({
      partition: "aws",
      accountId: A,
      region: "eu-west-1",
      permissionSetName: "Platform_Admin",
      suffix: "0a1b2c3d4e5f6a7b",
      roleName: "AWSReservedSSO_Platform_Admin_0a1b2c3d4e5f6a7b",
      arnWithoutPath: `arn:aws:iam::${A}:role/AWSReservedSSO_Platform_Admin_0a1b2c3d4e5f6a7b`,
    });
    expect(withoutRolePath(arn)).toBe(identityCenterRoleOf(arn)?.arnWithoutPath);
  });

  it("reads the path without a region and the path-less canonical form", () => {
    expect(
      identityCenterRoleOf(
        `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_View_abc123`,
      ),
    ).toMatchObject({ permissionSetName: "View", suffix: "abc123" });
    expect(identityCenterRoleOf(`arn:aws:iam::${A}:role/AWSReservedSSO_View_abc123`)?.region).toBeUndefined();
  });

  it("is undefined for other roles and for the SSO name under another path", () => {
    expect(identityCenterRoleOf(`arn:aws:iam::${A}:role/deployer`)).toBeUndefined();
    expect(identityCenterRoleOf(`arn:aws:iam::${A}:role/teams/AWSReservedSSO_View_abc123`)).toBeUndefined();
    expect(identityCenterRoleOf(`arn:aws:iam::${A}:user/AWSReservedSSO_View_abc123`)).toBeUndefined();
  });
});

describe("iamPrincipalArnProblem", () => {
  it("reads the sections without regard to case, and quotes them as written", () => {
    expect(iamPrincipalArnProblem(`ARN:AWS:IAM::${A}:ROLE/Deployer`)).toBeUndefined();
    expect(iamPrincipalArnProblem(`arn:Aws-XX:iam::${A}:role/x`)?.why).toContain("'Aws-XX'");
    expect(iamPrincipalArnProblem(`arn:aws:iam:eu-west-1:${A}:role/x`)?.fix).toBe(
      `Write arn:aws:iam::${A}:role/x.`,
    );
  });
});
