// The AWS adapters (src/adapters/aws) against real wire protocols: IamPort against moto,
// EksPort against the EKS access-entry double (and against moto where moto's own EKS
// behaviour is the point). Covers every port call, pagination, policy-document decoding,
// error translation to PortError with IAM enforcement on, call counting, the credential
// chain's SSO and no-credentials failures, and the silenced NodeVersionSupportWarning.
//
// Starts its own moto and EKS double, so it needs nothing from the global setup.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEksPort, createEksPortForRegion } from "../../src/adapters/aws/eks.js";
import { parseAccessDeniedMessage, translateAwsError } from "../../src/adapters/aws/errors.js";
import { createIamPort } from "../../src/adapters/aws/iam.js";
import {
  createEksSnapshotSource,
  createIamSnapshotSource,
} from "../../src/adapters/aws/snapshot-collector.js";
import { createIdentityCenterSnapshotSource } from "../../src/adapters/aws/identity-center-collector.js";
import type { IamTag } from "../../src/core/model/iam-documents.js";
import { type PolicyDocument, policyDocumentsEquivalent } from "../../src/core/model/policy-document.js";
import { isPortError, PortError } from "../../src/ports/errors.js";
import {
  accountRootTrustPolicy,
  assumeRolePolicy,
  awsClients,
  createGroup,
  createRole,
  createUserWithAccessKey,
  putUserPolicy,
  SEED_CREDENTIALS,
  type AwsClients,
} from "../env/aws-seed.js";
import { type EksDouble, startEksDouble } from "../env/eks-double/index.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";

const REGION = "us-east-1";
const REPO = join(import.meta.dirname, "../..");
const MANAGED: IamTag = { Key: "eksgate.io/managed-by", Value: "eksgate" };
const teamTag = (team: string): IamTag => ({ Key: "eksgate.io/team", Value: team });
const POLICY = (name: string): string => `arn:aws:eks::aws:cluster-access-policy/${name}`;

