import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  matchAwsAuth,
  parseAwsAuthData,
  readAwsAuthManifest,
  renderAwsAuthTemplate,
  type AwsAuthMappings,
} from "../../src/core/model/aws-auth.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/aws-auth/${name}`, import.meta.url), "utf8");

function parse(data: Record<string, string>): {
  m: AwsAuthMappings;
  codes: string[];
  paths: (string | undefined)[];
} {
  const r = parseAwsAuthData(data);
  if (!r.ok) throw new Error("parseAwsAuthData never fails");
  return { m: r.value, codes: r.diagnostics.map((d) => d.code), paths: r.diagnostics.map((d) => d.path) };
}

describe("parseAwsAuthData: keys and values", () => {
  it("reads only mapRoles, mapUsers and mapAccounts (top-level keys are case-sensitive)", () => {
    const { m } = parse({
      maproles: "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n",
      MapUsers: "- userarn: x\n  username: x\n",
    });
    expect(m.roles).toEqual([]);
    expect(m.users).toEqual([]);
    expect(m.status).toEqual({ mapRoles: "absent", mapUsers: "absent", mapAccounts: "absent" });
  });
  it("skips empty and quotes-only values", () => {
    const { m, codes } = parse({ mapRoles: '  ""  ', mapUsers: "``", mapAccounts: "\n" });
    expect(m.status).toEqual({ mapRoles: "skipped", mapUsers: "skipped", mapAccounts: "skipped" });
    expect(codes).toEqual(["AA020", "AA020", "AA020"]);
  });
  it("drops the whole key on a YAML error, keeping other keys", () => {
    const { m, codes } = parse({
      mapRoles:
        "- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: n\n  groups: [system:nodes]\n- rolearn: arn:aws:iam::111122223333:role/b\n username: b\n",
      mapUsers: "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n",
    });
    expect(m.status.mapRoles).toBe("dropped");
    expect(m.roles).toEqual([]);
    expect(m.users.map((u) => u.userarn)).toEqual(["arn:aws:iam::111122223333:user/alice"]);
    expect(codes).toEqual(["AA004"]);
  });
  it("reads JSON values; a value starting with '{' is JSON and an object is not a list", () => {
    const ok = parse({
      mapRoles: '[{"RoleArn":"arn:aws:iam::111122223333:role/a","username":"a","groups":["g"]}]',
    });
    expect(ok.m.roles.map((r) => [r.rolearn, r.username, r.groups])).toEqual([
      ["arn:aws:iam::111122223333:role/a", "a", ["g"]],
    ]);
    const obj = parse({ mapRoles: '{"rolearn":"arn:aws:iam::111122223333:role/a"}' });
    expect([obj.m.status.mapRoles, obj.codes]).toEqual(["dropped", ["AA005"]]);
    const bad = parse({ mapRoles: '{"rolearn": }' });
    expect([bad.m.status.mapRoles, bad.codes]).toEqual(["dropped", ["AA004"]]);
  });
  it("treats a YAML mapping at the top as no entries (not a list)", () => {
    const { m, codes } = parse({ mapRoles: "rolearn: arn:aws:iam::111122223333:role/a\nusername: a\n" });
    expect([m.status.mapRoles, m.roles.length, codes]).toEqual(["dropped", 0, ["AA005"]]);
  });
});

