/**
 * Executes a plan step by step. Apply never diffs again: each step says what to write.
 * Steps are written so that running them again after an interruption converges
 * (creates tolerate "already exists", deletes tolerate "not found").
 *
 * aws-auth is the exception that proves the rule: its step carries the entries eksgate
 * wants and the roles it owns, and apply re-reads the ConfigMap and re-runs the writer on
 * what it finds, so that a change another writer made in the meantime survives. The
 * write uses the resourceVersion it read; on 409 Conflict it reads again and retries.
 */
import type { Diagnostic } from "../core/diagnostics.js";
import {
  awsAuthBackupManifest,
  parseAwsAuthData,
  updateAwsAuthData,
  updateMapRoles,
} from "../core/model/aws-auth.js";
import { ROLE_ID_TAG_KEY } from "../core/model/ownership.js";
import type { Plan, PlanStep } from "../core/plan/plan.js";
import { isPortError, isThrottled } from "../ports/errors.js";
import type { KubePort } from "../ports/kube.js";
import type { EksPort } from "../ports/eks.js";
import { eksFor, iamFor, type EngineDeps } from "./deps.js";
import { DEFAULT_PARALLELISM, runGraph } from "./executor.js";
import { DiagnosedFailure, failureDiagnostic } from "./failure-diagnostic.js";
import { accountIdOf, arnResourceName } from "../core/model/arn.js";
import { awsAuthStepObservation, observeStepNow, recheckDiagnostic } from "./recheck.js";
import { executeIdentityCenterStep } from "./identity-center-apply.js";
import { THROTTLED_MAX_ATTEMPTS, throttledWait } from "./throttle.js";

export const AWS_AUTH_MAX_ATTEMPTS = 5;

// A step the server throttles (AWS Throttling, Kubernetes 429) is run again (throttle.ts).
export { THROTTLED_MAX_ATTEMPTS, throttledWait } from "./throttle.js";

export interface StepOutcome {
  readonly step: PlanStep;
  readonly status: "done" | "failed" | "not-attempted";
  readonly note?: string;
  readonly diagnostic?: Diagnostic;
  /** How often the server throttled the step before it was done or given up. */
  readonly throttled?: number;
}

export interface StepRunnerOptions {
  /**
   * Before writing, read the step's resource again and refuse the step (EG313) when it is
   * no longer as planned: for a saved plan, applied without planning again (recheck.ts).
   */
  readonly recheck?: boolean;
}

export interface ApplyOptions {
  /** At most this many steps in flight (default 10; 1: one after another). */
  readonly parallelism?: number;
}

export interface ApplyResult {
  readonly outcomes: readonly StepOutcome[];
  readonly ok: boolean;
}

/** Runs single steps; the CLI drives it (a live task list on a TTY, plain lines otherwise). */
export interface StepRunner {
  run(step: PlanStep): Promise<StepOutcome>;
}

export function createStepRunner(
  plan: Plan,
  deps: EngineDeps,
  kubeFor: (cluster: string) => Promise<KubePort>,
  options: StepRunnerOptions = {},
): StepRunner {
  return {
    async run(step) {
      deps.events({ type: "step-start", step });
      let throttled = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          const note = await execute(step, plan, deps, kubeFor, options.recheck === true);
          const shown = throttledNote(note, throttled);
          deps.events({ type: "step-done", step, ...(shown !== undefined ? { note: shown } : {}) });
          return {
            step,
            status: "done",
            ...(shown !== undefined ? { note: shown } : {}),
            ...(throttled > 0 ? { throttled } : {}),
          };
        } catch (error) {
          if (isThrottled(error) && attempt < THROTTLED_MAX_ATTEMPTS) {
            throttled += 1;
            const wait = throttledWait(attempt);
            deps.events({
              type: "retry",
              step,
              attempt,
              why: `the server asked to slow down (${error instanceof Error ? error.message : "throttled"}): trying again in ${wait} ms`,
            });
            await deps.clock.sleep(wait);
            continue;
          }
          const several = Object.values(plan.clusters).some((c) => c.account !== undefined);
          const account = accountOfStep(step, plan) ?? (several ? plan.accountId : undefined);
          const diagnostic = failureDiagnostic(error, {
            during: "write",
            step: step.id,
            ...(account !== undefined ? { account } : {}),
          });
          deps.events({ type: "step-failed", step, diagnostic });
          return { step, status: "failed", diagnostic, ...(throttled > 0 ? { throttled } : {}) };
        }
      }
    },
  };
}