const trustPolicy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT_ID}:root` },
      Action: "sts:AssumeRole",
      Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } },
    },
  ],
};

const permissionPolicy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DescribeClusters",
      Effect: "Allow",
      Action: ["eks:DescribeCluster", "eks:ListClusters"],
      Resource: `arn:aws:eks:${REGION}:${MOTO_ACCOUNT_ID}:cluster/*`,
    },
  ],
};

let moto: MotoServer;
let double: EksDouble;
let seed: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  double = await startEksDouble({ iamEndpoint: moto.endpoint, region: REGION });
  seed = awsClients(moto.endpoint, SEED_CREDENTIALS, REGION);
});

afterAll(async () => {
  seed.iam.destroy();
  seed.sts.destroy();
  await double.stop();
  await moto.stop();
});

beforeEach(async () => {
  await moto.reset();
  double.reset();
});

function iamPort(credentials = SEED_CREDENTIALS) {
  return createIamPort({
    region: REGION,
    credentials,
    endpoints: { iam: moto.endpoint, sts: moto.endpoint },
    maxAttempts: 1,
  });
}

function eksPort(endpoint = double.endpoint, credentials = SEED_CREDENTIALS) {
  return createEksPort({ region: REGION, credentials, endpoint, maxAttempts: 1 });
}

/** The PortError the call fails with (fails the test when it succeeds or throws something else). */
async function portFailure(call: () => Promise<unknown>): Promise<PortError> {
  let thrown: unknown;
  try {
    await call();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error("expected the call to fail");
  if (!(thrown instanceof PortError)) throw new Error("expected a PortError", { cause: thrown });
  return thrown;
}

describe("IamPort: roles", () => {
  it("creates a role and reads it back with decoded trust policy, tags, id and description", async () => {
    const iam = iamPort();
    const created = await iam.createRole({
      name: "eksgate-payments",
      trustPolicy,
      description: "payments team access to EKS",
      tags: [MANAGED, teamTag("payments")],
    });
    expect(created.name).toBe("eksgate-payments");
    expect(created.arn).toBe(`arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eksgate-payments`);
    expect(created.roleId).toMatch(/^AROA[A-Z0-9]+$/);
    expect(created.path).toBe("/");
    expect(created.tags).toEqual([MANAGED, teamTag("payments")]);
    expect(Number.isNaN(Date.parse(created.createDate))).toBe(false);

    const read = await iam.getRole("eksgate-payments");
    expect(read).toBeDefined();
    expect(read?.roleId).toBe(created.roleId);
    expect(read?.description).toBe("payments team access to EKS");
    expect(read?.tags).toEqual([MANAGED, teamTag("payments")]);
    // GetRole answers percent-encoded; the adapter hands back the document itself.
    expect(read?.trustPolicy).toEqual(trustPolicy);
  });

  it("answers undefined for a role that does not exist", async () => {
    expect(await iamPort().getRole("no-such-role")).toBeUndefined();
  });

  it("updates the trust policy and adds tags", async () => {
    const iam = iamPort();
    await iam.createRole({ name: "eksgate-ops", trustPolicy, description: "ops", tags: [MANAGED] });
    const narrower: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: [`arn:aws:iam::${MOTO_ACCOUNT_ID}:user/ana`] },
          Action: "sts:AssumeRole",
        },
      ],
    };
    await iam.updateTrustPolicy("eksgate-ops", narrower);
    await iam.tagRole("eksgate-ops", [teamTag("ops")]);
    const read = await iam.getRole("eksgate-ops");
    expect(read?.trustPolicy).toEqual(narrower);
    expect(read?.tags).toEqual(expect.arrayContaining([MANAGED, teamTag("ops")]));
    expect(read?.tags).toHaveLength(2);
  });

  it("puts, lists, reads and deletes inline role policies, and deletes the role", async () => {
    const iam = iamPort();
    await iam.createRole({ name: "eksgate-data", trustPolicy, description: "data", tags: [MANAGED] });
    expect(await iam.listRolePolicies("eksgate-data")).toEqual([]);
    expect(await iam.getRolePolicy("eksgate-data", "eksgate")).toBeUndefined();

    await iam.putRolePolicy("eksgate-data", "eksgate", permissionPolicy);
    expect(await iam.listRolePolicies("eksgate-data")).toEqual(["eksgate"]);
    const read = await iam.getRolePolicy("eksgate-data", "eksgate");
    expect(read).toEqual(permissionPolicy);
    expect(read && policyDocumentsEquivalent(read, permissionPolicy)).toBe(true);

    // IAM refuses to delete a role that still has inline policies.
    const conflict = await portFailure(() => iam.deleteRole("eksgate-data"));
    expect(conflict.kind).toBe("conflict");
    expect(conflict.details.operation).toBe("iam:DeleteRole");

    await iam.deleteRolePolicy("eksgate-data", "eksgate");
    expect(await iam.listRolePolicies("eksgate-data")).toEqual([]);
    await iam.deleteRole("eksgate-data");
    expect(await iam.getRole("eksgate-data")).toBeUndefined();
  });

  it("lists roles by name prefix and tags, following ListRoles pagination", async () => {
    const iam = iamPort();
    // 105 matching roles: more than moto's (and AWS's) default page of 100 roles.
    const teams = Array.from({ length: 105 }, (_, i) => `t${String(i).padStart(3, "0")}`);
    for (const team of teams) {
      await iam.createRole({
        name: `eksgate-${team}`,
        trustPolicy,
        description: team,
        tags: [MANAGED, teamTag(team)],
      });
    }
    // Same prefix, not eksgate's: no ownership tag.
    await iam.createRole({ name: "eksgate-handmade", trustPolicy, description: "x", tags: [teamTag("x")] });
    // eksgate's tags, other prefix.
    await iam.createRole({ name: "other-team", trustPolicy, description: "x", tags: [MANAGED] });
    const before = iam.calls();

    const found = await iam.listRolesTagged("eksgate-", [MANAGED]);
    expect(found.map((r) => r.name).sort()).toEqual(teams.map((t) => `eksgate-${t}`));
    expect(found.every((r) => r.tags.some((t) => t.Key === MANAGED.Key))).toBe(true);
    expect(found[0]?.trustPolicy).toEqual(trustPolicy);

    const after = iam.calls();
    expect((after["ListRoles"] ?? 0) - (before["ListRoles"] ?? 0)).toBe(2);
    // One tag lookup per name-prefix candidate (105 teams + the hand-made role).
    expect((after["ListRoleTags"] ?? 0) - (before["ListRoleTags"] ?? 0)).toBe(106);

    const one = await iam.listRolesTagged("eksgate-", [MANAGED, teamTag("t042")]);
    expect(one.map((r) => r.name)).toEqual(["eksgate-t042"]);
  });
});

