// Generated aws-auth ConfigMap data for the differential test against the authenticator's
// own parser (test/integration/aws-auth-differential.test.ts). Seeded: the same seed gives
// the same corpus. The shapes are the ones real ConfigMaps have and the ones that break
// them: odd-case field names, JSON values, sso entries, userid, templates, duplicates,
// YAML 1.1 scalars, wrong types, aliases and merges, broken YAML in one key, empty and
// quoted-empty values, mapAccounts with and without quotes.
import { Dice, prng } from "./rbac-corpus.js";

export type AwsAuthStringData = Record<string, string>;

const ACCOUNTS = ["111122223333", "444455556666", "012345678901"];

const ROLE_ARNS = [
  "arn:aws:iam::111122223333:role/eks-nodes",
  "arn:aws:iam::111122223333:role/team-a",
  "arn:aws:iam::111122223333:role/Team-A",
  "arn:aws:iam::444455556666:role/platform/admins",
  "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef",
  "arn:aws-cn:iam::111122223333:role/cn-role",
  "arn:aws:iam::12345:role/short-account",
  "arn:aws:iam::ACCOUNTID:role/placeholder",
  "arn:aws:iam::<account>:role/placeholder",
  "arn:aws:iam:us-east-1:111122223333:role/regional",
  "arn:aws:sts::111122223333:assumed-role/team-a/alice",
  "arn:aws:iam::111122223333:user/alice",
  "arn:aws:iam::111122223333:role/*",
  "arn:aws:iam::111122223333:group/admins",
  "arn:aws:iam::111122223333:root",
  "arn:aws:iam::111122223333:role/with space",
  "ARN:AWS:IAM::111122223333:ROLE/UPPER",
  "arn:aws:eks::111122223333:role/wrong-service",
  "not-an-arn",
];
const USER_ARNS = [
  "arn:aws:iam::111122223333:user/alice",
  "arn:aws:iam::111122223333:user/ops/robin",
  "arn:aws:iam::111122223333:user/Alice",
  "arn:aws:iam::111122223333:root",
  "arn:aws:iam::111122223333:group/admins",
  "arn:aws:iam::111122223333:role/team-a",
  "arn:aws:sts::111122223333:federated-user/bob",
  "arn:aws:iam::1111222233334:user/long-account",
  "arn:aws:iam::111122223333:user/",
];
const USERNAMES = [
  "system:node:{{EC2PrivateDNSName}}",
  "team-a:{{SessionName}}",
  "{{SessionNameRaw}}",
  "admin",
  "system:admin",
  "eks:viewer",
  "{{AccountID}}:{{AccessKeyID}}",
  "user {{ SessionName }}",
  "alice@example.com",
];
const GROUPS = [
  "system:masters",
  "system:bootstrappers",
  "system:nodes",
  "team-a",
  "viewers",
  "{{SessionName}}",
];
const USERIDS = ["AROAEXAMPLEID", "AIDAEXAMPLEID", "123456"];
const PERMISSION_SETS = ["Admin", "ReadOnly", "Bad Name", "x".repeat(33)];
/** Plain scalars that go-yaml v2 reads as something other than a string, and near misses. */
const TRICKY_PLAIN = [
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "Y",
  "null",
  "Null",
  "NULL",
  "nULL",
  "~",
  "true",
  "True",
  "tRUE",
  "123",
  "-7",
  "+5",
  "0x1F",
  "0o17",
  "010",
  "09",
  "1_000",
  "1e3",
  "1.",
  ".5",
  "-.5",
  "1:20",
  "190:20:30",
  "2024-01-01",
  "2024-13-01",
  "2001-12-14t21:59:43.10-05:00",
  "12e",
  "0b101",
  "0b2",
  "-",
  "_",
  "99999999999999999999",
  "18446744073709551615",
  "012345678901",
];
/** Values that make the JSON step fail (non-finite floats). */
const NON_FINITE = [".inf", "-.Inf", ".NaN", "+.INF"];

function fieldVariants(name: string): string[] {
  const variants: Record<string, string[]> = {
    rolearn: ["rolearn", "RoleArn", "roleARN", "ROLEARN", "rOlEaRn", "role_arn"],
    userarn: ["userarn", "UserArn", "userARN", "USERARN", "uſerarn"],
    username: ["username", "UserName", "USERNAME", "userName", "user_name"],
    groups: ["groups", "Groups", "GROUPS", "gRoUpS"],
    userid: ["userid", "UserId", "USERID", "userID"],
    sso: ["sso", "SSO", "Sso"],
  };
  return variants[name] ?? [name];
}

class Writer {
  constructor(private readonly d: Dice) {}

