// `lint aws-auth` on entries the authenticator keeps but that can never match a caller, and
// on the other classes of trouble it did not see before: sso entries on EKS, mappings
// outside data, empty values. Severities always come from the code table.
//
// ARN formats: AWS IAM User Guide, "IAM identifiers"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html): IAM ARNs
// have no region, account IDs are 12 digits, principals are role/, user/ (with a path),
// root, and sts assumed-role / federated-user sessions.
// Role paths: Amazon EKS User Guide, "Grant IAM users access to Kubernetes with a
// ConfigMap" (https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html): the
// rolearn must not include a path.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AWS_AUTH_LINT_CODES, lintAwsAuth } from "../../src/core/lint/aws-auth.js";
import { AWS_AUTH_CODE_TABLE, updateMapRoles } from "../../src/core/model/aws-auth.js";
import { awsAuthCorpus } from "../support/aws-auth-corpus.js";

const NODES =
  "    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n";

function manifest(data: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n${data}`;
}

function withRole(arnLine: string, key: "rolearn" | "userarn" = "rolearn"): string {
  const entry = `    - ${key}: ${arnLine}\n      username: someone\n      groups: [viewers]\n`;
  return key === "rolearn"
    ? manifest(`  mapRoles: |\n${entry}${NODES}`)
    : manifest(`  mapRoles: |\n${NODES}  mapUsers: |\n${entry}`);
}

/** [code, severity] of every finding but the ones about the node entry. */
function codes(text: string): [string, string][] {
  return lintAwsAuth(text, "aws-auth.yaml").diagnostics.map((d) => [d.code, d.severity]);
}

describe("ARNs that can never match are warnings (the authenticator keeps the entry)", () => {
  const cases: [string, "rolearn" | "userarn", string][] = [
    ["arn:aws:iam::12345:role/viewer", "rolearn", "AA022"],
    ["arn:aws:iam::1111222233334:user/alice", "userarn", "AA022"],
    ["arn:aws:iam::ACCOUNTID:role/viewer", "rolearn", "AA022"],
    ["arn:aws:iam::<account>:role/viewer", "rolearn", "AA022"],
    ["'arn:aws:iam::${AWS::AccountId}:role/viewer'", "rolearn", "AA022"],
    ["arn:aws:iam:us-east-1:111122223333:role/viewer", "rolearn", "AA008"],
    ["arn:aws-cnn:iam::111122223333:role/viewer", "rolearn", "AA008"],
    ["arn:aws:eks::111122223333:role/viewer", "rolearn", "AA008"],
    ["arn:aws:iam::111122223333:policy/viewer", "rolearn", "AA008"],
    ["arn:aws:iam::111122223333:role/", "rolearn", "AA008"],
    ["arn:aws:iam::111122223333:role/*", "rolearn", "AA008"],
    ["arn:aws:iam::111122223333:user/al:ice", "userarn", "AA008"],
    ["not-an-arn", "rolearn", "AA008"],
    ["'arn:aws:iam::111122223333:role/viewer '", "rolearn", "AA025"],
    ["' arn:aws:iam::111122223333:user/alice'", "userarn", "AA025"],
    ["'arn:aws:iam::111122223333:role/view er'", "rolearn", "AA025"],
    ["arn:aws:iam::111122223333:group/admins", "userarn", "AA026"],
    ["arn:aws:iam::111122223333:group/admins", "rolearn", "AA026"],
    ["arn:aws:sts::111122223333:assumed-role/viewer/alice", "rolearn", "AA010"],
    ["arn:aws:sts::111122223333:assumed-role/viewer/alice", "userarn", "AA010"],
    ["arn:aws:iam::111122223333:role/team/viewer", "rolearn", "AA009"],
    ["arn:aws:iam::111122223333:role/team/viewer", "userarn", "AA009"],
  ];
  for (const [arn, key, code] of cases) {
    it(`${key} ${arn}: ${code}`, () => {
      const found = codes(withRole(arn, key)).filter(([c]) => c !== "AA021");
      expect(found).toEqual([[code, "warning"]]);
      const d = lintAwsAuth(withRole(arn, key), "aws-auth.yaml").diagnostics.find((x) => x.code === code);
      expect(d?.summary).toMatch(/never match/u);
      expect(d?.detail?.length).toBeGreaterThan(10);
      expect(d?.source?.line).toBe(key === "rolearn" ? 8 : 12);
    });
  }
  it("suggests the fix it can: the ARN without region, path or session", () => {
    const detail = (arn: string): string | undefined =>
      lintAwsAuth(withRole(arn), "aws-auth.yaml").diagnostics[0]?.detail;
    expect(detail("arn:aws:iam:us-east-1:111122223333:role/viewer")).toContain(
      "arn:aws:iam::111122223333:role/viewer",
    );
    expect(detail("arn:aws:sts::111122223333:assumed-role/viewer/alice")).toContain(
      "arn:aws:iam::111122223333:role/viewer.",
    );
    expect(
      detail("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_A_1"),
    ).toContain("arn:aws:iam::111122223333:role/AWSReservedSSO_A_1");
  });
  it("accepts what can match: users with paths, root, federated users, any letter case", () => {
    for (const [arn, key] of [
      ["arn:aws:iam::111122223333:user/ops/robin", "userarn"],
      ["arn:aws:iam::111122223333:root", "userarn"],
      ["arn:aws:sts::111122223333:federated-user/bob", "userarn"],
      ["ARN:AWS:IAM::111122223333:ROLE/Viewer", "rolearn"],
      ["arn:aws-us-gov:iam::111122223333:role/viewer", "rolearn"],
    ] as const) {
      expect(codes(withRole(arn, key)), arn).toEqual([]);
    }
  });
  it("a role ARN in mapUsers or a user ARN in mapRoles works but misleads (AA021)", () => {
    expect(codes(withRole("arn:aws:iam::111122223333:user/alice"))).toEqual([["AA021", "warning"]]);
    expect(codes(withRole("arn:aws:iam::111122223333:role/viewer", "userarn"))).toEqual([
      ["AA021", "warning"],
    ]);
  });
  it("mapAccounts items share the account check: placeholders and short numbers", () => {
    const text = manifest(
      `  mapRoles: |\n${NODES}  mapAccounts: |\n    - 12345\n    - ACCOUNTID\n    - "111122223333 "\n`,
    );
    const d = lintAwsAuth(text, "aws-auth.yaml").diagnostics.filter((x) => x.code === "AA022");
    expect(d.map((x) => [x.severity, x.summary.split(":")[0]])).toEqual([
      [
        "warning",
        "mapAccounts[0] '12345' has 5 digits, not 12 (an unquoted number may have lost its leading zeros)",
      ],
      ["warning", "mapAccounts[1] 'ACCOUNTID' is a placeholder, not an account ID"],
      ["warning", "mapAccounts[2] '111122223333 ' contains white space"],
    ]);
  });
});

describe("sso entries, mappings outside data, empty values", () => {
  it("an sso entry does nothing on EKS (AA027, a warning) and says what to write", () => {
    const text = manifest(
      `  mapRoles: |\n${NODES}    - sso: {permissionSetName: Admin, accountID: "111122223333"}\n      username: admin:{{SessionName}}\n      groups: [admins]\n`,
    );
    const d = lintAwsAuth(text, "aws-auth.yaml").diagnostics.filter((x) => x.code === "AA027");
    expect(d.map((x) => [x.severity, x.source?.line, x.source?.column])).toEqual([["warning", 11, 12]]);
    expect(d[0]?.summary).toContain("EKS does not enable");
    expect(d[0]?.detail).toContain("rolearn: arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_");
    expect(d[0]?.detail).toContain("without the role path");
  });
  it("mapRoles and mapUsers at column 0 are outside data (AA028, an error), not just a missing node role", () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\nmapRoles: |\n${NODES}mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n`;
    const d = lintAwsAuth(text, "aws-auth.yaml").diagnostics;
    expect(d.map((x) => [x.code, x.severity, x.source?.line])).toEqual([
      ["AA015", "warning", 1],
      ["AA028", "error", 7],
      ["AA028", "error", 11],
    ]);
    expect(d[1]?.summary).toContain("outside data");
    expect(d[1]?.summary).toContain("never sees");
    expect(d[0]?.summary).toContain("outside data count for nothing");
  });
  it("an empty or quotes-only value is information (AA020): the authenticator skips it", () => {
    for (const value of ['""', "''", "``", "' '", '"  "']) {
      const quoted = value.trim().length === 2 ? value : undefined;
      const text = manifest(`  mapRoles: |\n${NODES}  mapUsers: |\n    ${value}\n`);
      const found = codes(text);
      if (quoted !== undefined) expect(found, value).toEqual([["AA020", "info"]]);
      else expect(found, value).toEqual([["AA005", "error"]]);
    }
    expect(codes(manifest(`  mapRoles: |\n${NODES}  mapUsers: ""\n`))).toEqual([["AA020", "info"]]);
  });
});