describe("IamPort: groups and caller", () => {
  it("tells whether a group exists and manages its inline policy", async () => {
    const iam = iamPort();
    expect(await iam.groupExists("payments-devs")).toBe(false);
    await createGroup(seed.iam, "payments-devs");
    expect(await iam.groupExists("payments-devs")).toBe(true);

    expect(await iam.getGroupPolicy("payments-devs", "eksgate-assume")).toBeUndefined();
    const assume: PolicyDocument = {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eksgate-payments`,
      },
    };
    await iam.putGroupPolicy("payments-devs", "eksgate-assume", assume);
    expect(await iam.getGroupPolicy("payments-devs", "eksgate-assume")).toEqual(assume);
    await iam.deleteGroupPolicy("payments-devs", "eksgate-assume");
    expect(await iam.getGroupPolicy("payments-devs", "eksgate-assume")).toBeUndefined();
  });

  it("reports the calling identity's ARN and asks STS only once", async () => {
    const user = await createUserWithAccessKey(seed.iam, "ana");
    const iam = iamPort(user.credentials);
    expect(await iam.callerArn()).toBe(user.arn);
    expect(await iam.callerArn()).toBe(user.arn);
    expect(iam.calls()).toEqual({ GetCallerIdentity: 1 });
  });
});

describe("IamPort: errors become PortErrors", () => {
  it("names the missing permission and the identity when IAM denies CreateRole", async () => {
    const user = await createUserWithAccessKey(seed.iam, "no-permissions");
    await moto.setEnforcement(true);
    const iam = iamPort(user.credentials);
    const error = await portFailure(() =>
      iam.createRole({ name: "eksgate-x", trustPolicy, description: "x", tags: [MANAGED] }),
    );
    expect(error.kind).toBe("access-denied");
    expect(error.details.operation).toBe("iam:CreateRole");
    expect(error.details.missingPermission).toBe("iam:CreateRole");
    expect(error.details.identity).toBe(user.arn);
    expect(error.message).toContain(user.arn);
    expect(error.message).toContain("iam:CreateRole");
  });

  it("lets allowed calls through and denies the others under enforcement", async () => {
    const user = await createUserWithAccessKey(seed.iam, "reader");
    await putUserPolicy(seed.iam, "reader", "read-roles", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["iam:GetRole", "iam:GetGroup"], Resource: "*" }],
    });
    await iamPort().createRole({ name: "eksgate-r", trustPolicy, description: "r", tags: [MANAGED] });
    await moto.setEnforcement(true);
    const iam = iamPort(user.credentials);
    expect((await iam.getRole("eksgate-r"))?.name).toBe("eksgate-r");
    expect(await iam.getRole("missing")).toBeUndefined();
    const denied = await portFailure(() => iam.putRolePolicy("eksgate-r", "p", permissionPolicy));
    expect(denied.kind).toBe("access-denied");
    expect(denied.details.missingPermission).toBe("iam:PutRolePolicy");
  });

  it("reports keys AWS does not know as a credentials problem", async () => {
    await moto.setEnforcement(true);
    const iam = iamPort({ accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "nope" });
    const error = await portFailure(() => iam.getRole("anything"));
    expect(error.kind).toBe("credentials");
    expect(error.details.operation).toBe("iam:GetRole");
  });

  it("reports existing roles as already-exists and missing policies as not-found", async () => {
    const iam = iamPort();
    await iam.createRole({ name: "eksgate-dup", trustPolicy, description: "d", tags: [] });
    const dup = await portFailure(() =>
      iam.createRole({ name: "eksgate-dup", trustPolicy, description: "d", tags: [] }),
    );
    expect(dup.kind).toBe("already-exists");
    expect(dup.details.operation).toBe("iam:CreateRole");
    const missing = await portFailure(() => iam.deleteRolePolicy("eksgate-dup", "nothing-here"));
    expect(missing.kind).toBe("not-found");
    expect(isPortError(missing, "not-found")).toBe(true);
  });

  it("counts calls by operation, failed ones included", async () => {
    const iam = iamPort();
    await iam.createRole({ name: "eksgate-count", trustPolicy, description: "c", tags: [MANAGED] });
    await iam.getRole("eksgate-count");
    await iam.getRole("missing");
    await iam.putRolePolicy("eksgate-count", "p", permissionPolicy);
    await iam.listRolesTagged("eksgate-", [MANAGED]);
    expect(iam.calls()).toEqual({
      CreateRole: 1,
      GetRole: 2,
      PutRolePolicy: 1,
      ListRoles: 1,
      ListRoleTags: 1,
    });
  });
});

describe("snapshot sources: the clients and error translation of plan and apply", () => {
  it("reports a denied GetAccountAuthorizationDetails as the same PortError IamPort gives", async () => {
    const user = await createUserWithAccessKey(seed.iam, "no-snapshot-permissions");
    await moto.setEnforcement(true);
    const source = createIamSnapshotSource({
      region: REGION,
      credentials: user.credentials,
      endpoints: { iam: moto.endpoint },
    });
    const error = await portFailure(() => source.accountAuthorizationDetails());
    expect(error.kind).toBe("access-denied");
    expect(error.details.operation).toBe("iam:GetAccountAuthorizationDetails");
    expect(error.details.identity).toBe(user.arn);
    expect(error.message).toContain("iam:GetAccountAuthorizationDetails");
  });

  it("answers undefined for a cluster that does not exist, and a credentials problem for unknown keys", async () => {
    const known = createEksSnapshotSource(REGION, {
      credentials: SEED_CREDENTIALS,
      endpoints: { eks: double.endpoint },
    });
    expect(await known.describeCluster("no-such-cluster")).toBeUndefined();
    await moto.setEnforcement(true);
    const unknown = createIamSnapshotSource({
      region: REGION,
      credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "nope" },
      endpoints: { iam: moto.endpoint },
    });
    const error = await portFailure(() => unknown.accountAuthorizationDetails());
    expect(error.kind).toBe("credentials");
    expect(error.details.operation).toBe("iam:GetAccountAuthorizationDetails");
  });

  it("reads another account through --account ID=ROLE_ARN's assumed role (session eksgate-snapshot)", async () => {
    const roleArn = await createRole(seed.iam, "snapshot-reader", accountRootTrustPolicy(MOTO_ACCOUNT_ID));
    const user = await createUserWithAccessKey(seed.iam, "snapshot-assumer");
    await putUserPolicy(seed.iam, user.userName, "assume", assumeRolePolicy(roleArn));
    await moto.setEnforcement(true);
    const source = createIamSnapshotSource({
      region: REGION,
      credentials: user.credentials,
      roleArn,
      endpoints: { iam: moto.endpoint, sts: moto.endpoint },
    });
    // The role may assume nothing else: the denial names the session the role was assumed as.
    const error = await portFailure(() => source.accountAuthorizationDetails());
    expect(error.kind).toBe("access-denied");
    expect(error.details.identity).toBe(
      `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/snapshot-reader/eksgate-snapshot`,
    );
  });

  it("reports a denied Identity Center read as the same PortError, named by its IAM action", async () => {
    const user = await createUserWithAccessKey(seed.iam, "no-identity-center-permissions");
    await moto.setEnforcement(true);
    const source = createIdentityCenterSnapshotSource({
      region: REGION,
      credentials: user.credentials,
      endpoints: { ssoAdmin: moto.endpoint, identityStore: moto.endpoint },
    });
    const error = await portFailure(() => source.files([MOTO_ACCOUNT_ID]));
    expect(error.kind).toBe("access-denied");
    expect(error.details.operation).toBe("sso:ListInstances");
    expect(error.message).toContain("sso:ListInstances");
  });
});

describe("EksPort against the access-entry double", () => {
  async function teamRole(name: string): Promise<string> {
    const role = await iamPort().createRole({ name, trustPolicy, description: name, tags: [MANAGED] });
    return role.arn;
  }

  it("describes a cluster with its authentication mode, and answers undefined for a missing one", async () => {
    double.seedCluster({
      name: "prod",
      endpoint: "https://127.0.0.1:6443",
      certificateAuthorityData: Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64"),
      authenticationMode: "API_AND_CONFIG_MAP",
    });
    const eks = eksPort();
    expect(await eks.describeCluster("prod")).toEqual({
      name: "prod",
      arn: `arn:aws:eks:${REGION}:${MOTO_ACCOUNT_ID}:cluster/prod`,
      endpoint: "https://127.0.0.1:6443",
      certificateAuthorityData: Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64"),
      authenticationMode: "API_AND_CONFIG_MAP",
    });
    expect(await eks.describeCluster("nope")).toBeUndefined();
  });

  it("creates, describes, updates, lists and deletes access entries", async () => {
    double.seedCluster({ name: "prod", authenticationMode: "API" });
    const eks = eksPort();
    const arn = await teamRole("eksgate-payments");
    expect(await eks.describeAccessEntry("prod", arn)).toBeUndefined();

    await eks.createAccessEntry("prod", {
      principalArn: arn,
      kubernetesGroups: ["eksgate:payments"],
      username: "eksgate:payments:{{SessionName}}",
      tags: { "eksgate.io/managed-by": "eksgate" },
    });
    const entry = await eks.describeAccessEntry("prod", arn);
    expect(entry).toMatchObject({
      principalArn: arn,
      type: "STANDARD",
      kubernetesGroups: ["eksgate:payments"],
      username: "eksgate:payments:{{SessionName}}",
      tags: { "eksgate.io/managed-by": "eksgate" },
    });
    expect(Number.isNaN(Date.parse(entry?.createdAt ?? ""))).toBe(false);
    expect(await eks.listAccessEntries("prod")).toContain(arn);

    const again = await portFailure(() =>
      eks.createAccessEntry("prod", {
        principalArn: arn,
        kubernetesGroups: ["eksgate:payments"],
        username: "eksgate:payments:{{SessionName}}",
        tags: {},
      }),
    );
    expect(again.kind).toBe("already-exists");
    expect(again.details.operation).toBe("eks:CreateAccessEntry");

    await eks.updateAccessEntry("prod", {
      principalArn: arn,
      kubernetesGroups: ["eksgate:payments", "eksgate:readers"],
      username: "eksgate:pay:{{SessionName}}",
    });
    expect(await eks.describeAccessEntry("prod", arn)).toMatchObject({
      kubernetesGroups: ["eksgate:payments", "eksgate:readers"],
      username: "eksgate:pay:{{SessionName}}",
    });

    await eks.deleteAccessEntry("prod", arn);
    expect(await eks.describeAccessEntry("prod", arn)).toBeUndefined();
    expect(await eks.listAccessEntries("prod")).not.toContain(arn);
    const gone = await portFailure(() => eks.deleteAccessEntry("prod", arn));
    expect(gone.kind).toBe("not-found");
  });

  it("reports the double's server-side rules as invalid", async () => {
    double.seedCluster({ name: "prod", authenticationMode: "API" });
    const arn = await teamRole("eksgate-bad");
    const error = await portFailure(() =>
      eksPort().createAccessEntry("prod", {
        principalArn: arn,
        kubernetesGroups: ["system:masters"],
        username: "bad",
        tags: {},
      }),
    );
    expect(error.kind).toBe("invalid");
    expect(error.details.operation).toBe("eks:CreateAccessEntry");
  });

  it("follows ListAccessEntries pagination past one page", async () => {
    double.seedCluster({ name: "big", authenticationMode: "API" });
    const eks = eksPort();
    const arns: string[] = [];
    for (let i = 0; i < 103; i++) {
      arns.push(await teamRole(`eksgate-p${String(i).padStart(3, "0")}`));
    }
    for (const arn of arns) {
      await eks.createAccessEntry("big", {
        principalArn: arn,
        kubernetesGroups: ["eksgate:team"],
        username: "eksgate:team:{{SessionName}}",
        tags: {},
      });
    }
    const before = eks.calls()["ListAccessEntries"] ?? 0;
    expect([...(await eks.listAccessEntries("big"))].sort()).toEqual([...arns].sort());
    expect((eks.calls()["ListAccessEntries"] ?? 0) - before).toBe(2);
  });

  it("associates, lists and disassociates access policies with cluster and namespace scope", async () => {
    double.seedCluster({ name: "prod", authenticationMode: "API_AND_CONFIG_MAP" });
    const eks = eksPort();
    const arn = await teamRole("eksgate-admins");
    await eks.createAccessEntry("prod", {
      principalArn: arn,
      kubernetesGroups: [],
      username: "eksgate:admins:{{SessionName}}",
      tags: {},
    });
    expect(await eks.listAssociatedAccessPolicies("prod", arn)).toEqual([]);

    await eks.associateAccessPolicy("prod", arn, {
      policyArn: POLICY("AmazonEKSClusterAdminPolicy"),
      accessScope: { type: "cluster" },
    });
    await eks.associateAccessPolicy("prod", arn, {
      policyArn: POLICY("AmazonEKSEditPolicy"),
      accessScope: { type: "namespace", namespaces: ["payments", "shared"] },
    });
    expect(await eks.listAssociatedAccessPolicies("prod", arn)).toEqual([
      { policyArn: POLICY("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } },
      {
        policyArn: POLICY("AmazonEKSEditPolicy"),
        accessScope: { type: "namespace", namespaces: ["payments", "shared"] },
      },
    ]);

    await eks.disassociateAccessPolicy("prod", arn, POLICY("AmazonEKSClusterAdminPolicy"));
    expect(await eks.listAssociatedAccessPolicies("prod", arn)).toEqual([
      {
        policyArn: POLICY("AmazonEKSEditPolicy"),
        accessScope: { type: "namespace", namespaces: ["payments", "shared"] },
      },
    ]);
    const missing = await portFailure(() =>
      eks.disassociateAccessPolicy("prod", arn, POLICY("AmazonEKSClusterAdminPolicy")),
    );
    expect(missing.kind).toBe("not-found");
  });

  it("counts exactly the requests the double received, by operation", async () => {
    double.seedCluster({ name: "prod", authenticationMode: "API" });
    const arn = await teamRole("eksgate-counted");
    double.clearRequests();
    const eks = eksPort();
    await eks.describeCluster("prod");
    await eks.describeCluster("missing");
    await eks.listAccessEntries("prod");
    await eks.createAccessEntry("prod", {
      principalArn: arn,
      kubernetesGroups: ["eksgate:c"],
      username: "eksgate:c:{{SessionName}}",
      tags: {},
    });
    await eks.describeAccessEntry("prod", arn);
    await eks.listAssociatedAccessPolicies("prod", arn);
    expect(eks.calls()).toEqual({
      DescribeCluster: 2,
      ListAccessEntries: 1,
      CreateAccessEntry: 1,
      DescribeAccessEntry: 1,
      ListAssociatedAccessPolicies: 1,
    });
    expect(eks.calls()).toEqual(double.requestCounts());
  });

  it("keeps one port per region and sums their counts", async () => {
    double.seedCluster({ name: "prod" });
    const ports = createEksPortForRegion({ credentials: SEED_CREDENTIALS, endpoint: double.endpoint });
    expect(ports(REGION)).toBe(ports(REGION));
    await ports(REGION).describeCluster("prod");
    await ports("eu-west-1").describeCluster("prod");
    expect(ports.calls()).toEqual({ DescribeCluster: 2 });
  });
});

describe("EksPort against moto's EKS", () => {
  it("reads a cluster without accessConfig as CONFIG_MAP", async () => {
    const eksClient = new EKSClient({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: SEED_CREDENTIALS,
      maxAttempts: 1,
    });
    await eksClient.send(
      new CreateClusterCommand({
        name: "legacy",
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-cluster`,
        resourcesVpcConfig: { subnetIds: ["subnet-1"] },
      }),
    );
    eksClient.destroy();
    const cluster = await eksPort(moto.endpoint).describeCluster("legacy");
    expect(cluster?.authenticationMode).toBe("CONFIG_MAP");
    expect(cluster?.arn).toBe(`arn:aws:eks:${REGION}:${MOTO_ACCOUNT_ID}:cluster/legacy`);
  });

  it("turns moto's unreadable XML 403 into access-denied for the EKS action", async () => {
    const user = await createUserWithAccessKey(seed.iam, "no-eks");
    await moto.setEnforcement(true);
    const error = await portFailure(() => eksPort(moto.endpoint, user.credentials).describeCluster("any"));
    expect(error.kind).toBe("access-denied");
    expect(error.details.operation).toBe("eks:DescribeCluster");
    expect(error.details.missingPermission).toBe("eks:DescribeCluster");
    expect(error.message).toContain("without a readable error body");
  });
});