describe("parseAwsAuthData: entries", () => {
  it("matches field names case-insensitively; between two spellings the one sorting last wins", () => {
    const { m } = parse({
      mapRoles:
        "- roleArn: arn:aws:iam::1:role/first\n  rolearn: arn:aws:iam::1:role/second\n  UsErNaMe: u\n  gRoUpS: [g]\n",
    });
    expect(m.roles[0]?.rolearn).toBe("arn:aws:iam::1:role/second");
    expect(m.roles[0]?.fields.rolearn?.name).toBe("rolearn");
    expect(m.roles[0]?.username).toBe("u");
  });
  it("reads the upstream-style crazy-case fixture", () => {
    const manifest = readAwsAuthManifest(fixture("crazy-case-keys.yaml"), "crazy-case-keys.yaml");
    if (!manifest.ok) throw new Error("fixture must parse");
    const { m } = parse(Object.fromEntries(Object.entries(manifest.value.data).map(([k, v]) => [k, v.text])));
    expect(m.roles.map((r) => [r.rolearn, r.username, r.groups])).toEqual([
      [
        "arn:aws:iam::444455556666:role/prod-workers-NodeInstanceRole-1A2B3C4D",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:bootstrappers", "system:nodes"],
      ],
      ["arn:aws:iam::444455556666:role/platform-admins", "platform:{{SessionName}}", ["platform-admins"]],
    ]);
    expect(m.users.map((u) => [u.userarn, u.username, u.groups])).toEqual([
      ["arn:aws:iam::444455556666:user/ops/robin", "robin", ["viewers"]],
    ]);
    expect(m.accounts.map((a) => a.accountId)).toEqual(["444455556666"]);
  });
  it("skips invalid entries, keeps valid ones, and reports each with its path", () => {
    const { m, codes, paths } = parse({
      mapRoles: [
        "- rolearn: arn:aws:iam::111122223333:role/ok\n  username: ok",
        "- username: no-arn",
        "- just a string",
        "- rolearn: arn:aws:iam::111122223333:role/x\n  sso: {permissionSetName: A, accountID: '111122223333'}\n  username: both",
        "- sso: {permissionSetName: A, accountID: 11112222}\n  username: short-account",
        "- sso: {permissionSetName: 'bad name', accountID: '111122223333'}\n  username: bad-ps",
        "- sso: {permissionSetName: A, accountID: '111122223333', partition: aws-iso-f}\n  username: bad-partition",
        "- sso: {PermissionSetName: Admin, AccountId: '111122223333'}\n  username: sso-ok",
      ].join("\n"),
      mapUsers: "- username: no-userarn\n- userarn: arn:aws:iam::111122223333:user/u\n  username: u\n",
    });
    expect(m.roles.map((r) => r.path)).toEqual(["mapRoles[0]", "mapRoles[7]"]);
    expect(m.roles[1]?.key).toBe("arn:aws:iam::111122223333:role/awsreservedsso_admin_*");
    expect(m.users.map((u) => u.path)).toEqual(["mapUsers[1]"]);
    // accountID 11112222 is a number: that field is ignored (AA007), then the entry is invalid.
    expect(codes.filter((c) => c !== "AA006")).toEqual(["AA007"]);
    expect(paths.filter((_, i) => codes[i] === "AA006")).toEqual([
      "mapUsers[0]",
      "mapRoles[1]",
      "mapRoles[2]",
      "mapRoles[3]",
      "mapRoles[4]",
      "mapRoles[5]",
      "mapRoles[6]",
    ]);
  });
  it("ignores a field of the wrong type but keeps the entry (Go json semantics)", () => {
    const { m, codes, paths } = parse({
      mapRoles: "- rolearn: arn:aws:iam::1:role/a\n  username: 123\n  groups: system:masters\n",
    });
    expect(m.roles[0]?.username).toBe("");
    expect(m.roles[0]?.groups).toEqual([]);
    expect(codes).toEqual(["AA007", "AA007"]);
    expect([...paths].sort()).toEqual(["mapRoles[0].groups", "mapRoles[0].username"]);
  });
  it("reads YAML 1.1 scalars like the authenticator: yes is a boolean, not a username", () => {
    const { m, codes } = parse({ mapRoles: "- rolearn: arn:aws:iam::1:role/a\n  username: yes\n" });
    expect(m.roles[0]?.username).toBe("");
    expect(codes).toEqual(["AA007"]);
  });
  it("keeps userid and sso fields", () => {
    const { m } = parse({
      mapRoles:
        "- sso:\n    permissionSetName: ReadOnly\n    accountID: '111122223333'\n    partition: aws-cn\n  username: r\n  userid: AROAEXAMPLE\n",
    });
    expect(m.roles[0]?.sso).toEqual({
      permissionSetName: "ReadOnly",
      accountId: "111122223333",
      partition: "aws-cn",
    });
    expect(m.roles[0]?.userid).toBe("AROAEXAMPLE");
    expect(m.roles[0]?.key).toBe("arn:aws-cn:iam::111122223333:role/awsreservedsso_readonly_*");
  });
  it("resolves duplicate role ARNs case-insensitively: the last wins, earlier ones are shadowed", () => {
    const { m, codes, paths } = parse({
      mapRoles:
        "- rolearn: arn:aws:iam::1:role/Admins\n  username: a\n- rolearn: arn:aws:iam::1:role/other\n  username: o\n- rolearn: arn:aws:iam::1:role/admins\n  username: b\n",
    });
    expect(m.effectiveRoles.map((r) => r.username)).toEqual(["o", "b"]);
    expect(m.shadowed.map((s) => [s.shadowed.path, s.by.path])).toEqual([["mapRoles[0]", "mapRoles[2]"]]);
    expect([codes, paths]).toEqual([["AA011"], ["mapRoles[0]"]]);
  });
  it("keys users by the ARN as written: exact duplicates shadow, case variants both stay", () => {
    const { m } = parse({
      mapUsers:
        "- userarn: arn:aws:iam::1:user/bob\n  username: a\n- userarn: arn:aws:iam::1:user/bob\n  username: b\n- userarn: arn:aws:iam::1:user/BOB\n  username: c\n",
    });
    expect(m.effectiveUsers.map((u) => u.username)).toEqual(["b", "c"]);
  });
  it("reads mapAccounts items as written, skipping non-scalars", () => {
    const { m, codes } = parse({ mapAccounts: "- 012345678901\n- '111122223333'\n- {a: b}\n" });
    expect(m.accounts.map((a) => a.accountId)).toEqual(["012345678901", "111122223333"]);
    expect(codes).toEqual(["AA006"]);
  });
});

