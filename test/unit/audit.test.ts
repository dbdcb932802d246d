import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import {
  accessGraphs,
  AUDIT_CODE_TABLE,
  auditSnapshot,
  isoTimestampMillis,
  type AuditFinding,
} from "../../src/core/evaluate/audit/index.js";
import { parseSnapshot, type SnapshotFile } from "../../src/core/snapshot/index.js";
import { auditHtml, escapeHtml, layoutGraph } from "../../src/cli/views/audit-html.js";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const ROOT = "test/fixtures/snapshot/org";
const A = "111122223333";

function fixtureFiles(): SnapshotFile[] {
  return readdirSync(ROOT, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(ROOT, f)).isFile())
    .map((f) => ({
      path: relative(ROOT, join(ROOT, f)).split(sep).join("/"),
      text: readFileSync(join(ROOT, f), "utf8"),
    }));
}

/** The fixture with one file's text changed. */
function withFile(path: string, edit: (text: string) => string): SnapshotFile[] {
  const files = fixtureFiles();
  const i = files.findIndex((f) => f.path === path);
  const f = files[i];
  if (f === undefined) return [...files, { path, text: edit("") }];
  files[i] = { path, text: edit(f.text) };
  return files;
}

function audit(files: SnapshotFile[]) {
  const snapshot = parseSnapshot(files).snapshot;
  return auditSnapshot({ snapshot, files });
}

const codes = (findings: readonly AuditFinding[], code: string) => findings.filter((f) => f.code === code);

const IAM_FILE = "iam/account-authorization-details.json";
const STAGING_AUTH = "clusters/staging/aws-auth.yaml";

describe("audit findings on the fixture organization", () => {
  const report = audit(fixtureFiles());

  it("reports every system:masters mapping as an error with where and what to do", () => {
    const masters = codes(report.findings, "AUD101");
    expect(masters.map((f) => `${f.cluster} ${f.subject}`).sort()).toEqual([
      `prod arn:aws:iam::${A}:role/eksgate-platform`,
      `staging arn:aws:iam::${A}:role/BreakGlass`,
    ]);
    expect(masters[1]?.where).toBe("clusters/staging/aws-auth.yaml mapRoles[3]");
    expect(masters.every((f) => f.severity === "error" && f.fix.length > 0)).toBe(true);
  });

  it("reports the role path in mapRoles[4] and not a missing role for it", () => {
    const paths = codes(report.findings, "AUD121");
    expect(paths).toHaveLength(1);
    expect(paths[0]?.where).toBe("clusters/staging/aws-auth.yaml mapRoles[4]");
    expect(paths[0]?.fix).toContain(`arn:aws:iam::${A}:role/eksgate-platform`);
    expect(codes(report.findings, "AUD120")).toHaveLength(0);
  });

  it("flags the mapped role whose trust has no session-name condition, and only it", () => {
    const trust = codes(report.findings, "AUD111");
    expect(trust.map((f) => f.subject)).toEqual([`arn:aws:iam::${A}:role/breakglass`]);
    expect(trust[0]?.where).toContain('Sid "DaveOnly"');
  });

  it("reports bind/escalate/impersonate grants once per binding", () => {
    const esc = codes(report.findings, "AUD130");
    expect(esc.map((f) => f.subject).sort()).toEqual([
      "ClusterRoleBinding eksgate-rnd",
      "ClusterRoleBinding platform-impersonates-deployer",
    ]);
    expect(esc.find((f) => f.subject.endsWith("eksgate-rnd"))?.summary).toContain(
      "impersonate/bind/escalate",
    );
  });

  it("includes aws-auth lint findings not covered by AUD codes", () => {
    expect(codes(report.findings, "AA015").map((f) => f.cluster)).toEqual(["prod"]);
    expect(report.findings.some((f) => ["AA009", "AA011", "AA012", "AA013"].includes(f.code))).toBe(false);
  });

  it("sorts errors first and counts by severity", () => {
    const order = report.findings.map((f) => f.severity);
    const rank = { error: 0, warning: 1, info: 2 };
    expect([...order].sort((a, b) => rank[a] - rank[b])).toEqual(order);
    expect(report.counts.error).toBe(order.filter((s) => s === "error").length);
    expect(report.counts.error).toBe(3);
  });

  it("limits to the clusters asked for", () => {
    const snapshot = parseSnapshot(fixtureFiles()).snapshot;
    const prod = auditSnapshot({ snapshot, clusters: ["prod"] });
    expect(prod.clusters).toEqual(["prod"]);
    expect(prod.findings.every((f) => f.cluster === undefined || f.cluster === "prod")).toBe(true);
  });
});