describe("error translation details", () => {
  it("parses the identity, action and resource of AWS's denial sentence", () => {
    expect(
      parseAccessDeniedMessage(
        "User: arn:aws:sts::111122223333:assumed-role/Dev/ana is not authorized to perform: eks:CreateAccessEntry on resource: arn:aws:eks:us-east-1:111122223333:cluster/prod because no identity-based policy allows the eks:CreateAccessEntry action",
      ),
    ).toEqual({
      identity: "arn:aws:sts::111122223333:assumed-role/Dev/ana",
      action: "eks:CreateAccessEntry",
      resource: "arn:aws:eks:us-east-1:111122223333:cluster/prod",
      explicitDeny: false,
    });
    expect(
      parseAccessDeniedMessage(
        "User: arn:aws:iam::111122223333:user/bo is not authorized to perform: iam:PutRolePolicy on resource: role eksgate-x with an explicit deny in a service control policy",
      ),
    ).toEqual({
      identity: "arn:aws:iam::111122223333:user/bo",
      action: "iam:PutRolePolicy",
      resource: "eksgate-x",
      explicitDeny: true,
    });
    expect(parseAccessDeniedMessage("Access Denied")).toBeUndefined();
  });

  it("leaves errors that did not come from AWS untouched", () => {
    const bug = new TypeError("x is undefined");
    expect(translateAwsError(bug, { service: "iam", operation: "GetRole" })).toBe(bug);
  });
});

