// collectSnapshot (src/engine/collect-snapshot.ts) and the CLI's SCP options, with the snapshot
// ports answered in memory: where SCPs come from (a file, AWS Organizations, refused), and
// what the snapshot says when they could not be read. Organizations itself is exercised
// against moto in test/integration/scp-organizations.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";
import { collectSnapshot } from "../../src/engine/collect-snapshot.js";
import type { ServiceControlPolicyAnswer, SnapshotSources } from "../../src/ports/snapshot-sources.js";
import { recordingTerminal } from "../support/terminal.js";

const A = "111122223333";
const PAGE = {
  UserDetailList: [{ UserName: "alice", Arn: `arn:aws:iam::${A}:user/alice`, GroupList: [] }],
  RoleDetailList: [],
  GroupDetailList: [],
  Policies: [],
};

function sources(answer?: ServiceControlPolicyAnswer, asked: string[][] = []): SnapshotSources {
  return {
    iam: { accountAuthorizationDetails: () => Promise.resolve([PAGE]) },
    ...(answer === undefined
      ? {}
      : {
          organizations: {
            serviceControlPolicies: (accounts) => {
              asked.push([...accounts]);
              return Promise.resolve(answer);
            },
          },
        }),
    eks: () => {
      throw new Error("no cluster is collected here");
    },
    kube: () => Promise.reject(new Error("no cluster is collected here")),
  };
}

const SCPS = [
  {
    AccountId: A,
    Levels: [
      {
        Target: "r-abcd",
        Policies: [
          {
            Name: "FullAWSAccess",
            Document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
          },
        ],
      },
    ],
  },
];

describe("collectSnapshot: service control policies", () => {
  it("asks Organizations for the accounts the IAM pages hold, and writes iam/scps.json", async () => {
    const asked: string[][] = [];
    const collected = await collectSnapshot(
      sources(
        { kind: "policies", accounts: SCPS, notes: ["account 999999999999 is the management account"] },
        asked,
      ),
      { clusters: [], serviceControlPolicies: { from: "organizations" } },
    );
    expect(asked).toEqual([[A]]);
    const scps = collected.files.find((f) => f.path === "iam/scps.json");
    expect(JSON.parse(scps?.text ?? "null")).toEqual(SCPS);
    expect(collected.diagnostics.map((d) => [d.code, d.severity])).toEqual([["SNAP112", "info"]]);
    expect(parseSnapshot(collected.files).snapshot.iamIndex.serviceControlPolicies(A)).toHaveLength(1);
  });

  it("writes the snapshot without SCPs, with a warning saying what to do, when Organizations refuses", async () => {
    const collected = await collectSnapshot(sources({ kind: "denied", message: "AccessDenied" }), {
      clusters: [],
      serviceControlPolicies: { from: "organizations" },
    });
    expect(collected.files.map((f) => f.path)).not.toContain("iam/scps.json");
    const warning = collected.diagnostics.find((d) => d.code === "SNAP111");
    expect(warning?.severity).toBe("warning");
    expect(warning?.summary).toContain("AccessDenied");
    expect(warning?.detail).toContain("--scps FILE");
  });

  it("says no SCP applies when the organization has not enabled them or there is none", async () => {
    for (const kind of ["not-enabled", "no-organization"] as const) {
      const collected = await collectSnapshot(sources({ kind }), {
        clusters: [],
        serviceControlPolicies: { from: "organizations" },
      });
      expect(collected.files.map((f) => f.path)).not.toContain("iam/scps.json");
      expect(collected.diagnostics.map((d) => d.code)).toEqual(["SNAP112"]);
    }
  });

  it("takes SCPs from a file's content as they are", async () => {
    const collected = await collectSnapshot(sources(), {
      clusters: [],
      serviceControlPolicies: { from: "file", content: SCPS },
    });
    expect(JSON.parse(collected.files.find((f) => f.path === "iam/scps.json")?.text ?? "null")).toEqual(SCPS);
  });
});

describe("CLI: --scps and --organizations", () => {
  const dir = mkdtempSync(join(tmpdir(), "eksgate-scps-"));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const LIVE = ["--cluster", "prod", "--region", "eu-west-1"];

  async function run(...argv: string[]) {
    const term = recordingTerminal();
    const code = await runCli(argv, term);
    return { code, out: term.stdout(), err: term.stderr() };
  }

  it("refuses both at once, before collecting anything", async () => {
    const file = join(dir, "scps.json");
    writeFileSync(file, JSON.stringify(SCPS));
    const r = await run("snapshot", "--out", join(dir, "out"), ...LIVE, "--scps", file, "--organizations");
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("AUD009");
    expect(r.err).toContain("Keep one");
  });

  it("names a --scps file that is not JSON, with the code and what to write", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, "{ not json");
    const r = await run("who-can", "get", "pods", ...LIVE, "--scps", file);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("SNAP002");
    expect(r.err).toContain(`${file} is not valid JSON`);
    // A stack frame, not the diagnostic's own "  at <field>" line.
    expect(r.err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
