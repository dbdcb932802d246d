// explain, who-can and can-i for IAM Identity Center people and cross-account IAM paths, on
// test/fixtures/snapshot/idc: account 111111111111 holds IAM users and groups, 222222222222 the
// clusters' roles (eksgate-platform trusting 111111111111, and the roles Identity Center made
// for the permission sets EksDevelopers and EksAdmins); prod reads aws-auth, stage access entries.
import { describe, expect, it } from "vitest";
import { snapshotDirFiles } from "../support/snapshot-files.js";
import {
  canI,
  checkPrincipalArn,
  explainPrincipal,
  parseAccessRequest,
  whoCanAccess,
  type Hop,
} from "../../src/core/evaluate/access/index.js";
import type { RequestAttributes } from "../../src/core/evaluate/rbac/index.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";

const ROOT = "test/fixtures/snapshot/idc";
const B = "222222222222";
const DEV_ROLE = `arn:aws:iam::${B}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_EksDevelopers_0123456789abcdef`;

const fixture = snapshotDirFiles(ROOT);
const snapshot = parseSnapshot(fixture).snapshot;

function req(verb: string, resource: string, namespace?: string): RequestAttributes {
  const r = parseAccessRequest({ verb, resource, ...(namespace !== undefined ? { namespace } : {}) });
  if (!r.ok) throw new Error("bad request");
  return r.request;
}

const kinds = (hops: readonly Hop[]) => hops.map((h) => h.kind);

describe("Identity Center principals", () => {
  it("accepts idc:user/NAME and refuses other idc: forms with a hint", () => {
    expect(checkPrincipalArn("idc:user/alice@example.com")).toEqual({ ok: true, kind: "idc-user" });
    const bad = checkPrincipalArn("idc:group/Developers");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.hint).toContain("idc:user/USERNAME");
  });
});

describe("explain an Identity Center user", () => {
  const result = explainPrincipal(snapshot, "idc:user/alice@example.com");

  it("follows user -> group -> permission set -> account assignment -> reserved role", () => {
    expect(result.principal).toMatchObject({
      type: "idc-user",
      name: "alice@example.com",
      known: true,
      groups: ["Developers"],
    });
    expect(result.routes).toHaveLength(1);
    const route = result.routes[0];
    expect(kinds(route?.hops ?? [])).toEqual([
      "idc-user",
      "idc-group",
      "permission-set",
      "account-assignment",
      "iam-role",
    ]);
    expect(route?.roleArn).toBe(DEV_ROLE);
    expect(route?.caller.sessionName).toBe("alice@example.com");
    const [user, group, ps, assignment, role] = route?.hops ?? [];
    expect(user?.source).toBe("identity-center/users.json Users[0]");
    expect(group?.why).toBe("alice@example.com is a member");
    expect(group?.source).toBe("identity-center/group-memberships/Developers.json GroupMemberships[0]");
    expect(ps?.what).toBe("permission set EksDevelopers");
    expect(assignment?.what).toBe(`account assignment of EksDevelopers in account ${B}`);
    expect(assignment?.source).toBe(
      `identity-center/account-assignments/${B}-EksDevelopers.json AccountAssignments[0]`,
    );
    expect(role?.why).toContain("path /aws-reserved/sso.amazonaws.com/eu-west-1/, matched by name");
    expect(role?.why).toContain('session named "alice@example.com"');
  });

  it("maps the session through aws-auth with the path stripped, {{SessionName}} with @ -> -", () => {
    const prod = result.reach.find((r) => r.cluster === "prod");
    expect(prod?.mapping.mapped).toBe(true);
    if (prod?.mapping.mapped !== true) return;
    expect(prod.mapping.via).toBe("aws-auth");
    expect(prod.mapping.canonicalArn).toBe(
      `arn:aws:iam::${B}:role/AWSReservedSSO_EksDevelopers_0123456789abcdef`,
    );
    expect(prod.mapping.username).toBe("eksgate:developers:alice-example.com");
    expect(kinds(prod.hops).slice(-2)).toEqual(["mapping", "kubernetes-identity"]);
    expect(prod.access?.bindings.map((b) => b.binding.name)).toEqual(["developers-edit"]);
  });

  it("maps the session through an access entry that names the full ARN", () => {
    const stage = result.reach.find((r) => r.cluster === "stage");
    expect(stage?.mapping.mapped).toBe(true);
    if (stage?.mapping.mapped !== true) return;
    expect(stage.mapping.via).toBe("access-entry");
    expect(stage.mapping.canonicalArn).toBe(DEV_ROLE);
    expect(stage.mapping.username).toBe("eksgate:developers:alice-example.com");
  });

  it("gives one route per assignment of a user in two groups", () => {
    const erin = explainPrincipal(snapshot, "idc:user/erin@example.com");
    expect(erin.routes.map((r) => r.viaGroups)).toEqual([["Admins"], ["Developers"]]);
  });

  it("says which assignment has no reserved role in the snapshot", () => {
    const frank = explainPrincipal(snapshot, "idc:user/frank@example.com");
    expect(frank.routes).toEqual([]);
    expect(frank.unresolved?.map((u) => [u.grant.permissionSet.name, u.grant.assignment.accountId])).toEqual([
      ["EksAuditors", B],
    ]);
    expect(frank.unresolved?.[0]?.reason).toContain("AWSReservedSSO_EksAuditors_*");
  });

  it("knows no route for a user the files do not hold", () => {
    const nobody = explainPrincipal(snapshot, "idc:user/nobody@example.com");
    expect(nobody.principal.known).toBe(false);
    expect(nobody.routes).toEqual([]);
  });

  it("needs the reserved path: a role with the reserved name elsewhere is not Identity Center's", () => {
    const path = `accounts/${B}/iam/account-authorization-details.json`;
    const text = (fixture.find((f) => f.path === path)?.text ?? "").replaceAll(
      "/aws-reserved/sso.amazonaws.com/eu-west-1/",
      "/imitation/",
    );
    const moved = parseSnapshot([...fixture.filter((f) => f.path !== path), { path, text }]).snapshot;
    const alice = explainPrincipal(moved, "idc:user/alice@example.com");
    expect(alice.routes).toEqual([]);
    expect(alice.unresolved).toHaveLength(1);
  });
});