/**
 * The Kubernetes connection of each cluster a plan writes to, opened once: the ones
 * planning opened, else a new one from DescribeCluster. A cluster that cannot be reached
 * fails its steps with the connection's own diagnostics (KUBE001-KUBE006).
 */
export function clusterConnections(
  plan: Plan,
  deps: EngineDeps,
  connected: ReadonlyMap<string, KubePort> = new Map(),
): (cluster: string) => Promise<KubePort> {
  const cache = new Map<string, Promise<KubePort>>(
    [...connected].map(([cluster, port]) => [cluster, Promise.resolve(port)]),
  );
  const connect = async (cluster: string): Promise<KubePort> => {
    const region = regionOf(plan, cluster);
    const account = plan.clusters[cluster]?.account;
    const described = await eksFor(deps, plan.accountId, account, region).describeCluster(cluster);
    if (described === undefined) throw new Error(`cluster ${cluster} not found in ${region}`);
    const connection = await deps.kube(
      {
        name: cluster,
        region,
        authentication: "auto",
        arn: described.arn,
        accountId: accountIdOf(described.arn) ?? plan.accountId,
      },
      described,
    );
    if (!connection.ok) throw new DiagnosedFailure(connection.diagnostics);
    for (const diagnostic of connection.diagnostics) deps.events({ type: "warning", diagnostic });
    return connection.value;
  };
  return (cluster) => {
    let port = cache.get(cluster);
    if (port === undefined) {
      port = connect(cluster);
      cache.set(cluster, port);
    }
    return port;
  };
}

function throttledNote(note: string | undefined, throttled: number): string | undefined {
  if (throttled === 0) return note;
  const retried = `throttled ${throttled} time${throttled === 1 ? "" : "s"}, retried`;
  return note === undefined ? retried : `${note}; ${retried}`;
}

/**
 * Runs the plan's steps, each once the steps it depends on are done, with at most
 * `parallelism` in flight. After the first failure nothing new starts; steps already
 * running finish. Outcomes are in plan order whatever order the steps finished in.
 */
export async function applyPlan(
  plan: Plan,
  runner: StepRunner,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const { results } = await runGraph(plan.steps, {
    parallelism: options.parallelism ?? DEFAULT_PARALLELISM,
    run: (step) => runner.run(step),
    failed: (outcome) => outcome.status === "failed",
  });
  const outcomes = plan.steps.map((step, i): StepOutcome => results[i] ?? { step, status: "not-attempted" });
  return { outcomes, ok: outcomes.every((o) => o.status === "done") };
}

async function tolerate(kind: "not-found" | "already-exists", action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    if (isPortError(error, kind)) return false;
    throw error;
  }
}

