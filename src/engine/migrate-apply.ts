/**
 * Applies a migration plan (`eksgate migrate --apply PLAN`): the steps of
 * core/migrate/apply-steps.ts, one after another, each reading the state first and doing
 * only what is missing. At the first failure nothing further runs, and what ran leaves a
 * cluster where everyone still has the access they had: aws-auth is only touched after
 * every principal was checked through the live cluster, and the ConfigMap is only deleted
 * once the cluster no longer reads it. Running it again continues where it stopped.
 */
import type { Diagnostic } from "../core/diagnostics.js";
import {
  ADMIN_BRIDGE_BINDING,
  ADMIN_BRIDGE_GROUP,
  adminBridgeBinding,
  awsAuthRemoval,
  entryDifferences,
  liveIdentity,
  migrationSteps,
  MIGRATE_CODES,
  missingAssociations,
  type MigrationPlan,
  type MigrationStep,
  type PlannedAccessEntry,
} from "../core/migrate/index.js";
import { arnResourceName } from "../core/model/arn.js";
import { awsAuthBackupManifest } from "../core/model/aws-auth.js";
import { ROLE_ID_TAG_KEY } from "../core/model/ownership.js";
import type { ClusterAuthenticationMode, EksPort } from "../ports/eks.js";
import { isPortError } from "../ports/errors.js";
import type { IamPort } from "../ports/iam.js";
import type { KubePort } from "../ports/kube.js";
import type { BackupStore, Clock } from "../ports/system.js";
import { AWS_AUTH_MAX_ATTEMPTS } from "./apply.js";
import { failureDiagnostic } from "./failure-diagnostic.js";

/** Polls of DescribeUpdate before a mode change counts as stuck (EKS takes minutes). */
export const MODE_UPDATE_MAX_POLLS = 90;
export const MODE_UPDATE_POLL_MS = 10_000;
/**
 * Rounds of the live check: access entries are eventually consistent (seconds), so a
 * principal that fails the first round is asked again before the check fails.
 */
export const VERIFY_MAX_ROUNDS = 6;
export const VERIFY_ROUND_WAIT_MS = 5_000;

export type MigrationEvent =
  | { readonly type: "start"; readonly step: MigrationStep; readonly index: number; readonly total: number }
  | { readonly type: "done"; readonly step: MigrationStep; readonly note?: string }
  | { readonly type: "failed"; readonly step: MigrationStep; readonly diagnostic: Diagnostic }
  | { readonly type: "wait"; readonly step: MigrationStep; readonly why: string }
  | { readonly type: "backup"; readonly path: string };

export interface MigrationApplyDeps {
  /** EKS in the cluster's region and account. */
  readonly eks: EksPort;
  readonly kube: KubePort;
  /** IAM of the cluster's account: the role id recorded on each new entry. */
  readonly iam: IamPort;
  readonly clock: Clock;
  readonly backups: BackupStore;
  readonly events: (event: MigrationEvent) => void;
}

export interface MigrationStepOutcome {
  readonly step: MigrationStep;
  readonly status: "done" | "failed" | "not-attempted";
  readonly note?: string;
  readonly diagnostic?: Diagnostic;
}

export interface MigrationApplyResult {
  readonly ok: boolean;
  readonly outcomes: readonly MigrationStepOutcome[];
}

/** A step that cannot go on, with the diagnostic that says why and what to do. */
class StepRefused extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.summary);
  }
}

function refused(code: string, summary: string, detail: string): StepRefused {
  return new StepRefused({ code: code as Diagnostic["code"], severity: "error", summary, detail });
}

export async function applyMigration(
  plan: MigrationPlan,
  deps: MigrationApplyDeps,
): Promise<MigrationApplyResult> {
  const steps = migrationSteps(plan);
  const outcomes: MigrationStepOutcome[] = [];
  for (const [index, step] of steps.entries()) {
    deps.events({ type: "start", step, index, total: steps.length });
    try {
      const note = await runStep(step, plan, deps);
      deps.events({ type: "done", step, ...(note === undefined ? {} : { note }) });
      outcomes.push({ step, status: "done", ...(note === undefined ? {} : { note }) });
    } catch (error) {
      const diagnostic =
        error instanceof StepRefused
          ? error.diagnostic
          : failureDiagnostic(error, { during: "write", step: step.id });
      deps.events({ type: "failed", step, diagnostic });
      outcomes.push({ step, status: "failed", diagnostic });
      for (const rest of steps.slice(index + 1)) outcomes.push({ step: rest, status: "not-attempted" });
      return { ok: false, outcomes };
    }
  }
  return { ok: true, outcomes };
}

