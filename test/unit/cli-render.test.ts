import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const golden = "test/fixtures/golden/render";
const update = process.env["UPDATE_GOLDEN"] === "1";
const scratch = mkdtempSync(join(tmpdir(), "eksgate-render-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function matchGolden(name: string, actual: string): void {
  const file = join(golden, name);
  if (update) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

async function run(...argv: string[]) {
  const term = recordingTerminal();
  const code = await runCli(argv, term);
  return { code, out: term.stdout(), err: term.stderr() };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

describe("eksgate render", () => {
  it("renders the example as text (golden)", async () => {
    const { code, out, err } = await run("render", "-c", "examples/eksgate.yaml");
    expect(code).toBe(0);
    expect(err).toBe("");
    matchGolden("example.txt", out);
  });

  it("renders the example as JSON (golden) and the JSON parses", async () => {
    const { code, out } = await run("render", "-c", "examples/eksgate.yaml", "-o", "json");
    expect(code).toBe(0);
    const data = JSON.parse(out) as {
      kind: string;
      iam: unknown[];
      clusters: { awsAuthMapRoles: unknown[] }[];
    };
    expect(data.kind).toBe("Rendering");
    expect(data.iam).toHaveLength(3);
    expect(data.clusters[0]?.awsAuthMapRoles).toHaveLength(3);
    matchGolden("example.json", out);
  });

  it("YAML output carries the same data as JSON", async () => {
    const json = await run("render", "-c", "examples/eksgate.yaml", "-o", "json");
    const yaml = await run("render", "-c", "examples/eksgate.yaml", "-o", "yaml");
    expect(parse(yaml.out)).toEqual(JSON.parse(json.out));
  });

  it("--team narrows IAM, mappings, bindings and kubeconfig users to that team", async () => {
    const { code, out } = await run(
      "render",
      "-c",
      "examples/eksgate.yaml",
      "--team",
      "payments",
      "-o",
      "json",
    );
    expect(code).toBe(0);
    const data = JSON.parse(out) as {
      iam: { team: string }[];
      clusters: { teams: string[]; rbac: { metadata: { namespace?: string } }[] }[];
      kubeconfigUsers: { team: string }[];
    };
    expect(data.iam.map((t) => t.team)).toEqual(["payments"]);
    expect(data.clusters[0]?.teams).toEqual(["payments"]);
    expect(data.clusters[0]?.rbac.map((o) => o.metadata.namespace)).toEqual(["payments", "payments-staging"]);
    expect(data.kubeconfigUsers.map((u) => u.team)).toEqual(["payments"]);
  });

  it("an unknown --team or --cluster is an error with a suggestion", async () => {
    const team = await run("render", "-c", "examples/eksgate.yaml", "--team", "payment");
    expect(team.code).toBe(1);
    expect(team.err).toContain('did you mean "payments"');
    const cluster = await run("render", "-c", "examples/eksgate.yaml", "--cluster", "prod");
    expect(cluster.code).toBe(1);
    expect(cluster.err).toContain("EG140");
  });

  it("--out writes one file per document, and the RBAC file is valid multi-document YAML", async () => {
    const dir = join(scratch, "out");
    const { code } = await run("render", "-c", "examples/eksgate.yaml", "--out", dir);
    expect(code).toBe(0);
    const files = listFiles(dir).map((f) => relative(dir, join(dir, f)));
    expect(files).toEqual([
      "clusters/dev.my-eks-cluster/aws-auth-mapRoles.yaml",
      "clusters/dev.my-eks-cluster/kubeconfig-user-payments.yaml",
      "clusters/dev.my-eks-cluster/kubeconfig-user-rnd.yaml",
      "clusters/dev.my-eks-cluster/kubeconfig-user-support.yaml",
      "clusters/dev.my-eks-cluster/rbac.yaml",
      "iam/payments/group-policy.json",
      "iam/payments/role-policy.json",
      "iam/payments/trust-policy.json",
      "iam/rnd/group-policy.json",
      "iam/rnd/role-policy.json",
      "iam/rnd/trust-policy.json",
      "iam/support/group-policy.json",
      "iam/support/role-policy.json",
      "iam/support/trust-policy.json",
    ]);
    const docs = parseAllDocuments(readFileSync(join(dir, "clusters/dev.my-eks-cluster/rbac.yaml"), "utf8"));
    expect(docs.map((d) => (d.toJS() as { kind: string }).kind)).toEqual([
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "RoleBinding",
      "RoleBinding",
    ]);
    const trust = JSON.parse(readFileSync(join(dir, "iam/rnd/trust-policy.json"), "utf8")) as {
      Version: string;
    };
    expect(trust.Version).toBe("2012-10-17");
  });

  it("a bad config gives positioned diagnostics on stderr, exit 1 and nothing on stdout", async () => {
    const file = join(scratch, "bad.yaml");
    writeFileSync(
      file,
      "apiVersion: eksgate.dev/v1alpha1\nkind: AccessConfig\naccountId: '1'\nclusters: []\nteams: {}\n",
    );
    const { code, out, err } = await run("render", "-c", file);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain(`${file}:5:8: error EG111`);
    expect(err).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
  });

  it("a missing, binary or huge file is a clear error, never a stack trace", async () => {
    const missing = await run("render", "-c", join(scratch, "nope.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("EG100");
    const binary = join(scratch, "bin.yaml");
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    expect((await run("render", "-c", binary)).err).toContain("EG103");
    const huge = join(scratch, "huge.yaml");
    writeFileSync(huge, `# ${"x".repeat(1024 * 1024)}\n`);
    expect((await run("render", "-c", huge)).err).toContain("EG102");
    const latin1 = join(scratch, "latin1.yaml");
    writeFileSync(latin1, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    expect((await run("render", "-c", latin1)).err).toContain("not UTF-8");
  });
});

describe("eksgate CLI", () => {
  it("--help lists the commands and exit codes", async () => {
    const { code, out } = await run("--help");
    expect(code).toBe(0);
    expect(out).toContain("render");
    expect(out).toContain("lint");
    expect(out).toContain("Exit codes");
  });

  it("each command's --help has an example", async () => {
    for (const argv of [
      ["render", "--help"],
      ["lint", "aws-auth", "--help"],
    ]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(0);
      expect(out).toContain("Examples:");
    }
  });

  it("an unknown command or option is exit 1 with a hint", async () => {
    const cmd = await run("rendr");
    expect(cmd.code).toBe(1);
    expect(cmd.err).toContain("render");
    const opt = await run("render", "--colour");
    expect(opt.code).toBe(1);
    expect(opt.err).toContain("unknown option");
  });
});