  /** A scalar as YAML text, in one of the styles people write. */
  scalar(text: string): string {
    const d = this.d;
    const style = d.int(10);
    const plainOk = /^[A-Za-z][^#:{}[\],&*!|>'"%@`]*$/u.test(text) && !text.endsWith(" ");
    if (style < 5 && plainOk) return text;
    if (style < 5 && /^arn:[^ #]*$/u.test(text)) return text;
    if (style < 7) return `'${text.replace(/'/gu, "''")}'`;
    return JSON.stringify(text);
  }

  /** Something odd instead of a plain string value. */
  oddValue(): string {
    const d = this.d;
    const r = d.int(12);
    if (r < 6) return d.pick(TRICKY_PLAIN);
    if (r === 6) return d.pick(NON_FINITE);
    if (r === 7) return "[a, b]";
    if (r === 8) return "{k: v}";
    if (r === 9)
      return d.pick(["!!str 123", "!!int 42", "!!float 1", "!!int abc", "!!bool yes", "!custom x"]);
    if (r === 10) return "";
    return d.pick([
      "'  padded  '",
      '" arn:aws:iam::111122223333:role/team-a"',
      '"tab\\there"',
      "'it''s \n  folded '",
      '"two\n\n  lines \\x41"',
      "'unindented\ncontinuation'",
      '"escaped \\\n   break"',
      "1e400",
      "! 5",
    ]);
  }

  value(kind: "rolearn" | "userarn" | "username" | "userid"): string {
    const d = this.d;
    if (d.chance(0.12)) return this.oddValue();
    const text =
      kind === "rolearn"
        ? d.pick(ROLE_ARNS)
        : kind === "userarn"
          ? d.pick(USER_ARNS)
          : kind === "username"
            ? d.pick(USERNAMES)
            : d.pick(USERIDS);
    return this.scalar(text);
  }

  groupItem(): string {
    const d = this.d;
    if (d.chance(0.1)) return d.pick([...TRICKY_PLAIN, "[x]", "{a: b}", "~", ""]);
    return this.scalar(d.pick(GROUPS));
  }

  /** The groups field: `key: value` lines (without the entry's `- ` lead). */
  groups(key: string, indent: string): string[] {
    const d = this.d;
    const r = d.int(10);
    const n = d.int(4);
    const items = Array.from({ length: n }, () => this.groupItem());
    if (r < 4) return [`${key}: [${items.join(", ")}]`];
    if (r < 8) {
      if (n === 0) return [`${key}: []`];
      const dash = d.chance(0.5) ? `${indent}- ` : `${indent}  - `;
      return [`${key}:`, ...items.map((i) => `${dash}${i}`)];
    }
    return [`${key}: ${d.pick(["~", "", "team-a", "123", "{a: b}", "[[nested]]"])}`];
  }

  sso(key: string, indent: string): string[] {
    const d = this.d;
    if (d.chance(0.1)) return [`${key}: ${d.pick(["~", "admin", "[a]", "123"])}`];
    const fields: string[] = [];
    const permission = d.pick(
      fieldVariants("permissionSetName").concat(["PermissionSetName", "permissionsetname"]),
    );
    if (d.chance(0.9)) fields.push(`${permission}: ${this.scalar(d.pick(PERMISSION_SETS))}`);
    const account = d.pick(["accountID", "AccountId", "accountid"]);
    if (d.chance(0.9)) {
      const a = d.pick(ACCOUNTS);
      fields.push(
        `${account}: ${d.chance(0.3) ? a : d.chance(0.5) ? `"${a}"` : d.pick(["12345", "ACCOUNT", "111122223333 "])}`,
      );
    }
    if (d.chance(0.3))
      fields.push(`${d.pick(["partition", "Partition"])}: ${d.pick(["aws", "aws-cn", "bogus", '""'])}`);
    if (d.chance(0.4)) return [`${key}: {${fields.join(", ")}}`];
    return [`${key}:`, ...fields.map((f) => `${indent}  ${f}`)];
  }

  /** One mapRoles / mapUsers entry as block YAML lines (the first starts with `- `). */
  blockEntry(kind: "role" | "user"): string[] {
    const d = this.d;
    const indent = "  ";
    const names: string[] = [kind === "role" ? "rolearn" : "userarn", "username", "groups"];
    if (kind === "role" && d.chance(0.15)) names.push("sso");
    if (d.chance(0.15)) names.push("userid");
    if (d.chance(0.1)) names.push(kind === "role" ? "userarn" : "rolearn");
    if (d.chance(0.1)) names.push("extra");
    if (d.chance(0.1)) names.splice(d.int(names.length), 1);
    // The same field twice, under another spelling or the same one.
    if (d.chance(0.15)) names.push(d.pick(names.filter((n) => n !== "extra")));
    const lines: string[] = [];
    for (const name of names) {
      const key = name === "extra" ? d.pick(["extra", "rolename", "<<"]) : d.pick(fieldVariants(name));
      if (key === "<<") {
        lines.push(`<<: {username: merged, groups: [merged]}`);
        continue;
      }
      if (name === "groups") lines.push(...this.groups(key, indent));
      else if (name === "sso") lines.push(...this.sso(key, indent));
      else if (name === "extra") lines.push(`${key}: ${this.scalar("whatever")}`);
      else {
        const v = this.value(name as "rolearn" | "userarn" | "username" | "userid");
        if (d.chance(0.05)) lines.push(`${key}: |`, `${indent}  ${v.replace(/^["']|["']$/gu, "")}`);
        else lines.push(`${key}: ${v}${d.chance(0.05) ? " # comment" : ""}`);
      }
    }
    if (lines.length === 0) return [d.pick(["-", "- ~", "- just-a-string", "- [a, b]", "- 42"])];
    return lines.map((l, i) => (i === 0 ? `- ${l}` : `${indent}${l}`));
  }

  /** One entry as a JSON-ish flow mapping. */
  flowEntry(kind: "role" | "user"): string {
    const d = this.d;
    const arnKey = d.pick(fieldVariants(kind === "role" ? "rolearn" : "userarn"));
    const parts = [`${arnKey}: ${this.value(kind === "role" ? "rolearn" : "userarn")}`];
    if (d.chance(0.9)) parts.push(`${d.pick(fieldVariants("username"))}: ${this.value("username")}`);
    if (d.chance(0.8))
      parts.push(`${d.pick(fieldVariants("groups"))}: [${this.groupItem()}, ${this.groupItem()}]`);
    if (d.chance(0.1)) parts.push(`${d.pick(fieldVariants("userid"))}: ${this.value("userid")}`);
    return `{${parts.join(", ")}}`;
  }

  jsonEntry(kind: "role" | "user"): Record<string, unknown> {
    const d = this.d;
    const out: Record<string, unknown> = {};
    out[d.pick(fieldVariants(kind === "role" ? "rolearn" : "userarn"))] = d.chance(0.9)
      ? d.pick(kind === "role" ? ROLE_ARNS : USER_ARNS)
      : d.pick([42, null, true, ["x"]]);
    if (d.chance(0.9)) out[d.pick(fieldVariants("username"))] = d.chance(0.9) ? d.pick(USERNAMES) : 7;
    if (d.chance(0.8))
      out[d.pick(fieldVariants("groups"))] = d.chance(0.9)
        ? [d.pick(GROUPS), ...(d.chance(0.2) ? [null, 3] : [])]
        : d.pick(["g", null, {}]);
    if (kind === "role" && d.chance(0.1))
      out["sso"] = { permissionSetName: d.pick(PERMISSION_SETS), accountID: d.pick(ACCOUNTS) };
    return out;
  }

  /** A whole mapRoles / mapUsers value. */
  entries(kind: "role" | "user"): string {
    const d = this.d;
    const n = d.int(5);
    const shape = d.int(100);
    let text: string;
    if (shape < 55) {
      const blocks = Array.from({ length: n }, () =>
        d.chance(0.85) ? this.blockEntry(kind).join("\n") : `- ${this.flowEntry(kind)}`,
      );
      text =
        n === 0 ? d.pick(["[]", "# no entries", "~", "---"]) : blocks.join(d.chance(0.2) ? "\n\n" : "\n");
    } else if (shape < 65) {
      text = `[${Array.from({ length: n }, () => this.flowEntry(kind)).join(", ")}]`;
    } else if (shape < 75) {
      const list = Array.from({ length: n }, () => this.jsonEntry(kind));
      text = d.chance(0.5) ? JSON.stringify(list) : JSON.stringify(list, null, 2);
    } else if (shape < 80) {
      // Anchors, aliases and merges.
      const arn = kind === "role" ? ROLE_ARNS[1] : USER_ARNS[0];
      text = d.pick([
        `- &e {${kind}arn: ${arn ?? ""}, username: a, groups: [g]}\n- *e`,
        `- &e\n  ${kind}arn: ${arn ?? ""}\n  username: a\n- <<: *e\n  username: b`,
        `- username: first\n  <<: {username: merged, ${kind}arn: ${arn ?? ""}}`,
        `- <<: [{username: one}, {username: two, groups: [x]}]\n  ${kind}arn: ${arn ?? ""}`,
        `- ${kind}arn: &a ${arn ?? ""}\n  username: *a`,
        `- &loop [*loop]`,
        `- username: *undefined`,
        `- groups: &g [a, b]\n  Groups: *g\n  ${kind}arn: x`,
        `- <<: not-a-map\n  ${kind}arn: x`,
      ]);
    } else if (shape < 90) {
      // Broken or not a list.
      text = d.pick([
        `- ${kind}arn: "unterminated\n  username: x`,
        `- ${kind}arn: a\n username: misindented`,
        `- ${kind}arn: a\n\tusername: tab`,
        `- ${kind}arn: [unclosed\n`,
        `${kind}arn: not-a-list\nusername: x`,
        `just a string`,
        `"  "`,
        `42`,
        `true`,
        `{"${kind}arn": "x"}`,
        `{"${kind}arn": }`,
        `  \u00a0{"${kind}arn": "x"}`,
        `- ? [complex, key]\n  : value\n  ${kind}arn: x`,
        `- ? {a: b}\n  : value`,
        `- ~: null-key\n  ${kind}arn: x`,
        `- : empty-key\n  ${kind}arn: x`,
        `- 18446744073709551615: big\n  ${kind}arn: x`,
        `- 1.5: float\n  ${kind}arn: x`,
        `- yes: bool-key\n  ${kind}arn: x`,
        `- ${kind}arn: x\n  username: a: b`,
        `- ${kind}arn: x\n---\n- [`,
        `- ${kind}arn: x\n- ${kind}arn: y\n  - nested`,
        `%YAML 1.1\n---\n- ${kind}arn: x`,
        `- ${kind}arn: x\u007f`,
        `- ${kind}arn: x\n  username: !!int abc`,
        `- ${kind}arn: x\n  username: !!binary aGVsbG8=`,
        `- ${kind}arn: x\u0085  username: nel`,
        `- ${kind}arn: x\u2028- ${kind}arn: y`,
        `- ${kind}arn: "multi\n  line": key`,
      ]);
    } else {
      // Empty, quoted-empty, white space.
      text = d.pick(["", "   ", '""', "''", "``", ' "" ', "\n\n", "\t''\n", "\u00a0", '\u0085""', "\ufeff"]);
      return text;
    }
    if (d.chance(0.15)) text = `# header comment\n${text}`;
    return d.chance(0.8) ? `${text}\n` : text;
  }

  accounts(): string {
    const d = this.d;
    const shape = d.int(10);
    if (shape < 6) {
      const n = 1 + d.int(4);
      const items = Array.from({ length: n }, () => {
        const r = d.int(12);
        const a = d.pick(ACCOUNTS);
        if (r < 4) return `"${a}"`;
        if (r < 7) return a;
        if (r === 7)
          return d.pick(["12345", "ACCOUNTID", "<account>", "1111 2222 3333", "0x1F", "1e3", "yes"]);
        if (r === 8) return d.pick(["~", "", "null"]);
        if (r === 9) return d.pick(["{a: b}", "[x]"]);
        if (r === 10) return `'${a}'`;
        return `${a} # comment`;
      });
      return `${items.map((i) => `- ${i}`).join("\n")}\n`;
    }
    if (shape === 6) return `[${ACCOUNTS.slice(0, 1 + d.int(3)).join(", ")}]`;
    if (shape === 7) return d.pick(["", '""', "''", "  ", "~", "# none"]);
    if (shape === 8)
      return d.pick([
        "111122223333",
        "a: b",
        "- [unclosed",
        "- &a 012345678901\n- *a",
        "- !!str 12",
        "- 111122223333\n- !!int x\n- 444455556666",
        "- '1111\n2222'",
      ]);
    return JSON.stringify([d.pick(ACCOUNTS)]);
  }
}

/** One ConfigMap's `data`. */
function generateAwsAuthData(d: Dice): AwsAuthStringData {
  const w = new Writer(d);
  const data: AwsAuthStringData = {};
  if (d.chance(0.85)) data["mapRoles"] = w.entries("role");
  if (d.chance(0.55)) data["mapUsers"] = w.entries("user");
  if (d.chance(0.35)) data["mapAccounts"] = w.accounts();
  if (d.chance(0.05)) data[d.pick(["maproles", "MapUsers", "mapaccounts"])] = w.entries("role");
  return data;
}

/** `count` ConfigMaps' data for `seed`. */
export function awsAuthCorpus(seed: number, count: number): AwsAuthStringData[] {
  const d = new Dice(prng(seed));
  return Array.from({ length: count }, () => generateAwsAuthData(d));
}