describe("positions", () => {
  it("maps entries inside a block literal back to manifest line:column", () => {
    const manifest = readAwsAuthManifest(fixture("messy.yaml"), "messy.yaml");
    if (!manifest.ok) throw new Error("fixture must parse");
    const r = parseAwsAuthData(manifest.value.data);
    if (!r.ok) throw new Error("never fails");
    const admins = r.value.roles.find((x) => x.path === "mapRoles[1]");
    expect(admins?.source).toEqual({ file: "messy.yaml", line: 16, column: 7 });
    expect(admins?.fields.rolearn?.source).toEqual({ file: "messy.yaml", line: 16, column: 16 });
  });
  it("maps entries of a single-quoted JSON value to their column", () => {
    const manifest = readAwsAuthManifest(fixture("json-map-roles.yaml"), "json-map-roles.yaml");
    if (!manifest.ok) throw new Error("fixture must parse");
    const r = parseAwsAuthData(manifest.value.data);
    if (!r.ok) throw new Error("never fails");
    const text = fixture("json-map-roles.yaml").split("\n")[6] ?? "";
    expect(r.value.roles[1]?.source).toEqual({
      file: "json-map-roles.yaml",
      line: 7,
      column: text.indexOf('{"rolearn":"arn:aws:iam::111122223333:role/ci-deployer"') + 1,
    });
  });
});

