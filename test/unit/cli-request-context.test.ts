// The request-context flags (--mfa/--no-mfa, --at, --session-name, --context KEY=VALUE):
// parsing, the diagnostics for bad values, and how the views state the context assumed.
import { describe, expect, it } from "vitest";
import { parseRequestTime, readRequestContext } from "../../src/cli/commands/request-context.js";
import { runCli } from "../../src/cli/program.js";
import { contextJson, contextLine } from "../../src/cli/views/access.js";
import { parseContextPairs } from "../../src/core/evaluate/access/index.js";
import { recordingTerminal } from "../support/terminal.js";

const NOW = new Date("2026-12-03T10:00:00.750Z");
const now = () => NOW;
const codes = (r: { diagnostics: readonly { code: string; severity: string }[] }) =>
  r.diagnostics.map((d) => `${d.code}:${d.severity}`);

describe("--at", () => {
  it("reads ISO 8601 with a zone and states it in UTC", () => {
    expect(parseRequestTime("2026-12-03T10:00:00Z")).toEqual({ at: "2026-12-03T10:00:00Z" });
    expect(parseRequestTime("2026-12-03T11:30:00+01:00")).toEqual({ at: "2026-12-03T10:30:00Z" });
    expect(parseRequestTime("2026-12-03T05:00-0500")).toEqual({ at: "2026-12-03T10:00:00Z" });
    expect(parseRequestTime("2026-12-03T10:00:00.250Z")).toEqual({ at: "2026-12-03T10:00:00.250Z" });
    expect(parseRequestTime("2026-12-03")).toEqual({ at: "2026-12-03T00:00:00Z" });
  });

  it("refuses text that is not a time, a time without a zone, and dates that do not exist", () => {
    expect(parseRequestTime("yesterday")).toEqual({ error: "is not an ISO 8601 date and time" });
    expect(parseRequestTime("2026-12-03T10:00:00")).toEqual({
      error: "has no time zone (add Z or an offset such as +01:00)",
    });
    expect(parseRequestTime("2026-02-30")).toEqual({ error: "is not a date and time that exists" });
    expect(parseRequestTime("2026-12-03T24:00:00Z")).toEqual({ error: "is not a date and time that exists" });
    expect(parseRequestTime("2026-12-03T10:00:00+25:00")).toEqual({
      error: "has an offset that does not exist",
    });
    expect(parseRequestTime("1765000000")).toEqual({ error: "is not an ISO 8601 date and time" });
  });

  it("defaults to the clock the command reads, to the second; the core never reads one", () => {
    const r = readRequestContext({}, now);
    expect(r.choice?.options).toEqual({ mfa: "unstated", at: "2026-12-03T10:00:00Z" });
    expect(r.choice?.summary).toEqual({
      mfa: "unstated",
      at: "2026-12-03T10:00:00Z",
      atGiven: false,
      extra: {},
    });
    let asked = 0;
    readRequestContext({ at: "2026-01-01T00:00:00Z" }, () => {
      asked++;
      return NOW;
    });
    expect(asked).toBe(0);
  });
});

