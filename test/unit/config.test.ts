import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { accessConfigJsonSchemaText } from "../../src/core/config/json-schema.js";
import type { Diagnostic } from "../../src/core/diagnostics.js";

const header = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "123456789012"
`;

function problems(text: string): Diagnostic[] {
  const result = parseAccessConfig("eksgate.yaml", text);
  return [...result.diagnostics];
}

function only(text: string, code: string): Diagnostic {
  const found = problems(text).filter((d) => d.code === code);
  expect(found, `expected exactly one ${code} in ${JSON.stringify(problems(text), null, 1)}`).toHaveLength(1);
  return found[0] as Diagnostic;
}

const validBody = `clusters:
  - name: dev
    region: us-east-2
teams:
  - name: rnd
    iamGroup: dev.rnd.group
    access:
      - cluster: dev
        clusterRole: view
`;

describe("config: the example", () => {
  it("parses examples/eksgate.yaml with no diagnostics", () => {
    const text = readFileSync("examples/eksgate.yaml", "utf8");
    const result = parseAccessConfig("examples/eksgate.yaml", text);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.teams.map((t) => t.name)).toEqual(["rnd", "payments", "support"]);
    const rnd = result.value.teams[0];
    expect(rnd?.iamGroup).toBe("dev.rnd.group");
    expect(rnd?.roleArn).toBe("arn:aws:iam::123456789123:role/eksgate-rnd");
    expect(result.value.clusters[0]?.arn).toBe(
      "arn:aws:eks:us-east-2:123456789123:cluster/dev.my-eks-cluster",
    );
  });
});

describe("config: normalization", () => {
  it("fills defaults and derives names", () => {
    const result = parseAccessConfig("f.yaml", header + validBody);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const team = result.value.teams[0];
    expect(team).toMatchObject({
      sessionName: "caller",
      requireMfa: false,
      roleName: "eksgate-rnd",
      roleArn: "arn:aws:iam::123456789012:role/eksgate-rnd",
      kubernetesGroup: "eksgate:rnd",
      kubernetesUsername: "eksgate:rnd:{{SessionName}}",
      systemMasters: false,
    });
    expect(result.value.clusters[0]?.authentication).toBe("auto");
    expect(result.value.partition).toBe("aws");
  });

  it("accepts a group ARN and keeps the name", () => {
    const text =
      header + validBody.replace("dev.rnd.group", "arn:aws:iam::123456789012:group/eng/dev.rnd.group");
    const result = parseAccessConfig("f.yaml", text);
    expect(result.ok && result.value.teams[0]?.iamGroup).toBe("dev.rnd.group");
  });

  it("uses the partition in every ARN", () => {
    const result = parseAccessConfig(
      "f.yaml",
      header + "partition: aws-cn\n" + validBody.replace("us-east-2", "cn-north-1"),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.teams[0]?.roleArn).toBe("arn:aws-cn:iam::123456789012:role/eksgate-rnd");
    expect(result.value.clusters[0]?.arn).toBe("arn:aws-cn:eks:cn-north-1:123456789012:cluster/dev");
  });
});

describe("config: bad files", () => {
  it("an empty file is EG101", () => {
    expect(only("", "EG101").source).toEqual({ file: "eksgate.yaml", line: 1, column: 1 });
    expect(only("  \n\n", "EG101").severity).toBe("error");
  });

  it("malformed YAML is EG104 at the position of the error", () => {
    const found = problems(header + "clusters: [\n  - name: x\n").filter((d) => d.code === "EG104");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.source).toMatchObject({ line: 5, column: 3 });
  });

  it("a duplicate key is EG105 at the second key", () => {
    const d = only(header + "teams: []\nclusters: []\nteams: []\n", "EG105");
    expect(d.source).toMatchObject({ line: 6, column: 1 });
  });

  it("a document that is not a mapping is EG111", () => {
    expect(only("- a\n- b\n", "EG111").summary).toContain("mapping");
  });

  it("an unknown field is EG110 with a suggestion, at the key", () => {
    const text =
      header +
      validBody.replace("    region: us-east-2", "    region: us-east-2\n    authentcation: aws-auth");
    const d = only(text, "EG110");
    expect(d.summary).toContain('did you mean "authentication"');
    expect(d.path).toBe("clusters[0].authentcation");
    expect(d.source).toMatchObject({ line: 7, column: 5 });
  });

  it("unknown fields do not hide rule problems", () => {
    const text =
      header +
      validBody
        .replace("    region: us-east-2", "    region: us-east-2\n    color: blue")
        .replace("cluster: dev", "cluster: dve");
    const codes = problems(text).map((d) => d.code);
    expect(codes).toEqual(["EG110", "EG120"]);
  });

  it("a wrong type is EG111 with the field path and position", () => {
    const text = header + validBody.replace("    access:", "    requireMfa: yes please\n    access:");
    const d = only(text, "EG111");
    expect(d.path).toBe("teams[0].requireMfa");
    expect(d.summary).toContain("expected a boolean");
    expect(d.source).toMatchObject({ line: 10, column: 17 });
  });

  it("a missing required field is EG112 pointing at its parent", () => {
    const text = header + validBody.replace("    region: us-east-2\n", "");
    const d = only(text, "EG112");
    expect(d.path).toBe("clusters[0].region");
    expect(d.source).toMatchObject({ line: 5, column: 5 });
  });

  it("a team without members (no iamGroup, no identityCenter) is EG153 at the team", () => {
    const text = header + validBody.replace("    iamGroup: dev.rnd.group\n", "");
    const d = only(text, "EG153");
    expect(d.path).toBe("teams[0]");
    expect(d.source).toMatchObject({ line: 8, column: 5 });
  });

  it("an enum value out of range is EG113 with a suggestion", () => {
    const text =
      header + validBody.replace("region: us-east-2", "region: us-east-2\n    authentication: access-entry");
    const d = only(text, "EG113");
    expect(d.summary).toContain('did you mean "access-entries"');
    expect(d.source).toMatchObject({ line: 7, column: 21 });
  });

  it("a wrong apiVersion is reported", () => {
    const d = only(header.replace("v1alpha1", "v9") + validBody, "EG113");
    expect(d.path).toBe("apiVersion");
    expect(d.source).toMatchObject({ line: 1, column: 13 });
  });
});

describe("config: rules", () => {
  it("an unquoted account id that lost digits is EG129 and says to quote it", () => {
    const d = only(header.replace('"123456789012"', "012345678901") + validBody, "EG129");
    expect(d.detail).toContain("quote");
    expect(d.source).toMatchObject({ line: 3, column: 12 });
  });

  it("an unknown cluster reference is EG120 with a suggestion", () => {
    const d = only(header + validBody.replace("cluster: dev", "cluster: dve"), "EG120");
    expect(d.summary).toContain('did you mean "dev"');
    expect(d.source).toMatchObject({ line: 11, column: 18 });
  });

  it("an unknown cluster role is EG121 with a suggestion", () => {
    const d = only(header + validBody.replace("clusterRole: view", "clusterRole: veiw"), "EG121");
    expect(d.summary).toContain('did you mean "view"');
    expect(d.source).toMatchObject({ line: 12, column: 22 });
  });

  it("cluster-admin needs allowClusterAdmin (EG122)", () => {
    const text = header + validBody.replace("clusterRole: view", "clusterRole: cluster-admin");
    expect(only(text, "EG122").path).toBe("teams[0].access[0].clusterRole");
    const allowed = text.replace(
      "clusterRole: cluster-admin",
      "clusterRole: cluster-admin\n        allowClusterAdmin: true",
    );
    expect(parseAccessConfig("f", allowed).ok).toBe(true);
  });

  it("a custom role as strong as cluster-admin needs allowClusterAdmin too", () => {
    const text =
      header +
      validBody.replace("clusterRole: view", "clusterRole: god") +
      `customRoles:
  - name: god
    rules:
      - apiGroups: ["*"]
        resources: ["*"]
        verbs: ["*"]
