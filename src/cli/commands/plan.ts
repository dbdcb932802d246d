/** `eksgate plan`, `eksgate apply` and `eksgate destroy`. */
import { createHash } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { loadConfigFile, readTextInput } from "../../adapters/fs/config-file.js";
import { locateInConfig } from "../../core/config/source.js";
import type { Plan, PlanScope } from "../../core/plan/plan.js";
import { parseSavedPlan } from "../../core/plan/plan-file.js";
import {
  applyPlan,
  type ApplyResult,
  type StepOutcome,
  type StepRunner,
  clusterConnections,
  type StepRunnerOptions,
  createStepRunner,
} from "../../engine/apply.js";
import { failureDiagnostic, isExpectedFailure } from "../../engine/failure-diagnostic.js";
import type { EngineEvent } from "../../engine/events.js";
import { makePlan, savedPlanConfigHolds } from "../../engine/plan.js";
import type { KubePort } from "../../ports/kube.js";
import { wireEngine, type Wiring } from "../composition.js";
import { ExitCode, type Terminal } from "../terminal.js";
import {
  diagnosticsJson,
  outputWriteDiagnostic,
  renderDiagnostics,
  reportFailure,
} from "../views/diagnostics.js";
import { scopeDiagnostics } from "./scope.js";
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
    // Warnings show with --json too: stdout keeps the JSON, they go to stderr.
    if (event.type === "warning") term.err(renderDiagnostics([event.diagnostic], term));
    if (quiet) return;
    if (event.type === "observe") term.err(term.paint.dim(`reading ${event.what}...\n`));
    if (event.type === "backup")
      term.err(`saved the previous aws-auth of ${event.cluster} to ${event.path}\n`);
    if (event.type === "retry" || event.type === "read-retry")
      term.err(term.paint.yellow(`retry ${event.attempt}: ${event.why}\n`));
  };
}

async function loadConfig(
  file: string,
  term: Terminal,
  json: boolean,
): Promise<{ ok: true; config: AccessConfig; digest: string; text: string } | { ok: false }> {
  const loaded = await loadConfigFile(file);
  const sources = new Map(loaded.text !== undefined ? [[file, loaded.text]] : []);
  if (!loaded.ok) {
    reportFailure(loaded.diagnostics, term, { json, sources });
    return { ok: false };
  }
  if (loaded.diagnostics.length > 0) term.err(renderDiagnostics(loaded.diagnostics, term, sources));
  return {
    ok: true,
    config: loaded.value,
    text: loaded.text ?? "",
    digest: createHash("sha256")
      .update(loaded.text ?? "")
      .digest("hex"),
  };
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

async function planFor(
  options: CommonOptions,
  destroy: boolean,
  term: Terminal,
): Promise<{ ok: true; plan: Plan; wiring: Wiring; kube: ReadonlyMap<string, KubePort> } | { ok: false }> {
  const json = options.json === true;
  const loaded = await loadConfig(options.config, term, json);
  if (!loaded.ok) return loaded;
  const scope = scopeDiagnostics(loaded.config, options, options.config);
  if (scope.length > 0) {
    reportFailure(scope, term, { json });
    return { ok: false };
  }
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
    // Failures of AWS or Kubernetes become diagnostics; anything else is a bug.
    if (!isExpectedFailure(error)) throw error;
    result = { ok: false as const, diagnostics: [failureDiagnostic(error, { during: "read" })] };
  }
  // Problems with a field of the config point at it, as validation errors do.
  const located = locateInConfig(options.config, loaded.text, result.diagnostics);
  const sources = new Map([[options.config, loaded.text]]);
  if (!result.ok) {
    reportFailure(located, term, { json, sources, then: NOTHING_PLANNED });
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
      reportFailure([outputWriteDiagnostic(outputWriteError(options.out, error), "--out")], term, {
        json: options.json === true,
      });
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
    reportFailure(
      [
        {
          code: "EG320",
          severity: "error",
          summary: `refusing to ${verb.toLowerCase()} without confirmation: standard input is not a terminal`,
          detail: "Review the plan, then run again with --auto-approve.",
          path: "--auto-approve",
        },
      ],
      term,
      { json: options.json === true, then: NOTHING_CHANGED },
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
const NOTHING_PLANNED = "No plan was made and nothing was changed.";
const NOTHING_CHANGED = "Nothing was changed.";

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
  runnerOptions: StepRunnerOptions = {},
): Promise<number> {
  if (plan.steps.length === 0) {
    if (options.json === true) term.out(`${JSON.stringify({ ok: true, outcomes: [] })}\n`);
    return ExitCode.ok;
  }
  if (!(await confirm(plan, options, term, verb))) {
    // Declined at the prompt; without a terminal, confirm has said why.
    if (term.isTTY && process.stdin.isTTY) term.err(`${NOTHING_CHANGED}\n`);
    return ExitCode.error;
  }
  const runner = createStepRunner(
    plan,
    wired.deps,
    clusterConnections(plan, wired.deps, connected),
    runnerOptions,
  );
  const result = await runSteps(plan, runner, term, options);
  if (options.json === true) {
    term.out(
      `${JSON.stringify(
        {
          ok: result.ok,
          ...(plan.diagnostics.length > 0 ? { diagnostics: diagnosticsJson(plan.diagnostics) } : {}),
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
  const json = options.json === true;
  const input = await readTextInput(planFile, "plan file");
  if (!input.ok) {
    reportFailure(input.diagnostics, term, { json });
    return ExitCode.error;
  }
  const saved = parseSavedPlan(planFile, input.value.text);
  if (!saved.ok) {
    reportFailure(saved.diagnostics, term, { json, then: NOTHING_CHANGED });
    return ExitCode.error;
  }
  const plan = saved.value;
  // No new plan: the config is read for how to reach the accounts and to check that it is
  // the one the plan was made from; each step reads its own resource again before writing.
  const loaded = await loadConfig(plan.configFile, term, json);
  if (!loaded.ok) return ExitCode.error;
  const problems = savedPlanConfigHolds(plan, loaded.digest);
  if (problems.length > 0) {
    reportFailure(problems, term, { json });
    return ExitCode.error;
  }
  if (options.json !== true) term.out(renderPlanText(plan, term));
  return execute(plan, wiring(options, loaded.config, term), new Map(), options, term, "Apply", {
    recheck: true,
  });
}

export async function destroyCommand(options: ApplyOptions, term: Terminal): Promise<number> {
  const planned = await planFor(options, true, term);
  if (!planned.ok) return ExitCode.error;
  if (options.json !== true) term.out(renderPlanText(planned.plan, term));
  return execute(planned.plan, planned.wiring, planned.kube, options, term, "Destroy");
}