describe("audit findings on altered snapshots", () => {
  it("finds a mapped role that does not exist in IAM", () => {
    const r = audit(
      withFile(STAGING_AUTH, (t) => t.replace("role/eksgate-payments\n", "role/eksgate-gone\n")),
    );
    const missing = codes(r.findings, "AUD120");
    expect(missing.map((f) => f.subject)).toEqual([`arn:aws:iam::${A}:role/eksgate-gone`]);
    expect(missing[0]?.severity).toBe("error");
  });

  it("finds shadowed duplicates and mapAccounts", () => {
    const r = audit(
      withFile(STAGING_AUTH, (t) =>
        t.replace(
          "  mapRoles: |\n",
          `  mapAccounts: |\n    - "${A}"\n  mapRoles: |\n    - rolearn: arn:aws:iam::${A}:role/eksgate-payments\n      username: old\n      groups:\n        - old-group\n`,
        ),
      ),
    );
    const shadowed = codes(r.findings, "AUD122");
    expect(shadowed).toHaveLength(1);
    expect(shadowed[0]?.summary).toContain("mapRoles[0] is shadowed by mapRoles[3]");
    expect(codes(r.findings, "AUD140").map((f) => f.subject)).toEqual([A]);
  });

  it("finds a trust policy open to * on a mapped role (an error without conditions)", () => {
    const r = audit(
      withFile(IAM_FILE, (t) =>
        t.replace(
          '"Principal": { "AWS": "arn:aws:iam::111122223333:user/dave" }',
          '"Principal": { "AWS": "*" }',
        ),
      ),
    );
    const open = codes(r.findings, "AUD110");
    expect(open.map((f) => `${f.severity} ${f.subject}`)).toEqual([
      `error arn:aws:iam::${A}:role/breakglass`,
    ]);
  });

  it("finds an access entry created before its role (recreated role), and not otherwise", () => {
    const before = audit(fixtureFiles());
    expect(codes(before.findings, "AUD150")).toHaveLength(0);
    const r = audit(
      withFile("clusters/prod/access-entries.json", (t) =>
        t.replace('"createdAt": "2024-05-01T10:00:00+00:00"', '"createdAt": "2023-12-31T23:00:00-02:00"'),
      ),
    );
    // 2023-12-31T23:00-02:00 is 2024-01-01T01:00Z, before the role's 2024-01-10 CreateDate.
    const recreated = codes(r.findings, "AUD150");
    expect(recreated.map((f) => f.subject)).toEqual([`arn:aws:iam::${A}:role/platform/eksgate-platform`]);
    expect(recreated[0]?.where).toBe("clusters/prod/access-entries.json accessEntries[0]");
  });

  it("reports an access entry holding the cluster admin policy cluster-wide", () => {
    const r = audit(
      withFile("clusters/prod/access-entries.json", (t) =>
        t
          .replace("AmazonEKSEditPolicy", "AmazonEKSClusterAdminPolicy")
          .replace('{ "type": "namespace", "namespaces": ["apps-*"] }', '{ "type": "cluster" }'),
      ),
    );
    expect(codes(r.findings, "AUD102").map((f) => `${f.severity} ${f.cluster}`)).toEqual(["warning prod"]);
  });
});