describe("severities come from the code table", () => {
  it("every diagnostic with an AA code has the severity documented for it, and every lint code occurs", () => {
    const table = new Map(AWS_AUTH_CODE_TABLE.map((c) => [c.code, c.severity]));
    const seen = new Set<string>();
    const check = (text: string): void => {
      for (const d of lintAwsAuth(text, "aws-auth.yaml").diagnostics) {
        if (!d.code.startsWith("AA")) continue;
        expect(d.severity, `${d.code}: ${d.summary}`).toBe(table.get(d.code));
        seen.add(d.code);
      }
    };
    const dir = new URL("../fixtures/aws-auth/", import.meta.url);
    for (const name of readdirSync(dir)) check(readFileSync(new URL(name, dir), "utf8"));
    for (const data of awsAuthCorpus(7, 600)) {
      const body = Object.entries(data)
        .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}\n`)
        .join("");
      check(manifest(body));
    }
    check(withRole("arn:aws:iam::111122223333:group/admins"));
    check(withRole("'arn:aws:iam::111122223333:role/x '"));
    check(manifest(`mapRoles: |\n${NODES}`));
    check(
      manifest(
        `  mapRoles: |\n${NODES}    - sso: {permissionSetName: A, accountID: "111122223333", partition: aws-cn}\n      username: a\n`,
      ),
    );
    check(
      manifest(
        `  mapRoles: |\n${NODES}    - rolearn: arn:aws:iam::111122223333:role/a\n      username: "{{Bad}}"\n    - rolearn: arn:aws:iam::111122223333:role/b\n      username: x:{{EC2PrivateDNSName}}\n`,
      ),
    );
    check(manifest(`  mapRoles: |\n${NODES}  MapUsers: "- userarn: x"\n`));
    check(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  mapRoles: [a]\n`);
    check(": bad: yaml");
    const lintCodes = AWS_AUTH_LINT_CODES.map((c) => c.code);
    expect(lintCodes.filter((c) => !seen.has(c))).toEqual([]);
    // The writer's codes too.
    const refused = updateMapRoles("- rolearn: [", [], []);
    const invalid = updateMapRoles(
      undefined,
      [{ rolearn: "arn:aws:iam::111122223333:role/p/x", username: "u", groups: [] }],
      [],
    );
    for (const r of [refused, invalid]) {
      expect(r.ok).toBe(false);
      for (const d of r.diagnostics) expect(d.severity, d.code).toBe(table.get(d.code));
    }
    expect([...refused.diagnostics, ...invalid.diagnostics].map((d) => d.code).sort()).toEqual([
      "AA030",
      "AA031",
    ]);
  }, 120_000);
});