async function execute(
  step: PlanStep,
  plan: Plan,
  deps: EngineDeps,
  kubeFor: (cluster: string) => Promise<KubePort>,
  recheck: boolean,
): Promise<string | undefined> {
  const resource = step.resource;
  const payload = step.payload;
  const iam = iamFor(deps, plan.accountId, accountOfStep(step, plan));
  // aws-auth is checked by its writer, on the read its write uses. Identity Center steps
  // are not read again yet: a saved plan's permission sets and assignments are written as
  // planned (docs/plan-format.md).
  if (recheck && resource.kind !== "aws-auth" && step.area !== "identity-center") {
    // The step's cluster, for the kinds that have one (the IAM kinds read only `iam`).
    const cluster = "cluster" in resource ? resource.cluster : step.id;
    const ports = {
      iam: () => iam,
      eks: () => clusterEks(deps, plan, cluster),
      kube: () => kubeFor(cluster),
    };
    const refused = recheckDiagnostic(step, await observeStepNow(step, ports));
    if (refused !== undefined) throw new DiagnosedFailure([refused]);
  }
  switch (resource.kind) {
    case "iam-role": {
      if (step.action === "delete") {
        return (await tolerate("not-found", () => iam.deleteRole(resource.roleName)))
          ? undefined
          : "already gone";
      }
      if (payload.type !== "role") throw invariant(step);
      if (step.action === "create") {
        const created = await tolerate("already-exists", async () => {
          await iam.createRole({
            name: resource.roleName,
            trustPolicy: payload.trustPolicy,
            description: payload.description,
            tags: payload.tags,
          });
        });
        if (created) return undefined;
      }
      await iam.updateTrustPolicy(resource.roleName, payload.trustPolicy);
      await iam.tagRole(resource.roleName, payload.tags);
      return step.action === "create"
        ? "existed already (an earlier apply was interrupted): updated"
        : undefined;
    }
    case "iam-role-policy": {
      if (step.action === "delete") {
        await tolerate("not-found", () => iam.deleteRolePolicy(resource.roleName, resource.policyName));
        return undefined;
      }
      if (payload.type !== "policy") throw invariant(step);
      await iam.putRolePolicy(resource.roleName, resource.policyName, payload.document);
      return undefined;
    }
    case "iam-group-policy": {
      if (step.action === "delete") {
        await tolerate("not-found", () => iam.deleteGroupPolicy(resource.groupName, resource.policyName));
        return undefined;
      }
      if (payload.type !== "policy") throw invariant(step);
      await iam.putGroupPolicy(resource.groupName, resource.policyName, payload.document);
      return undefined;
    }
    case "permission-set":
    case "account-assignment":
      return executeIdentityCenterStep(step, plan, deps.identityCenter, deps.clock);
    case "access-entry": {
      const eks = clusterEks(deps, plan, resource.cluster);
      if (step.action === "delete" || step.action === "replace") {
        await tolerate("not-found", () => eks.deleteAccessEntry(resource.cluster, resource.principalArn));
        if (step.action === "delete") return undefined;
      }
      if (payload.type !== "access-entry") throw invariant(step);
      if (step.action === "update") {
        await eks.updateAccessEntry(resource.cluster, {
          principalArn: resource.principalArn,
          kubernetesGroups: payload.kubernetesGroups,
          username: payload.username,
        });
        return undefined;
      }
      // Record the role's unique id, so a later plan can tell when the role was recreated.
      const role = await iam.getRole(arnResourceName(resource.principalArn));
      const tags = { ...payload.tags, ...(role !== undefined ? { [ROLE_ID_TAG_KEY]: role.roleId } : {}) };
      const created = await tolerate("already-exists", () =>
        eks.createAccessEntry(resource.cluster, {
          principalArn: resource.principalArn,
          kubernetesGroups: payload.kubernetesGroups,
          username: payload.username,
          tags,
        }),
      );
      if (!created) {
        await eks.updateAccessEntry(resource.cluster, {
          principalArn: resource.principalArn,
          kubernetesGroups: payload.kubernetesGroups,
          username: payload.username,
        });
        return "existed already: updated";
      }
      return undefined;
    }
    case "access-policy": {
      const eks = clusterEks(deps, plan, resource.cluster);
      if (step.action === "delete") {
        await tolerate("not-found", () =>
          eks.disassociateAccessPolicy(resource.cluster, resource.principalArn, resource.policyArn),
        );
        return undefined;
      }
      if (payload.type !== "access-policy") throw invariant(step);
      await eks.associateAccessPolicy(resource.cluster, resource.principalArn, {
        policyArn: resource.policyArn,
        accessScope: payload.accessScope,
      });
      return undefined;
    }
    case "aws-auth": {
      if (payload.type !== "aws-auth") throw invariant(step);
      return writeAwsAuth(
        step,
        resource.cluster,
        payload.desired,
        payload.owned,
        deps,
        await kubeFor(resource.cluster),
        recheck,
      );
    }
    case "rbac": {
      const kube = await kubeFor(resource.cluster);
      if (step.action === "delete" || step.action === "replace") {
        await tolerate("not-found", () =>
          kube.deleteRbac(resource.objectKind, resource.name, resource.namespace),
        );
        if (step.action === "delete") return undefined;
      }
      if (payload.type !== "rbac") throw invariant(step);
      await kube.upsertRbac(payload.object);
      return undefined;
    }
  }
}

