// The aws-auth reader against what aws-iam-authenticator's own parser (pkg/mapper/configmap
// ParseMap, v0.6.13: go-yaml v2, sigs.k8s.io/yaml, encoding/json) keeps of each key. Each
// expectation below is that parser's answer for the input (the differential test in
// test/integration/aws-auth-differential.test.ts checks the same on a generated corpus);
// these are the classes of input where a YAML 1.2 library reads differently.
import { describe, expect, it } from "vitest";
import { parseAwsAuthData, type AwsAuthMappings } from "../../src/core/model/aws-auth.js";
import { viewOfMappings } from "../support/aws-auth-differential.js";

type Expected = Record<string, { failed: boolean; kept: unknown[] }>;

/** [what, data, what the authenticator's parser keeps of each key present]. */
const CASES: [string, Record<string, string>, Expected][] = [
  [
    "sexagesimal and Go integer syntax: only real Go numbers are refused",
    { mapRoles: "- rolearn: 1:20\n  username: 0x1F\n  userid: 09\n" },
    { mapRoles: { failed: true, kept: [{ arn: "1:20", username: "", groups: [], userid: "" }] } },
  ],
  [
    "a number beyond float64 stays text",
    { mapRoles: "- rolearn: 1e400\n  username: a\n" },
    { mapRoles: { failed: false, kept: [{ arn: "1e400", username: "a", groups: [], userid: "" }] } },
  ],
  [
    "YAML 1.1 booleans and nulls",
    { mapRoles: "- rolearn: x\n  username: yes\n  groups: [~, Null, nULL, 'y']\n" },
    {
      mapRoles: {
        failed: true,
        kept: [{ arn: "x", username: "", groups: ["", "", "nULL", "y"], userid: "" }],
      },
    },
  ],
  [
    "timestamps stay text",
    { mapRoles: "- rolearn: x\n  groups: [2024-01-01, 2001-12-14t21:59:43.10-05:00]\n" },
    {
      mapRoles: {
        failed: false,
        kept: [
          { arn: "x", username: "", groups: ["2024-01-01", "2001-12-14t21:59:43.10-05:00"], userid: "" },
        ],
      },
    },
  ],
  [
    "a collection key drops the key",
    { mapRoles: "- ? [a]\n  : b\n  rolearn: x\n" },
    { mapRoles: { failed: true, kept: [] } },
  ],
  [
    "a null key drops the key",
    { mapRoles: "- ~: v\n  rolearn: x\n" },
    { mapRoles: { failed: true, kept: [] } },
  ],
  [
    "an integer key beyond int64 drops the key",
    { mapRoles: "- 18446744073709551615: v\n  rolearn: x\n" },
    { mapRoles: { failed: true, kept: [] } },
  ],
  [
    "NaN drops the key only if it is still there",
    { mapRoles: "- rolearn: .nan\n  rolearn: x\n" },
    { mapRoles: { failed: false, kept: [{ arn: "x", username: "", groups: [], userid: "" }] } },
  ],
  [
    "NaN that stays drops the key",
    { mapRoles: "- rolearn: x\n  username: .inf\n" },
    { mapRoles: { failed: true, kept: [] } },
  ],
  [
    "control characters drop the key",
    { mapRoles: "- rolearn: x\u007f\n" },
    { mapRoles: { failed: true, kept: [] } },
  ],
  [
    "a dash before a flow indicator is text",
    { mapRoles: "- rolearn: x\n  groups: [-, a]\n" },
    { mapRoles: { failed: false, kept: [{ arn: "x", username: "", groups: ["-", "a"], userid: "" }] } },
  ],
  [
    "quoted scalars fold like libyaml",
    { mapRoles: "- rolearn: 'it''s \n   folded'\n  username: \"a\n\n\n  b\"\n" },
    {
      mapRoles: { failed: false, kept: [{ arn: "it's folded", username: "a\n\nb", groups: [], userid: "" }] },
    },
  ],
  [
    "continuation lines of quoted scalars need no indentation",
    { mapRoles: "- rolearn: 'a\nb'\n" },
    { mapRoles: { failed: false, kept: [{ arn: "a b", username: "", groups: [], userid: "" }] } },
  ],
  [
    "NEL is a line break",
    { mapRoles: "- rolearn: x\u0085  username: y\n" },
    { mapRoles: { failed: true, kept: [{ arn: "x", username: "", groups: [], userid: "" }] } },
  ],
  [
    "a block scalar at the end without a line break has none",
    { mapRoles: "- rolearn: |\n    x" },
    { mapRoles: { failed: false, kept: [{ arn: "x", username: "", groups: [], userid: "" }] } },
  ],
  [
    "field names: exact, case-folded, Kelvin sign and long s, last sorted key wins",
    { mapUsers: "- userarn: a\n  USERARN: b\n  u\u017fername: s\n" },
    { mapUsers: { failed: false, kept: [{ arn: "a", username: "s", groups: [], userid: "" }] } },
  ],
  [
    "a refused value leaves the field as it was",
    { mapRoles: "- rolearn: x\n  RoleArn: 5\n  ROLEARN: ~\n" },
    { mapRoles: { failed: true, kept: [{ arn: "x", username: "", groups: [], userid: "" }] } },
  ],
  [
    "a second groups list reuses the first one's elements",
    { mapRoles: "- rolearn: x\n  groups: [a, b, c]\n  Groups: [~, 1]\n" },
    { mapRoles: { failed: true, kept: [{ arn: "x", username: "", groups: ["a", "b", "c"], userid: "" }] } },
  ],
  [
    "groups: null clears, [] empties",
    { mapRoles: "- rolearn: x\n  Groups: [a]\n  groups: ~\n- rolearn: y\n  Groups: [a]\n  groups: []\n" },
    {
      mapRoles: {
        failed: true,
        kept: [
          { arn: "x", username: "", groups: [], userid: "" },
          { arn: "", username: "", groups: [], userid: "" },
        ],
      },
    },
  ],
  [
    "merges: later keys win, earlier maps in a list win",
    {
      mapRoles:
        "- username: first\n  <<: {username: merged, rolearn: x}\n- <<: [{username: one}, {username: two, groups: [g]}]\n  rolearn: y\n",
    },
    {
      mapRoles: {
        failed: true,
        kept: [
          { arn: "x", username: "merged", groups: [], userid: "" },
          { arn: "", username: "one", groups: ["g"], userid: "" },
        ],
      },
    },
  ],
  [
    "aliases are expanded; an alias to itself drops the key",
    { mapRoles: "- &e {rolearn: x, username: a}\n- *e\n", mapUsers: "- &l [*l]\n" },
    {
      mapRoles: {
        failed: false,
        kept: [
          { arn: "x", username: "a", groups: [], userid: "" },
          { arn: "x", username: "a", groups: [], userid: "" },
        ],
      },
      mapUsers: { failed: true, kept: [] },
    },
  ],
  [
    "an entry that is not a mapping is kept empty",
    { mapRoles: "- just-a-string\n- ~\n- rolearn: x\n" },
    {
      mapRoles: {
        failed: true,
        kept: [
          { arn: "", username: "", groups: [], userid: "" },
          { arn: "", username: "", groups: [], userid: "" },
          { arn: "x", username: "", groups: [], userid: "" },
        ],
      },
    },
  ],
  [
    "explicit tags",
    {
      mapRoles: "- rolearn: !!str 5\n  username: ! 6\n  userid: !!binary aGk=\n",
      mapUsers: "- userarn: !!int abc\n",
    },
    {
      mapRoles: { failed: false, kept: [{ arn: "5", username: "6", groups: [], userid: "hi" }] },
      mapUsers: { failed: true, kept: [] },
    },
  ],
  [
    "values starting with { are JSON objects, not lists",
    { mapRoles: '  {"rolearn": "x"}', mapUsers: "\u00a0{}" },
    { mapRoles: { failed: true, kept: [] }, mapUsers: { failed: true, kept: [] } },
  ],
  [
    "empty and quotes-only values are skipped",
    { mapRoles: "''", mapUsers: ' "" ', mapAccounts: "``" },
    {
      mapRoles: { failed: false, kept: [] },
      mapUsers: { failed: false, kept: [] },
      mapAccounts: { failed: false, kept: [] },
    },
  ],
  [
    "mapAccounts keeps the text of a scalar",
    { mapAccounts: "- 012345678901\n- 0x1F\n- ~\n- {a: b}\n- 'q'\n" },
    { mapAccounts: { failed: true, kept: ["012345678901", "0x1F", "", "q"] } },
  ],
  [
    "mapAccounts stops at a refused tag and pads with empty strings",
    { mapAccounts: "- 111122223333\n- !!int x\n- 444455556666\n" },
    { mapAccounts: { failed: true, kept: ["111122223333", "", ""] } },
  ],
];