`;
    expect(only(text, "EG122").summary).toContain('"god"');
  });

  it("a custom role that can bind or impersonate counts as cluster-admin-like", () => {
    const text =
      header +
      validBody.replace("clusterRole: view", "clusterRole: binder") +
      `customRoles:
  - name: binder
    rules:
      - apiGroups: ["rbac.authorization.k8s.io"]
        resources: ["clusterrolebindings"]
        verbs: ["bind", "create"]
`;
    expect(only(text, "EG122").code).toBe("EG122");
  });

  it("systemMasters without allowClusterAdmin is EG122", () => {
    const text = header + validBody.replace("    access:", "    systemMasters: true\n    access:");
    expect(only(text, "EG122").path).toBe("teams[0].systemMasters");
  });

  it("invalid IAM names are EG123", () => {
    expect(only(header + validBody.replace("dev.rnd.group", '"dev rnd"'), "EG123").path).toBe(
      "teams[0].iamGroup",
    );
    const longRole =
      header + validBody.replace("    access:", `    roleName: ${"r".repeat(65)}\n    access:`);
    expect(only(longRole, "EG123").path).toBe("teams[0].roleName");
  });

  it("invalid Kubernetes names are EG124", () => {
    expect(only(header + validBody.replace("name: rnd", "name: R_and_D"), "EG124").path).toBe(
      "teams[0].name",
    );
    const ns =
      header + validBody.replace("clusterRole: view", "clusterRole: view\n        namespaces: [Payments]");
    const d = only(ns, "EG124");
    expect(d.path).toBe("teams[0].access[0].namespaces[0]");
    expect(d.source).toMatchObject({ line: 13, column: 22 });
  });

  it("system: and other reserved Kubernetes groups are EG125", () => {
    const text =
      header + validBody.replace("    access:", "    kubernetesGroup: system:masters\n    access:");
    expect(only(text, "EG125").detail).toContain("systemMasters");
    const eks = header + validBody.replace("    access:", "    kubernetesGroup: eks:team\n    access:");
    expect(only(eks, "EG125").summary).toContain('"eks:"');
  });

  it("duplicate teams, clusters and role names are EG126", () => {
    const twice =
      header + validBody + validBody.replace("clusters:\n  - name: dev\n    region: us-east-2\nteams:\n", "");
    const codes = problems(twice)
      .filter((d) => d.code === "EG126")
      .map((d) => d.path);
    expect(codes).toContain("teams[1].name");
  });

  it("an invalid region is EG128 and an invalid cluster name is EG131", () => {
    expect(only(header + validBody.replace("us-east-2", "ohio"), "EG128").path).toBe("clusters[0].region");
    expect(
      only(
        header + validBody.replace("name: dev", "name: -dev").replace("cluster: dev", "cluster: -dev"),
        "EG131",
      ).path,
    ).toBe("clusters[0].name");
  });

  it("custom role rules are checked (EG132)", () => {
    const text =
      header +
      validBody.replace("clusterRole: view", "clusterRole: mixed") +
      `customRoles:
  - name: mixed
    rules:
      - apiGroups: [""]
        resources: ["pods"]
        nonResourceURLs: ["/healthz"]
        verbs: ["get"]
      - resources: ["pods"]
        verbs: []