describe("audit helpers", () => {
  it("parses AWS timestamps with offsets", () => {
    expect(isoTimestampMillis("1970-01-01T00:00:00Z")).toBe(0);
    expect(isoTimestampMillis("2024-01-10T09:00:00+00:00")).toBe(Date.UTC(2024, 0, 10, 9));
    expect(isoTimestampMillis("2024-03-01T00:30:00.250+01:30")).toBe(Date.UTC(2024, 1, 29, 23, 0, 0, 250));
    expect(isoTimestampMillis("yesterday")).toBeUndefined();
  });

  it("has unique AUD codes", () => {
    const list = AUDIT_CODE_TABLE.map((c) => c.code);
    expect(new Set(list).size).toBe(list.length);
    expect(list.every((c) => /^AUD1\d\d$/.test(c))).toBe(true);
  });
});

describe("access graph and HTML report", () => {
  const files = fixtureFiles();
  const snapshot = parseSnapshot(files).snapshot;
  const graphs = accessGraphs(snapshot);
  const staging = graphs.find((g) => g.cluster === "staging");

  it("joins IAM group -> role -> Kubernetes group -> binding -> ClusterRole", () => {
    const label = (id: string) => staging?.nodes.find((n) => n.id === id)?.label;
    const chain: string[] = [];
    let id: string | undefined = "iam-group:rnd";
    while (id !== undefined) {
      chain.push(label(id) ?? id);
      const from: string = id;
      id = staging?.edges.find((e) => e.from === from)?.to;
    }
    expect(chain).toEqual([
      "group rnd",
      "role eksgate-rnd",
      "group eksgate:rnd",
      "CRB eksgate-rnd",
      "ClusterRole cluster-admin",
    ]);
    expect(staging?.nodes.find((n) => n.label === "ClusterRole cluster-admin")?.danger).toBe(true);
  });

  it("lays out deterministically in columns", () => {
    if (staging === undefined) throw new Error("no staging graph");
    const a = layoutGraph(staging);
    const b = layoutGraph(staging);
    expect([...a.placed.values()].map((p) => [p.node.id, p.x, p.y])).toEqual(
      [...b.placed.values()].map((p) => [p.node.id, p.x, p.y]),
    );
    const xs = new Set([...a.placed.values()].map((p) => `${p.node.column}:${p.x}`));
    expect(xs.size).toBe(new Set(staging.nodes.map((n) => n.column)).size);
  });

  it("escapes every text from the snapshot", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const evil = withFile(STAGING_AUTH, (t) =>
      t.replace("username: breakglass", 'username: "<script>alert(1)</script>"'),
    );
    const snap = parseSnapshot(evil).snapshot;
    const html = auditHtml(auditSnapshot({ snapshot: snap, files: evil }), accessGraphs(snap), {
      source: "<dir>",
    });
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;dir&gt;");
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});

describe("eksgate audit command", () => {
  it("prints findings grouped by severity and exits 1 on errors", async () => {
    const term = recordingTerminal();
    const code = await runCli(["audit", "--snapshot", ROOT], term);
    const out = term.stdout();
    expect(code).toBe(1);
    expect(out.indexOf("Errors (3)")).toBeLessThan(out.indexOf("Warnings ("));
    expect(out).toContain("AUD101 [staging]");
  });

  it("prints JSON for one cluster, and refuses an unknown cluster", async () => {
    const term = recordingTerminal();
    const code = await runCli(["audit", "--snapshot", ROOT, "--cluster", "prod", "--json"], term);
    const json = JSON.parse(term.stdout()) as { counts: { error: number }; findings: AuditFinding[] };
    // prod's only error is its system:masters mapping through aws-auth.
    expect(json.counts.error).toBe(1);
    expect(code).toBe(1);
    expect(json.findings.every((f) => f.cluster === undefined || f.cluster === "prod")).toBe(true);
    const other = recordingTerminal();
    expect(await runCli(["audit", "--snapshot", ROOT, "--cluster", "nope"], other)).toBe(1);
    expect(other.stderr()).toContain("cluster nope is not in the snapshot");
  });
});
