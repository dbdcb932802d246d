// The multi-account and Identity Center parts of the snapshot reader (docs/audit.md, "The
// snapshot layout"), on test/fixtures/snapshot/idc and on hand-written variants of its files.
import { describe, expect, it } from "vitest";
import { snapshotDirFiles } from "../support/snapshot-files.js";
import { parseSnapshot, type SnapshotFile } from "../../src/core/snapshot/index.js";
import { jsonErrorOffset } from "../../src/core/snapshot/json-file.js";
import { isReservedRoleNameFor, reservedRolePermissionSet } from "../../src/core/model/identity-center.js";

const ROOT = "test/fixtures/snapshot/idc";

const fixture = snapshotDirFiles(ROOT);

function replace(path: string, text: string): SnapshotFile[] {
  return [...fixture.filter((f) => f.path !== path), { path, text }];
}

describe("multi-account snapshots", () => {
  it("reads one iam/ directory per account, with no diagnostics", () => {
    const { snapshot, diagnostics } = parseSnapshot(fixture);
    expect(diagnostics).toEqual([]);
    expect([...snapshot.iamIndex.accounts].sort()).toEqual(["111111111111", "222222222222"]);
    expect(snapshot.iamIndex.user("arn:aws:iam::111111111111:user/bob")?.groups.map((g) => g.name)).toEqual([
      "platform",
    ]);
    expect(snapshot.iamIndex.roleByName("222222222222", "eksgate-platform")?.account).toBe("222222222222");
  });

  it("keeps reading the single-account layout, and both together", () => {
    const single = fixture
      .filter((f) => f.path.startsWith("accounts/111111111111/"))
      .map((f) => ({ ...f, path: "iam/account-authorization-details.json" }));
    const onlyTop = parseSnapshot(single);
    expect(onlyTop.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect([...onlyTop.snapshot.iamIndex.accounts]).toEqual(["111111111111"]);
    const mixed = parseSnapshot([
      ...single,
      ...fixture.filter((f) => !f.path.startsWith("accounts/111111111111/")),
    ]);
    expect(mixed.diagnostics).toEqual([]);
    expect([...mixed.snapshot.iamIndex.accounts].sort()).toEqual(["111111111111", "222222222222"]);
  });

  it("reports a directory that is not an account id, and principals of another account", () => {
    const wrongName = parseSnapshot([
      ...fixture,
      { path: "accounts/prod/iam/account-authorization-details.json", text: "{}" },
    ]);
    expect(wrongName.diagnostics.map((d) => [d.code, d.path])).toContainEqual(["SNAP023", "accounts/prod"]);
    const misplaced = fixture.find((f) => f.path.startsWith("accounts/111111111111/"));
    const moved = parseSnapshot([
      ...fixture.filter((f) => f !== misplaced),
      { path: "accounts/333333333333/iam/account-authorization-details.json", text: misplaced?.text ?? "" },
    ]);
    const d = moved.diagnostics.find((x) => x.code === "SNAP023");
    expect(d?.summary).toContain("arn:aws:iam::111111111111:user/bob");
    expect(d?.severity).toBe("error");
  });

  it("says SNAP001 only when no account has IAM details", () => {
    const none = parseSnapshot(fixture.filter((f) => !f.path.startsWith("accounts/")));
    expect(none.diagnostics.map((d) => d.code)).toContain("SNAP001");
    expect(none.diagnostics.find((d) => d.code === "SNAP001")?.path).toBe(
      "iam/account-authorization-details.json",
    );
    expect(parseSnapshot(fixture).diagnostics.map((d) => d.code)).not.toContain("SNAP001");
  });

  it("reads an account's own scps.json, AccountId optional", () => {
    const scp = {
      Levels: [
        {
          Target: "r-abcd",
          Policies: [
            {
              Name: "FullAWSAccess",
              Document: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
              },
            },
          ],
        },
      ],
    };
    const { snapshot, diagnostics } = parseSnapshot([
      ...fixture,
      { path: "accounts/222222222222/iam/scps.json", text: JSON.stringify(scp) },
    ]);
    expect(diagnostics).toEqual([]);
    expect(snapshot.iam.serviceControlPolicies?.map((s) => s.AccountId)).toEqual(["222222222222"]);
    expect(snapshot.iamIndex.serviceControlPolicies("222222222222")?.[0]?.target).toBe("r-abcd");
  });

  it("gives file:line:column for a JSON syntax error in IAM details", () => {
    const path = "accounts/111111111111/iam/account-authorization-details.json";
    const { diagnostics } = parseSnapshot(
      replace(path, '{\n  "UserDetailList": [\n    {"UserName": }\n  ]\n}\n'),
    );
    const d = diagnostics.find((x) => x.code === "SNAP002");
    expect(d?.source).toEqual({ file: path, line: 3, column: 18 });
    expect(d?.summary).toContain(`${path}:3:18`);
  });
});

