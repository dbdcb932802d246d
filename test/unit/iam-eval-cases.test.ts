import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  canAssumeRole,
  evaluate,
  isAssumeRoleDecision,
  type Decision,
} from "../../src/core/evaluate/iam/index.js";
import {
  caseSnapshot,
  mainAccount,
  motoReplay,
  resolveRef,
  type DocumentEncoding,
  type IamCase,
} from "../fixtures/iam-cases/case-format.js";

const dir = join(import.meta.dirname, "../fixtures/iam-cases");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const cases: { file: string; c: IamCase }[] = files.flatMap((file) =>
  (JSON.parse(readFileSync(join(dir, file), "utf8")) as IamCase[]).map((c) => ({ file, c })),
);

function run(c: IamCase, encoding: DocumentEncoding): Decision {
  const snapshot = caseSnapshot(c, encoding);
  const r = c.request;
  const common = {
    ...(r.mfa !== undefined ? { mfa: r.mfa } : {}),
    ...(r.mfaAgeSeconds !== undefined ? { mfaAgeSeconds: r.mfaAgeSeconds } : {}),
    ...(r.now !== undefined ? { at: r.now } : {}),
    ...(r.sourceIdentity !== undefined ? { sourceIdentity: r.sourceIdentity } : {}),
    ...(r.context !== undefined ? { context: r.context } : {}),
  };
  if (r.type === "assume-role") {
    return canAssumeRole(snapshot, resolveRef(c, r.principal), resolveRef(c, r.role), {
      ...common,
      ...(r.sessionName !== undefined ? { sessionName: r.sessionName } : {}),
      ...(r.externalId !== undefined ? { externalId: r.externalId } : {}),
    });
  }
  return evaluate(snapshot, resolveRef(c, r.principal), r.action, resolveRef(c, r.resource), common);
}

describe("IAM case table", () => {
  it("has at least 100 cases, unique ids, each citing a source", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map(({ c }) => c.id)).size).toBe(cases.length);
    for (const { c } of cases) {
      expect(c.source, c.id).toMatch(/\bI(1[0-3]|[1-9])\b|IAM|AWS|Permissions boundaries/);
      expect(c.description.length, c.id).toBeGreaterThan(10);
    }
  });

  it("covers every fact I1-I13 except I12 (which is about the AWS simulator, not evaluation)", () => {
    const cited = new Set(cases.flatMap(({ c }) => c.source.match(/\bI\d+\b/g) ?? []));
    for (const fact of ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8", "I9", "I10", "I11", "I13"]) {
      expect(cited, fact).toContain(fact);
    }
  });

  it("has AssumeRole cases moto can replay", () => {
    const replay = cases.map(({ c }) => motoReplay(c));
    expect(replay.filter((r) => r === "plain").length).toBeGreaterThanOrEqual(10);
    expect(replay.filter((r) => r === "patched").length).toBeGreaterThanOrEqual(10);
  });

  for (const encoding of ["object", "url-encoded"] as const) {
    describe(`documents as ${encoding}`, () => {
      for (const { file, c } of cases) {
        it(`${file}: ${c.id} (${c.source})`, () => {
          const d = run(c, encoding);
          const summary = `${c.description}\nreasons: ${d.reasons.join(" | ")}`;
          expect(d.decision, summary).toBe(c.expect.decision);
          expect(d.allowed).toBe(c.expect.decision === "Allow");
          if (c.expect.decision === "Allow") expect(d.statements.length, summary).toBeGreaterThan(0);
          if (c.expect.decision === "ExplicitDeny") {
            expect(d.statements.every((s) => s.effect === "Deny")).toBe(true);
          }
          if (c.expect.statementSid !== undefined) {
            expect(d.statements.map((s) => s.sid)).toContain(c.expect.statementSid);
          }
          if (c.expect.reason !== undefined) {
            expect(d.reasons.join("\n"), summary).toContain(c.expect.reason);
          }
          if (isAssumeRoleDecision(d)) {
            const a = d;
            if (c.expect.identitySid !== undefined)
              expect(a.identityStatement?.sid).toBe(c.expect.identitySid);
            if (c.expect.trustSid !== undefined) {
              expect(a.trustStatement?.sid).toBe(c.expect.trustSid);
              expect(a.trustStatement?.source.kind).toBe("trust");
              expect(a.trustStatement?.source.attachedTo).toBe(
                resolveRef(c, c.request.type === "assume-role" ? c.request.role : ""),
              );
            }
            if (c.expect.identityPolicyRequired !== undefined) {
              expect(a.identityPolicyRequired).toBe(c.expect.identityPolicyRequired);
            }
          } else if (c.expect.identitySid !== undefined) {
            expect(d.layers.identity.allows.map((s) => s.sid)).toContain(c.expect.identitySid);
          }
          expect(mainAccount(c)).toMatch(/^\d{12}$/);
        });
      }
    });
  }
});