async function writeAwsAuth(
  step: PlanStep,
  cluster: string,
  desired: Parameters<typeof updateMapRoles>[1],
  owned: readonly string[],
  deps: EngineDeps,
  kube: KubePort,
  recheck: boolean,
): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await kube.readConfigMap("kube-system", "aws-auth");
    // Checked on every read, a retry after 409 Conflict included: the write uses this read.
    const refused = recheck
      ? recheckDiagnostic(step, awsAuthStepObservation(step, current?.data))
      : undefined;
    if (refused !== undefined) throw new DiagnosedFailure([refused]);
    if (current === undefined) {
      const created = updateMapRoles(undefined, desired, owned);
      if (!created.ok) throw new DiagnosedFailure(created.diagnostics);
      const made = await tolerate("already-exists", async () => {
        await kube.createConfigMap("kube-system", "aws-auth", { mapRoles: created.value.text });
      });
      if (made) return "created kube-system/aws-auth";
      continue;
    }
    const parsed = parseAwsAuthData(current.data);
    if (parsed.ok && Object.values(parsed.value.status).includes("dropped")) {
      throw new DiagnosedFailure([
        {
          code: "EG213",
          severity: "error",
          summary: "aws-auth has a key the authenticator cannot parse: eksgate writes nothing to it",
          detail: "Lint it with eksgate lint aws-auth, fix it, then plan again.",
        },
      ]);
    }
    const update = updateAwsAuthData(current.data, desired, owned);
    if (!update.ok) throw new DiagnosedFailure(update.diagnostics);
    if (update.value.changes.length === 0) return "already up to date";
    const backup = await deps.backups.saveConfigMap(
      cluster,
      "aws-auth",
      awsAuthBackupManifest(current.data, current.resourceVersion),
    );
    deps.events({ type: "backup", cluster, path: backup });
    try {
      await kube.replaceConfigMapData("kube-system", "aws-auth", update.value.data, current.resourceVersion);
      return `${update.value.changes.length} entr${update.value.changes.length === 1 ? "y" : "ies"} changed; previous version saved to ${backup}`;
    } catch (error) {
      if (!isPortError(error, "conflict") || attempt >= AWS_AUTH_MAX_ATTEMPTS) throw error;
      deps.events({
        type: "retry",
        step,
        attempt,
        why: "aws-auth changed since it was read (409 Conflict): reading it again",
      });
      await deps.clock.sleep(100 * 2 ** (attempt - 1));
    }
  }
}

/**
 * The account a step writes in: an IAM role's own account, a cluster's account, else the
 * identity account (undefined).
 */
export function accountOfStep(step: PlanStep, plan: Plan): string | undefined {
  const resource = step.resource;
  if (resource.kind === "iam-role" || resource.kind === "iam-role-policy") return resource.account;
  if (resource.kind === "iam-group-policy") return undefined;
  if (resource.kind === "permission-set" || resource.kind === "account-assignment") {
    return plan.identityCenter?.account;
  }
  return plan.clusters[resource.cluster]?.account;
}

function clusterEks(deps: EngineDeps, plan: Plan, cluster: string): EksPort {
  return eksFor(deps, plan.accountId, plan.clusters[cluster]?.account, regionOf(plan, cluster));
}

function regionOf(plan: Plan, cluster: string): string {
  const region = plan.clusters[cluster]?.region;
  if (region === undefined) throw new Error(`plan names cluster ${cluster} without a region`);
  return region;
}

function invariant(step: PlanStep): Error {
  return new Error(
    `plan step ${step.id} has payload ${step.payload.type}, which does not fit a ${step.action}`,
  );
}