describe("Identity Center files (AWS CLI output)", () => {
  const idc = parseSnapshot(fixture).snapshot.identityCenter;

  it("reads users, groups, memberships, permission sets and assignments", () => {
    const state = idc?.state;
    expect(state?.instances.map((i) => i.identityStoreId)).toEqual(["d-9067642ac7"]);
    expect(state?.users.map((u) => u.userName)).toEqual([
      "alice@example.com",
      "erin@example.com",
      "frank@example.com",
    ]);
    expect(state?.groups.map((g) => g.displayName).sort()).toEqual(["Admins", "Developers"]);
    expect(state?.memberships).toHaveLength(3);
    expect(state?.assignments).toHaveLength(3);
    expect(
      idc
        ?.membershipsOf("9067642a-erin")
        .map((m) => idc.group(m.groupId)?.displayName)
        .sort(),
    ).toEqual(["Admins", "Developers"]);
  });

  it("merges a permission set's CLI outputs, in one file or in a directory of them", () => {
    const dev = idc?.permissionSetByName("EksDevelopers");
    expect(dev?.sessionDuration).toBe("PT8H");
    // get-inline-policy-for-permission-set prints the policy as a JSON string.
    expect(typeof dev?.inlinePolicy).toBe("string");
    expect(dev?.managedPolicyArns).toEqual([]);
    const admins = idc?.permissionSetByName("EksAdmins");
    expect(admins?.inlinePolicy).toBeUndefined(); // "" means none
    expect(admins?.managedPolicyArns).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
  });

  it("looks users up by name without case, and by id", () => {
    expect(idc?.user("ALICE@example.com")?.userId).toBe("9067642a-alice");
    expect(idc?.user("9067642a-alice")?.userName).toBe("alice@example.com");
  });

  it("points a shape problem at its element with file:line:column", () => {
    const path = "identity-center/users.json";
    const text = '{\n  "Users": [\n    {"UserId": "u-1", "UserName": "a"},\n    {"UserId": "u-2"}\n  ]\n}\n';
    const { diagnostics, snapshot } = parseSnapshot(replace(path, text));
    const d = diagnostics.find((x) => x.code === "SNAP020");
    expect(d?.source).toEqual({ file: path, line: 4, column: 5 });
    expect(d?.summary).toBe(`${path}:4:5: a user needs UserId and UserName`);
    expect(d?.detail).toContain("aws identitystore list-users");
    expect(snapshot.identityCenter?.state.users.map((u) => u.userId)).toEqual(["u-1"]);
  });

  it("points a JSON syntax error at its place", () => {
    const path = "identity-center/groups.json";
    const { diagnostics } = parseSnapshot(replace(path, '{"Groups": [\n  {"GroupId": "g", \n}'));
    const d = diagnostics.find((x) => x.code === "SNAP002");
    expect(d?.source?.file).toBe(path);
    expect(d?.source?.line).toBe(3);
  });

  it("warns about memberships and assignments that name what the files do not hold", () => {
    const { diagnostics } = parseSnapshot([
      ...fixture,
      {
        path: "identity-center/group-memberships/ghost.json",
        text: JSON.stringify({
          GroupMemberships: [{ GroupId: "g-ghost", MemberId: { UserId: "9067642a-alice" } }],
        }),
      },
      {
        path: "identity-center/account-assignments-extra.json",
        text: JSON.stringify({
          AccountAssignments: [
            {
              AccountId: "222222222222",
              PermissionSetArn: "arn:aws:sso:::permissionSet/x/ps-none",
              PrincipalType: "GROUP",
              PrincipalId: "9067642a-g-dev",
            },
          ],
        }),
      },
    ]);
    const dangling = diagnostics.filter((d) => d.code === "SNAP021").map((d) => d.summary);
    expect(dangling).toHaveLength(2);
    expect(dangling[0]).toContain("group g-ghost");
    expect(dangling[1]).toContain("ps-none is not described");
  });

  it("checks assignment fields: a 12-digit account and USER or GROUP", () => {
    const path = "identity-center/account-assignments/bad.json";
    const { diagnostics } = parseSnapshot([
      ...fixture,
      {
        path,
        text: '{"AccountAssignments": [\n  {"AccountId": "12345", "PermissionSetArn": "p", "PrincipalType": "GROUP", "PrincipalId": "g"},\n  {"AccountId": "222222222222", "PermissionSetArn": "p", "PrincipalType": "ROLE", "PrincipalId": "g"}\n]}',
      },
    ]);
    const bad = diagnostics.filter((d) => d.code === "SNAP020");
    expect(bad.map((d) => d.source?.line)).toEqual([2, 3]);
    expect(bad[0]?.summary).toContain("12-digit");
  });

  it("warns about a listed permission set that is not described, and a duplicate user", () => {
    const { diagnostics } = parseSnapshot([
      ...fixture,
      {
        path: "identity-center/permission-sets-more.json",
        text: JSON.stringify({ PermissionSets: ["arn:aws:sso:::permissionSet/x/ps-gone"] }),
      },
      {
        path: "identity-center/users-2.json",
        text: JSON.stringify({ Users: [{ UserId: "9067642a-alice", UserName: "someone-else" }] }),
      },
    ]);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(["SNAP021", "SNAP022"]);
  });

  it("ignores files outside the Identity Center layout with an info", () => {
    const { diagnostics } = parseSnapshot([...fixture, { path: "identity-center/notes.json", text: "{}" }]);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["SNAP007", "info"]]);
  });

  it("has no Identity Center state without identity-center/ files", () => {
    expect(
      parseSnapshot(fixture.filter((f) => !f.path.startsWith("identity-center/"))).snapshot.identityCenter,
    ).toBeUndefined();
  });
});

