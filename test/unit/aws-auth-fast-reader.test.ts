// The fast aws-auth list reader (src/core/model/aws-auth/located.ts) must give exactly what
// the reference reader (the `yaml` library, YAML 1.1 like the authenticator) gives: the same
// entries, the same source positions, the same diagnostics. Checked on the fixtures and on a
// seeded corpus of generated mapRoles / mapUsers values, most of which the fast reader takes
// and some of which it must decline.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CPU_HEAVY_TIMEOUT_MS } from "../support/time-limits.js";
import { isSurelyString, readSimpleList } from "../../src/core/model/aws-auth/located.js";
import {
  locateInText,
  parseAwsAuthData,
  readAwsAuthManifest,
  type AwsAuthData,
} from "../../src/core/model/aws-auth.js";
import { prng } from "../support/rbac-corpus.js";

function both(data: AwsAuthData): { fast: unknown; reference: unknown } {
  return {
    fast: parseAwsAuthData(data, { fastLists: true }),
    reference: parseAwsAuthData(data, { fastLists: false }),
  };
}

const PLAIN_STRINGS = [
  "arn:aws:iam::111122223333:role/team-a",
  "arn:aws:iam::111122223333:role/path/x",
  "arn:aws:iam::111122223333:user/alice",
  "eksgate:payments:{{SessionName}}",
  "system:node:{{EC2PrivateDNSName}}",
  "system:masters",
  "team-a",
  "Yesterday",
  "nullable",
  "K8s Admins",
];
/** Plain scalars the fast reader must decline (not surely strings in YAML 1.1). */
const TRICKY_PLAIN = [
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "null",
  "~",
  "123",
  "0x1F",
  "010",
  "1:20",
  ".inf",
  "2024-01-01",
  "<<",
  "__proto__",
  "_x",
  "-",
];

function generate(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number): boolean => rand() < p;
  const scalar = (): string => {
    if (chance(0.08)) return pick(TRICKY_PLAIN);
    const s = pick(PLAIN_STRINGS);
    const style = rand();
    if (style < 0.6) return s.includes(" ") && chance(0.5) ? `"${s}"` : s;
    if (style < 0.8) return `'${s.replace(/'/g, "''")}'`;
    return JSON.stringify(s);
  };
  const keys = [
    "rolearn",
    "RoleArn",
    "ROLEARN",
    "userarn",
    "UserArn",
    "username",
    "UserName",
    "groups",
    "Groups",
    "userid",
    "extra",
  ];
  const entryBlock = (indent: string): string => {
    const n = 1 + Math.floor(rand() * 4);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = pick(keys);
      const lead = i === 0 ? "- " : "  ";
      if (key.toLowerCase() === "groups" && chance(0.8)) {
        if (chance(0.5)) {
          const g = Array.from({ length: Math.floor(rand() * 3) }, scalar);
          lines.push(`${indent}${lead}${key}: [${g.join(", ")}]`);
        } else {
          const count = Math.floor(rand() * 3);
          lines.push(`${indent}${lead}${key}:${count === 0 ? " []" : ""}`);
          for (let j = 0; j < count; j++) lines.push(`${indent}    - ${scalar()}`);
        }
      } else if (chance(0.03)) {
        lines.push(`${indent}${lead}${key}:`);
      } else {
        lines.push(`${indent}${lead}${key}: ${scalar()}${chance(0.1) ? " # note" : ""}`);
      }
    }
    return lines.join("\n");
  };
  const entryFlow = (): string => {
    const n = 1 + Math.floor(rand() * 3);
    const parts = Array.from({ length: n }, () => {
      const key = pick(keys);
      return key.toLowerCase() === "groups" ? `${key}: [${scalar()}]` : `${key}: ${scalar()}`;
    });
    return `{${parts.join(", ")}}`;
  };
  const shape = rand();
  const count = Math.floor(rand() * 5);
  let text: string;
  if (shape < 0.7) {
    const entries = Array.from({ length: count }, () => (chance(0.85) ? entryBlock("") : `- ${entryFlow()}`));
    text = entries.join(chance(0.2) ? "\n\n" : "\n");
    if (count === 0) text = "[]";
  } else if (shape < 0.85) {
    text = `[${Array.from({ length: count }, entryFlow).join(", ")}]`;
  } else {
    // Shapes the fast reader must leave to the reference reader.
    text = pick([
      `- &a {rolearn: ${scalar()}}\n- *a`,
      `- !!map {rolearn: ${scalar()}}`,
      `- rolearn: |\n    arn:aws:iam::111122223333:role/x\n`,
      `- rolearn: ${scalar()}\n---\n- rolearn: ${scalar()}`,
      `%YAML 1.1\n---\n- rolearn: ${scalar()}`,
      `rolearn: ${scalar()}`,
      `- rolearn: "unterminated\n`,
      `- [${scalar()}, ${scalar()}]`,
      `- rolearn: a\n\tusername: b`,
      `- ? [complex]\n  : key`,
      `- ${scalar()}`,
    ]);
  }
  return chance(0.2) ? `# header comment\n${text}\n` : `${text}\n`;
}

