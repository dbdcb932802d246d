// The request context of the audit commands, end to end through the built CLI (dist/cli.js,
// as `npm test` builds it) against the snapshot fixture test/fixtures/snapshot/context:
// --mfa / --no-mfa / neither (the conditional "yes, with MFA"), --context, --at,
// --session-name, the context stated in text and JSON, exit codes, the account root
// principal, and bad flag values as coded diagnostics.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI_JS = join(import.meta.dirname, "../../dist/cli.js");
const SNAP = join(import.meta.dirname, "../fixtures/snapshot/context");
const A = "444455556666";
const AT = "2026-12-03T10:00:00Z";
const user = (n: string) => `arn:aws:iam::${A}:user/${n}`;
const ROOT = `arn:aws:iam::${A}:root`;

let home: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "eksgate-context-cli-"));
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI_JS, ...args],
      {
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: process.env["PATH"], HOME: home, NO_COLOR: "1" },
      },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}

const offline = ["--snapshot", SNAP];

function json(r: Run): unknown {
  try {
    return JSON.parse(r.stdout) as unknown;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

interface ContextJson {
  mfa: string;
  at: string;
  atGiven: boolean;
  sessionName: string | null;
  extra: Record<string, string[]>;
}

describe("can-i in a request context", { timeout: 120_000 }, () => {
  it("neither --mfa nor --no-mfa: 'yes, with MFA' and exit 0, naming the trust statement; the context is stated", async () => {
    const r = await cli("can-i", user("mallory"), "delete", "pods", "--at", AT, ...offline);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("yes, with MFA");
    expect(r.stdout).toContain(
      'only with MFA (trust policy Sid "OncallWithMfa" of role oncall-admin requires Bool aws:MultiFactorAuthPresent true)',
    );
    expect(r.stdout).toContain(
      'context: no MFA (what only MFA allows is shown "with MFA"), at 2026-12-03T10:00:00Z, session name = IAM user name (a role used directly: EKSGetTokenAuth), extra: none',
    );
    const j = json(
      await cli("can-i", user("mallory"), "delete", "pods", "--at", AT, "--json", ...offline),
    ) as {
      allowed: boolean;
      answer: string;
      context: ContextJson;
      paths: { requires?: unknown[] }[];
    };
    expect(j.answer).toBe("yes-with-mfa");
    expect(j.allowed).toBe(true);
    expect(j.paths[0]?.requires).toHaveLength(1);
    expect(j.context).toEqual({ mfa: "unstated", at: AT, atGiven: true, sessionName: null, extra: {} });
  });

  it("--no-mfa: no, exit 1, and the failure says MFA would open it; --mfa: yes, exit 0", async () => {
    const no = await cli("can-i", user("mallory"), "delete", "pods", "--no-mfa", "--at", AT, ...offline);
    expect(no.code).toBe(1);
    expect(no.stdout.split("\n")[0]).toBe("no");
    expect(no.stdout).toContain("it would with MFA");
    expect(no.stdout).toContain("context: no MFA (--no-mfa: what needs MFA counts as no)");
    const yes = await cli("can-i", user("mallory"), "delete", "pods", "--mfa", "--at", AT, ...offline);
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout.split("\n")[0]).toBe("yes");
    expect(yes.stdout).toContain("context: signed in with MFA (--mfa)");
  });

  it("--context aws:SourceIp: yes from the office network, no from elsewhere", async () => {
    const inside = await cli(
      "can-i",
      user("oscar"),
      "get",
      "pods",
      "--context",
      "aws:SourceIp=10.1.2.3",
      ...offline,
    );
    expect(inside.code, inside.stdout + inside.stderr).toBe(0);
    expect(inside.stdout).toContain("extra: aws:SourceIp=10.1.2.3");
    const outside = await cli(
      "can-i",
      user("oscar"),
      "get",
      "pods",
      "--context",
      "aws:SourceIp=192.0.2.7",
      ...offline,
    );
    expect(outside.code).toBe(1);
  });

  it("--at: a trust policy that ends on 2027-01-01 allows before and not after; the default is now", async () => {
    const before = await cli(
      "can-i",
      user("oscar"),
      "get",
      "pods/log",
      "--at",
      "2026-12-31T23:59:59Z",
      ...offline,
    );
    expect(before.code, before.stdout).toBe(0);
    const after = await cli(
      "can-i",
      user("oscar"),
      "get",
      "pods/log",
      "--at",
      "2027-01-01T01:00:00+01:00",
      ...offline,
    );
    expect(after.code).toBe(1);
    expect(after.stdout).toContain("at 2027-01-01T00:00:00Z,");

    const start = Math.floor(Date.now() / 1000) * 1000;
    const j = json(await cli("can-i", user("oscar"), "get", "pods", "--json", ...offline)) as {
      context: ContextJson;
    };
    const end = Date.now();
    expect(j.context.atGiven).toBe(false);
    expect(j.context.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const at = Date.parse(j.context.at);
    expect(at).toBeGreaterThanOrEqual(start);
    expect(at).toBeLessThanOrEqual(end);
  });

  it("--session-name: refused by a trust policy that forces the user name; the role used directly takes it", async () => {
    const own = await cli("can-i", user("quinn"), "delete", "pods", "-n", "team", "--at", AT, ...offline);
    expect(own.code, own.stdout).toBe(0);
    const other = await cli(
      "can-i",
      user("quinn"),
      "delete",
      "pods",
      "-n",
      "team",
      "--session-name",
      "other",
      "--at",
      AT,
      ...offline,
    );
    expect(other.code).toBe(1);
    expect(other.stdout).toContain("session name = other");
    const role = await cli(
      "can-i",
      `arn:aws:iam::${A}:role/named`,
      "delete",
      "pods",
      "-n",
      "team",
      "--session-name",
      "quinn",
      ...offline,
    );
    expect(role.code, role.stdout).toBe(0);
  });
});

describe("who-can, explain and audit in a request context", { timeout: 120_000 }, () => {
  it("who-can shows the MFA-only principal as 'yes, with MFA', and leaves it out with --no-mfa", async () => {
    const r = await cli("who-can", "delete", "pods", "--at", AT, ...offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /mallory via group oncall arn:aws:iam::444455556666:user\/mallory yes, with MFA\n/,
    );
    expect(r.stdout).toContain("(with MFA)");
    expect(r.stdout.split("\n")[1]).toMatch(/^context: no MFA/);
    const strict = await cli("who-can", "delete", "pods", "--no-mfa", "--at", AT, ...offline);
    expect(strict.stdout).not.toContain("mallory");
    const j = json(
      await cli(
        "who-can",
        "delete",
        "pods",
        "--json",
        "--at",
        AT,
        "--context",
        "aws:SourceIp=10.0.0.1",
        ...offline,
      ),
    ) as { context: ContextJson; principals: { arn: string; requires: { kind: string }[] }[] };
    expect(j.principals.find((p) => p.arn === user("mallory"))?.requires.map((c) => c.kind)).toEqual(["mfa"]);
    expect(j.context.extra).toEqual({ "aws:SourceIp": ["10.0.0.1"] });
  });

  it("explain shows which hop needs MFA", async () => {
    const r = await cli("explain", user("nina"), "--at", AT, ...offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Route 2: assumes deploy (with MFA)");
    expect(r.stdout).toContain(
      'user-inline policy deploy-with-mfa Sid "DenyAssumeWithoutMfa" of user nina denies it without MFA (BoolIfExists aws:MultiFactorAuthPresent false)',
    );
  });

  it("audit states the context in text and JSON, and the HTML report's graph follows it", async () => {
    const text = await cli("audit", "--at", AT, "--mfa", ...offline);
    expect(text.stdout).toContain("context: signed in with MFA (--mfa), at 2026-12-03T10:00:00Z");
    const j = json(await cli("audit", "--json", "--at", AT, ...offline)) as { context: ContextJson };
    expect(j.context.mfa).toBe("unstated");
    const html = join(home, "report.html");
    const written = await cli("audit", "--at", AT, "--html", html, ...offline);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(html, "utf8")).toContain("only with MFA");
  });
});

describe("principals the authenticator maps", { timeout: 120_000 }, () => {
  it("explain and can-i accept the account root user mapped in mapUsers, and say what it gets", async () => {
    const e = await cli("explain", ROOT, "--at", AT, ...offline);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toBe("");
    expect(e.stdout).toContain("root user of account 444455556666");
    expect(e.stdout).toContain("aws-auth mapUsers[0] on ops");
    expect(e.stdout).toContain("Kubernetes user account-root");
    expect(e.stdout).toContain("ClusterRole pod-admin through ClusterRoleBinding break-glass");
    const c = await cli("can-i", ROOT, "delete", "pods", "--at", AT, ...offline);
    expect(c.code).toBe(0);
    expect(c.stdout.split("\n")[0]).toBe("yes");
  });

  it("refuses an ARN no caller can have with AUD001 and the reason, exit 1, no stack trace", async () => {
    for (const [arn, why] of [
      ["arn:aws:iam::12345:root", "12 digits"],
      [`arn:aws:iam::${A}:group/oncall`, "groups are not principals"],
      [`arn:aws:iam:eu-central-1:${A}:user/pat`, "principal ARNs have none"],
    ] as const) {
      const r = await cli("explain", arn, ...offline);
      expect(r.code, arn).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("AUD001");
      expect(r.stderr).toContain(why);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  });

  it("bad flag values are coded diagnostics with a hint, exit 1, no stack trace", async () => {
    for (const [flags, code] of [
      [["--at", "2026-12-03T10:00"], "AUD012"],
      [["--context", "prod-admin"], "AUD010"],
      [["--context", "aws:SourceIp=10.0.0.300"], "AUD010"],
      [["--session-name", "x"], "AUD013"],
      [["--no-mfa", "--context", "aws:MultiFactorAuthAge=60"], "AUD010"],
    ] as const) {
      const r = await cli("can-i", user("oscar"), "get", "pods", ...flags, ...offline);
      expect(r.code, flags.join(" ")).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`error ${code}`);
      expect(r.stderr).toContain("hint:");
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
    const warned = await cli(
      "can-i",
      user("oscar"),
      "get",
      "pods/log",
      "--context",
      "aws:Bogus=1",
      "--at",
      AT,
      ...offline,
    );
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain("warning AUD011");
  });
});