describe("reserved role names", () => {
  // "IAM Identity Center and AWS accounts" / "Referencing permission sets in resource policies,
  // Amazon EKS, and AWS KMS", IAM Identity Center User Guide:
  // https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
  it("recognizes AWSReservedSSO_<PS>_<16 hex> under the reserved path, with or without a region", () => {
    expect(
      reservedRolePermissionSet(
        "AWSReservedSSO_EksDevelopers_0123456789abcdef",
        "/aws-reserved/sso.amazonaws.com/",
      ),
    ).toBe("EksDevelopers");
    expect(
      reservedRolePermissionSet(
        "AWSReservedSSO_Eks_Dev_0123456789abcdef",
        "/aws-reserved/sso.amazonaws.com/eu-west-1/",
      ),
    ).toBe("Eks_Dev");
    expect(reservedRolePermissionSet("AWSReservedSSO_EksDevelopers_0123456789abcdef", "/")).toBeUndefined();
    expect(
      reservedRolePermissionSet("AWSReservedSSO_EksDevelopers_0123", "/aws-reserved/sso.amazonaws.com/"),
    ).toBeUndefined();
    expect(reservedRolePermissionSet("eksgate-platform", "/aws-reserved/sso.amazonaws.com/")).toBeUndefined();
    expect(isReservedRoleNameFor("AWSReservedSSO_Admin_0123456789abcdef", "Admin")).toBe(true);
    expect(isReservedRoleNameFor("AWSReservedSSO_Admin_0123456789abcdef", "Admins")).toBe(false);
  });
});

describe("where JSON stops being valid", () => {
  const cases: [string, number | undefined][] = [
    ['{"a": [1, 2.5e3, true, null, "x\\u00e9"]}', undefined],
    ["[]", undefined],
    ['{"a": }', 6],
    ['{"a": 1,}', 8],
    ["[1 2]", 3],
    ['{"a" 1}', 5],
    ['"\\q"', 1],
    ["[1]x", 3],
    ["", 0],
  ];
  it.each(cases)("%j -> %s, and valid exactly when JSON.parse accepts it", (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    expect(offset === undefined).toBe(valid);
  });

  it("walks 100,000 nested brackets without recursion", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(jsonErrorOffset(deep)).toBeUndefined();
    expect(jsonErrorOffset(`${deep}]`)).toBe(200_000);
  });
});
