import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const SNAP = "test/fixtures/snapshot/org";
const A = "111122223333";

async function run(...argv: string[]) {
  const term = recordingTerminal();
  const code = await runCli(argv, term);
  return { code, out: term.stdout(), err: term.stderr() };
}

describe("eksgate can-i", () => {
  it("exits 0 and prints the path when allowed", async () => {
    const r = await run(
      "can-i",
      `arn:aws:iam::${A}:user/bob`,
      "delete",
      "pods",
      "-n",
      "payments",
      "--cluster",
      "staging",
      "--snapshot",
      SNAP,
    );
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("yes");
    expect(r.out).toContain("IAM group payments");
    expect(r.out).toContain('Sid "AssumePayments"');
    expect(r.out).toContain("RoleBinding payments/eksgate-payments");
    expect(r.err).toBe("");
  });

  it("exits 1 and says where it breaks when not allowed", async () => {
    const r = await run(
      "can-i",
      `arn:aws:iam::${A}:user/carol`,
      "get",
      "pods",
      "--cluster",
      "staging",
      "--snapshot",
      SNAP,
    );
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toBe("no");
    expect(r.out).toContain("breaks at assume-role");
  });

  it("prints JSON with the hops", async () => {
    const r = await run(
      "can-i",
      `arn:aws:iam::${A}:user/dave`,
      "delete",
      "nodes",
      "--cluster",
      "staging",
      "--snapshot",
      SNAP,
      "--json",
    );
    const json = JSON.parse(r.out) as { allowed: boolean; paths: { hops: { kind: string }[] }[] };
    expect(r.code).toBe(0);
    expect(json.allowed).toBe(true);
    expect(json.paths[0]?.hops.map((h) => h.kind).at(-1)).toBe("superuser");
  });

  it("rejects a group ARN with a diagnostic and no stack trace", async () => {
    const r = await run("can-i", `arn:aws:iam::${A}:group/rnd`, "get", "pods", "--snapshot", SNAP);
    expect(r.code).toBe(1);
    expect(r.err).toContain("AUD001");
    expect(r.err).toContain("Groups are not principals");
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("rejects a namespace on a non-resource URL", async () => {
    const r = await run(
      "can-i",
      `arn:aws:iam::${A}:user/bob`,
      "get",
      "/healthz",
      "-n",
      "x",
      "--snapshot",
      SNAP,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("AUD003");
  });
});

describe("eksgate explain", () => {
  it("prints routes, mappings, bindings and escalations", async () => {
    const r = await run(
      "explain",
      `arn:aws:iam::${A}:user/alice`,
      "--cluster",
      "staging",
      "--snapshot",
      SNAP,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("Route 2: assumes eksgate-rnd");
    expect(r.out).toContain('group-inline policy eksgate-assume-rnd Sid "AssumeTeamRole"');
    expect(r.out).toContain("Kubernetes user eksgate:rnd:alice");
    expect(r.out).toContain("ClusterRole cluster-admin through ClusterRoleBinding eksgate-rnd");
    expect(r.out).toContain("escalation:");
  });

  it("draws the paths as mermaid and dot", async () => {
    const m = await run("explain", `arn:aws:iam::${A}:user/alice`, "--snapshot", SNAP, "-o", "mermaid");
    expect(m.out.startsWith("flowchart LR\n")).toBe(true);
    expect(m.out).toContain('"IAM group rnd"');
    const d = await run("explain", `arn:aws:iam::${A}:user/alice`, "--snapshot", SNAP, "-o", "dot");
    expect(d.out.startsWith("digraph access {")).toBe(true);
    expect(d.out.trimEnd().endsWith("}")).toBe(true);
  });

  it("prints JSON", async () => {
    const r = await run("explain", `arn:aws:iam::${A}:role/eksgate-rnd`, "--snapshot", SNAP, "--json");
    const json = JSON.parse(r.out) as {
      principal: { type: string };
      reach: { cluster: string; mapping: { mapped: boolean; username?: string } }[];
    };
    expect(json.principal.type).toBe("role");
    expect(json.reach.find((x) => x.cluster === "staging")?.mapping.username).toBe(
      "eksgate:rnd:EKSGetTokenAuth",
    );
  });

  it("fails on an unknown cluster and on a missing snapshot directory", async () => {
    const c = await run("explain", `arn:aws:iam::${A}:user/alice`, "--cluster", "nope", "--snapshot", SNAP);
    expect(c.code).toBe(1);
    expect(c.err).toContain("AUD002");
    expect(c.err).toContain("Known: prod, staging");
    const s = await run(
      "explain",
      `arn:aws:iam::${A}:user/alice`,
      "--snapshot",
      "test/fixtures/snapshot/missing",
    );
    expect(s.code).toBe(1);
    expect(s.err).toContain("SNAP100");
  });
});

describe("eksgate who-can", () => {
  it("lists IAM users with their groups and roles, with paths", async () => {
    const r = await run(
      "who-can",
      "delete",
      "pods",
      "-n",
      "payments",
      "--cluster",
      "staging",
      "--snapshot",
      SNAP,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("IAM users (3)");
    expect(r.out).toMatch(/bob via group payments/);
    expect(r.out).toContain("IAM user bob -> IAM group payments -> IAM role eksgate-payments");
    expect(r.out).not.toContain("carol");
  });

  it("takes the non-resource URL form and JSON", async () => {
    const r = await run("who-can", "get", "/metrics", "--cluster", "staging", "--snapshot", SNAP, "--json");
    const json = JSON.parse(r.out) as { principals: { name: string; type: string }[] };
    expect(json.principals.filter((p) => p.type === "user").map((p) => p.name)).toEqual(["alice", "dave"]);
  });

  it("has help with examples", async () => {
    const r = await run("who-can", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Examples:");
    expect(r.out).toContain("--subresource");
  });
});

describe("eksgate snapshot", () => {
  it("needs --out", async () => {
    const r = await run("snapshot");
    expect(r.code).toBe(1);
    expect(r.err).toContain("--out");
  });
});
