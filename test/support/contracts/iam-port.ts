// The IamPort contract: rules I1-I9 of docs/specs/port-fakes.md, as one suite that runs
// against the in-memory fake (unit tier) and against the real adapter over moto
// (integration tier).
import { describe, expect, it } from "vitest";
import type { IamTag } from "../../../src/core/model/iam-documents.js";
import type { PolicyDocument } from "../../../src/core/model/policy-document.js";
import { isPortError, PortError } from "../../../src/ports/errors.js";
import type { IamPort } from "../../../src/ports/iam.js";

export interface IamUnderTest {
  readonly iam: IamPort;
  readonly accountId: string;
  /** The identity the port calls as. */
  readonly callerArn: string;
  /** Makes an IAM group, which IamPort cannot do. */
  readonly createGroup: (name: string) => Promise<void>;
  /** Makes a role under a path, as IAM Identity Center does (IamPort cannot). */
  readonly createRoleAt: (name: string, path: string) => Promise<void>;
}

export interface IamContractSubject {
  /** What is tested, for the suite's title. */
  readonly name: string;
  /** An empty account for one test. */
  setup(): Promise<IamUnderTest>;
  /** Per-test timeout. */
  readonly timeout?: number;
}

export const TRUST: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
    },
  ],
};

const OTHER_TRUST: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" },
  ],
};

const POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }],
};

const OTHER_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/x" }],
};

const MANAGED: IamTag = { Key: "eksgate.dev/managed-by", Value: "eksgate" };

/** The PortError a call fails with. */
export async function portFailure(call: () => Promise<unknown>): Promise<PortError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof PortError) return error;
    throw new Error("expected a PortError", { cause: error });
  }
  throw new Error("expected the call to fail");
}

function sortedTags(tags: readonly IamTag[]): IamTag[] {
  return [...tags].sort((a, b) => (a.Key < b.Key ? -1 : 1));
}

