/** `eksgate plan`, `eksgate apply` and `eksgate destroy`. */
import { createHash } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { loadConfigFile, readTextInput } from "../../adapters/fs/config-file.js";
import { locateInConfig } from "../../core/config/source.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import type { Plan, PlanScope } from "../../core/plan/plan.js";
import { parseSavedPlan } from "../../core/plan/plan-file.js";
import {
  applyPlan,
  type ApplyResult,
  type StepOutcome,
  type StepRunner,
  createStepRunner,
} from "../../engine/apply.js";
import type { EngineEvent } from "../../engine/events.js";
import { makePlan, savedPlanStillHolds } from "../../engine/plan.js";
import { isPortError } from "../../ports/errors.js";
import type { KubePort } from "../../ports/kube.js";
import { wireEngine, type Wiring } from "../composition.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { diagnosticsJson, outputWriteDiagnostic, renderDiagnostics } from "../views/diagnostics.js";
import { writeFileAtomically } from "../../adapters/fs/kubeconfig-file.js";
import { outputWriteError } from "../../adapters/fs/write-files.js";
import { renderApplyResult, renderPlanText, stepTitle } from "../views/plan.js";
import { ACTION_SYMBOL } from "../../core/plan/plan.js";
import type { AccessConfig } from "../../core/model/access-config.js";

export interface CommonOptions {
  readonly config: string;
  readonly cluster?: string;
  readonly team?: string;
  readonly profile?: string;
  readonly kubeconfig?: string;
  readonly backupDir?: string;
  readonly json?: boolean;
  /** Reads and steps in flight at once (default 10). */
  readonly parallelism?: number;
}

export interface PlanOptions extends CommonOptions {
  readonly detailedExitcode?: boolean;
  readonly out?: string;
}

export interface ApplyOptions extends CommonOptions {
  readonly autoApprove?: boolean;
}

function progressSink(term: Terminal, quiet: boolean): (event: EngineEvent) => void {
  return (event) => {
    if (quiet) return;
    if (event.type === "observe") term.err(term.paint.dim(`reading ${event.what}...\n`));
    if (event.type === "backup")
      term.err(`saved the previous aws-auth of ${event.cluster} to ${event.path}\n`);
    if (event.type === "retry") term.err(term.paint.yellow(`retry ${event.attempt}: ${event.why}\n`));
  };
}

async function loadConfig(
  file: string,
  term: Terminal,
): Promise<{ ok: true; config: AccessConfig; digest: string; text: string } | { ok: false }> {
  const loaded = await loadConfigFile(file);
  const sources = new Map(loaded.text !== undefined ? [[file, loaded.text]] : []);
  if (loaded.diagnostics.length > 0) term.err(renderDiagnostics(loaded.diagnostics, term, sources));
  if (!loaded.ok) return { ok: false };
  return {
    ok: true,
    config: loaded.value,
    text: loaded.text ?? "",
    digest: createHash("sha256")
      .update(loaded.text ?? "")
      .digest("hex"),
  };
}

function scopeError(config: AccessConfig, options: CommonOptions, term: Terminal): boolean {
  if (options.cluster !== undefined && !config.clusters.some((c) => c.name === options.cluster)) {
    term.err(`${term.paint.red("error")} EG140: --cluster ${options.cluster} is not in ${options.config}\n`);
    return true;
  }
  if (options.team !== undefined && !config.teams.some((t) => t.name === options.team)) {
    term.err(`${term.paint.red("error")} EG140: --team ${options.team} is not in ${options.config}\n`);
    return true;
  }
  return false;
}

function scopeOf(options: CommonOptions, destroy: boolean): PlanScope {
  return {
    destroy,
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
    ...(options.team !== undefined ? { team: options.team } : {}),
  };
}

function wiring(options: CommonOptions, config: AccessConfig, term: Terminal): Wiring {
  const region = config.clusters[0]?.region;
  return wireEngine(
    {
      ...(region !== undefined ? { region } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.backupDir !== undefined ? { backupDir: options.backupDir } : {}),
      accounts: config.accounts,
      identityAccount: config.accountId,
      ...(config.identityCenter !== undefined ? { identityCenter: config.identityCenter } : {}),
    },
    progressSink(term, options.json === true),
  );
}

/** Errors from reading live state become diagnostics; anything else is a bug. */
function readFailure(error: unknown): Diagnostic {
  if (isPortError(error)) {
    const who = error.details.identity !== undefined ? ` (as ${error.details.identity})` : "";
    const account = error.details.account;
    const inAccount = account !== undefined ? ` in account ${account}` : "";
    return {
      code: error.kind === "access-denied" ? "EG301" : error.kind === "credentials" ? "EG303" : "EG304",
      severity: "error",
      summary: `${error.details.operation}${inAccount} failed${who}: ${error.message}`,
      detail:
        error.kind === "access-denied"
          ? `Grant ${error.details.missingPermission ?? error.details.operation}${inAccount} to ${error.details.identity ?? "the identity eksgate runs as"}${account !== undefined ? ", or reach that account with another profile or roleArn under accounts:" : ""}.`
          : error.kind === "credentials"
            ? "Configure AWS credentials (AWS_PROFILE, aws sso login, or access keys) and try again."
            : "Check connectivity and the cluster's kubeconfig context, then try again.",
    };
  }
  throw error;
}