describe("--mfa, --no-mfa, --session-name", () => {
  it("maps the two flags and their absence to present / absent / unstated", () => {
    expect(readRequestContext({ mfa: true }, now).choice?.options.mfa).toBe("present");
    expect(readRequestContext({ mfa: false }, now).choice?.options.mfa).toBe("absent");
    expect(readRequestContext({}, now).choice?.options.mfa).toBe("unstated");
  });

  it("refuses a session name STS would refuse, or one that contradicts the assumed-role ARN", () => {
    expect(codes(readRequestContext({ sessionName: "x" }, now))).toEqual(["AUD013:error"]);
    expect(codes(readRequestContext({ sessionName: "has space" }, now))).toEqual(["AUD013:error"]);
    expect(codes(readRequestContext({ sessionName: "a".repeat(65) }, now))).toEqual(["AUD013:error"]);
    const session = "arn:aws:sts::444455556666:assumed-role/named/quinn";
    expect(codes(readRequestContext({ sessionName: "other" }, now, session))).toEqual(["AUD013:error"]);
    expect(readRequestContext({ sessionName: "quinn" }, now, session).choice?.options.sessionName).toBe(
      "quinn",
    );
    // The root user cannot assume roles: the flag does nothing, and that is said.
    expect(codes(readRequestContext({ sessionName: "ops" }, now, "arn:aws:iam::444455556666:root"))).toEqual([
      "AUD013:warning",
    ]);
  });

  it("refuses an MFA age with --no-mfa", () => {
    const r = readRequestContext({ mfa: false, context: ["aws:MultiFactorAuthAge=60"] }, now);
    expect(r.choice).toBeUndefined();
    expect(codes(r)).toEqual(["AUD010:error"]);
  });
});

describe("--context KEY=VALUE", () => {
  it("reads keys (value may hold '='), repeats of a multivalued key as a set, keeping the case written", () => {
    const r = parseContextPairs([
      "aws:SourceIp=10.0.0.1",
      "aws:PrincipalTag/team=pay=ments",
      "aws:TagKeys=a",
      "aws:tagkeys=b",
      "sts:ExternalId=abc",
      "aws:SourceIp6=::1",
    ]);
    expect(r.extra).toEqual({
      "aws:SourceIp": ["10.0.0.1"],
      "aws:PrincipalTag/team": ["pay=ments"],
      "aws:TagKeys": ["a", "b"],
      "sts:ExternalId": ["abc"],
      "aws:SourceIp6": ["::1"],
    });
    expect(codes(r)).toEqual(["AUD011:warning"]);
    expect(r.diagnostics[0]?.path).toBe("--context[5]");
  });

  it("refuses malformed pairs with a code, the position and a hint", () => {
    const cases: [string[], string][] = [
      [["prod-admin"], "is not KEY=VALUE"],
      [["SourceIp=1.2.3.4"], "is not a condition key"],
      [["aws:SourceIp="], "has no value"],
      [["aws:SourceIp=10.0.0.300"], "is not an IPv4 or IPv6 address"],
      [["aws:SourceIp=fe80::1::2"], "is not an IPv4 or IPv6 address"],
      [["aws:SecureTransport=yes"], "is not true or false"],
      [["aws:MultiFactorAuthAge=soon"], "is not a number"],
      [["aws:TokenIssueTime=later"], "is not a date"],
      [["aws:PrincipalAccount=123"], "is not a 12-digit account id"],
      [["aws:SourceIp=10.0.0.1", "aws:SOURCEIP=10.0.0.2"], "is given twice"],
      [["aws:MultiFactorAuthPresent=true"], "is set with --mfa or --no-mfa"],
      [["aws:CurrentTime=2026-01-01T00:00:00Z"], "is set with --at TIME"],
      [["aws:EpochTime=1"], "is set with --at TIME"],
      [["sts:RoleSessionName=x"], "is set with --session-name NAME"],
    ];
    for (const [pairs, why] of cases) {
      const r = parseContextPairs(pairs);
      const error = r.diagnostics.find((d) => d.severity === "error");
      expect(error?.code, pairs.join(" ")).toBe("AUD010");
      expect(error?.summary, pairs.join(" ")).toContain(why);
      expect(error?.path).toBe(`--context[${pairs.length - 1}]`);
      // The detail says what to do for that kind of mistake.
      const what = why.startsWith("is set with")
        ? `Use ${why.slice("is set with ".length)} instead of --context`
        : why === "is given twice"
          ? "Keep one"
          : why === "is not KEY=VALUE"
            ? "Write a condition key and its value"
            : why === "is not a condition key"
              ? "A condition key is SERVICE:Name"
              : why === "has no value"
                ? "Give one (--context aws:SourceIp=VALUE)"
                : "a value of its type";
      expect(error?.detail, pairs.join(" ")).toContain(what);
    }
    expect(parseContextPairs(["aws:SourceIp=2001:db8::7"]).diagnostics).toEqual([]);
    expect(parseContextPairs(["aws:SourceIp=::ffff:10.0.0.1"]).diagnostics).toEqual([]);
  });

  it("warns, without refusing, about a key eksgate derives from the principal", () => {
    const r = parseContextPairs(["aws:username=someone"]);
    expect(codes(r)).toEqual(["AUD011:warning"]);
    expect(r.extra).toEqual({ "aws:username": ["someone"] });
  });
});

