import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  formatAwsAuthChanges,
  parseAwsAuthData,
  readAwsAuthManifest,
  renderRoleEntry,
  updateAwsAuthData,
  updateAwsAuthManifest,
  updateMapRoles,
  type DesiredRoleMapping,
} from "../../src/core/model/aws-auth.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/aws-auth/${name}`, import.meta.url), "utf8");

const NODE = `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: arn:aws:iam::111122223333:role/eks-nodes
  username: system:node:{{EC2PrivateDNSName}}
`;
const CRAZY = `# platform team, do not touch
- RoleArn: arn:aws:iam::111122223333:role/platform
  UserName: "platform:{{SessionName}}"   # keep quoted
  GROUPS: [platform]
  x-owner: platform@example.com
`;
const SSO = `- sso:
    permissionSetName: ReadOnly
    accountID: "111122223333"
  username: sso:{{SessionNameRaw}}
  groups: [viewers]
  userid: AROAEXAMPLE
`;
const OURS_RND = `- rolearn: arn:aws:iam::111122223333:role/eksgate-rnd
  username: eksgate:rnd:{{SessionName}}
  groups:
    - old-group
`;
const OURS_OLD = `- rolearn: arn:aws:iam::111122223333:role/eksgate-old
  username: eksgate:old:{{SessionName}}
  groups: [old]
`;
const INVALID = `- username: no-arn-here
`;

const owned = [
  "arn:aws:iam::111122223333:role/eksgate-rnd",
  "arn:aws:iam::111122223333:role/EKSGATE-OLD",
  "arn:aws:iam::111122223333:role/eksgate-view",
];
const rnd: DesiredRoleMapping = {
  rolearn: "arn:aws:iam::111122223333:role/eksgate-rnd",
  username: "eksgate:rnd:{{SessionName}}",
  groups: ["eksgate:rnd"],
};
const view: DesiredRoleMapping = {
  rolearn: "arn:aws:iam::111122223333:role/eksgate-view",
  username: "eksgate:view:{{SessionName}}",
  groups: ["eksgate:view"],
};

function update(
  current: string | undefined,
  desired: readonly DesiredRoleMapping[],
  own: readonly string[] = owned,
) {
  const r = updateMapRoles(current, desired, own);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.summary).join("; "));
  return r.value;
}

describe("updateMapRoles", () => {
  const original = NODE + CRAZY + OURS_RND + SSO + OURS_OLD + INVALID;

  it("changes only owned entries and keeps every other byte (comments, case, unknown fields, sso, userid, invalid entries)", () => {
    const out = update(original, [rnd, view]);
    expect(out.text).toBe(NODE + CRAZY + renderRoleEntry(rnd) + SSO + INVALID + renderRoleEntry(view));
    expect(out.changes.map((c) => [c.action, c.path, c.rolearn])).toEqual([
      ["update", "mapRoles[2]", rnd.rolearn],
      ["remove", "mapRoles[4]", "arn:aws:iam::111122223333:role/eksgate-old"],
      ["add", "mapRoles[5]", view.rolearn],
    ]);
  });
  it("round-trips: the result reads back as desired, and a second run changes nothing", () => {
    const first = update(original, [rnd, view]);
    const parsed = parseAwsAuthData({ mapRoles: first.text });
    if (!parsed.ok) throw new Error("never fails");
    const rows = parsed.value.effectiveRoles.map((r) => [r.rolearn || r.key, r.username, r.groups]);
    expect(rows).toContainEqual([rnd.rolearn, rnd.username, rnd.groups]);
    expect(rows).toContainEqual([view.rolearn, view.username, view.groups]);
    expect(rows).toContainEqual([
      "arn:aws:iam::111122223333:role/platform",
      "platform:{{SessionName}}",
      ["platform"],
    ]);
    const second = update(first.text, [rnd, view]);
    expect(second.changes).toEqual([]);
    expect(second.text).toBe(first.text);
  });
  it("removes every owned entry when nothing is desired", () => {
    const out = update(original, []);
    expect(out.text).toBe(NODE + CRAZY + SSO + INVALID);
    expect(out.changes.map((c) => c.action)).toEqual(["remove", "remove"]);
  });
  it("keeps the list's indentation and appends after a last line without newline", () => {
    const indented =
      "  - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n    username: n\n    groups: [system:nodes]";
    const out = update(indented, [view]);
    expect(out.text).toBe(`${indented}\n${renderRoleEntry(view, 2)}`);
  });
  it("removes earlier owned duplicates and updates the one that wins", () => {
    const dup = OURS_RND + NODE + OURS_RND.replace("old-group", "other");
    const out = update(dup, [rnd]);
    expect(out.text).toBe(NODE + renderRoleEntry(rnd));
    expect(out.changes.map((c) => [c.action, c.note])).toEqual([
      ["remove", "shadowed duplicate"],
      ["update", undefined],
    ]);
  });
  it("starts a list when mapRoles is absent or empty", () => {
    expect(update(undefined, [rnd]).text).toBe(renderRoleEntry(rnd));
    expect(update('""', [rnd]).text).toBe(renderRoleEntry(rnd));
  });
  it("keeps untouched entries of a JSON list as written", () => {
    const entry =
      '{"rolearn":"arn:aws:iam::111122223333:role/eks-nodes","username":"system:node:{{EC2PrivateDNSName}}","groups":["system:nodes"]}';
    const out = update(`[${entry}]`, [view]);
    expect(out.text).toContain(entry);
    const parsed = parseAwsAuthData({ mapRoles: out.text });
    expect(parsed.ok && parsed.value.roles.map((r) => r.rolearn)).toEqual([
      "arn:aws:iam::111122223333:role/eks-nodes",
      view.rolearn,
    ]);
  });
  it("quotes values that YAML 1.1 would read as something else", () => {
    const text = renderRoleEntry({
      rolearn: rnd.rolearn,
      username: "{{SessionName}}",
      groups: ["yes", "on"],
    });
    const parsed = parseAwsAuthData({ mapRoles: text });
    expect(parsed.ok && [parsed.value.roles[0]?.username, parsed.value.roles[0]?.groups]).toEqual([
      "{{SessionName}}",
      ["yes", "on"],
    ]);
  });
});