// The generated corpus is 3,000 cases: budgeted by count, with a timeout far above it for a
// loaded machine.
describe("fast aws-auth list reader", { timeout: CPU_HEAVY_TIMEOUT_MS }, () => {
  it("tells surely-string plain scalars from YAML 1.1 nulls, booleans and numbers", () => {
    for (const s of PLAIN_STRINGS) expect(isSurelyString(s), s).toBe(true);
    for (const s of TRICKY_PLAIN) expect(isSurelyString(s), s).toBe(false);
  });

  it("reads a plain block list with locations: quotes included, block maps at their first key", () => {
    const text = `- rolearn: "arn:x"\n  groups:\n    - a\n- {rolearn: 'c', groups: [d]}\n`;
    const items = readSimpleList(text);
    expect(items?.map((i) => i.value)).toEqual([
      { rolearn: "arn:x", groups: ["a"] },
      { rolearn: "c", groups: ["d"] },
    ]);
    const first = items?.[0]?.node;
    expect(first?.start).toBe(2);
    expect(first?.pairs?.[0]?.value?.start).toBe(text.indexOf('"arn:x"'));
    expect(first?.pairs?.[1]?.value?.start).toBe(text.indexOf("- a"));
    expect(items?.[1]?.node.start).toBe(text.indexOf("{"));
  });

  it("declines what it does not model: YAML 1.1 words, aliases, tags, block scalars, documents", () => {
    for (const text of [
      "- rolearn: yes\n",
      "- &a {rolearn: x}\n- *a\n",
      "- !!str x\n",
      "- rolearn: |\n    x\n",
      "- a\n---\n- b\n",
      "rolearn: x\n",
      "- '<<': x\n",
      '- "unterminated\n',
    ]) {
      expect(readSimpleList(text), text).toBeUndefined();
    }
  });

  it("agrees with the reference reader on every fixture", () => {
    const dir = new URL("../fixtures/aws-auth/", import.meta.url);
    let compared = 0;
    for (const name of readdirSync(dir)) {
      const manifest = readAwsAuthManifest(readFileSync(new URL(name, dir), "utf8"), name);
      if (!manifest.ok) continue;
      const { fast, reference } = both(manifest.value.data);
      expect(fast, name).toEqual(reference);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });

  it("agrees with the reference reader on 3,000 generated values (seed 6), taking most of them", () => {
    const rand = prng(6);
    let taken = 0;
    let declined = 0;
    for (let i = 0; i < 3000; i++) {
      const roles = generate(rand);
      const users = generate(rand);
      if (readSimpleList(roles) === undefined) declined++;
      else taken++;
      const data: AwsAuthData = {
        mapRoles: { text: roles, locate: locateInText(roles, "mapRoles") },
        mapUsers: { text: users, locate: locateInText(users, "mapUsers") },
      };
      const { fast, reference } = both(data);
      expect(fast, `case ${String(i)}:\n${roles}\n${users}`).toEqual(reference);
    }
    expect(taken).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(300);
  }, 120_000);
});