describe("fixtures", () => {
  const fixture = (name: string): string =>
    readFileSync(new URL(`../fixtures/aws-auth/${name}`, import.meta.url), "utf8");
  const found = (name: string): [string, string, number | undefined][] =>
    lintAwsAuth(fixture(name), name).diagnostics.map((d) => [d.code, d.severity, d.source?.line]);
  it("never-matching-arns.yaml: each ARN that never matches is a warning, the valid ones are not flagged", () => {
    expect(found("never-matching-arns.yaml")).toEqual([
      ["AA022", "warning", 13],
      ["AA022", "warning", 16],
      ["AA008", "warning", 19],
      ["AA025", "warning", 22],
      ["AA010", "warning", 25],
      ["AA026", "warning", 29],
      ["AA009", "warning", 32],
      ["AA022", "warning", 39],
    ]);
  });
  it("outside-data.yaml: the mappings are outside data", () => {
    expect(found("outside-data.yaml")).toEqual([
      ["AA015", "warning", 1],
      ["AA028", "error", 7],
      ["AA028", "error", 13],
    ]);
  });
  it("sso-entries.yaml: the sso entry does nothing on EKS, the rolearn entry is fine", () => {
    expect(found("sso-entries.yaml")).toEqual([["AA027", "warning", 14]]);
  });
});
