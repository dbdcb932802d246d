import { describe, expect, it } from "vitest";
import {
  PARTITIONS,
  arnLike,
  canonicalizeArn,
  formatArn,
  formatAssumedRoleArn,
  formatRoleArn,
  formatUserArn,
  parseArn,
  parsePrincipalArn,
  rolePathOf,
  withoutRolePath,
} from "../../src/core/model/arn.js";

describe("parseArn", () => {
  it("splits six sections and keeps ':' inside the resource", () => {
    const r = parseArn("arn:aws:ssm:us-east-1:111122223333:parameter/a:b");
    expect(r.ok && r.value).toEqual({
      partition: "aws",
      service: "ssm",
      region: "us-east-1",
      accountId: "111122223333",
      resource: "parameter/a:b",
      resourceType: "parameter",
      path: "/",
      name: "a:b",
    });
    if (r.ok) expect(formatArn(r.value)).toBe("arn:aws:ssm:us-east-1:111122223333:parameter/a:b");
  });
  it("rejects a missing prefix and too few sections", () => {
    const a = parseArn("aws:iam::1:role/x");
    const b = parseArn("arn:aws:iam::role/x");
    expect(a.ok ? "" : a.diagnostics[0]?.code).toBe("ARN001");
    expect(b.ok ? "" : b.diagnostics[0]?.code).toBe("ARN002");
  });
});

describe("canonicalizeArn", () => {
  it("turns an assumed-role ARN into the IAM role ARN without a path", () => {
    const r = canonicalizeArn("arn:aws:sts::111122223333:assumed-role/eksgate-rnd/alice");
    expect(r.ok && r.value).toBe("arn:aws:iam::111122223333:role/eksgate-rnd");
  });
  it.each(PARTITIONS)("accepts partition %s", (partition) => {
    const r = canonicalizeArn(formatAssumedRoleArn(partition, "111122223333", "r", "s"));
    expect(r.ok && r.value).toBe(formatRoleArn(partition, "111122223333", "r"));
  });
  it("keeps users with their path, roles, root and federated users unchanged", () => {
    for (const arn of [
      "arn:aws:iam::111122223333:user/ops/robin",
      "arn:aws:iam::111122223333:role/x",
      "arn:aws:iam::111122223333:root",
      "arn:aws:sts::111122223333:federated-user/bob",
    ]) {
      const r = canonicalizeArn(arn);
      expect(r.ok && r.value).toBe(arn);
    }
  });
  it("rejects unknown partitions, services and resource types", () => {
    const codes = [
      "arn:aws-xx:iam::1:role/x",
      "arn:aws:s3:::bucket",
      "arn:aws:iam::1:group/g",
      "arn:aws:sts::1:assumed-role/only",
    ].map((a) => {
      const r = canonicalizeArn(a);
      return r.ok ? "" : r.diagnostics[0]?.code;
    });
    expect(codes).toEqual(["ARN003", "ARN005", "ARN004", "ARN006"]);
  });
});

describe("principals and role paths", () => {
  it("reads path and name of role and user ARNs", () => {
    const r = parsePrincipalArn("arn:aws:iam::111122223333:role/teams/payments/deployer");
    expect(r.ok && r.value).toEqual({
      kind: "role",
      partition: "aws",
      accountId: "111122223333",
      path: "/teams/payments/",
      name: "deployer",
    });
    expect(formatUserArn("aws-cn", "111122223333", "bob", "ops")).toBe(
      "arn:aws-cn:iam::111122223333:user/ops/bob",
    );
  });
  it("detects and removes a role path", () => {
    expect(rolePathOf("arn:aws:iam::111122223333:role/teams/payments")).toBe("/teams/");
    expect(rolePathOf("arn:aws:iam::111122223333:role/payments")).toBeUndefined();
    expect(rolePathOf("arn:aws:iam::111122223333:user/ops/bob")).toBeUndefined();
    expect(
      withoutRolePath(
        "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0a1b",
      ),
    ).toBe("arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0a1b");
  });
});

describe("arnLike", () => {
  it("matches section by section with * and ?", () => {
    expect(
      arnLike(
        "arn:aws:iam::111122223333:role/awsreservedsso_admin_abc",
        "arn:aws:iam::111122223333:role/awsreservedsso_admin_*",
      ),
    ).toBe(true);
    expect(
      arnLike(
        "arn:aws:iam::111122223333:role/awsreservedsso_adminx_abc",
        "arn:aws:iam::111122223333:role/awsreservedsso_admin_*",
      ),
    ).toBe(false);
    expect(arnLike("arn:aws:iam::111122223333:role/ab", "arn:aws:iam::111122223333:role/a?b")).toBe(true);
    expect(arnLike("arn:aws:iam::111122223333:role/a.b", "arn:aws:iam::111122223333:role/a.b")).toBe(true);
    expect(arnLike("arn:aws:iam::111122223333:role/axb", "arn:aws:iam::111122223333:role/a.b")).toBe(false);
    expect(arnLike("arn:aws-cn:iam::111122223333:role/x", "arn:aws:iam::111122223333:role/*")).toBe(false);
  });

  it("agrees with the authenticator's regular-expression reading on 4,000 seeded patterns", () => {
    // The authenticator builds `^...$` with `*` -> `.*` and `?` -> `.?` (Go's regexp); the
    // same construction in JavaScript is the reference here, on inputs small enough that
    // backtracking cannot hurt.
    const reference = (value: string, pattern: string): boolean => {
      let source = "";
      for (const ch of pattern)
        source += ch === "*" ? ".*" : ch === "?" ? ".?" : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
      return new RegExp(`^${source}$`, "s").test(value);
    };
    let seed = 17;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = (alphabet: string, max: number): string =>
      Array.from({ length: next(max + 1) }, () => alphabet[next(alphabet.length)] ?? "").join("");
    let matched = 0;
    for (let i = 0; i < 4000; i++) {
      const value = pick("ab.", 7);
      const pattern = pick("ab.*?", 6);
      const arn = `arn:aws:iam::111122223333:role/${value}`;
      const expected = reference(value, pattern);
      if (expected) matched++;
      expect(arnLike(arn, `arn:aws:iam::111122223333:role/${pattern}`), `${value} ~ ${pattern}`).toBe(
        expected,
      );
    }
    expect(matched).toBeGreaterThan(200);
  }, 120_000);

  it("decides a hostile many-star pattern against a long name without backtracking", () => {
    // A backtracking matcher needs astronomically many steps for this shape; the state walk
    // needs about 5,000 x 40.
    const pattern = `arn:aws:iam::111122223333:role/${"*a".repeat(20)}b`;
    expect(arnLike(`arn:aws:iam::111122223333:role/${"a".repeat(5000)}`, pattern)).toBe(false);
    expect(arnLike(`arn:aws:iam::111122223333:role/${"a".repeat(5000)}b`, pattern)).toBe(true);
  }, 120_000);
});
