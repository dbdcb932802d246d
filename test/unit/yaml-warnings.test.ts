// The yaml library prints a process warning ("Keys with collection values will be
// stringified ...") when it turns a document with a list or mapping as a key into plain
// values, and throws on alias problems. Neither may reach a user's terminal: every input
// read with it (aws-auth values and manifests, the config, kubeconfig files) reports them
// as diagnostics with a code and a location instead.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { parseKubeconfigText } from "../../src/core/kubeconfig/merge.js";
import { lintAwsAuth } from "../../src/core/lint/aws-auth.js";
import { parseAwsAuthData } from "../../src/core/model/aws-auth.js";

const EXAMPLE = readFileSync(new URL("../../examples/eksgate.yaml", import.meta.url), "utf8");

let emitted: MockInstance<typeof process.emitWarning>;
const heard: unknown[] = [];
const listener = (w: unknown): void => {
  heard.push(w);
};

beforeEach(() => {
  emitted = vi.spyOn(process, "emitWarning");
  heard.length = 0;
  process.on("warning", listener);
});
afterEach(() => {
  // No warning may have been emitted while the test read its input.
  expect(emitted).not.toHaveBeenCalled();
  expect(heard).toEqual([]);
  emitted.mockRestore();
  process.off("warning", listener);
});

describe("yaml library warnings become diagnostics", () => {
  it("aws-auth: a collection key drops the key (AA004) at the key's position, silently", () => {
    const r = parseAwsAuthData({
      mapRoles: "- rolearn: arn:aws:iam::111122223333:role/a\n  ? [complex]\n  : key\n",
    });
    expect(r.ok && r.value.status.mapRoles).toBe("dropped");
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["AA004", "error"]]);
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:nodes]
      ? {a: b}
      : value
`;
    const lint = lintAwsAuth(manifest, "aws-auth.yaml").diagnostics.find((d) => d.code === "AA004");
    expect(lint?.summary).toContain("mapping key is a collection");
    expect([lint?.source?.line, lint?.source?.column]).toEqual([11, 9]);
  });

  it("config: a collection key is EG107 with its position", () => {
    const r = parseAccessConfig("eksgate.yaml", `${EXAMPLE}\n? [odd, key]\n: value\n`);
    expect(r.ok).toBe(false);
    const d = r.diagnostics[0];
    expect([d?.code, d?.severity, d?.source?.file]).toEqual(["EG107", "error", "eksgate.yaml"]);
    expect(d?.source?.line).toBe(EXAMPLE.split("\n").length + 1);
  });

  it("config: an alias to nothing and an alias bomb are EG104, not an exception", () => {
    const undefinedAlias = parseAccessConfig("eksgate.yaml", `${EXAMPLE}\nextra: *nowhere\n`);
    expect(undefinedAlias.ok).toBe(false);
    expect(undefinedAlias.diagnostics.map((d) => d.code)).toContain("EG104");
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${"abcdefgh"[i] ?? "z"}: &${"abcdefgh"[i] ?? "z"} [${Array(9)
          .fill(`*${"abcdefgh"[i - 1] ?? "a"}`)
          .join(", ")}]`,
      );
    const r = parseAccessConfig("eksgate.yaml", `${bomb.join("\n")}\n`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.summary.startsWith("YAML alias problem")])).toEqual([
      ["EG104", true],
    ]);
  });

  it("kubeconfig: a collection key is reported, not printed", () => {
    const r = parseKubeconfigText("apiVersion: v1\nkind: Config\n? [a, b]\n: c\n", "config");
    expect(r.ok).toBe(false);
    expect(!r.ok && [r.diagnostics[0]?.code, r.diagnostics[0]?.source?.line]).toEqual(["KCFG004", 3]);
  });
});