describe("the context, as the output states it", () => {
  it("text: MFA assumption, time (and whether it is now), session name, extra keys", () => {
    expect(contextLine({ mfa: "unstated", at: "2026-12-03T10:00:00Z", atGiven: false, extra: {} })).toBe(
      'context: no MFA (what only MFA allows is shown "with MFA"), at 2026-12-03T10:00:00Z (now), session name = IAM user name (a role used directly: EKSGetTokenAuth), extra: none',
    );
    expect(
      contextLine({
        mfa: "present",
        at: "2026-12-03T10:00:00Z",
        atGiven: true,
        sessionName: "ops",
        extra: { "aws:SourceIp": ["10.0.0.1"], "aws:TagKeys": ["a", "b"] },
      }),
    ).toBe(
      "context: signed in with MFA (--mfa), at 2026-12-03T10:00:00Z, session name = ops, extra: aws:SourceIp=10.0.0.1, aws:TagKeys=a, aws:TagKeys=b",
    );
    expect(contextLine({ mfa: "absent", at: "x", atGiven: true, extra: {} })).toContain(
      "no MFA (--no-mfa: what needs MFA counts as no)",
    );
  });

  it("JSON: every field, the session name null when not given", () => {
    expect(contextJson({ mfa: "absent", at: "2026-12-03T10:00:00Z", atGiven: true, extra: {} })).toEqual({
      mfa: "absent",
      at: "2026-12-03T10:00:00Z",
      atGiven: true,
      sessionName: null,
      extra: {},
    });
  });
});

describe("the flags on the commands", () => {
  async function run(...argv: string[]) {
    const term = recordingTerminal();
    const code = await runCli(argv, term);
    return { code, out: term.stdout(), err: term.stderr() };
  }

  it("all four commands take the context flags; --kube-context names the kubeconfig context", async () => {
    for (const command of ["explain", "who-can", "can-i", "audit"]) {
      const help = await run(command, "--help");
      expect(help.code).toBe(0);
      for (const flag of [
        "--mfa",
        "--no-mfa",
        "--context <key=value>",
        "--session-name <name>",
        "--at <time>",
      ])
        expect(help.out, `${command} ${flag}`).toContain(flag);
      expect(help.out).toContain("--kube-context <name>");
      expect(help.out).not.toContain("--context <name>");
    }
    const snapshotHelp = await run("snapshot", "--help");
    expect(snapshotHelp.out).toContain("--kube-context <name>");
    expect(snapshotHelp.out).not.toMatch(/--context\b/);
  });

  it("snapshot --context (the old name) is refused with the new one in the hint, before anything is read", async () => {
    const r = await run("snapshot", "--out", "/nonexistent/out", "--context", "prod-admin");
    expect(r.code).toBe(1);
    expect(r.err).toContain("AUD014");
    expect(r.err).toContain("--kube-context prod-admin");
  });

  it("a bad flag value is a coded diagnostic on stderr, exit 1, nothing on stdout, no stack trace", async () => {
    const r = await run(
      "who-can",
      "get",
      "pods",
      "--snapshot",
      "test/fixtures/snapshot/context",
      "--context",
      "prod-admin",
      "--at",
      "noon",
    );
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("AUD010");
    expect(r.err).toContain("AUD012");
    expect(r.err).toContain("--kube-context NAME");
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