`;
    const found = problems(text).filter((d) => d.code === "EG132");
    expect(found.map((d) => d.path)).toEqual([
      "customRoles[0].rules[0]",
      "customRoles[0].rules[1].apiGroups",
      "customRoles[0].rules[1].verbs",
    ]);
  });

  it("reserved custom role names are EG134", () => {
    const text =
      header +
      validBody +
      `customRoles:\n  - name: view\n    rules:\n      - nonResourceURLs: ["/x"]\n        verbs: ["get"]\n`;
    expect(only(text, "EG134").path).toBe("customRoles[0].name");
  });

  it("a group ARN from another account is EG136", () => {
    const text = header + validBody.replace("dev.rnd.group", "arn:aws:iam::999999999999:group/dev.rnd.group");
    expect(only(text, "EG136").summary).toContain("999999999999");
  });

  it("warnings alone do not fail the config", () => {
    const text =
      header + validBody.replace("clusterRole: view", "clusterRole: view\n        namespaces: [a, a]");
    const result = parseAccessConfig("f", text);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([["EG126", "warning"]]);
  });

  it("reports every problem in one run, sorted by position", () => {
    const text =
      header.replace('"123456789012"', '"12"') +
      validBody.replace("cluster: dev", "cluster: x").replace("clusterRole: view", "clusterRole: y");
    const lines = problems(text).map((d) => d.source?.line);
    expect(lines).toEqual([3, 11, 12]);
  });
});

describe("config: JSON Schema", () => {
  it("schema/eksgate.schema.json is in sync with the parser (run npm run schema)", () => {
    expect(readFileSync("schema/eksgate.schema.json", "utf8")).toBe(accessConfigJsonSchemaText());
  });
});

describe("config: access policies", () => {
  const policyBody = (access: string, auth = "access-entries"): string =>
    header +
    `clusters:
  - name: prod
    region: us-east-2
    authentication: ${auth}
teams:
  - name: ops
    iamGroup: ops
    access:
${access}`;

  it("accepts an access policy with a namespace wildcard on an access-entries cluster", () => {
    const result = parseAccessConfig(
      "f",
      policyBody("      - cluster: prod\n        accessPolicy: edit\n        namespaces: [dev-*, shared]\n"),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.ok && result.value.teams[0]?.access[0]).toEqual({
      cluster: "prod",
      accessPolicy: "edit",
      namespaces: ["dev-*", "shared"],
      allowClusterAdmin: false,
    });
  });

  it("both or neither of clusterRole and accessPolicy is EG138", () => {
    expect(only(policyBody("      - cluster: prod\n        namespaces: [a]\n"), "EG138").summary).toContain(
      "neither",
    );
    expect(
      only(
        policyBody("      - cluster: prod\n        clusterRole: view\n        accessPolicy: view\n"),
        "EG138",
      ).summary,
    ).toContain("both");
  });

  it("an access policy on an aws-auth cluster is EG139", () => {
    const d = only(policyBody("      - cluster: prod\n        accessPolicy: view\n", "aws-auth"), "EG139");
    expect(d.path).toBe("teams[0].access[0].accessPolicy");
  });

  it("the cluster-admin access policy needs allowClusterAdmin (EG122)", () => {
    const d = only(policyBody("      - cluster: prod\n        accessPolicy: cluster-admin\n"), "EG122");
    expect(d.path).toBe("teams[0].access[0].accessPolicy");
  });
});
