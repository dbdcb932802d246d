// The access engine in a request context: MFA (stated, denied, or left open and reported as
// a conditional "with MFA"), the time of the request, extra condition keys, the session
// name, and the principal forms the authenticator maps beyond users and roles (the account
// root user, users with a path, federated-user sessions). Fixture:
// test/fixtures/snapshot/context (one CONFIG_MAP cluster, "ops").
import { beforeAll, describe, expect, it } from "vitest";
import { readSnapshotDir } from "../../src/adapters/fs/snapshot-dir.js";
import {
  canI,
  checkPrincipalArn,
  explainPrincipal,
  parseAccessRequest,
  whoCanAccess,
  type RequestContextOptions,
} from "../../src/core/evaluate/access/index.js";
import { accessGraphs } from "../../src/core/evaluate/audit/index.js";
import type { RequestAttributes } from "../../src/core/evaluate/rbac/index.js";
import { parseSnapshot, type AccessSnapshot } from "../../src/core/snapshot/index.js";

const A = "444455556666";
const user = (n: string) => `arn:aws:iam::${A}:user/${n}`;
const role = (n: string) => `arn:aws:iam::${A}:role/${n}`;
const AT = "2026-12-03T10:00:00Z";

let snapshot: AccessSnapshot;

beforeAll(async () => {
  const read = await readSnapshotDir("test/fixtures/snapshot/context");
  if (!read.ok) throw new Error(JSON.stringify(read.diagnostics));
  const parsed = parseSnapshot(read.value);
  expect(parsed.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  snapshot = parsed.snapshot;
});

function req(verb: string, resource: string, namespace?: string): RequestAttributes {
  const r = parseAccessRequest({ verb, resource, ...(namespace !== undefined ? { namespace } : {}) });
  if (!r.ok) throw new Error(r.error);
  return r.request;
}

const ctx = (c: RequestContextOptions = {}): RequestContextOptions => ({ at: AT, ...c });

// "AWS global condition context keys", aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html, and
// "Configuring MFA-protected API access",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
describe("MFA: a trust or identity policy that requires it", () => {
  it("left open: a trust policy with Bool aws:MultiFactorAuthPresent true is 'yes, with MFA', naming the statement", () => {
    const r = canI(snapshot, user("mallory"), req("delete", "pods"), ctx());
    expect(r.answer).toBe("yes-with-mfa");
    expect(r.allowed).toBe(true);
    expect(r.conditions).toEqual([
      {
        kind: "mfa",
        because: [
          'trust policy Sid "OncallWithMfa" of role oncall-admin requires Bool aws:MultiFactorAuthPresent true',
        ],
      },
    ]);
    const assume = r.paths[0]?.hops.find((h) => h.kind === "iam-role");
    expect(assume?.requires?.map((c) => c.kind)).toEqual(["mfa"]);
    expect(assume?.why).toContain("only with MFA");
  });

  it("--no-mfa: the same path is a no, and the failure says MFA would open it", () => {
    const r = canI(snapshot, user("mallory"), req("delete", "pods"), ctx({ mfa: "absent" }));
    expect(r.answer).toBe("no");
    expect(r.paths).toEqual([]);
    const broken = r.failures.find((f) => f.brokenAt === "assume-role");
    expect(broken?.reason).toContain("oncall-admin");
    expect(broken?.reason).toContain('it would with MFA (trust policy Sid "OncallWithMfa"');
  });

  it("--mfa: an unconditional yes", () => {
    const r = canI(snapshot, user("mallory"), req("delete", "pods"), ctx({ mfa: "present" }));
    expect(r.answer).toBe("yes");
    expect(r.paths[0]?.requires).toBeUndefined();
  });

  it("a Deny with BoolIfExists aws:MultiFactorAuthPresent false in the user's policy: yes with MFA, the Deny named", () => {
    // "IAM JSON policy elements: Condition operators" (...IfExists),
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    const open = canI(snapshot, user("nina"), req("delete", "pods", "apps"), ctx());
    expect(open.answer).toBe("yes-with-mfa");
    expect(open.conditions[0]?.because[0]).toContain(
      'user-inline policy deploy-with-mfa Sid "DenyAssumeWithoutMfa" of user nina denies it without MFA (BoolIfExists aws:MultiFactorAuthPresent false)',
    );
    expect(canI(snapshot, user("nina"), req("delete", "pods", "apps"), ctx({ mfa: "absent" })).answer).toBe(
      "no",
    );
    expect(canI(snapshot, user("nina"), req("delete", "pods", "apps"), ctx({ mfa: "present" })).answer).toBe(
      "yes",
    );
  });

  it("NumericLessThan aws:MultiFactorAuthAge 3600: with MFA (a fresh sign-in), not with an older one", () => {
    expect(canI(snapshot, user("rita"), req("delete", "pods", "batch"), ctx()).answer).toBe("yes-with-mfa");
    const fresh = ctx({ mfa: "present", extra: { "aws:MultiFactorAuthAge": ["600"] } });
    expect(canI(snapshot, user("rita"), req("delete", "pods", "batch"), fresh).answer).toBe("yes");
    const old = ctx({ mfa: "present", extra: { "aws:MultiFactorAuthAge": ["7200"] } });
    expect(canI(snapshot, user("rita"), req("delete", "pods", "batch"), old).answer).toBe("no");
  });

  it("who-can lists the MFA-only principal as 'yes, with MFA' instead of dropping it; --no-mfa drops it", () => {
    const open = whoCanAccess(snapshot, req("delete", "pods"), ctx());
    const mallory = open.principals.find((p) => p.arn === user("mallory"));
    expect(mallory?.viaGroups).toEqual(["oncall"]);
    expect(mallory?.requires.map((c) => c.because)).toEqual([
      ['trust policy Sid "OncallWithMfa" of role oncall-admin requires Bool aws:MultiFactorAuthPresent true'],
    ]);
    expect(mallory?.paths.every((p) => p.requires !== undefined)).toBe(true);
    // The root user's mapping needs no condition.
    expect(open.principals.find((p) => p.arn === `arn:aws:iam::${A}:root`)?.requires).toEqual([]);

    const strict = whoCanAccess(snapshot, req("delete", "pods"), ctx({ mfa: "absent" }));
    expect(strict.principals.map((p) => p.arn)).not.toContain(user("mallory"));
    const withMfa = whoCanAccess(snapshot, req("delete", "pods"), ctx({ mfa: "present" }));
    expect(withMfa.principals.find((p) => p.arn === user("mallory"))?.requires).toEqual([]);
  });

  it("explain marks the route that needs MFA and its AssumeRole hop", () => {
    const e = explainPrincipal(snapshot, user("mallory"), ctx());
    const route = e.routes.find((r) => r.roleArn === role("oncall-admin"));
    expect(route?.requires.map((c) => c.kind)).toEqual(["mfa"]);
    expect(route?.hops.filter((h) => h.requires !== undefined).map((h) => h.what)).toEqual([
      "IAM role oncall-admin",
    ]);
    expect(e.routes.filter((r) => r.requires.length === 0).map((r) => r.roleArn)).toEqual([undefined]);
    expect(explainPrincipal(snapshot, user("mallory"), ctx({ mfa: "absent" })).routes).toHaveLength(1);
  });

  it("the audit's access graph follows the context: the MFA-only role is drawn, with the condition on its edge", () => {
    const edges = (c: RequestContextOptions) =>
      accessGraphs(snapshot, ["ops"], c)[0]?.edges.filter(
        (e) => e.to === `iam-role:${role("oncall-admin")}`,
      ) ?? [];
    expect(edges(ctx())[0]?.title).toContain("only with MFA");
    expect(edges(ctx({ mfa: "absent" }))).toEqual([]);
  });
});

describe("time, extra keys and the session name", () => {
  it("--at: DateLessThan aws:CurrentTime allows before the date and not after", () => {
    // "AWS global condition context keys", aws:CurrentTime; "Condition operators", DateLessThan.
    const before = canI(snapshot, user("oscar"), req("get", "pods/log"), ctx());
    expect(before.answer).toBe("yes");
    const after = canI(snapshot, user("oscar"), req("get", "pods/log"), { at: "2027-06-01T00:00:00Z" });
    expect(after.answer).toBe("no");
    // No time at all: the key is absent, so DateLessThan fails (I9).
    expect(canI(snapshot, user("oscar"), req("get", "pods/log"), {}).answer).toBe("no");
  });

  it("--context aws:SourceIp: IpAddress 10.0.0.0/8 holds from 10.1.2.3 and not from elsewhere", () => {
    // "AWS global condition context keys", aws:SourceIp; "Condition operators", IpAddress.
    const inside = ctx({ extra: { "aws:SourceIp": ["10.1.2.3"] } });
    const outside = ctx({ extra: { "aws:SourceIp": ["192.0.2.7"] } });
    expect(canI(snapshot, user("oscar"), req("get", "pods"), inside).answer).toBe("yes");
    expect(canI(snapshot, user("oscar"), req("get", "pods"), outside).answer).toBe("no");
    expect(canI(snapshot, user("oscar"), req("get", "pods"), ctx()).answer).toBe("no");
  });

  it("--session-name: a trust policy forcing sts:RoleSessionName = ${aws:username} refuses another name", () => {
    // iam-evaluation.md I13.
    expect(canI(snapshot, user("quinn"), req("delete", "pods", "team"), ctx()).answer).toBe("yes");
    const other = canI(snapshot, user("quinn"), req("delete", "pods", "team"), ctx({ sessionName: "other" }));
    expect(other.answer).toBe("no");
    // A role used directly takes the session name given ({{SessionName}} in the mapping).
    expect(canI(snapshot, role("named"), req("delete", "pods", "team"), ctx()).answer).toBe("no");
    const asQuinn = canI(
      snapshot,
      role("named"),
      req("delete", "pods", "team"),
      ctx({ sessionName: "quinn" }),
    );
    expect(asQuinn.answer).toBe("yes");
    expect(asQuinn.paths[0]?.hops[0]?.why).toContain('session name "quinn" (the session name given)');
  });

  it("who-can: every assumer uses the session name given", () => {
    const r = whoCanAccess(snapshot, req("delete", "pods", "team"), ctx({ sessionName: "quinn" }));
    expect(r.principals.map((p) => p.arn)).toContain(user("quinn"));
    expect(r.principals.map((p) => p.arn)).toContain(role("named"));
    const nobody = whoCanAccess(snapshot, req("delete", "pods", "team"), ctx({ sessionName: "someone" }));
    expect(nobody.principals.map((p) => p.arn)).not.toContain(user("quinn"));
  });
});

describe("principal forms the authenticator maps", () => {
  it("the account root user in mapUsers: explained with what it gets, never an AssumeRole", () => {
    // aws-iam-authenticator pkg/arn Canonicalize keeps arn:aws:iam::A:root; "AssumeRole" (STS API
    // Reference, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): root
    // user credentials cannot call it.
    const e = explainPrincipal(snapshot, `arn:aws:iam::${A}:root`, ctx());
    expect(e.principal.type).toBe("root");
    expect(e.routes).toHaveLength(1);
    const reach = e.reach[0];
    expect(reach?.mapping.mapped && reach.mapping.username).toBe("account-root");
    expect(reach?.access?.bindings.map((b) => b.binding.name)).toEqual(["break-glass"]);
    expect(canI(snapshot, `arn:aws:iam::${A}:root`, req("delete", "pods"), ctx()).answer).toBe("yes");
  });

  it("a user with a path is mapped by its full ARN, as the authenticator compares it", () => {
    const r = canI(snapshot, `arn:aws:iam::${A}:user/eng/pat`, req("get", "pods", "team"), ctx());
    expect(r.answer).toBe("yes");
    expect(r.paths[0]?.hops.map((h) => h.what)).toContain("aws-auth mapUsers[1] on ops");
  });

  it("a federated-user session is accepted; not mapped here, and it has no AssumeRole route", () => {
    // "GetFederationToken" (STS API Reference): its credentials cannot call STS but GetCallerIdentity.
    const arn = `arn:aws:sts::${A}:federated-user/bob`;
    expect(checkPrincipalArn(arn)).toEqual({ ok: true, kind: "federated-user" });
    const e = explainPrincipal(snapshot, arn, ctx());
    expect(e.principal.type).toBe("federated-user");
    expect(e.routes).toHaveLength(1);
    expect(e.reach[0]?.mapping.mapped).toBe(false);
  });

  it("accepts every form a caller can have and refuses, with the reason, ARNs no caller can have", () => {
    const accepted = [
      `arn:aws:iam::${A}:user/alice`,
      `arn:aws:iam::${A}:user/eng/pat`,
      `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`,
      `arn:aws:iam::${A}:root`,
      `arn:aws:sts::${A}:assumed-role/named/quinn`,
      `arn:aws:sts::${A}:federated-user/bob`,
      `arn:aws-cn:iam::${A}:user/li`,
    ];
    for (const arn of accepted) expect(checkPrincipalArn(arn).ok, arn).toBe(true);
    const refused: [string, string][] = [
      [`arn:aws:iam::${A}:group/oncall`, "groups are not principals"],
      ["arn:aws:iam::12345:root", "12 digits"],
      ["arn:aws:iam::ACCOUNTID:user/alice", "12 digits"],
      [`arn:aws:iam:us-east-1:${A}:user/alice`, "have none"],
      [`arn:aws:iam::${A}:policy/p`, "not a principal the authenticator maps"],
      [`arn:aws:sts::${A}:assumed-role/named`, "not a principal the authenticator maps"],
      [`arn:aws:sts::${A}:assumed-role/named/x`, "not a session STS issues"],
      [`arn:aws:iam::${A}:user/`, "not a valid IAM user name"],
      [`arn:aws:iam::${A}:user/al ice`, "whitespace"],
      [`arn:aws:iam::${A}:root/extra`, "ends in :root"],
      [`arn:aws-moon:iam::${A}:root`, "partition"],
      ["alice", "not a principal the authenticator maps"],
    ];
    for (const [arn, why] of refused) {
      const c = checkPrincipalArn(arn);
      expect(c.ok, arn).toBe(false);
      if (!c.ok) expect(c.reason, arn).toContain(why);
    }
  });
});
