// Service control policies read from AWS Organizations (moto) for `eksgate snapshot
// --organizations`: the adapter's answers for an account in no organization, for an
// organization without the SCP policy type, and for SCPs attached at the root, an OU and
// the account (with the management account left out, since SCPs do not apply to it). Then
// the engine writes them as iam/scps.json and the evaluator denies what an SCP denies.
//
// Starts its own moto: the organization is global state in moto.
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganizationsSnapshotSource } from "../../src/adapters/aws/snapshot-collector.js";
import { canAssumeRole } from "../../src/core/evaluate/iam/index.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";
import { collectSnapshot } from "../../src/engine/collect-snapshot.js";
import type { SnapshotSources } from "../../src/ports/snapshot-sources.js";
import { SEED_CREDENTIALS } from "../env/aws-seed.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";

let moto: MotoServer;
let org: OrganizationsClient;

beforeAll(async () => {
  moto = await startMoto();
  org = new OrganizationsClient({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: SEED_CREDENTIALS,
  });
});

afterAll(async () => {
  await moto.stop();
});

function source() {
  return createOrganizationsSnapshotSource({
    credentials: SEED_CREDENTIALS,
    endpoints: { organizations: moto.endpoint },
  });
}

const DENY_ASSUME = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "NoTeamRoles", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" }],
});

describe("SCPs from AWS Organizations", () => {
  let member = "";
  let ou = "";
  let root = "";

  it("says so when the account is in no organization", async () => {
    expect(await source().serviceControlPolicies([MOTO_ACCOUNT_ID])).toEqual({ kind: "no-organization" });
  });

  it("says so when the organization has not enabled SCPs", async () => {
    await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    root = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? "";
    expect(root).toMatch(/^r-/);
    const created = await org.send(
      new CreateAccountCommand({ AccountName: "payments", Email: "payments@example.com" }),
    );
    member = created.CreateAccountStatus?.AccountId ?? "";
    expect(member).toMatch(/^\d{12}$/);
    expect(await source().serviceControlPolicies([member])).toEqual({ kind: "not-enabled" });
  });

  it("reads the SCPs of each level from the root down to a member account", async () => {
    await org.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: "SERVICE_CONTROL_POLICY" }));
    ou =
      (await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: "workloads" })))
        .OrganizationalUnit?.Id ?? "";
    await org.send(
      new MoveAccountCommand({ AccountId: member, SourceParentId: root, DestinationParentId: ou }),
    );
    const policy = await org.send(
      new CreatePolicyCommand({
        Name: "no-assume-role",
        Description: "test",
        Type: "SERVICE_CONTROL_POLICY",
        Content: DENY_ASSUME,
      }),
    );
    await org.send(
      new AttachPolicyCommand({ PolicyId: policy.Policy?.PolicySummary?.Id ?? "", TargetId: ou }),
    );

    const answer = await source().serviceControlPolicies([MOTO_ACCOUNT_ID, member]);
    expect(answer.kind).toBe("policies");
    if (answer.kind !== "policies") return;
    expect(answer.notes).toEqual([
      `account ${MOTO_ACCOUNT_ID} is the organization's management account: SCPs do not apply to it`,
    ]);
    expect(answer.accounts).toHaveLength(1);
    const account = answer.accounts[0] as {
      AccountId: string;
      Levels: { Target: string; Policies: { Name: string; Document: unknown }[] }[];
    };
    expect(account.AccountId).toBe(member);
    expect(account.Levels.map((l) => l.Target)).toEqual([root, ou, member]);
    const ouLevel = account.Levels[1];
    expect(ouLevel?.Policies.map((p) => p.Name)).toContain("no-assume-role");
    expect(ouLevel?.Policies.find((p) => p.Name === "no-assume-role")?.Document).toEqual(
      JSON.parse(DENY_ASSUME),
    );
    // Every level carries an Allow (FullAWSAccess, attached by default), or nothing would be allowed.
    for (const level of account.Levels) expect(level.Policies.map((p) => p.Name)).toContain("FullAWSAccess");
  });

  it("the engine writes them as iam/scps.json and the evaluator denies what they deny", async () => {
    const user = `arn:aws:iam::${member}:user/alice`;
    const role = `arn:aws:iam::${member}:role/team`;
    const page = {
      UserDetailList: [
        {
          UserName: "alice",
          Arn: user,
          GroupList: [],
          UserPolicyList: [
            {
              PolicyName: "assume",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: role }],
              },
            },
          ],
        },
      ],
      RoleDetailList: [
        {
          RoleName: "team",
          Arn: role,
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${member}:root` },
                Action: "sts:AssumeRole",
              },
            ],
          },
        },
      ],
      GroupDetailList: [],
      Policies: [],
    };
    const sources: SnapshotSources = {
      iam: { accountAuthorizationDetails: () => Promise.resolve([page]) },
      organizations: source(),
      eks: () => {
        throw new Error("no cluster is collected here");
      },
      kube: () => Promise.reject(new Error("no cluster is collected here")),
    };
    const collected = await collectSnapshot(sources, {
      clusters: [],
      serviceControlPolicies: { from: "organizations" },
    });
    expect(collected.files.map((f) => f.path)).toContain("iam/scps.json");
    const parsed = parseSnapshot(collected.files);
    expect(parsed.snapshot.iamIndex.serviceControlPolicies(member)?.length).toBe(3);
    // Without the SCP, alice could assume the role; with it she cannot.
    const withoutScps = parseSnapshot(collected.files.filter((f) => f.path !== "iam/scps.json"));
    expect(canAssumeRole(withoutScps.snapshot.iamIndex, user, role).allowed).toBe(true);
    const denied = canAssumeRole(parsed.snapshot.iamIndex, user, role);
    expect(denied.allowed).toBe(false);
    expect(JSON.stringify(denied)).toContain("no-assume-role");
  });
});