describe("can-i and who-can for Identity Center users", () => {
  it("answers yes with the whole path, and no with where it breaks", () => {
    const yes = canI(snapshot, "idc:user/alice@example.com", req("delete", "pods", "apps"), {
      cluster: "prod",
    });
    expect(yes.answer).toBe("yes");
    expect(kinds(yes.paths[0]?.hops ?? [])).toEqual([
      "idc-user",
      "idc-group",
      "permission-set",
      "account-assignment",
      "iam-role",
      "mapping",
      "kubernetes-identity",
      "binding",
      "rule",
    ]);
    const no = canI(snapshot, "idc:user/alice@example.com", req("delete", "pods", "kube-system"), {
      cluster: "prod",
    });
    expect(no.answer).toBe("no");
    expect(no.failures.map((f) => f.brokenAt)).toEqual(["rbac"]);
    const frank = canI(snapshot, "idc:user/frank@example.com", req("get", "pods", "apps"), {
      cluster: "prod",
    });
    expect(frank.answer).toBe("no");
    expect(frank.failures.map((f) => f.brokenAt)).toEqual(["iam", "iam"]);
    expect(frank.failures[1]?.reason).toContain("EksAuditors");
  });

  it("a binding to one person's Kubernetes user reaches that person only", () => {
    // stage binds User eksgate:developers:alice-example.com, not the Developers group.
    const alice = canI(snapshot, "idc:user/alice@example.com", req("delete", "secrets", "apps"), {
      cluster: "stage",
    });
    const erin = canI(snapshot, "idc:user/erin@example.com", req("delete", "secrets", "apps"), {
      cluster: "stage",
    });
    expect(alice.answer).toBe("yes");
    expect(erin.answer).toBe("yes"); // through Admins
    expect(erin.paths[0]?.hops.find((h) => h.kind === "idc-group")?.what).toBe(
      "Identity Center group Admins",
    );
  });

  it("who-can lists the people of the assigned groups with their paths", () => {
    const who = whoCanAccess(snapshot, req("delete", "pods", "apps"), { cluster: "prod" });
    const people = who.principals.filter((p) => p.type === "idc-user");
    expect(people.map((p) => [p.arn, p.viaGroups])).toEqual([
      ["idc:user/alice@example.com", ["Developers"]],
      ["idc:user/erin@example.com", ["Developers"]],
    ]);
    const path = people[0]?.paths[0];
    expect(kinds(path?.hops ?? []).slice(0, 5)).toEqual([
      "idc-user",
      "idc-group",
      "permission-set",
      "account-assignment",
      "iam-role",
    ]);
    expect(path?.hops.find((h) => h.kind === "kubernetes-identity")?.what).toBe(
      "Kubernetes user eksgate:developers:alice-example.com",
    );
    // frank's permission set has no role; he is nowhere.
    expect(who.principals.some((p) => p.name === "frank@example.com")).toBe(false);
  });

  it("who-can follows a person-specific binding to that person alone", () => {
    const who = whoCanAccess(snapshot, req("delete", "secrets", "apps"), { cluster: "stage" });
    const people = who.principals.filter((p) => p.type === "idc-user").map((p) => p.name);
    expect(people).toEqual(["alice@example.com", "erin@example.com"]);
    const erin = who.principals.find((p) => p.name === "erin@example.com");
    expect(erin?.viaGroups).toEqual(["Admins"]);
  });
});