describe("matchAwsAuth", () => {
  const { m } = parse({
    mapRoles: [
      "- rolearn: arn:aws:iam::111122223333:role/eks-nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]",
      "- rolearn: arn:aws:iam::111122223333:role/eksgate-rnd\n  username: rnd:{{SessionName}}:{{AccountID}}\n  groups: ['rnd-{{SessionNameRaw}}']",
      "- rolearn: arn:aws:iam::111122223333:role/team/pathy\n  username: never\n",
      "- sso: {permissionSetName: Admin, accountID: '111122223333'}\n  username: sso:{{SessionName}}:{{AccessKeyID}}\n  groups: [admins]",
      "- rolearn: arn:aws:iam::111122223333:user/carol\n  username: carol-via-roles\n",
    ].join("\n"),
    mapUsers: "- userarn: arn:aws:iam::111122223333:user/ops/dave\n  username: dave\n  groups: [ops]\n",
    mapAccounts: "- '999988887777'\n",
  });
  const match = (caller: Parameters<typeof matchAwsAuth>[1]) => {
    const r = matchAwsAuth(m, caller);
    if (!r.ok) throw new Error(r.diagnostics[0]?.summary);
    return r.value;
  };
  it("maps an assumed role and renders templates (@ becomes - in SessionName only)", () => {
    const r = match({ arn: "arn:aws:sts::111122223333:assumed-role/EKSGATE-RND/alice@example.com" });
    expect(r.matched && [r.via, r.username, r.groups]).toEqual([
      "mapRoles",
      "rnd:alice-example.com:111122223333",
      ["rnd-alice@example.com"],
    ]);
  });
  it("never matches a rolearn with a path", () => {
    const r = match({ arn: "arn:aws:sts::111122223333:assumed-role/pathy/s" });
    expect(r.matched).toBe(false);
  });
  it("leaves sso entries out unless the SSORoleMatch gate is on (EKS: off)", () => {
    const sso = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/bob";
    // Default, as on EKS: the sso entry maps nobody.
    expect(match({ arn: sso }).matched).toBe(false);
    const gated = (caller: Parameters<typeof matchAwsAuth>[1]) => {
      const r = matchAwsAuth(m, caller, { ssoRoleMatch: true });
      if (!r.ok) throw new Error(r.diagnostics[0]?.summary);
      return r.value;
    };
    const r = gated({ arn: sso });
    expect(r.matched && [r.username, r.unresolved]).toEqual(["sso:bob:{{AccessKeyID}}", ["AccessKeyID"]]);
    const k = gated({ arn: sso, accessKeyId: "ASIAEXAMPLE" });
    expect(k.matched && k.username).toBe("sso:bob:ASIAEXAMPLE");
    expect(gated({ arn: "arn:aws:sts::111122223333:assumed-role/x/y" }).matched).toBe(false);
  });
  it("searches mapRoles before mapUsers, for users too", () => {
    const r = match({ arn: "arn:aws:iam::111122223333:user/carol" });
    expect(r.matched && [r.via, r.username]).toEqual(["mapRoles", "carol-via-roles"]);
    const d = match({ arn: "arn:aws:iam::111122223333:user/ops/dave" });
    expect(d.matched && [d.via, d.username, d.groups]).toEqual(["mapUsers", "dave", ["ops"]]);
  });
  it("falls back to mapAccounts: username is the canonical ARN, no groups", () => {
    const r = match({ arn: "arn:aws:sts::999988887777:assumed-role/Anything/s" });
    expect(r.matched && [r.via, r.username, r.groups]).toEqual([
      "mapAccounts",
      "arn:aws:iam::999988887777:role/Anything",
      [],
    ]);
  });
  it("denies a node-role mapping when the session name is not an instance ID", () => {
    const r = match({ arn: "arn:aws:sts::111122223333:assumed-role/eks-nodes/alice" });
    expect(r.matched).toBe(false);
    const n = match({
      arn: "arn:aws:sts::111122223333:assumed-role/eks-nodes/i-0123456789abcdef0",
      ec2PrivateDnsName: "ip-10-0-0-1.ec2.internal",
    });
    expect(n.matched && n.username).toBe("system:node:ip-10-0-0-1.ec2.internal");
  });
  it("rejects a caller ARN the authenticator does not accept", () => {
    expect(matchAwsAuth(m, { arn: "arn:aws:s3:::bucket" }).ok).toBe(false);
  });
  it("renders SessionNameRaw unchanged", () => {
    const r = renderAwsAuthTemplate("{{SessionName}}/{{SessionNameRaw}}", {
      accountId: "1",
      sessionName: "a@b",
    });
    expect(r.ok && r.value.text).toBe("a-b/a@b");
  });
});
