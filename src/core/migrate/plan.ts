/**
 * The migration plan: the conversion, its proof, and what stands between it and the
 * switch. Plain data (JSON, stable order), saved with `--out` and read back by
 * `migrate --apply PLAN`.
 */
import type { Diagnostic, DiagnosticCode, Result } from "../diagnostics.js";
import type { ClusterAuthenticationMode } from "../snapshot/model.js";
import type { ClusterAccess } from "../snapshot/model.js";
import { MIGRATE_CODES } from "./codes.js";
import {
  convertAwsAuth,
  MIGRATION_TARGETS,
  type MigrationConversion,
  type MigrationItem,
  type MigrationTarget,
} from "./convert.js";
import type { PrincipalDirectory } from "./principals.js";
import { proveMigration, type MigrationProof } from "./proof.js";
import { verificationChecks, type PrincipalCheck } from "./verify.js";

export const MIGRATION_PLAN_KIND = "eksgate-migration-plan";
export const MIGRATION_PLAN_VERSION = 1;

export interface MigrationPlan extends MigrationConversion {
  readonly kind: typeof MIGRATION_PLAN_KIND;
  readonly formatVersion: typeof MIGRATION_PLAN_VERSION;
  readonly proof: MigrationProof;
  /** What apply asks the live cluster before it removes anything from aws-auth. */
  readonly verification: readonly PrincipalCheck[];
  /** Codes that must be accepted (`--accept-loss`) before apply may switch; sorted. */
  readonly blockingCodes: readonly string[];
}

export interface MigrationRequest {
  readonly cluster: ClusterAccess;
  readonly to: MigrationTarget;
  readonly principals: PrincipalDirectory;
  readonly accountId?: string;
}

function error(code: DiagnosticCode, summary: string, detail: string, path?: string): Diagnostic {
  return { code, severity: "error", summary, detail, ...(path === undefined ? {} : { path }) };
}

/** Whether the cluster can go from its mode to `to` (one way only), and aws-auth reads. */
function preconditions(cluster: ClusterAccess, to: MigrationTarget): Diagnostic[] {
  const out: Diagnostic[] = [];
  const from: ClusterAuthenticationMode = cluster.authenticationMode;
  if (from === "API") {
    out.push(
      error(
        MIGRATE_CODES.modeUnreachable,
        `cluster ${cluster.name} is in mode API already: it does not read aws-auth, so there is nothing to migrate`,
        "Run eksgate doctor to check its access entries.",
      ),
    );
  }
  if (!MIGRATION_TARGETS.includes(to)) {
    out.push(
      error(
        MIGRATE_CODES.modeUnreachable,
        `--to ${to as string} is not a mode a migration goes to`,
        "Use --to API_AND_CONFIG_MAP (aws-auth still read) or --to API.",
      ),
    );
  }
  const status = cluster.awsAuth?.mappings.status;
  for (const [key, s] of Object.entries(status ?? {})) {
    if (s === "dropped") {
      out.push(
        error(
          MIGRATE_CODES.awsAuthUnreadable,
          `aws-auth ${key} does not parse, so the authenticator ignores all of it: what it meant cannot be migrated`,
          "Run eksgate lint aws-auth on the ConfigMap, fix the YAML, then migrate.",
          `data.${key}`,
        ),
      );
    }
  }
  return out;
}

/** The plan for one cluster, or why there is none. */
export function planMigration(request: MigrationRequest): Result<MigrationPlan> {
  const refused = preconditions(request.cluster, request.to);
  if (refused.length > 0) return { ok: false, diagnostics: refused };
  const conversion = convertAwsAuth({
    cluster: request.cluster,
    to: request.to,
    principals: request.principals,
    ...(request.accountId === undefined ? {} : { accountId: request.accountId }),
  });
  const proof = proveMigration(request.cluster, conversion, request.principals);
  const codes = new Set(conversion.items.filter((i) => i.severity === "blocking").map((i) => i.code));
  if (proof.differences.length > 0) codes.add(MIGRATE_CODES.accessChanged);
  return {
    ok: true,
    value: {
      kind: MIGRATION_PLAN_KIND,
      formatVersion: MIGRATION_PLAN_VERSION,
      ...conversion,
      proof,
      verification: verificationChecks(request.cluster, conversion),
      blockingCodes: [...codes].sort(),
    },
    diagnostics: [],
  };
}