export function describeIamPortContract(subject: IamContractSubject): void {
  const timeout = subject.timeout ?? 30_000;
  const role = (iam: IamPort, name: string, tags: readonly IamTag[] = [MANAGED]) =>
    iam.createRole({ name, trustPolicy: TRUST, description: `role ${name}`, tags });

  describe(`IamPort contract: ${subject.name}`, () => {
    it("I1: a role that does not exist is undefined", { timeout }, async () => {
      const { iam } = await subject.setup();
      expect(await iam.getRole("eksgate-nobody")).toBeUndefined();
    });

    it(
      "I2: createRole makes the role with its ARN, path, id, time, documents and tags; a name in use is already-exists; a recreated role has a new id",
      { timeout },
      async () => {
        const { iam, accountId } = await subject.setup();
        const created = await role(iam, "eksgate-web", [MANAGED, { Key: "eksgate.dev/team", Value: "web" }]);
        expect(created).toMatchObject({
          name: "eksgate-web",
          arn: `arn:aws:iam::${accountId}:role/eksgate-web`,
          path: "/",
          trustPolicy: TRUST,
          description: "role eksgate-web",
        });
        expect(created.roleId).toMatch(/^AROA[A-Z0-9]{16,}$/);
        expect(created.createDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        expect(sortedTags(created.tags)).toEqual(
          sortedTags([MANAGED, { Key: "eksgate.dev/team", Value: "web" }]),
        );
        const read = await iam.getRole("eksgate-web");
        expect(read).toMatchObject({ name: created.name, arn: created.arn, roleId: created.roleId });
        expect(read?.trustPolicy).toEqual(TRUST);

        const again = await portFailure(() => role(iam, "eksgate-web"));
        expect(again.kind).toBe("already-exists");
        expect((await iam.getRole("eksgate-web"))?.roleId).toBe(created.roleId);

        await iam.deleteRole("eksgate-web");
        const recreated = await role(iam, "eksgate-web");
        expect(recreated.roleId).not.toBe(created.roleId);
      },
    );

    it(
      "I3, I8: updates the trust policy, adds and replaces tags, puts and replaces inline policies; each on a missing role is not-found",
      { timeout },
      async () => {
        const { iam } = await subject.setup();
        await role(iam, "eksgate-api");
        await iam.updateTrustPolicy("eksgate-api", OTHER_TRUST);
        expect((await iam.getRole("eksgate-api"))?.trustPolicy).toEqual(OTHER_TRUST);

        await iam.tagRole("eksgate-api", [
          { Key: "eksgate.dev/team", Value: "api" },
          { Key: "eksgate.dev/iam-group", Value: "api-devs" },
        ]);
        await iam.tagRole("eksgate-api", [{ Key: "eksgate.dev/iam-group", Value: "api-admins" }]);
        expect(sortedTags((await iam.getRole("eksgate-api"))?.tags ?? [])).toEqual(
          sortedTags([
            MANAGED,
            { Key: "eksgate.dev/team", Value: "api" },
            { Key: "eksgate.dev/iam-group", Value: "api-admins" },
          ]),
        );

        await iam.putRolePolicy("eksgate-api", "eksgate-api-eks", POLICY);
        await iam.putRolePolicy("eksgate-api", "eksgate-api-extra", POLICY);
        await iam.putRolePolicy("eksgate-api", "eksgate-api-eks", OTHER_POLICY);
        expect([...(await iam.listRolePolicies("eksgate-api"))].sort()).toEqual([
          "eksgate-api-eks",
          "eksgate-api-extra",
        ]);
        expect(await iam.getRolePolicy("eksgate-api", "eksgate-api-eks")).toEqual(OTHER_POLICY);

        for (const call of [
          () => iam.updateTrustPolicy("eksgate-missing", TRUST),
          () => iam.tagRole("eksgate-missing", [MANAGED]),
          () => iam.listRolePolicies("eksgate-missing"),
          () => iam.putRolePolicy("eksgate-missing", "p", POLICY),
        ]) {
          expect((await portFailure(call)).kind).toBe("not-found");
        }
      },
    );

    it(
      "I4: a missing role policy reads as undefined and cannot be deleted (not-found)",
      { timeout },
      async () => {
        const { iam } = await subject.setup();
        await role(iam, "eksgate-db");
        expect(await iam.getRolePolicy("eksgate-db", "eksgate-db-eks")).toBeUndefined();
        expect(await iam.getRolePolicy("eksgate-missing", "eksgate-db-eks")).toBeUndefined();
        expect((await portFailure(() => iam.deleteRolePolicy("eksgate-db", "eksgate-db-eks"))).kind).toBe(
          "not-found",
        );
        await iam.putRolePolicy("eksgate-db", "eksgate-db-eks", POLICY);
        await iam.deleteRolePolicy("eksgate-db", "eksgate-db-eks");
        expect(await iam.listRolePolicies("eksgate-db")).toEqual([]);
      },
    );

    it(
      "I5: deleteRole of a missing role is not-found; of a role with inline policies a conflict, and the role stays",
      { timeout },
      async () => {
        const { iam } = await subject.setup();
        expect((await portFailure(() => iam.deleteRole("eksgate-missing"))).kind).toBe("not-found");
        await role(iam, "eksgate-ops");
        await iam.putRolePolicy("eksgate-ops", "eksgate-ops-eks", POLICY);
        const refused = await portFailure(() => iam.deleteRole("eksgate-ops"));
        expect(refused.kind).toBe("conflict");
        expect(await iam.getRole("eksgate-ops")).toBeDefined();
        await iam.deleteRolePolicy("eksgate-ops", "eksgate-ops-eks");
        await iam.deleteRole("eksgate-ops");
        expect(await iam.getRole("eksgate-ops")).toBeUndefined();
      },
    );

    it(
      "I6: listRolesTagged answers the roles with the prefix that carry every tag",
      { timeout },
      async () => {
        const { iam } = await subject.setup();
        const team = (name: string): IamTag => ({ Key: "eksgate.dev/team", Value: name });
        await role(iam, "eksgate-a", [MANAGED, team("a")]);
        await role(iam, "eksgate-b", [MANAGED, team("b")]);
        await role(iam, "eksgate-c", [team("c")]);
        await role(iam, "other-d", [MANAGED, team("d")]);
        const names = async (prefix: string, tags: readonly IamTag[]): Promise<string[]> =>
          (await iam.listRolesTagged(prefix, tags)).map((r) => r.name).sort();
        expect(await names("", [MANAGED])).toEqual(["eksgate-a", "eksgate-b", "other-d"]);
        expect(await names("eksgate-", [MANAGED])).toEqual(["eksgate-a", "eksgate-b"]);
        expect(await names("", [MANAGED, team("b")])).toEqual(["eksgate-b"]);
        const [b] = await iam.listRolesTagged("eksgate-b", [MANAGED]);
        expect(sortedTags(b?.tags ?? [])).toEqual(sortedTags([MANAGED, team("b")]));
        expect(b?.trustPolicy).toEqual(TRUST);
      },
    );

    it(
      "I7: groups: existence and inline policies; writes to a missing group, and deleting a missing policy, are not-found",
      { timeout },
      async () => {
        const { iam, createGroup } = await subject.setup();
        expect(await iam.groupExists("web-devs")).toBe(false);
        await createGroup("web-devs");
        expect(await iam.groupExists("web-devs")).toBe(true);
        expect(await iam.getGroupPolicy("web-devs", "eksgate-web-assume")).toBeUndefined();
        expect(await iam.getGroupPolicy("nobody", "eksgate-web-assume")).toBeUndefined();
        await iam.putGroupPolicy("web-devs", "eksgate-web-assume", POLICY);
        await iam.putGroupPolicy("web-devs", "eksgate-web-assume", OTHER_POLICY);
        expect(await iam.getGroupPolicy("web-devs", "eksgate-web-assume")).toEqual(OTHER_POLICY);
        await iam.deleteGroupPolicy("web-devs", "eksgate-web-assume");
        expect(await iam.getGroupPolicy("web-devs", "eksgate-web-assume")).toBeUndefined();
        for (const call of [
          () => iam.deleteGroupPolicy("web-devs", "eksgate-web-assume"),
          () => iam.putGroupPolicy("nobody", "eksgate-web-assume", POLICY),
          () => iam.deleteGroupPolicy("nobody", "eksgate-web-assume"),
        ]) {
          const failure = await portFailure(call);
          expect(isPortError(failure, "not-found")).toBe(true);
        }
      },
    );

    it(
      "I11, I12: a role under a path has the path in its ARN; listRolesByPath answers the roles under a prefix",
      { timeout },
      async () => {
        const { iam, accountId, createRoleAt } = await subject.setup();
        const reserved = "AWSReservedSSO_EksDevs_0123456789abcdef";
        await createRoleAt(reserved, "/aws-reserved/sso.amazonaws.com/eu-west-1/");
        await createRoleAt("AWSReservedSSO_Other_fedcba9876543210", "/aws-reserved/sso.amazonaws.com/");
        await createRoleAt("team-tool", "/team/");
        await role(iam, "eksgate-web");
        const read = await iam.getRole(reserved);
        expect(read).toMatchObject({
          name: reserved,
          path: "/aws-reserved/sso.amazonaws.com/eu-west-1/",
          arn: `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${reserved}`,
        });
        const listed = await iam.listRolesByPath("/aws-reserved/sso.amazonaws.com/");
        expect(listed.map((r) => [r.name, r.path, r.roleId === read?.roleId]).sort()).toEqual([
          ["AWSReservedSSO_EksDevs_0123456789abcdef", "/aws-reserved/sso.amazonaws.com/eu-west-1/", true],
          ["AWSReservedSSO_Other_fedcba9876543210", "/aws-reserved/sso.amazonaws.com/", false],
        ]);
        expect(listed.find((r) => r.name === reserved)?.arn).toBe(read?.arn);
        expect(await iam.listRolesByPath("/nothing-here/")).toEqual([]);
      },
    );

    it("I9: callerArn is the identity making the calls", { timeout }, async () => {
      const { iam, callerArn } = await subject.setup();
      expect(await iam.callerArn()).toBe(callerArn);
    });
  });
}