async function runStep(
  step: MigrationStep,
  plan: MigrationPlan,
  deps: MigrationApplyDeps,
): Promise<string | undefined> {
  switch (step.kind) {
    case "switch-mode":
      return switchMode(step, plan.cluster, step.mode, deps);
    case "access-entry":
      return ensureEntry(plan.cluster, step.entry, deps);
    case "verify":
      return verify(step, plan, deps);
    case "remove-from-aws-auth":
      return removeFromAwsAuth(plan, deps);
    case "delete-aws-auth":
      return deleteAwsAuth(plan, deps);
  }
}

const MODE_ORDER: readonly ClusterAuthenticationMode[] = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"];

async function currentMode(cluster: string, eks: EksPort): Promise<ClusterAuthenticationMode> {
  const described = await eks.describeCluster(cluster);
  if (described === undefined) {
    throw refused(
      MIGRATE_CODES.planFile,
      `cluster ${cluster} does not exist in this account and region`,
      "Check --region and the credentials, or the plan's cluster name.",
    );
  }
  return described.authenticationMode;
}

async function switchMode(
  step: MigrationStep,
  cluster: string,
  target: "API_AND_CONFIG_MAP" | "API",
  deps: MigrationApplyDeps,
): Promise<string | undefined> {
  const mode = await currentMode(cluster, deps.eks);
  if (MODE_ORDER.indexOf(mode) >= MODE_ORDER.indexOf(target)) return `already ${mode}`;
  const updateId = await deps.eks.updateAuthenticationMode(cluster, target);
  for (let poll = 1; poll <= MODE_UPDATE_MAX_POLLS; poll++) {
    const update = await deps.eks.describeUpdate(cluster, updateId);
    if (update?.status === "Successful") return `update ${updateId} successful`;
    if (update?.status === "Failed" || update?.status === "Cancelled") {
      throw refused(
        MIGRATE_CODES.modeUnreachable,
        `the switch of ${cluster} to ${target} ${update.status.toLowerCase()} (update ${updateId}): ${update.errors.join("; ") || "no reason given"}`,
        "Nothing else was changed. Fix the cause EKS names, then run the apply again.",
      );
    }
    deps.events({ type: "wait", step, why: `update ${updateId} is ${update?.status ?? "not visible yet"}` });
    await deps.clock.sleep(MODE_UPDATE_POLL_MS);
  }
  throw refused(
    MIGRATE_CODES.modeUnreachable,
    `the switch of ${cluster} to ${target} (update ${updateId}) did not finish after ${MODE_UPDATE_MAX_POLLS} checks`,
    "Run the apply again later: it waits for the mode the cluster has then.",
  );
}

