// The tables modules keep their codes in (`NAME_CODES = { what: "CODE" }`) hold codes of the
// registry only. A table entry is checked by the compiler only where it becomes a
// Diagnostic's code; these `satisfies` make every entry checked, whatever it is used for
// (a finding, a migration item, an --accept-loss name), and the test shows each one is in
// the registry the docs are generated from.
import { describe, expect, it } from "vitest";
import { SNAPSHOT_DIR_CODES } from "../../src/adapters/fs/snapshot-dir.js";
import { KUBE_CONNECTION_CODES } from "../../src/adapters/kube/connection.js";
import { AUDIT_CODES as AUDIT_CLI_CODES } from "../../src/cli/commands/snapshot-command.js";
import { CODES, type DiagnosticCode } from "../../src/core/diagnostics/codes/index.js";
import { AUDIT_CODES } from "../../src/core/evaluate/audit/codes.js";
import { KUBECONFIG_CODES } from "../../src/core/kubeconfig/merge.js";
import { DOCTOR_CODES, MIGRATE_CODES } from "../../src/core/migrate/codes.js";
import { ACCESS_ENTRY_DIAGNOSTIC_CODES } from "../../src/core/model/access-entry.js";
import { ARN_CODES } from "../../src/core/model/arn.js";
import { AWS_AUTH_CODES } from "../../src/core/model/aws-auth/codes.js";
import { IAM_DIAGNOSTIC_CODES } from "../../src/core/model/iam-documents.js";
import { KUBECONFIG_DIAGNOSTIC_CODES } from "../../src/core/model/kubeconfig-entry.js";
import { POLICY_DIAGNOSTIC_CODES } from "../../src/core/model/policy-document.js";
import { RBAC_DIAGNOSTIC_CODES } from "../../src/core/model/rbac.js";
import { IDENTITY_CENTER_CODES } from "../../src/core/snapshot/identity-center.js";
import { SNAPSHOT_CODES } from "../../src/core/snapshot/parse.js";

type CodeTable = Readonly<Record<string, DiagnosticCode>>;

const TABLES = {
  SNAPSHOT_DIR_CODES: SNAPSHOT_DIR_CODES satisfies CodeTable,
  KUBE_CONNECTION_CODES: KUBE_CONNECTION_CODES satisfies CodeTable,
  AUDIT_CLI_CODES: AUDIT_CLI_CODES satisfies CodeTable,
  AUDIT_CODES: AUDIT_CODES satisfies CodeTable,
  KUBECONFIG_CODES: KUBECONFIG_CODES satisfies CodeTable,
  MIGRATE_CODES: MIGRATE_CODES satisfies CodeTable,
  DOCTOR_CODES: DOCTOR_CODES satisfies CodeTable,
  ACCESS_ENTRY_DIAGNOSTIC_CODES: ACCESS_ENTRY_DIAGNOSTIC_CODES satisfies CodeTable,
  ARN_CODES: ARN_CODES satisfies CodeTable,
  AWS_AUTH_CODES: AWS_AUTH_CODES satisfies CodeTable,
  IAM_DIAGNOSTIC_CODES: IAM_DIAGNOSTIC_CODES satisfies CodeTable,
  KUBECONFIG_DIAGNOSTIC_CODES: KUBECONFIG_DIAGNOSTIC_CODES satisfies CodeTable,
  POLICY_DIAGNOSTIC_CODES: POLICY_DIAGNOSTIC_CODES satisfies CodeTable,
  RBAC_DIAGNOSTIC_CODES: RBAC_DIAGNOSTIC_CODES satisfies CodeTable,
  IDENTITY_CENTER_CODES: IDENTITY_CENTER_CODES satisfies CodeTable,
  SNAPSHOT_CODES: SNAPSHOT_CODES satisfies CodeTable,
};

describe("the modules' code tables", () => {
  it.each(Object.entries(TABLES))("%s holds registered codes only", (_name, table) => {
    const codes = Object.values(table);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(Object.keys(CODES)).toContain(code);
  });
});