describe("updateMapRoles refusals", () => {
  it("refuses to touch a mapRoles with a YAML error", () => {
    const r = updateMapRoles("- rolearn: a\n username: b\n", [rnd], owned);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["AA030"]);
  });
  it("refuses to shadow an entry it does not own", () => {
    const r = updateMapRoles(OURS_RND, [rnd], []);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toEqual(["AA030"]);
  });
  it("refuses a mapRoles that is not a list", () => {
    const r = updateMapRoles("rolearn: x\n", [rnd], owned);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toEqual(["AA030"]);
  });
  it("rejects desired entries with a role path, a non-role ARN or no username", () => {
    const r = updateMapRoles(
      undefined,
      [
        { rolearn: "arn:aws:iam::111122223333:role/team/x", username: "x", groups: [] },
        { rolearn: "arn:aws:iam::111122223333:user/x", username: "x", groups: [] },
        { rolearn: "arn:aws:iam::111122223333:role/y", username: "", groups: [] },
      ],
      owned,
    );
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["AA031", "desired[0]"],
      ["AA031", "desired[1]"],
      ["AA031", "desired[2]"],
    ]);
  });
});

describe("updateAwsAuthData and updateAwsAuthManifest", () => {
  it("copies every other data key untouched", () => {
    const data = {
      mapUsers: "- userarn: arn:aws:iam::1:user/a\n  username: a\n",
      mapAccounts: "- '111122223333'\n",
      mapRoles: NODE,
    };
    const r = updateAwsAuthData(data, [view], owned);
    if (!r.ok) throw new Error("must succeed");
    expect(r.value.data).toEqual({ ...data, mapRoles: NODE + renderRoleEntry(view) });
    expect(Object.keys(r.value.data)).toEqual(["mapUsers", "mapAccounts", "mapRoles"]);
  });
  it("edits only the block literal body in a manifest", () => {
    const text = fixture("messy.yaml");
    const r = updateAwsAuthManifest(text, [view], [...owned, "arn:aws:iam::111122223333:role/support"]);
    if (!r.ok) throw new Error(r.diagnostics[0]?.summary);
    const before = text.split("\n");
    const after = r.value.text.split("\n");
    const support = before.findIndex((l) => l.includes("role/support"));
    // The support entry (3 lines) is removed, the view entry (4 lines) appended after the last entry.
    expect(after.slice(0, support)).toEqual(before.slice(0, support));
    const endOfRoles = before.findIndex((l) => l.startsWith("  mapUsers:"));
    expect(after.slice(-(before.length - endOfRoles))).toEqual(before.slice(endOfRoles));
    const read = readAwsAuthManifest(r.value.text, "out.yaml");
    const parsed = read.ok ? parseAwsAuthData(read.value.data) : undefined;
    expect(parsed?.ok && parsed.value.roles.map((x) => x.rolearn).at(-1)).toBe(view.rolearn);
    expect(formatAwsAuthChanges(r.value.changes)).toEqual([
      "- mapRoles[6] arn:aws:iam::111122223333:role/support username=eks:support groups=[support]",
      `+ mapRoles[7] ${view.rolearn} username=eksgate:view:{{SessionName}} groups=[eksgate:view]`,
    ]);
  });
  it("returns the manifest unchanged when nothing changes", () => {
    const text = fixture("clean.yaml");
    const r = updateAwsAuthManifest(
      text,
      [
        {
          rolearn: "arn:aws:iam::111122223333:role/eksgate-rnd",
          username: "eksgate:rnd:{{SessionName}}",
          groups: ["eksgate:rnd"],
        },
      ],
      owned,
    );
    expect(r.ok && r.value).toEqual({ text, changes: [] });
  });
  it("refuses a manifest whose mapRoles is broken", () => {
    const r = updateAwsAuthManifest(fixture("broken-map-roles.yaml"), [view], owned);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toEqual(["AA030"]);
  });
});