async function planFor(
  options: CommonOptions,
  destroy: boolean,
  term: Terminal,
): Promise<{ ok: true; plan: Plan; wiring: Wiring; kube: ReadonlyMap<string, KubePort> } | { ok: false }> {
  const loaded = await loadConfig(options.config, term);
  if (!loaded.ok) return loaded;
  if (scopeError(loaded.config, options, term)) return { ok: false };
  const wired = wiring(options, loaded.config, term);
  let result;
  try {
    result = await makePlan(
      {
        config: loaded.config,
        configFile: options.config,
        configDigest: loaded.digest,
        scope: scopeOf(options, destroy),
        ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
      },
      wired.deps,
    );
  } catch (error) {
    term.err(renderDiagnostics([readFailure(error)], term));
    return { ok: false };
  }
  // Problems with a field of the config point at it, as validation errors do.
  const located = locateInConfig(options.config, loaded.text, result.diagnostics);
  const sources = new Map([[options.config, loaded.text]]);
  if (!result.ok) {
    if (options.json === true) {
      term.out(`${JSON.stringify({ ok: false, diagnostics: diagnosticsJson(located) }, null, 2)}\n`);
    } else {
      term.err(renderDiagnostics(located, term, sources));
      term.err("No plan was made and nothing was changed.\n");
    }
    return { ok: false };
  }
  if (located.length > 0 && options.json !== true) term.err(renderDiagnostics(located, term, sources));
  return { ok: true, plan: result.value.plan, wiring: wired, kube: result.value.observation.kube };
}

export async function planCommand(options: PlanOptions, term: Terminal): Promise<number> {
  const planned = await planFor(options, false, term);
  if (!planned.ok) return ExitCode.error;
  const { plan } = planned;
  if (options.json === true) term.out(`${JSON.stringify(plan, null, 2)}\n`);
  else term.out(renderPlanText(plan, term));
  if (options.out !== undefined) {
    try {
      await writeFileAtomically(options.out, `${JSON.stringify(plan, null, 2)}\n`, 0o600, false);
    } catch (error) {
      term.err(
        renderDiagnostics([outputWriteDiagnostic(outputWriteError(options.out, error), "--out")], term),
      );
      return ExitCode.error;
    }
    if (options.json !== true)
      term.err(`plan saved to ${options.out}: apply it with eksgate apply ${options.out}\n`);
  }
  if (options.detailedExitcode === true && plan.steps.length > 0) return ExitCode.changes;
  return ExitCode.ok;
}

async function confirm(plan: Plan, options: ApplyOptions, term: Terminal, verb: string): Promise<boolean> {
  if (options.autoApprove === true) return true;
  if (!term.isTTY || !process.stdin.isTTY) {
    term.err(
      `${term.paint.red("error")} EG320: refusing to ${verb} without confirmation: standard input is not a terminal.\n` +
        `  hint: review the plan, then run again with --auto-approve.\n`,
    );
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `\n${verb} these ${plan.steps.length} changes? Only "yes" is accepted: `,
    );
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}

const MIN_TASK_LIST_COLUMNS = 40;

async function runSteps(
  plan: Plan,
  runner: StepRunner,
  term: Terminal,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const quiet = options.json === true;
  const parallelism = options.parallelism !== undefined ? { parallelism: options.parallelism } : {};
  // The task list redraws in place and wraps at the terminal's width: only on a terminal
  // that reports one wide enough (a pseudo-terminal without a size reports 0).
  if (term.isTTY && term.columns >= MIN_TASK_LIST_COLUMNS && !quiet) {
    const { Listr } = await import("listr2");
    // The steps run through applyPlan; the task list shows them in plan order, each task
    // waiting for its step's outcome (or for the run to end without it).
    const waiting = new Map<string, (outcome: StepOutcome | undefined) => void>();
    const outcomeOf = new Map(
      plan.steps.map((step) => [
        step.id,
        new Promise<StepOutcome | undefined>((resolve) => waiting.set(step.id, resolve)),
      ]),
    );
    const observed: StepRunner = {
      async run(step) {
        const outcome = await runner.run(step);
        waiting.get(step.id)?.(outcome);
        return outcome;
      },
    };
    const tasks = new Listr(
      plan.steps.map((step) => ({
        title: `${ACTION_SYMBOL[step.action]} ${stepTitle(step)}`,
        task: async (_ctx: unknown, task: { title: string; skip: (message: string) => void }) => {
          const outcome = await outcomeOf.get(step.id);
          if (outcome === undefined) {
            task.skip("not attempted");
            return;
          }
          if (outcome.status === "failed") throw new Error(outcome.diagnostic?.summary ?? "failed");
          if (outcome.note !== undefined) task.title = `${task.title} (${outcome.note})`;
        },
      })),
      { exitOnError: false, concurrent: false, rendererOptions: { collapseErrors: false } },
    );
    const shown = tasks.run().catch(() => undefined);
    const result = await applyPlan(plan, observed, parallelism);
    for (const resolve of waiting.values()) resolve(undefined);
    await shown;
    return result;
  }
  let index = 0;
  const total = plan.steps.length;
  const counted: StepRunner = {
    async run(step) {
      const outcome = await runner.run(step);
      index += 1;
      if (!quiet) {
        const mark = outcome.status === "done" ? term.paint.green("done") : term.paint.red("failed");
        term.err(
          `[${index}/${total}] ${ACTION_SYMBOL[step.action]} ${stepTitle(step)}: ${mark}${outcome.note !== undefined ? ` (${outcome.note})` : ""}\n`,
        );
      }
      return outcome;
    },
  };
  return applyPlan(plan, counted, parallelism);
}

