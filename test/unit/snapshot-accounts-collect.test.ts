// Live collection of several accounts (`--account ID=PROFILE|ID=ROLE_ARN`): the engine reads
// each account's IAM through its own source and writes it under accounts/<id>/iam/, which the
// snapshot reader takes back; the flag's problems are AUD015 before anything is read.
import { describe, expect, it } from "vitest";
import { parseAccountFlags } from "../../src/cli/commands/snapshot-command.js";
import { runCli } from "../../src/cli/program.js";
import { explainPrincipal } from "../../src/core/evaluate/access/index.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";
import { collectSnapshot } from "../../src/engine/collect-snapshot.js";
import type { SnapshotSources } from "../../src/ports/snapshot-sources.js";
import { recordingTerminal } from "../support/terminal.js";

const A = "111111111111";
const B = "222222222222";
const doc = (statement: object) => ({ Version: "2012-10-17", Statement: [statement] });
const IDENTITY = {
  UserDetailList: [{ UserName: "bob", Arn: `arn:aws:iam::${A}:user/bob`, GroupList: ["platform"] }],
  GroupDetailList: [
    {
      GroupName: "platform",
      Arn: `arn:aws:iam::${A}:group/platform`,
      GroupPolicyList: [
        {
          PolicyName: "assume",
          PolicyDocument: doc({
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: `arn:aws:iam::${B}:role/team`,
          }),
        },
      ],
    },
  ],
  RoleDetailList: [],
  Policies: [],
};
const WORKLOAD = {
  UserDetailList: [],
  GroupDetailList: [],
  RoleDetailList: [
    {
      RoleName: "team",
      Arn: `arn:aws:iam::${B}:role/team`,
      AssumeRolePolicyDocument: doc({
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: "sts:AssumeRole",
      }),
    },
  ],
  Policies: [],
};

function sources(): SnapshotSources {
  return {
    iam: { accountAuthorizationDetails: () => Promise.resolve([IDENTITY]) },
    accounts: [{ accountId: B, iam: { accountAuthorizationDetails: () => Promise.resolve([WORKLOAD]) } }],
    eks: () => {
      throw new Error("no cluster is collected here");
    },
    kube: () => Promise.reject(new Error("no cluster is collected here")),
  };
}

describe("collecting several accounts", () => {
  it("writes each further account under accounts/<id>/iam/, and the reader joins them", async () => {
    const collected = await collectSnapshot(sources(), { clusters: [] });
    expect(
      collected.files.map((f) => f.path).filter((p) => p.includes("account-authorization-details")),
    ).toEqual([
      "iam/account-authorization-details.json",
      `accounts/${B}/iam/account-authorization-details.json`,
    ]);
    const parsed = parseSnapshot(collected.files);
    expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const bob = explainPrincipal(parsed.snapshot, `arn:aws:iam::${A}:user/bob`);
    expect(bob.routes.map((r) => r.roleArn)).toEqual([undefined, `arn:aws:iam::${B}:role/team`]);
  });
});

describe("--account", () => {
  it("takes ID=PROFILE and ID=ROLE_ARN", () => {
    expect(
      parseAccountFlags([
        `${B}=workload`,
        `333333333333=arn:aws:iam::333333333333:role/OrganizationAccountAccessRole`,
      ]),
    ).toEqual({
      ok: true,
      accounts: [
        { accountId: B, profile: "workload" },
        {
          accountId: "333333333333",
          roleArn: "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole",
        },
      ],
    });
  });

  it.each([
    ["12345=p", "is not ACCOUNT_ID=PROFILE"],
    [`${B}=`, "is not ACCOUNT_ID=PROFILE"],
    [`${B}=arn:aws:iam::${B}:user/x`, "not an IAM role ARN"],
  ])("refuses %s", (value, reason) => {
    const r = parseAccountFlags([value]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it("refuses an account given twice", () => {
    const r = parseAccountFlags([`${B}=a`, `${B}=b`]);
    expect(r).toEqual({ ok: false, reason: `--account names account ${B} twice` });
  });

  it("is AUD015 with exit 1 from the CLI, before anything is collected", async () => {
    const term = recordingTerminal();
    const code = await runCli(
      [
        "snapshot",
        "--out",
        "/nonexistent/out",
        "--cluster",
        "prod",
        "--region",
        "eu-west-1",
        "--account",
        "nope",
      ],
      term,
    );
    expect(code).toBe(1);
    expect(term.stderr()).toContain("AUD015");
  });
});
