// IAM wildcard matching (`*`, `?`, and the `${*}`/`${?}`/`${$}` literal characters) must take
// work bounded by pattern length times value length, whatever a snapshot's policies contain.
import { describe, expect, it } from "vitest";
import { evaluate, type AccountAuthorizationDetails } from "../../src/core/evaluate/iam/index.js";
import { RequestContext, substituteVariables } from "../../src/core/evaluate/iam/request-context.js";
import {
  actionMatches,
  arnMatches,
  LITERAL_MARK,
  traceWildcardMatch,
  wildcardMatch,
} from "../../src/core/evaluate/iam/wildcard.js";
import { prng } from "../support/rbac-corpus.js";

const HOSTILE = "*a".repeat(13) + "*b";
const LONG = "a".repeat(5000);

/** Reference: the textbook dynamic program over (pattern prefix, value prefix). */
function reference(pattern: string, value: string, ignoreCase = false): boolean {
  const p: { star: boolean; any: boolean; ch: string }[] = [];
  let literal = false;
  for (const ch of ignoreCase ? pattern.toLowerCase() : pattern) {
    if (ch === LITERAL_MARK) literal = true;
    else {
      p.push({ star: !literal && ch === "*", any: !literal && ch === "?", ch });
      literal = false;
    }
  }
  const v = Array.from(ignoreCase ? value.toLowerCase() : value);
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (const t of p) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    next[0] = t.star && row[0] === true;
    for (let j = 1; j <= v.length; j++) {
      if (t.star) next[j] = row[j] === true || next[j - 1] === true;
      else next[j] = row[j - 1] === true && (t.any || t.ch === v[j - 1]);
    }
    row = next;
  }
  return row[v.length] === true;
}

describe("IAM wildcard matching", () => {
  it("matches a classic ReDoS pattern against 5,000 characters within (n+1)*(m+1) steps", () => {
    const trace = traceWildcardMatch(HOSTILE, LONG);
    expect(trace.matched).toBe(false);
    expect(trace.steps).toBeLessThanOrEqual((LONG.length + 1) * (HOSTILE.length + 1));
    expect(wildcardMatch(HOSTILE, LONG)).toBe(false);
    expect(wildcardMatch(HOSTILE, LONG + "b")).toBe(true);
    // The same shape in every place IAM matches patterns.
    expect(actionMatches(HOSTILE, LONG)).toBe(false);
    expect(arnMatches(`arn:aws:s3:::${HOSTILE}`, `arn:aws:s3:::${LONG}`)).toBe(false);
  }, 120_000);

  it("keeps the work bound when the value doubles (no exponential growth)", () => {
    const small = traceWildcardMatch(HOSTILE, LONG.slice(0, 2500)).steps;
    const large = traceWildcardMatch(HOSTILE, LONG).steps;
    // Linear in the value for a fixed pattern: doubling the value at most doubles the steps (plus slack).
    expect(large).toBeLessThanOrEqual(2 * small + 2 * HOSTILE.length + 2);
  }, 120_000);

  it("agrees with a reference matcher on 5,000 generated pattern/value pairs (seed 10)", () => {
    const next = prng(10);
    const pick = (s: string): string => s[Math.floor(next() * s.length)] ?? "";
    for (let i = 0; i < 5000; i++) {
      let pattern = "";
      for (let k = Math.floor(next() * 10); k > 0; k--) {
        const r = next();
        pattern += r < 0.25 ? "*" : r < 0.35 ? "?" : r < 0.4 ? LITERAL_MARK + pick("*?a") : pick("abAB*");
      }
      let value = "";
      for (let k = Math.floor(next() * 12); k > 0; k--) value += pick("abAB*?😀");
      const ignoreCase = next() < 0.3;
      const trace = traceWildcardMatch(pattern, value, ignoreCase);
      expect(trace.matched, JSON.stringify({ pattern, value, ignoreCase })).toBe(
        reference(pattern, value, ignoreCase),
      );
      expect(trace.steps).toBeLessThanOrEqual((Array.from(value).length + 1) * (pattern.length + 1));
    }
  }, 120_000);

  it("treats ${*}, ${?} and ${$} as literal characters", () => {
    const ctx = new RequestContext({});
    const star = substituteVariables("a${*}b", ctx) ?? "";
    expect(wildcardMatch(star, "a*b")).toBe(true);
    expect(wildcardMatch(star, "axxb")).toBe(false);
    const question = substituteVariables("a${?}", ctx) ?? "";
    expect(wildcardMatch(question, "a?")).toBe(true);
    expect(wildcardMatch(question, "ab")).toBe(false);
    expect(wildcardMatch(substituteVariables("${$}x*", ctx) ?? "", "$xyz")).toBe(true);
  });

  it("? is one character, also outside the Basic Multilingual Plane", () => {
    expect(wildcardMatch("a?b", "a😀b")).toBe(true);
    expect(wildcardMatch("a??b", "a😀b")).toBe(false);
    expect(actionMatches("S3:get*", "s3:GetObject")).toBe(true);
  });

  it("decides a hostile Resource and StringLike condition in a snapshot", () => {
    const A = "111111111111";
    const details: AccountAuthorizationDetails = {
      UserDetailList: [
        {
          UserName: "alice",
          UserId: "AIDAALICE",
          Arn: `arn:aws:iam::${A}:user/alice`,
          UserPolicyList: [
            {
              PolicyName: "hostile",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "Wide",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: `arn:aws:s3:::${HOSTILE}`,
                  },
                  {
                    Sid: "Cond",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "*",
                    Condition: { StringLike: { "aws:UserAgent": HOSTILE } },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const d = evaluate(
      { accounts: [details] },
      `arn:aws:iam::${A}:user/alice`,
      "s3:GetObject",
      `arn:aws:s3:::${LONG}`,
      {
        context: { "aws:UserAgent": LONG },
      },
    );
    expect(d.decision).toBe("ImplicitDeny");
    const ok = evaluate(
      { accounts: [details] },
      `arn:aws:iam::${A}:user/alice`,
      "s3:GetObject",
      `arn:aws:s3:::${LONG}b`,
    );
    expect(ok.decision).toBe("Allow");
    expect(ok.statements.map((s) => s.sid)).toContain("Wide");
  }, 120_000);
});
