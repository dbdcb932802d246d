/**
 * Bad input found by the fuzzer (test/fuzz), one test per class: each was a crash (exit 3,
 * a stack trace), a hang, a partial write or a diagnostic without a code or location.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { runCli } from "../../src/cli/program.js";
import { parseAccessConfig } from "../../src/core/config/load.js";
import { parseKubeconfigText } from "../../src/core/kubeconfig/merge.js";
import { duplicateKeyOffsets, yamlDocumentToJs } from "../../src/core/yaml-js.js";
import { readOptionalText } from "../../src/adapters/fs/kubeconfig-file.js";
import { resolveKubeConnection } from "../../src/adapters/kube/connection.js";
import { readJsonFile, readSnapshotDir } from "../../src/adapters/fs/snapshot-dir.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";
import { CredentialCache } from "../../src/token/cache.js";
import { renderDiagnostics } from "../../src/cli/views/diagnostics.js";
import { lintAwsAuth } from "../../src/core/lint/aws-auth.js";
import { recordingTerminal } from "../support/terminal.js";
import {
  configFrom,
  emptyObservedState,
  planOf,
  stepIds,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
} from "../support/observed-state.js";
import * as nodeFs from "node:fs";

const scratch = mkdtempSync(join(tmpdir(), "eksgate-bad-input-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
let n = 0;
function dir(): string {
  const d = join(scratch, String(n++));
  mkdirSync(d, { recursive: true });
  return d;
}

async function run(...argv: string[]) {
  const term = recordingTerminal();
  const code = await runCli(argv, term);
  return { code, out: term.stdout(), err: term.stderr() };
}

const HEAD = 'apiVersion: eksgate.dev/v1alpha1\nkind: AccessConfig\naccountId: "123456789012"\n';

function bomb(depth: number): string {
  const lines = ['l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (let d = 1; d < depth; d++)
    lines.push(`l${d}: &l${d} [${Array.from({ length: 10 }, () => `*l${d - 1}`).join(", ")}]`);
  return `${lines.join("\n")}\n`;
}

describe("YAML aliases, nesting and keys in the config", () => {
  it("an alias to an undefined anchor is EG104 at the alias, exit 1", async () => {
    const file = join(dir(), "eksgate.yaml");
    writeFileSync(file, `${HEAD}clusters: []\nteams: *nope\n`);
    const r = await run("render", "-c", file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:5:8: error EG104`);
    expect(r.err).toContain("*nope refers to no anchor");
    expect(r.err).not.toContain("internal error");
  });

  it('an alias bomb ("billion laughs") is EG104, exit 1', async () => {
    const file = join(dir(), "eksgate.yaml");
    writeFileSync(file, `${HEAD}${bomb(9)}clusters: []\nteams: *l8\n`);
    const r = await run("render", "-c", file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/eksgate\.yaml:\d+:\d+: error EG104/);
    expect(r.err).not.toContain("internal error");
  });

  it("a list as a mapping key is EG107, and nothing reaches the terminal as a process warning", async () => {
    const warnings: string[] = [];
    const listen = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on("warning", listen);
    const result = parseAccessConfig("eksgate.yaml", `${HEAD}clusters: []\nteams: []\n? [a, b]\n: c\n`);
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", listen);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.source?.line])).toEqual([["EG107", 6]]);
    expect(warnings).toEqual([]);
  });

  it("nesting thousands of levels deep is EG104 at the nesting, not a stack overflow", () => {
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const result = parseAccessConfig("eksgate.yaml", `${HEAD}clusters: []\nteams: ${deep}\n`);
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]?.code).toBe("EG104");
    expect(result.diagnostics[0]?.summary).toMatch(/nested far deeper/);
    expect(result.diagnostics[0]?.source?.line).toBe(5);
  });

  it("an alias inside its own anchor is refused at the alias, not built into a cycle", () => {
    const result = yamlDocumentToJs(parseDocument("a: &x [1, *x]\n"), { maxAliasCount: 100 });
    expect(result.ok ? "built" : [result.problem.message, result.problem.offset]).toEqual([
      "the alias *x is inside its own anchor",
      10,
    ]);
    const config = parseAccessConfig(
      "eksgate.yaml",
      `${HEAD}clusters: &c [{name: x, extra: *c}]\nteams: []\n`,
    );
    expect(config.diagnostics.map((d) => [d.code, d.source?.line])).toEqual([["EG104", 4]]);
  });

  it("duplicate keys are found in one pass, at each repeated key", () => {
    const doc = parseDocument("a: 1\nb: 2\na: 3\nc: {x: 1, x: 2}\n1: n\n'1': s\n", { uniqueKeys: false });
    expect(duplicateKeyOffsets(doc)).toEqual([10, 25]);
  });

  it("a mapping with 30,000 keys is read, duplicate checks included", () => {
    let text = HEAD;
    for (let i = 0; i < 30_000; i++) text += `k${i}: v\n`;
    const result = parseAccessConfig("eksgate.yaml", `${text}k7: again\n`);
    expect(result.diagnostics.filter((d) => d.code === "EG105")).toHaveLength(1);
  }, 120_000);

  it("thousands of YAML errors are reported as the first 20 and a count", () => {
    const result = parseAccessConfig("eksgate.yaml", `${HEAD}${"x: [\n: ]\n".repeat(2_000)}`);
    expect(result.diagnostics.length).toBeLessThanOrEqual(21);
    expect(result.diagnostics.at(-1)?.summary).toMatch(/\d+ more errors from here on/);
  });

  it("a very long source line is shown as a window around the column", () => {
    const line = `${"a".repeat(100_000)}X${"b".repeat(100_000)}`;
    const text = renderDiagnostics(
      [{ code: "EG104", severity: "error", summary: "s", source: { file: "f", line: 1, column: 100_001 } }],
      recordingTerminal(),
      new Map([["f", line]]),
    );
    expect(text.length).toBeLessThan(1_000);
    const [, excerpt = "", caret = ""] = text.split("\n");
    expect(excerpt.charAt(caret.indexOf("^"))).toBe("X");
  });
});

describe("a team without any access (EG135, a warning)", () => {
  const yaml = TWO_CLUSTERS_YAML.replace(
    /(  - name: support\n    iamGroup: support\n    requireMfa: true\n    access:\n)(?:      .*\n)+/,
    "$1      []\n",
  );

  it("renders, with the warning and nothing for that team", async () => {
    const file = join(dir(), "eksgate.yaml");
    writeFileSync(file, yaml.replace("    access:\n      []", "    access: []"));
    const r = await run("render", "-c", file, "-o", "json");
    expect(r.code).toBe(0);
    expect(r.err).toContain("EG135");
    const data = JSON.parse(r.out) as { iam: { team: string }[] };
    expect(data.iam.map((t) => t.team)).toEqual(["rnd", "payments"]);
  });

  it("is left alone by the plan", () => {
    const config = configFrom(yaml.replace("    access:\n      []", "    access: []"));
    const plan = planOf(config, emptyObservedState(config, { modes: TWO_CLUSTERS_MODES }));
    expect(stepIds(plan).filter((id) => id.includes("eksgate-support"))).toEqual([]);
    expect(stepIds(plan).some((id) => id.includes("eksgate-payments"))).toBe(true);
  });
});

describe("render --out writes every file or none", () => {
  it("a file where a directory goes: EG109 at --out, and nothing written", async () => {
    const d = dir();
    writeFileSync(join(d, "clusters"), "in the way\n");
    const r = await run("render", "-c", "examples/eksgate.yaml", "--out", d);
    expect(r.code).toBe(1);
    expect(r.err).toContain("EG109");
    expect(r.err).toContain("at --out");
    expect(readdirSync(d)).toEqual(["clusters"]);
  });

  it("an impossible directory (/dev/null/x): EG109, exit 1", async () => {
    const r = await run("render", "-c", "examples/eksgate.yaml", "--out", "/dev/null/x");
    expect(r.code).toBe(1);
    expect(r.err).toContain("EG109");
  });

  it("a new directory is removed again when a later file fails", async () => {
    const d = dir();
    mkdirSync(join(d, "out", "iam", "rnd", "group-policy.json"), { recursive: true });
    const r = await run("render", "-c", "examples/eksgate.yaml", "--out", join(d, "out"));
    expect(r.code).toBe(1);
    expect(readdirSync(join(d, "out"), { recursive: true }).sort()).toEqual([
      "iam",
      "iam/rnd",
      "iam/rnd/group-policy.json",
    ]);
  });
});

describe("unknown commands are errors whatever follows them", () => {
  it.each([
    [["NO-SUCH-COMMAND", "--help"], undefined],
    [["rendr", "--version"], "render"],
    [["lint", "configmap", "--help"], undefined],
    [["lint", "aws-aut"], "aws-auth"],
    [["help", "nosuch"], undefined],
    [["--", "x"], undefined],
  ])("%j exits 1 with 'unknown command'", async (argv, suggestion) => {
    const r = await run(...argv);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("unknown command");
    if (suggestion !== undefined) expect(r.err).toContain(`Did you mean ${suggestion}?`);
  });

  it("help for a command that exists still works", async () => {
    expect((await run("help", "render")).code).toBe(0);
    expect((await run("lint", "aws-auth", "--help")).code).toBe(0);
    expect((await run("render", "-c", "x.yaml", "--help")).code).toBe(0);
  });
});

describe("files that are not regular files are refused, not read", () => {
  const fifo = (): string => {
    const path = join(dir(), "config");
    execFileSync("mkfifo", [path]);
    return path;
  };

  it("the kubeconfig reader refuses a FIFO, a directory and /dev/zero", async () => {
    const link = join(dir(), "zero");
    symlinkSync("/dev/zero", link);
    const codes = [];
    for (const path of [fifo(), dir(), link]) {
      const read = await readOptionalText(path, "kubeconfig");
      codes.push(read.diagnostics.map((d) => [d.code, d.path === path]));
    }
    expect(codes).toEqual([[["EG106", true]], [["EG100", true]], [["EG106", true]]]);
    expect(await readOptionalText(join(dir(), "missing"), "kubeconfig")).toEqual({
      ok: true,
      value: undefined,
      diagnostics: [],
    });
  });

  it("a FIFO as the kubeconfig of plan and the live audit is kube-kubeconfig-unreadable, with its path", async () => {
    const path = fifo();
    const r = await resolveKubeConnection({
      kubeconfigPath: path,
      cluster: { name: "c", arn: "arn:aws:eks:us-east-1:123456789012:cluster/c" },
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([["KUBE002", path]]);
  });

  it("a FIFO given as --scps FILE is refused with its path", async () => {
    const path = fifo();
    const read = await readJsonFile(path);
    expect(read.ok).toBe(false);
    expect(read.diagnostics.map((d) => [d.code, d.path])).toEqual([["SNAP101", path]]);
  });

  it("a FIFO in the token cache is passed over", () => {
    const d = dir();
    mkdirSync(join(d, "cache"), { mode: 0o700 });
    const cache = new CredentialCache(join(d, "cache"), nodeFs, process.getuid?.());
    expect(cache.write("token", "k", { token: "t" })).toBe(true);
    const [file = ""] = readdirSync(join(d, "cache"));
    rmSync(join(d, "cache", file));
    execFileSync("mkfifo", ["-m", "600", join(d, "cache", file)]);
    expect(cache.read("token", "k", (v) => v)).toBeUndefined();
  });

  it("a snapshot directory with links back up the tree is walked once", async () => {
    const d = dir();
    mkdirSync(join(d, "iam"));
    writeFileSync(join(d, "iam", "account-authorization-details.json"), '{"UserDetailList": []}');
    mkdirSync(join(d, "clusters", "prod"), { recursive: true });
    symlinkSync(d, join(d, "clusters", "prod", "loop.yaml"));
    symlinkSync(d, join(d, "clusters", "prod", "up"));
    symlinkSync(join(d, "clusters"), join(d, "clusters", "prod", "up2"));
    const read = await readSnapshotDir(d);
    expect(read.ok && read.value.map((f) => f.path)).toEqual(["iam/account-authorization-details.json"]);
  });

  it("a FIFO or a device in a snapshot directory is refused unread (SNAP101 at its path)", async () => {
    const d = dir();
    mkdirSync(join(d, "clusters", "prod"), { recursive: true });
    execFileSync("mkfifo", [join(d, "clusters", "prod", "namespaces.yaml")]);
    symlinkSync("/dev/zero", join(d, "clusters", "prod", "rbac.yaml"));
    const read = await readSnapshotDir(d);
    expect(read.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["SNAP101", "clusters/prod/namespaces.yaml"],
    ]);
  });
});

describe("the kubeconfig parser reports YAML it cannot build, located", () => {
  it.each([
    ["an undefined alias", "clusters: *nope\n"],
    ["an alias bomb", `${bomb(9)}clusters: *l8\n`],
    ["deep nesting", `clusters: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`],
    ["a list as a key", "? [a]\n: b\n"],
  ])("%s", (_what, text) => {
    const parsed = parseKubeconfigText(text, "kube/config");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.diagnostics.map((d) => [d.code, d.source?.file ?? d.path])).toEqual([
        ["KCFG004", "kube/config"],
      ]);
  });
});

describe("kubeconfigs and manifests that the libraries under us mishandle", () => {
  it("an alias bomb in a kubeconfig is refused before client-node reads it", async () => {
    const path = join(dir(), "config");
    writeFileSync(path, `${bomb(9)}clusters:\n  - name: c\n    cluster: {server: *l8}\n`);
    const r = await resolveKubeConnection({
      kubeconfigPath: path,
      cluster: { name: "c", arn: "arn:aws:eks:us-east-1:123456789012:cluster/c", endpoint: "https://x" },
    });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([["KUBE002", path]]);
  });

  it("a YAML 1.1 merge of a scalar in an aws-auth manifest's metadata is reported, not thrown", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: {<<: x}}\ndata: {}\n";
    const lint = lintAwsAuth(text, "aws-auth.yaml");
    expect(lint.diagnostics.some((d) => d.path === "metadata.namespace")).toBe(true);
  });
});

describe("IAM data of the wrong shape in a snapshot", () => {
  it("is left out with SNAP003 at its field path, and reading goes on", () => {
    const details = {
      UserDetailList: [
        { UserName: "ok", Arn: "arn:aws:iam::111122223333:user/ok", Tags: "not a list", GroupList: [1] },
        { UserName: 5, Arn: ["x"] },
        "not an object",
      ],
      RoleDetailList: { not: "a list" },
      Policies: [
        { PolicyName: "p", Arn: "arn:aws:iam::111122223333:policy/p", PolicyVersionList: [{ Document: 7 }] },
      ],
    };
    const parsed = parseSnapshot([
      { path: "iam/account-authorization-details.json", text: JSON.stringify(details) },
    ]);
    const snap003 = parsed.diagnostics.filter((d) => d.code === "SNAP003").map((d) => d.path);
    expect(snap003).toEqual([
      "iam/account-authorization-details.json.UserDetailList[0].GroupList",
      "iam/account-authorization-details.json.UserDetailList[0].Tags",
      "iam/account-authorization-details.json.UserDetailList[1]",
      "iam/account-authorization-details.json.UserDetailList[2]",
      "iam/account-authorization-details.json.RoleDetailList",
      "iam/account-authorization-details.json.Policies[0].PolicyVersionList",
    ]);
    expect(parsed.snapshot.iamIndex.users.map((u) => u.name)).toEqual(["ok"]);
  });

  it("SCPs of the wrong shape deeper down are refused as a whole", () => {
    const parsed = parseSnapshot([
      { path: "iam/account-authorization-details.json", text: '{"UserDetailList": []}' },
      { path: "iam/scps.json", text: '[{"AccountId": "111122223333", "Levels": [{"Target": "r-1"}]}]' },
    ]);
    expect(parsed.diagnostics.some((d) => d.code === "SNAP003" && d.path === "iam/scps.json")).toBe(true);
    expect(parsed.snapshot.iam.serviceControlPolicies).toBeUndefined();
  });
});
