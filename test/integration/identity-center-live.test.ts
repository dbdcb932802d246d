// `eksgate snapshot --identity-center` against moto 5.2.1 (sso-admin, identitystore): the
// collector reads instances, users, groups, memberships, permission sets with their inline
// policy and account assignments in the shape the AWS CLI prints; the snapshot reader takes
// them back and explain follows a person to the permission set's role.
//
// moto does not create the AWSReservedSSO_* role on an account assignment (nor provision
// permission sets): the test creates it with iam:CreateRole under its real path, as Identity
// Center would (docs/test-environment.md).
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  IdentitystoreClient,
} from "@aws-sdk/client-identitystore";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIdentityCenterSnapshotSource } from "../../src/adapters/aws/identity-center-collector.js";
import { createIamSnapshotSource } from "../../src/adapters/aws/snapshot-collector.js";
import { explainPrincipal } from "../../src/core/evaluate/access/index.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";
import { collectSnapshot } from "../../src/engine/collect-snapshot.js";
import { SEED_CREDENTIALS } from "../env/aws-seed.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";

let moto: MotoServer;
const ROLE_NAME = "AWSReservedSSO_EksDevelopers_0123456789abcdef";
const ROLE_PATH = "/aws-reserved/sso.amazonaws.com/us-east-1/";

beforeAll(async () => {
  moto = await startMoto();
  const config = { region: "us-east-1", endpoint: moto.endpoint, credentials: SEED_CREDENTIALS };
  const sso = new SSOAdminClient(config);
  const store = new IdentitystoreClient(config);
  const instance = (await sso.send(new ListInstancesCommand({}))).Instances?.[0];
  const instanceArn = instance?.InstanceArn ?? "";
  const storeId = instance?.IdentityStoreId ?? "";
  const user = await store.send(
    new CreateUserCommand({
      IdentityStoreId: storeId,
      UserName: "alice@example.com",
      DisplayName: "Alice Doe",
      Name: { GivenName: "Alice", FamilyName: "Doe" },
    }),
  );
  const group = await store.send(
    new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: "Developers" }),
  );
  await store.send(
    new CreateGroupMembershipCommand({
      IdentityStoreId: storeId,
      GroupId: group.GroupId,
      MemberId: { UserId: user.UserId ?? "" },
    }),
  );
  const ps = await sso.send(
    new CreatePermissionSetCommand({
      InstanceArn: instanceArn,
      Name: "EksDevelopers",
      SessionDuration: "PT8H",
    }),
  );
  const psArn = ps.PermissionSet?.PermissionSetArn ?? "";
  await sso.send(
    new PutInlinePolicyToPermissionSetCommand({
      InstanceArn: instanceArn,
      PermissionSetArn: psArn,
      InlinePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }],
      }),
    }),
  );
  await sso.send(
    new CreateAccountAssignmentCommand({
      InstanceArn: instanceArn,
      TargetId: MOTO_ACCOUNT_ID,
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: psArn,
      PrincipalType: "GROUP",
      PrincipalId: group.GroupId,
    }),
  );
  await new IAMClient(config).send(
    new CreateRoleCommand({
      RoleName: ROLE_NAME,
      Path: ROLE_PATH,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: {
              Federated: `arn:aws:iam::${MOTO_ACCOUNT_ID}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`,
            },
            Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
          },
        ],
      }),
    }),
  );
}, 120_000);

afterAll(async () => {
  await moto.stop();
});

describe("Identity Center, collected live", () => {
  it("writes identity-center/ files the reader takes back, and explain reaches the reserved role", async () => {
    const collected = await collectSnapshot(
      {
        iam: createIamSnapshotSource({ credentials: SEED_CREDENTIALS, endpoints: { iam: moto.endpoint } }),
        identityCenter: createIdentityCenterSnapshotSource({
          credentials: SEED_CREDENTIALS,
          endpoints: { ssoAdmin: moto.endpoint, identityStore: moto.endpoint },
        }),
        eks: () => {
          throw new Error("no cluster is collected here");
        },
        kube: () => Promise.reject(new Error("no cluster is collected here")),
      },
      { clusters: [] },
    );
    const paths = collected.files.map((f) => f.path).filter((p) => p.startsWith("identity-center/"));
    expect(
      paths.filter(
        (p) =>
          !p.includes("/group-memberships/") &&
          !p.includes("/permission-sets/") &&
          !p.includes("/account-assignments/"),
      ),
    ).toEqual([
      "identity-center/instances.json",
      "identity-center/users.json",
      "identity-center/groups.json",
    ]);
    expect(paths.some((p) => p.startsWith(`identity-center/account-assignments/${MOTO_ACCOUNT_ID}-`))).toBe(
      true,
    );
    const parsed = parseSnapshot(collected.files);
    expect(parsed.diagnostics.filter((d) => d.code.startsWith("SNAP02") || d.code === "SNAP002")).toEqual([]);
    const idc = parsed.snapshot.identityCenter;
    expect(idc?.state.users.map((u) => u.userName)).toEqual(["alice@example.com"]);
    expect(idc?.state.groups.map((g) => g.displayName)).toEqual(["Developers"]);
    expect(idc?.state.memberships).toHaveLength(1);
    const ps = idc?.permissionSetByName("EksDevelopers");
    expect(ps?.sessionDuration).toBe("PT8H");
    expect(typeof ps?.inlinePolicy).toBe("string");
    expect(idc?.state.assignments.map((a) => [a.accountId, a.principalType])).toEqual([
      [MOTO_ACCOUNT_ID, "GROUP"],
    ]);

    const result = explainPrincipal(parsed.snapshot, "idc:user/alice@example.com");
    expect(result.routes.map((r) => r.roleArn)).toEqual([
      `arn:aws:iam::${MOTO_ACCOUNT_ID}:role${ROLE_PATH}${ROLE_NAME}`,
    ]);
    expect(result.routes[0]?.hops.map((h) => h.kind)).toEqual([
      "idc-user",
      "idc-group",
      "permission-set",
      "account-assignment",
      "iam-role",
    ]);
  }, 120_000);
});