/** What `--accept-loss` leaves unaccepted; empty: apply may go ahead. */
export function unacceptedCodes(plan: MigrationPlan, accepted: readonly string[]): string[] {
  return plan.blockingCodes.filter((c) => !accepted.includes(c));
}

/** The refusal, when something blocks; one diagnostic naming each code and its first item. */
export function migrationRefusal(plan: MigrationPlan, accepted: readonly string[]): Diagnostic | undefined {
  const open = unacceptedCodes(plan, accepted);
  if (open.length === 0) return undefined;
  const first = (code: string): MigrationItem | undefined => plan.items.find((i) => i.code === code);
  const lines = open.map((code) => {
    if (code === MIGRATE_CODES.accessChanged) {
      return `${code}: ${plan.proof.differences.length} principal(s) would have different access (see the proof)`;
    }
    const count = plan.items.filter((i) => i.code === code && i.severity === "blocking").length;
    return `${code}: ${first(code)?.summary ?? ""}${count > 1 ? ` (and ${count - 1} more)` : ""}`;
  });
  return error(
    MIGRATE_CODES.refused,
    `the switch of ${plan.cluster} to ${plan.to} is refused: ${lines.join("; ")}`,
    `Fix the entries, or accept the loss by name: --accept-loss ${open.join(" ")}.`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A migration plan read back from a file (`migrate --apply PLAN`): its kind, version and the
 * fields apply uses must be there and of the right type, or nothing is applied (EG421).
 */
export function parseMigrationPlan(text: string, file: string): Result<MigrationPlan> {
  const bad = (what: string, path?: string): Result<MigrationPlan> => ({
    ok: false,
    diagnostics: [
      error(
        MIGRATE_CODES.planFile,
        `${file} is not a migration plan eksgate can apply: ${what}`,
        "Write the plan with eksgate migrate --cluster NAME --out FILE and apply that file unchanged.",
        path,
      ),
    ],
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return bad(`it is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(value)) return bad("it is not a JSON object");
  if (value["kind"] !== MIGRATION_PLAN_KIND) return bad(`kind is not ${MIGRATION_PLAN_KIND}`, "kind");
  if (value["formatVersion"] !== MIGRATION_PLAN_VERSION)
    return bad(`formatVersion is not ${MIGRATION_PLAN_VERSION}`, "formatVersion");
  if (typeof value["cluster"] !== "string" || value["cluster"] === "")
    return bad("cluster is missing", "cluster");
  if (!(MIGRATION_TARGETS as readonly unknown[]).includes(value["to"]))
    return bad("to is not a target mode", "to");
  for (const list of ["accessEntries", "decisions", "items", "verification", "blockingCodes"] as const) {
    if (!Array.isArray(value[list])) return bad(`${list} is not a list`, list);
  }
  const entries = value["accessEntries"] as unknown[];
  for (const [i, e] of entries.entries()) {
    if (
      !isObject(e) ||
      typeof e["principalArn"] !== "string" ||
      typeof e["type"] !== "string" ||
      !Array.isArray(e["kubernetesGroups"]) ||
      !Array.isArray(e["accessPolicies"]) ||
      typeof e["from"] !== "string"
    )
      return bad(
        "an access entry lacks principalArn, type, kubernetesGroups, accessPolicies or from",
        `accessEntries[${i}]`,
      );
  }
  const decisions = value["decisions"] as unknown[];
  for (const [i, d] of decisions.entries()) {
    if (
      !isObject(d) ||
      typeof d["source"] !== "string" ||
      typeof d["written"] !== "string" ||
      typeof d["removeFromAwsAuth"] !== "boolean"
    )
      return bad("a decision lacks source, written or removeFromAwsAuth", `decisions[${i}]`);
  }
  if (typeof value["deleteAwsAuth"] !== "boolean")
    return bad("deleteAwsAuth is not true or false", "deleteAwsAuth");
  return { ok: true, value: value as unknown as MigrationPlan, diagnostics: [] };
}