describe("credential chain failures (separate process, isolated HOME)", () => {
  function runAdapter(env: NodeJS.ProcessEnv, code: string): Promise<{ stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", code],
        { cwd: REPO, env: { PATH: process.env["PATH"], AWS_EC2_METADATA_DISABLED: "true", ...env } },
        (error, stdout, stderr) => {
          if (error) fail(new Error(`${error.message}\n${stderr}`));
          else done({ stdout, stderr });
        },
      );
    });
  }

  const callerArnScript = (options: string): string => `
    import { createIamPort } from ${JSON.stringify(join(REPO, "src/adapters/aws/iam.ts"))};
    const port = createIamPort(${options});
    try {
      await port.callerArn();
      console.log(JSON.stringify({ ok: true }));
    } catch (e) {
      console.log(JSON.stringify({ name: e.name, kind: e.kind, message: e.message, operation: e.details?.operation }));
    }`;

  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "eksgate-aws-home-"));
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it("says to run `aws sso login --profile P` when the SSO session has expired", async () => {
    mkdirSync(join(home, ".aws/sso/cache"), { recursive: true });
    writeFileSync(
      join(home, ".aws/config"),
      [
        "[profile team-sso]",
        "sso_session = corp",
        `sso_account_id = ${MOTO_ACCOUNT_ID}`,
        "sso_role_name = Developer",
        "region = us-east-1",
        "",
        "[sso-session corp]",
        "sso_start_url = https://corp.example.invalid/start",
        "sso_region = us-east-1",
        "",
      ].join("\n"),
    );
    // The SDK looks an SSO session's token up under sha1(session name).
    const cacheKey = createHash("sha1").update("corp").digest("hex");
    writeFileSync(
      join(home, `.aws/sso/cache/${cacheKey}.json`),
      JSON.stringify({
        accessToken: "expired",
        expiresAt: "2020-01-01T00:00:00Z",
        region: "us-east-1",
        startUrl: "https://corp.example.invalid/start",
      }),
    );
    const { stdout } = await runAdapter(
      { HOME: home },
      callerArnScript(
        `{ profile: "team-sso", region: "us-east-1", maxAttempts: 1, endpoints: { sts: ${JSON.stringify(moto.endpoint)} } }`,
      ),
    );
    const result = JSON.parse(stdout) as { name: string; kind: string; message: string; operation: string };
    expect(result).toMatchObject({
      name: "PortError",
      kind: "credentials",
      operation: "sts:GetCallerIdentity",
    });
    expect(result.message).toContain("aws sso login --profile team-sso");
  });

  it("says how to provide credentials when the chain finds none", async () => {
    const empty = mkdtempSync(join(tmpdir(), "eksgate-aws-empty-"));
    try {
      const { stdout } = await runAdapter(
        { HOME: empty },
        callerArnScript(
          `{ region: "us-east-1", maxAttempts: 1, endpoints: { sts: ${JSON.stringify(moto.endpoint)} } }`,
        ),
      );
      const result = JSON.parse(stdout) as { kind: string; message: string };
      expect(result.kind).toBe("credentials");
      expect(result.message).toContain("No usable AWS credentials");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("keeps the SDK's NodeVersionSupportWarning out of stderr once an adapter is loaded", async () => {
    const env = { HOME: home };
    const makeCall = `await port.groupExists("g"); console.log("done");`;
    const withAdapter = await runAdapter(
      env,
      `import { createIamPort } from ${JSON.stringify(join(REPO, "src/adapters/aws/iam.ts"))};
       const port = createIamPort({ region: "us-east-1", credentials: { accessKeyId: "AKIASEED", secretAccessKey: "s" }, endpoints: { iam: ${JSON.stringify(moto.endpoint)} } });
       ${makeCall}`,
    );
    expect(withAdapter.stdout.trim()).toBe("done");
    expect(withAdapter.stderr).not.toContain("NodeVersionSupportWarning");
    // The control: the bare SDK client in the same Node prints it.
    const bare = await runAdapter(
      env,
      `import { IAMClient } from "@aws-sdk/client-iam"; new IAMClient({ region: "us-east-1" }); console.log("done");`,
    );
    const nodeMajor = Number(process.versions.node.split(".")[0]);
    if (nodeMajor < 22) expect(bare.stderr).toContain("NodeVersionSupportWarning");
    else expect(bare.stderr).not.toContain("NodeVersionSupportWarning");
  });
});