function parsed(data: Record<string, string>): AwsAuthMappings {
  const r = parseAwsAuthData(data);
  if (!r.ok) throw new Error("parseAwsAuthData never fails");
  return r.value;
}

describe("aws-auth values are read like the authenticator reads them", () => {
  for (const [what, data, expected] of CASES) {
    it(what, () => {
      const view = viewOfMappings(parsed(data));
      const present = Object.fromEntries(
        Object.entries(view)
          .filter(([, k]) => k.present)
          .map(([k, v]) => [k, { failed: v.failed, kept: v.kept }]),
      );
      expect(present).toEqual(expected);
    });
  }
});

describe("quoted scalars over several lines, many of them", () => {
  it("reads 3,000 entries whose quoted rolearn goes on at column 0", () => {
    const text = Array.from(
      { length: 3000 },
      (_, i) =>
        `- rolearn: 'arn:aws:iam::111122223333:role/team-${String(i)}\nx'\n  username: u${String(i)}\n`,
    ).join("");
    const m = parsed({ mapRoles: text });
    expect(m.status.mapRoles).toBe("read");
    expect(m.roles).toHaveLength(3000);
    expect([m.roles[2999]?.rolearn, m.roles[2999]?.username]).toEqual([
      "arn:aws:iam::111122223333:role/team-2999 x",
      "u2999",
    ]);
  }, 120_000);
});
