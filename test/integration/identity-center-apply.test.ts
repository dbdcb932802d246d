// Plan and apply of an Identity Center team against moto 5.2.1 in two accounts: IAM Identity
// Center (sso-admin, identitystore) administered from the management account (moto's default
// account, the seed keys), the clusters in a workload account reached with credentials of a
// role assumed there (moto keeps each account's state apart by the account of the keys).
// eksgate's real IAM and Identity Center adapters do every AWS call; the clusters' EKS and
// Kubernetes APIs are the in-memory port fakes (docs/specs/port-fakes.md).
//
// moto does not make the AWSReservedSSO_* role when a permission set is assigned: the test
// creates it with iam:CreateRole at its real path in the workload account, as Identity Center
// would (docs/test-environment.md), and deletes and creates it again to re-make it.
import { CreateGroupCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { DeleteRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIamPort } from "../../src/adapters/aws/iam.js";
import { createIdentityCenterPort } from "../../src/adapters/aws/identity-center.js";
import type { Plan } from "../../src/core/plan/plan.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import { makePlan } from "../../src/engine/plan.js";
import { createRoleAt, SEED_CREDENTIALS, type AwsCredentials, type PolicyDocument } from "../env/aws-seed.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";
import { FakeClock } from "../support/fakes/clock.js";
import { FakeEks } from "../support/fakes/eks.js";
import { FakeKube } from "../support/fakes/kube.js";
import { configFrom } from "../support/observed-state.js";

const MANAGEMENT = MOTO_ACCOUNT_ID;
const PROD = "222222222222";
const REGION = "us-east-1";
const PATH = `/aws-reserved/sso.amazonaws.com/${REGION}/`;
const ROLE = "AWSReservedSSO_EksDevs_0123456789abcdef";
const ROLE_ARN = `arn:aws:iam::${PROD}:role${PATH}${ROLE}`;
const SAML_TRUST: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${PROD}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` },
      Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
    },
  ],
};

const config = configFrom(`apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accounts:
  - { id: "${MANAGEMENT}", alias: management }
  - { id: "${PROD}", alias: prod, roleArn: "arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole" }
identityAccount: management
identityCenter: { account: management, region: ${REGION} }
clusters:
  - { name: blue, region: ${REGION}, account: prod, authentication: aws-auth }
  - { name: green, region: ${REGION}, account: prod, authentication: access-entries }
teams:
  - name: devs
    identityCenter: { group: Developers, permissionSet: EksDevs, sessionDuration: PT4H }
    access:
      - { cluster: blue, clusterRole: view }
      - { cluster: green, clusterRole: edit }
`);

let moto: MotoServer;
let prodCredentials: AwsCredentials;
let groupId: string;
let deps: EngineDeps;
let eks: FakeEks;
const kubes = new Map([
  ["blue", new FakeKube("blue")],
  ["green", new FakeKube("green")],
]);

function kubeOf(cluster: string): FakeKube {
  const kube = kubes.get(cluster);
  if (kube === undefined) throw new Error(`no cluster ${cluster}`);
  return kube;
}

beforeAll(async () => {
  moto = await startMoto();
  const common = { region: REGION, endpoint: moto.endpoint, credentials: SEED_CREDENTIALS };
  const assumed = await new STSClient(common).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
      RoleSessionName: "eksgate",
    }),
  );
  const c = assumed.Credentials;
  prodCredentials = {
    accessKeyId: c?.AccessKeyId ?? "",
    secretAccessKey: c?.SecretAccessKey ?? "",
    sessionToken: c?.SessionToken ?? "",
  };
  const instance = (await new SSOAdminClient(common).send(new ListInstancesCommand({}))).Instances?.[0];
  const group = await new IdentitystoreClient(common).send(
    new CreateGroupCommand({ IdentityStoreId: instance?.IdentityStoreId, DisplayName: "Developers" }),
  );
  groupId = group.GroupId ?? "";

  // The EKS fake stamps entries from this clock; moto stamps roles with its own. Starting
  // the fake clock after any date moto gives keeps "the role is newer than its entry" to the
  // RoleId check alone.
  const clock = new FakeClock("2099-01-01T00:00:00.000Z");
  eks = new FakeEks({ accountId: PROD, region: REGION, clock });
  eks.seedCluster("blue", "CONFIG_MAP");
  eks.seedCluster("green", "API_AND_CONFIG_MAP");
  const endpoints = { iam: moto.endpoint, sts: moto.endpoint };
  const prodIam = createIamPort({ region: REGION, credentials: prodCredentials, endpoints, maxAttempts: 1 });
  deps = {
    iam: createIamPort({ region: REGION, credentials: SEED_CREDENTIALS, endpoints, maxAttempts: 1 }),
    iamIn: (account) => {
      if (account !== PROD) throw new Error(`no account ${account}`);
      return prodIam;
    },
    eks: () => {
      throw new Error("the management account has no clusters here");
    },
    eksIn: () => eks,
    identityCenter: createIdentityCenterPort({
      region: REGION,
      credentials: SEED_CREDENTIALS,
      endpoints: { ssoAdmin: moto.endpoint, identityStore: moto.endpoint },
      maxAttempts: 1,
    }),
    kube: (cluster) => Promise.resolve({ ok: true, value: kubeOf(cluster.name), diagnostics: [] }),
    clock,
    backups: { saveConfigMap: () => Promise.resolve("memory") },
    events: () => undefined,
  };
}, 120_000);

afterAll(async () => {
  await moto.stop();
});

async function plan(): Promise<Plan> {
  const planned = await makePlan(
    { config, configFile: "org.yaml", configDigest: "0".repeat(64), scope: { destroy: false } },
    deps,
  );
  if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics, null, 2));
  return planned.value.plan;
}

async function apply(p: Plan): Promise<void> {
  const result = await applyPlan(
    p,
    createStepRunner(p, deps, (name) => Promise.resolve(kubeOf(name))),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.outcomes.map((o) => o.diagnostic ?? o.status)));
}

describe("Identity Center teams against moto, in two accounts", () => {
  it("creates the permission set and the assignment in Identity Center, then maps the role seeded in the workload account, and repairs the access entry when the role is re-made", async () => {
    const first = await plan();
    expect(first.steps.filter((s) => s.area === "identity-center").map((s) => s.id)).toEqual([
      "permission-set/EksDevs",
      `account-assignment/${PROD}/EksDevs/${groupId}`,
    ]);
    expect(first.diagnostics.map((d) => d.code)).toEqual(["EG244"]);
    await apply(first);

    const sso = new SSOAdminClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: SEED_CREDENTIALS,
    });
    const instanceArn = (await sso.send(new ListInstancesCommand({}))).Instances?.[0]?.InstanceArn ?? "";
    const [setArn] =
      (await sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }))).PermissionSets ?? [];
    const described = await sso.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: setArn }),
    );
    expect(described.PermissionSet).toMatchObject({
      Name: "EksDevs",
      SessionDuration: "PT4H",
      Description: "Managed by eksgate: Amazon EKS access for team devs",
    });
    const inline = await sso.send(
      new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: setArn }),
    );
    expect(JSON.parse(inline.InlinePolicy ?? "{}")).toMatchObject({
      Statement: [
        {
          Effect: "Allow",
          Action: "eks:DescribeCluster",
          Resource: [
            `arn:aws:eks:${REGION}:${PROD}:cluster/blue`,
            `arn:aws:eks:${REGION}:${PROD}:cluster/green`,
          ],
        },
      ],
    });
    const assignments = await sso.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: instanceArn,
        AccountId: PROD,
        PermissionSetArn: setArn,
      }),
    );
    expect(assignments.AccountAssignments?.map((a) => [a.PrincipalType, a.PrincipalId])).toEqual([
      ["GROUP", groupId],
    ]);

    // What Identity Center does once the assignment is provisioned (moto does not).
    const prodIam = new IAMClient({ region: REGION, endpoint: moto.endpoint, credentials: prodCredentials });
    const made = await createRoleAt(prodIam, ROLE, PATH, SAML_TRUST);
    expect(made.arn).toBe(ROLE_ARN);

    const second = await plan();
    expect(second.diagnostics).toEqual([]);
    expect(second.steps.filter((s) => s.area !== "rbac").map((s) => s.id)).toEqual([
      `access-entry/green/${ROLE_ARN}`,
      "aws-auth/blue",
    ]);
    await apply(second);
    const mapRoles = (await kubeOf("blue").readConfigMap("kube-system", "aws-auth"))?.data["mapRoles"] ?? "";
    expect(mapRoles).toContain(`rolearn: arn:aws:iam::${PROD}:role/${ROLE}`);
    expect(mapRoles).toContain("username: eksgate:devs:{{SessionName}}");
    const entry = await eks.describeAccessEntry("green", ROLE_ARN);
    expect(entry?.tags["eksgate.dev/role-id"]).toBe(made.roleId);
    expect((await plan()).steps).toEqual([]);

    // The last assignment went and came back: Identity Center made the role again, same ARN.
    await prodIam.send(new DeleteRoleCommand({ RoleName: ROLE }));
    const remade = await createRoleAt(prodIam, ROLE, PATH, SAML_TRUST);
    expect(remade.roleId).not.toBe(made.roleId);
    const third = await plan();
    expect(third.steps.map((s) => [s.id, s.action])).toEqual([[`access-entry/green/${ROLE_ARN}`, "replace"]]);
    expect(third.steps[0]?.reason).toContain(`(id ${made.roleId} -> ${remade.roleId})`);
    await apply(third);
    expect((await eks.describeAccessEntry("green", ROLE_ARN))?.tags["eksgate.dev/role-id"]).toBe(
      remade.roleId,
    );
    expect((await plan()).steps).toEqual([]);
  }, 120_000);
});