async function execute(
  plan: Plan,
  wired: Wiring,
  /** The connections planning opened, one per cluster, reused here. */
  connected: ReadonlyMap<string, KubePort>,
  options: ApplyOptions,
  term: Terminal,
  verb: string,
): Promise<number> {
  if (plan.steps.length === 0) {
    if (options.json === true) term.out(`${JSON.stringify({ ok: true, outcomes: [] })}\n`);
    return ExitCode.ok;
  }
  if (!(await confirm(plan, options, term, verb))) {
    term.err("Nothing was changed.\n");
    return ExitCode.error;
  }
  const kubeFor = async (cluster: string) => {
    const region = plan.clusters[cluster]?.region;
    if (region === undefined) throw new Error(`no region for ${cluster}`);
    const described = await wired.deps.eks(region).describeCluster(cluster);
    if (described === undefined) throw new Error(`cluster ${cluster} not found`);
    const config = {
      name: cluster,
      region,
      authentication: "auto" as const,
      arn: described.arn,
      accountId: described.arn.split(":")[4] ?? plan.accountId,
    };
    return wired.deps.kube(config, described);
  };
  const cache = new Map<string, Promise<KubePort>>(
    [...connected].map(([cluster, port]) => [cluster, Promise.resolve(port)]),
  );
  const runner = createStepRunner(plan, wired.deps, (cluster) => {
    let port = cache.get(cluster);
    if (port === undefined) {
      port = kubeFor(cluster);
      cache.set(cluster, port);
    }
    return port;
  });
  const result = await runSteps(plan, runner, term, options);
  if (options.json === true) {
    term.out(
      `${JSON.stringify(
        {
          ok: result.ok,
          outcomes: result.outcomes.map((o) => ({
            step: o.step.id,
            action: o.step.action,
            status: o.status,
            ...(o.note !== undefined ? { note: o.note } : {}),
            ...(o.diagnostic !== undefined ? { diagnostic: diagnosticsJson([o.diagnostic])[0] } : {}),
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    term.out(renderApplyResult(result, term));
  }
  return result.ok ? ExitCode.ok : ExitCode.error;
}

export async function applyCommand(
  planFile: string | undefined,
  options: ApplyOptions,
  term: Terminal,
): Promise<number> {
  if (planFile !== undefined) return applySaved(planFile, options, term);
  const planned = await planFor(options, false, term);
  if (!planned.ok) return ExitCode.error;
  if (options.json !== true) term.out(renderPlanText(planned.plan, term));
  return execute(planned.plan, planned.wiring, planned.kube, options, term, "Apply");
}

async function applySaved(planFile: string, options: ApplyOptions, term: Terminal): Promise<number> {
  const input = await readTextInput(planFile, "plan file");
  if (!input.ok) {
    term.err(renderDiagnostics(input.diagnostics, term));
    return ExitCode.error;
  }
  const saved = parseSavedPlan(planFile, input.value.text);
  if (!saved.ok) {
    term.err(renderDiagnostics(saved.diagnostics, term));
    return ExitCode.error;
  }
  const plan = saved.value;
  const fresh = await planFor(
    {
      ...options,
      config: plan.configFile,
      ...(plan.scope.cluster !== undefined ? { cluster: plan.scope.cluster } : {}),
      ...(plan.scope.team !== undefined ? { team: plan.scope.team } : {}),
    },
    plan.scope.destroy,
    term,
  );
  if (!fresh.ok) return ExitCode.error;
  const problems = savedPlanStillHolds(plan, fresh.plan);
  if (problems.length > 0) {
    term.err(renderDiagnostics(problems, term));
    return ExitCode.error;
  }
  if (options.json !== true) term.out(renderPlanText(plan, term));
  return execute(plan, fresh.wiring, fresh.kube, options, term, "Apply");
}

export async function destroyCommand(options: ApplyOptions, term: Terminal): Promise<number> {
  const planned = await planFor(options, true, term);
  if (!planned.ok) return ExitCode.error;
  if (options.json !== true) term.out(renderPlanText(planned.plan, term));
  return execute(planned.plan, planned.wiring, planned.kube, options, term, "Destroy");
}
