// The IdentityCenterPort contract: rules C1-C7 of docs/specs/port-fakes.md, as one suite that
// runs against the in-memory fake (unit tier) and against the real adapter over moto's
// sso-admin and identitystore (integration tier).
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../../src/core/model/policy-document.js";
import type { IdentityCenterPort } from "../../../src/ports/identity-center.js";
import { portFailure } from "./iam-port.js";

export interface IdentityCenterUnderTest {
  readonly port: IdentityCenterPort;
  /** Makes a group in the identity store (the port cannot); answers its id. */
  readonly createGroup: (displayName: string) => Promise<string>;
}

export interface IdentityCenterContractSubject {
  readonly name: string;
  /** An instance without permission sets or groups, for one test. */
  setup(): Promise<IdentityCenterUnderTest>;
  readonly timeout?: number;
}

const POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: "arn:aws:eks:eu-west-1:222222222222:cluster/blue",
    },
  ],
};

const ACCOUNT = "222222222222";

export function describeIdentityCenterPortContract(subject: IdentityCenterContractSubject): void {
  const timeout = subject.timeout ?? 30_000;

  describe(`IdentityCenterPort contract: ${subject.name}`, () => {
    it("C1: listInstances answers the instance with its identity store", { timeout }, async () => {
      const { port } = await subject.setup();
      const instances = await port.listInstances();
      expect(instances).toHaveLength(1);
      expect(instances[0]?.instanceArn).toMatch(/^arn:aws:sso:::instance\/ssoins-/);
      expect(instances[0]?.identityStoreId).toMatch(/^d-/);
    });

    it(
      "C2: a group is found by its exact display name and by id; an unknown name or id is undefined",
      { timeout },
      async () => {
        const { port, createGroup } = await subject.setup();
        const store = (await port.listInstances())[0]?.identityStoreId ?? "";
        const id = await createGroup("EKS Developers");
        await createGroup("EKS Developers Team");
        expect(await port.findGroupByName(store, "EKS Developers")).toEqual({
          groupId: id,
          displayName: "EKS Developers",
        });
        expect(await port.findGroupByName(store, "Nobody")).toBeUndefined();
        expect(await port.describeGroup(store, id)).toEqual({ groupId: id, displayName: "EKS Developers" });
        expect(await port.describeGroup(store, "00000000-0000-0000-0000-000000000000")).toBeUndefined();
      },
    );

    it(
      "C3, C4: a created permission set is listed with its name, description and session duration; its inline policy reads back as put",
      { timeout },
      async () => {
        const { port } = await subject.setup();
        const instance = (await port.listInstances())[0]?.instanceArn ?? "";
        const arn = await port.createPermissionSet(instance, {
          name: "EksDevs",
          description: "Managed by eksgate: Amazon EKS access for team devs",
          sessionDuration: "PT4H",
          tags: [{ Key: "eksgate.dev/managed-by", Value: "eksgate" }],
        });
        expect(arn).toMatch(/^arn:aws:sso:::.+\/ps-[0-9a-z]+$/);
        const listed = await port.listPermissionSets(instance);
        expect(listed.filter((p) => p.name === "EksDevs")).toEqual([
          {
            arn,
            name: "EksDevs",
            description: "Managed by eksgate: Amazon EKS access for team devs",
            sessionDuration: "PT4H",
          },
        ]);
        expect(await port.getInlinePolicy(instance, arn)).toBeUndefined();
        await port.putInlinePolicy(instance, arn, POLICY);
        expect(await port.getInlinePolicy(instance, arn)).toEqual(POLICY);
      },
    );

    it(
      "C5, C6, C7: an account assignment is created, listed for its account and permission set, and deleted; each request and provisioning succeed",
      { timeout },
      async () => {
        const { port, createGroup } = await subject.setup();
        const instance = (await port.listInstances())[0]?.instanceArn ?? "";
        const groupId = await createGroup("Platform");
        const arn = await port.createPermissionSet(instance, {
          name: "EksPlatform",
          description: "d",
          sessionDuration: "PT1H",
          tags: [],
        });
        const target = {
          permissionSetArn: arn,
          accountId: ACCOUNT,
          principalType: "GROUP" as const,
          principalId: groupId,
        };
        const created = await port.createAccountAssignment(instance, target);
        expect(["IN_PROGRESS", "SUCCEEDED"]).toContain(created.status);
        expect((await port.requestStatus(instance, "assignment-creation", created.requestId)).status).toBe(
          "SUCCEEDED",
        );
        expect(await port.listAccountAssignments(instance, ACCOUNT, arn)).toEqual([target]);
        expect(await port.listAccountAssignments(instance, "333333333333", arn)).toEqual([]);
        const provisioned = await port.provisionPermissionSet(instance, arn);
        expect(["IN_PROGRESS", "SUCCEEDED"]).toContain(provisioned.status);
        const deleted = await port.deleteAccountAssignment(instance, target);
        expect((await port.requestStatus(instance, "assignment-deletion", deleted.requestId)).status).toBe(
          "SUCCEEDED",
        );
        expect(await port.listAccountAssignments(instance, ACCOUNT, arn)).toEqual([]);
        await port.deletePermissionSet(instance, arn);
        expect((await port.listPermissionSets(instance)).map((p) => p.name)).not.toContain("EksPlatform");
      },
    );

    it("C3: a call on a permission set that does not exist is not-found", { timeout }, async () => {
      const { port } = await subject.setup();
      const instance = (await port.listInstances())[0]?.instanceArn ?? "";
      const arn = await port.createPermissionSet(instance, {
        name: "EksSome",
        description: "d",
        sessionDuration: "PT1H",
        tags: [],
      });
      const missing = arn.replace(/ps-[0-9a-z]+$/, "ps-0000000000000000");
      const failure = await portFailure(() => port.getInlinePolicy(instance, missing));
      expect(failure.kind).toBe("not-found");
    });
  });
}
