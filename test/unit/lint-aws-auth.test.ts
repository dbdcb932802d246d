import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AWS_AUTH_LINT_CODES, lintAwsAuth } from "../../src/core/lint/aws-auth.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/aws-auth/${name}`, import.meta.url), "utf8");

/** [code, severity, line, column] of every finding, in order. */
function findings(
  text: string,
  file = "aws-auth.yaml",
): [string, string, number | undefined, number | undefined][] {
  return lintAwsAuth(text, file).diagnostics.map((d) => [
    d.code,
    d.severity,
    d.source?.line,
    d.source?.column,
  ]);
}

function find(text: string, code: string): [string, number | undefined, number | undefined][] {
  return lintAwsAuth(text, "aws-auth.yaml")
    .diagnostics.filter((d) => d.code === code)
    .map((d) => [d.severity, d.source?.line, d.source?.column]);
}

/** A ConfigMap around the given mapRoles lines (mapRoles body starts on line 7). */
function withRoles(body: string, extra = ""): string {
  const nodes =
    "    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n";
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n${body}${nodes}${extra}`;
}

describe("lintAwsAuth", () => {
  it("finds nothing in a clean ConfigMap or a clean JSON-valued one", () => {
    expect(findings(fixture("clean.yaml"))).toEqual([]);
    expect(findings(fixture("json-map-roles.yaml"))).toEqual([]);
  });
  it("has a description for every code, each code once", () => {
    const codes = AWS_AUTH_LINT_CODES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toContain("AA001");
    expect(AWS_AUTH_LINT_CODES.every((c) => c.meaning.length > 10)).toBe(true);
  });
  it("AA001: manifest not valid YAML", () => {
    expect(findings(fixture("invalid-manifest.yaml"))).toEqual([["AA001", "error", 4, 9]]);
    expect(findings("")).toEqual([["AA001", "error", 1, 1]]);
  });
  it("AA002: wrong name / namespace / kind", () => {
    expect(find(fixture("not-aws-auth.yaml"), "AA002")).toEqual([
      ["warning", 4, 9],
      ["warning", 5, 14],
    ]);
    expect(find(fixture("clean.yaml").replace("kind: ConfigMap", "kind: Secret"), "AA002")).toEqual([
      ["warning", 2, 7],
    ]);
  });
  it("AA003: a data value that is not a string", () => {
    expect(find(fixture("structured-map-roles.yaml"), "AA003")).toEqual([["error", 8, 5]]);
  });
  it("AA004: a YAML error that drops mapRoles, and AA015 because nodes lose their mapping", () => {
    expect(findings(fixture("broken-map-roles.yaml"))).toEqual([
      ["AA015", "warning", 7, 3],
      ["AA004", "error", 15, 5],
    ]);
  });
  it("AA005: a key that is not a list", () => {
    const text = withRoles("").replace(
      "  mapRoles: |\n",
      "  mapUsers: |\n    userarn: arn:aws:iam::1:user/a\n  mapRoles: |\n",
    );
    expect(find(text, "AA005")).toEqual([["error", 8, 5]]);
  });
  it("AA006: an invalid entry is skipped", () => {
    expect(find(fixture("messy.yaml"), "AA006")).toEqual([["error", 38, 7]]);
  });
  it("AA007: a field of the wrong type", () => {
    expect(
      find(
        withRoles(
          "    - rolearn: arn:aws:iam::111122223333:role/a\n      username: a\n      groups: team-a\n",
        ),
        "AA007",
      ),
    ).toEqual([["warning", 10, 15]]);
  });
  it("AA008: an invalid ARN", () => {
    expect(
      find(withRoles("    - rolearn: arn:aws:iam:111122223333:role/a\n      username: a\n"), "AA008"),
    ).toEqual([["warning", 8, 16]]);
  });
  it("AA009: a role path in rolearn", () => {
    expect(find(fixture("messy.yaml"), "AA009")).toEqual([["warning", 20, 16]]);
  });
  it("AA010: an STS ARN in rolearn", () => {
    expect(find(fixture("messy.yaml"), "AA010")).toEqual([["warning", 32, 16]]);
  });
  it("AA011: duplicates, reported on the shadowed entry", () => {
    const d = lintAwsAuth(fixture("messy.yaml"), "messy.yaml").diagnostics.filter((x) => x.code === "AA011");
    expect(d.map((x) => [x.severity, x.source?.line, x.source?.column, x.path])).toEqual([
      ["warning", 16, 7, "mapRoles[1]"],
    ]);
    expect(d[0]?.summary).toContain("mapRoles[3]");
  });
  it("AA012: system:masters", () => {
    expect(find(fixture("messy.yaml"), "AA012")).toEqual([["warning", 19, 11]]);
  });
  it("AA013 and AA022: mapAccounts", () => {
    expect(find(fixture("messy.yaml"), "AA013")).toEqual([["warning", 45, 7]]);
    expect(find(fixture("messy.yaml"), "AA022")).toEqual([["warning", 46, 7]]);
  });
  it("AA014: unknown template variables", () => {
    expect(find(fixture("messy.yaml"), "AA014")).toEqual([["error", 33, 17]]);
  });
  it("AA015: no node role", () => {
    expect(find(fixture("clean.yaml").replace(/        - system:nodes\n/, ""), "AA015")).toEqual([
      ["warning", 7, 3],
    ]);
  });
  it("AA016: reserved username prefixes (system:, eks:, ...), a warning as documented", () => {
    expect(find(fixture("messy.yaml"), "AA016")).toEqual([
      ["warning", 36, 17],
      ["warning", 42, 17],
    ]);
  });
  it("AA017: an entry without username", () => {
    expect(
      find(withRoles("    - rolearn: arn:aws:iam::111122223333:role/a\n      groups: [a]\n"), "AA017"),
    ).toEqual([["error", 8, 7]]);
  });
  it("AA018: an sso pattern and a rolearn that match the same role", () => {
    const body =
      "    - rolearn: arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123abcd\n      username: a\n" +
      "    - sso: {permissionSetName: Admin, accountID: '111122223333'}\n      username: b\n";
    expect(find(withRoles(body), "AA018")).toEqual([["warning", 8, 7]]);
  });
  it("AA019: sso.partition set", () => {
    const body =
      "    - sso: {permissionSetName: Admin, accountID: '111122223333', partition: aws}\n      username: b\n";
    expect(find(withRoles(body), "AA019")).toEqual([["warning", 8, 12]]);
  });
  it("AA020: an empty value is skipped", () => {
    expect(find(withRoles("", '  mapUsers: ""\n'), "AA020")).toEqual([["info", 11, 14]]);
  });
  it("AA021: a user ARN in mapRoles", () => {
    expect(
      find(withRoles("    - rolearn: arn:aws:iam::111122223333:user/bob\n      username: bob\n"), "AA021"),
    ).toEqual([["warning", 8, 16]]);
  });
  it("AA023: a data key with the wrong case", () => {
    expect(find(fixture("not-aws-auth.yaml"), "AA023")).toEqual([["warning", 7, 3]]);
  });
  it("AA024: {{EC2PrivateDNSName}} outside a node role", () => {
    expect(
      find(
        withRoles(
          "    - rolearn: arn:aws:iam::111122223333:role/a\n      username: x-{{EC2PrivateDNSName}}\n      groups: [a]\n",
        ),
        "AA024",
      ),
    ).toEqual([["warning", 9, 17]]);
  });
  it("reads crazy-case keys without complaint other than mapAccounts", () => {
    expect(findings(fixture("crazy-case-keys.yaml"))).toEqual([["AA013", "warning", 23, 7]]);
  });
  it("gives every finding a detail saying what to do", () => {
    const all = ["messy.yaml", "broken-map-roles.yaml", "not-aws-auth.yaml"].flatMap(
      (f) => lintAwsAuth(fixture(f), f).diagnostics,
    );
    expect(all.filter((d) => !d.detail)).toEqual([]);
  });
});