async function roleIdTag(entry: PlannedAccessEntry, iam: IamPort): Promise<Record<string, string>> {
  if (!/:role\//.test(entry.principalArn)) return {};
  const role = await iam.getRole(arnResourceName(entry.principalArn));
  return role !== undefined && role.arn === entry.principalArn ? { [ROLE_ID_TAG_KEY]: role.roleId } : {};
}

async function ensureEntry(
  cluster: string,
  entry: PlannedAccessEntry,
  deps: MigrationApplyDeps,
): Promise<string | undefined> {
  let existing = await deps.eks.describeAccessEntry(cluster, entry.principalArn);
  const bridged = entry.accessPolicies.length > 0;
  const notes: string[] = [];
  let bridgeUp = false;
  if (existing === undefined) {
    const tags = await roleIdTag(entry, deps.iam);
    // The bridge binding first: the entry must never be there without admin rights.
    if (bridged) {
      await deps.kube.upsertRbac(adminBridgeBinding());
      bridgeUp = true;
    }
    try {
      await deps.eks.createAccessEntry(cluster, {
        principalArn: entry.principalArn,
        type: entry.type,
        kubernetesGroups:
          entry.type === "STANDARD"
            ? [...entry.kubernetesGroups, ...(bridged ? [ADMIN_BRIDGE_GROUP] : [])]
            : [],
        ...(entry.username === undefined ? {} : { username: entry.username }),
        tags,
      });
      notes.push("created");
    } catch (error) {
      // Someone (or an earlier run whose answer was lost) made it in between.
      if (!isPortError(error, "already-exists")) throw error;
    }
    existing = await deps.eks.describeAccessEntry(cluster, entry.principalArn);
  }
  if (existing === undefined) {
    throw refused(
      MIGRATE_CODES.verifyFailed,
      `the access entry for ${entry.principalArn} is not there after it was created`,
      "EKS may not show it yet: run the apply again in a minute.",
    );
  }
  const differences = entryDifferences(entry, existing);
  if (differences.length > 0) {
    throw refused(
      MIGRATE_CODES.planFile,
      `an access entry for ${entry.principalArn} exists and is not the planned one: ${differences.join("; ")}`,
      "Nothing in aws-auth was changed. Run eksgate migrate again: the new plan takes that entry into account.",
    );
  }
  if (bridged) {
    const current = await deps.eks.listAssociatedAccessPolicies(cluster, entry.principalArn);
    const missing = missingAssociations(entry, current);
    // An earlier run stopped between creating the entry and associating its policy.
    if (missing.length > 0 && !bridgeUp && existing.kubernetesGroups.includes(ADMIN_BRIDGE_GROUP)) {
      await deps.kube.upsertRbac(adminBridgeBinding());
    }
    for (const policy of missing) await deps.eks.associateAccessPolicy(cluster, entry.principalArn, policy);
    if (missing.length > 0)
      notes.push(`${missing.length} access polic${missing.length === 1 ? "y" : "ies"} associated`);
    if (existing.kubernetesGroups.includes(ADMIN_BRIDGE_GROUP)) {
      await deps.eks.updateAccessEntry(cluster, {
        principalArn: entry.principalArn,
        kubernetesGroups: existing.kubernetesGroups.filter((g) => g !== ADMIN_BRIDGE_GROUP),
        username: existing.username,
      });
    }
    if ((await deps.kube.getRbac("ClusterRoleBinding", ADMIN_BRIDGE_BINDING)) !== undefined) {
      await deps.kube.deleteRbac("ClusterRoleBinding", ADMIN_BRIDGE_BINDING);
    }
  }
  return notes.length > 0 ? notes.join("; ") : "already there";
}

async function verify(step: MigrationStep, plan: MigrationPlan, deps: MigrationApplyDeps): Promise<string> {
  let problems: string[] = [];
  let asked = 0;
  for (let round = 1; round <= VERIFY_MAX_ROUNDS; round++) {
    problems = [];
    asked = 0;
    for (const check of plan.verification) {
      const entry = await deps.eks.describeAccessEntry(plan.cluster, check.principalArn);
      if (entry === undefined) {
        problems.push(`${check.principalArn}: no access entry`);
        continue;
      }
      const associations =
        entry.type === "STANDARD"
          ? await deps.eks.listAssociatedAccessPolicies(plan.cluster, check.principalArn)
          : [];
      const identity = liveIdentity(plan.cluster, { ...entry, associations }, check);
      if (identity === undefined) {
        problems.push(`${check.principalArn}: the entry maps nobody (its username cannot be rendered)`);
        continue;
      }
      for (const sample of check.samples) {
        asked += 1;
        const answer = await deps.kube.reviewAccess(identity, sample.request);
        if (answer.allowed !== sample.allowed) {
          problems.push(
            `${check.principalArn} as ${identity.user}: ${sample.described} is ${answer.allowed ? "allowed" : "denied"}, expected ${sample.allowed ? "allowed" : "denied"}${answer.reason !== undefined ? ` (${answer.reason})` : ""}`,
          );
        }
      }
    }
    if (problems.length === 0)
      return `${plan.verification.length} principal(s), ${asked} SubjectAccessReview(s) as planned`;
    if (round < VERIFY_MAX_ROUNDS) {
      deps.events({
        type: "wait",
        step,
        why: `${problems.length} check(s) not as planned yet; asking again`,
      });
      await deps.clock.sleep(VERIFY_ROUND_WAIT_MS);
    }
  }
  throw refused(
    MIGRATE_CODES.verifyFailed,
    `the live cluster does not give ${problems.length === 1 ? "one principal" : `${problems.length} checks`} the planned access: ${problems.join("; ")}`,
    "aws-auth was not changed, so everyone keeps the access they had. Look at the entry and the cluster's RBAC, fix the difference, then run the apply again.",
  );
}

async function backupAwsAuth(
  plan: MigrationPlan,
  current: { readonly data: Readonly<Record<string, string>>; readonly resourceVersion: string },
  deps: MigrationApplyDeps,
): Promise<string> {
  const path = await deps.backups.saveConfigMap(
    plan.cluster,
    "aws-auth",
    awsAuthBackupManifest(current.data, current.resourceVersion),
  );
  deps.events({ type: "backup", path });
  return path;
}

async function removeFromAwsAuth(plan: MigrationPlan, deps: MigrationApplyDeps): Promise<string> {
  // Read the entries again right before the write: one deleted since the check would
  // otherwise take its principal's access with the aws-auth entry.
  for (const d of plan.decisions) {
    if (!d.removeFromAwsAuth || d.principalArn === undefined) continue;
    if ((await deps.eks.describeAccessEntry(plan.cluster, d.principalArn)) === undefined) {
      throw refused(
        MIGRATE_CODES.verifyFailed,
        `the access entry for ${d.principalArn} is gone: its aws-auth entry ${d.source} stays`,
        "Nothing was removed from aws-auth. Run the apply again: it creates the entry and checks it first.",
      );
    }
  }
  for (let attempt = 1; ; attempt++) {
    const current = await deps.kube.readConfigMap("kube-system", "aws-auth");
    if (current === undefined) return "aws-auth does not exist (any more)";
    const partition = /^arn:([a-z-]+):/.exec(plan.accessEntries[0]?.principalArn ?? "")?.[1] ?? "aws";
    const removal = awsAuthRemoval(plan, current.data, partition);
    if (!removal.ok) {
      const first = removal.diagnostics[0];
      throw new StepRefused(
        first ?? { code: MIGRATE_CODES.planFile, severity: "error", summary: "aws-auth cannot be changed" },
      );
    }
    if (removal.value.removed.length === 0) return "already removed";
    const backup = await backupAwsAuth(plan, current, deps);
    try {
      await deps.kube.replaceConfigMapData(
        "kube-system",
        "aws-auth",
        removal.value.data,
        current.resourceVersion,
      );
      return `${removal.value.removed.length} entr${removal.value.removed.length === 1 ? "y" : "ies"} removed (${removal.value.removed.join(", ")}); previous version saved to ${backup}`;
    } catch (error) {
      if (!isPortError(error, "conflict") || attempt >= AWS_AUTH_MAX_ATTEMPTS) throw error;
    }
  }
}

async function deleteAwsAuth(plan: MigrationPlan, deps: MigrationApplyDeps): Promise<string> {
  const mode = await currentMode(plan.cluster, deps.eks);
  if (mode !== "API") {
    throw refused(
      MIGRATE_CODES.modeUnreachable,
      `cluster ${plan.cluster} is in mode ${mode}, so it still reads aws-auth: it is not deleted`,
      "Run the apply again: it switches the mode first.",
    );
  }
  for (let attempt = 1; ; attempt++) {
    const current = await deps.kube.readConfigMap("kube-system", "aws-auth");
    if (current === undefined) return "already gone";
    const backup = await backupAwsAuth(plan, current, deps);
    try {
      await deps.kube.deleteConfigMap("kube-system", "aws-auth", current.resourceVersion);
      return `deleted; previous version saved to ${backup}`;
    } catch (error) {
      if (isPortError(error, "not-found")) return "already gone";
      if (!isPortError(error, "conflict") || attempt >= AWS_AUTH_MAX_ATTEMPTS) throw error;
    }
  }
}