// "IAM policy evaluation logic", cross-account policy evaluation:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
describe("cross-account IAM paths", () => {
  it("shows the identity side and the trust side of an AssumeRole into another account", () => {
    const bob = explainPrincipal(snapshot, "arn:aws:iam::111111111111:user/bob", { cluster: "prod" });
    const route = bob.routes.find((r) => r.roleArn === `arn:aws:iam::${B}:role/eksgate-platform`);
    expect(kinds(route?.hops ?? [])).toEqual(["iam-user", "iam-group", "iam-role"]);
    const assume = route?.hops[2];
    expect(assume?.statements?.map((s) => [s.role, s.sid])).toEqual([
      ["identity", "AssumePlatformInWorkload"],
      ["trust", "IdentityAccountBySessionName"],
    ]);
    expect(assume?.why).toContain("identity side in account 111111111111");
    expect(assume?.why).toContain(`trust side in account ${B}`);
    expect(assume?.why).toContain("both sides must allow");
    const prod = bob.reach.find((r) => r.route === route);
    expect(prod?.mapping.mapped && prod.mapping.username).toBe("eksgate:platform:bob");
  });

  it("an identity policy alone does not open a role whose trust policy trusts another account", () => {
    const dave = explainPrincipal(snapshot, "arn:aws:iam::111111111111:user/dave");
    expect(dave.routes.map((r) => r.roleArn)).toEqual([undefined]);
  });

  it("a trust policy alone does not open the role either: the identity side must allow", () => {
    // Drop bob's group policy: the trust policy still trusts 111111111111.
    const path = "accounts/111111111111/iam/account-authorization-details.json";
    const details = JSON.parse(fixture.find((f) => f.path === path)?.text ?? "{}") as {
      GroupDetailList: { GroupPolicyList: unknown[] }[];
    };
    for (const g of details.GroupDetailList) g.GroupPolicyList = [];
    const cut = parseSnapshot([
      ...fixture.filter((f) => f.path !== path),
      { path, text: JSON.stringify(details) },
    ]).snapshot;
    const bob = explainPrincipal(cut, "arn:aws:iam::111111111111:user/bob");
    expect(bob.routes.map((r) => r.roleArn)).toEqual([undefined]);
    const no = canI(cut, "arn:aws:iam::111111111111:user/bob", req("get", "pods", "apps"), {
      cluster: "prod",
    });
    expect(no.failures.find((f) => f.brokenAt === "assume-role")?.reason).toContain("no identity policy");
  });

  it("who-can lists the IAM user of the other account with both statements", () => {
    const who = whoCanAccess(snapshot, req("get", "pods", "apps"), { cluster: "prod" });
    const bob = who.principals.find((p) => p.arn === "arn:aws:iam::111111111111:user/bob");
    expect(bob?.viaGroups).toEqual(["platform"]);
    expect(bob?.paths[0]?.hops.find((h) => h.kind === "iam-role")?.why).toContain("both sides must allow");
  });
});
