// AUD150 on test/fixtures/snapshot/idc: access entries left behind by a recreated role.
// "Considerations for access entries" (Amazon EKS User Guide): an entry is bound to the role's
// unique ID; https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
import { describe, expect, it } from "vitest";
import { auditSnapshot } from "../../src/core/evaluate/audit/index.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";
import { snapshotDirFiles } from "../support/snapshot-files.js";

const fixture = snapshotDirFiles("test/fixtures/snapshot/idc");
const B = "222222222222";
const ENTRIES = "clusters/stage/access-entries.json";

function stale(files = fixture) {
  return auditSnapshot({ snapshot: parseSnapshot(files).snapshot })
    .findings.filter((f) => f.code === "AUD150")
    .map((f) => ({ where: f.where, summary: f.summary, why: f.why }));
}

function withEntries(edit: (entries: Record<string, unknown>[]) => void) {
  const raw = JSON.parse(fixture.find((f) => f.path === ENTRIES)?.text ?? "{}") as {
    accessEntries: Record<string, unknown>[];
  };
  edit(raw.accessEntries);
  return [...fixture.filter((f) => f.path !== ENTRIES), { path: ENTRIES, text: JSON.stringify(raw) }];
}

describe("stale access entries (AUD150)", () => {
  const found = stale();

  it("reports an entry created before its role (an Identity Center role made again)", () => {
    const f = found.find((x) => x.where === `${ENTRIES} accessEntries[1]`);
    expect(f?.summary).toBe(
      "access entry for AWSReservedSSO_EksDevelopers_0123456789abcdef was created 2026-11-01T00:00:00+00:00, before the role itself (2026-11-20T08:00:00+00:00)",
    );
    expect(f?.why).toContain("Identity Center's role for permission set EksDevelopers");
  });

  it("reports an entry whose recorded RoleId is not the role's, even when its date is later", () => {
    const f = found.find((x) => x.where === `${ENTRIES} accessEntries[2]`);
    expect(f?.summary).toBe(
      "access entry for eksgate-platform was made for role id AROAPLATFORMOLD000001; the role's id is now AROAPLATFORM000000001",
    );
  });

  it("leaves an entry newer than its role with the matching RoleId alone", () => {
    expect(found.map((x) => x.where)).toEqual([`${ENTRIES} accessEntries[1]`, `${ENTRIES} accessEntries[2]`]);
  });

  it("reports an entry naming a reserved role that now exists only under a new suffix", () => {
    const files = withEntries((entries) => {
      const e = entries[0];
      if (e !== undefined)
        e["principalArn"] =
          `arn:aws:iam::${B}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_EksAdmins_1111111111111111`;
    });
    const f = stale(files).find((x) => x.where === `${ENTRIES} accessEntries[0]`);
    expect(f?.summary).toBe(
      "access entry names AWSReservedSSO_EksAdmins_1111111111111111, but the permission set's role is now AWSReservedSSO_EksAdmins_fedcba9876543210",
    );
  });

  it("says nothing without createdAt and role-id tags", () => {
    const files = withEntries((entries) => {
      for (const e of entries) {
        delete e["createdAt"];
        delete e["tags"];
      }
    });
    expect(stale(files)).toEqual([]);
  });
});
