/**
 * The plan use case: the desired state once, then observe (what it names), then diff.
 * And the check that a saved plan was made from the config as it is now.
 */
import { hasErrors, type Diagnostic, type Result } from "../core/diagnostics.js";
import type { AccessConfig } from "../core/model/access-config.js";
import { desiredAfterPlan } from "../core/plan/desired.js";
import { planChanges } from "../core/plan/diff.js";
import type { Plan, PlanScope } from "../core/plan/plan.js";
import type { EngineDeps } from "./deps.js";
import { observe, type Observation } from "./observe.js";

export interface PlanOutcome {
  readonly plan: Plan;
  readonly observation: Observation;
}

/** A loaded config, where it came from, and what to plan for. */
export interface PlanRequest {
  readonly config: AccessConfig;
  readonly configFile: string;
  /** SHA-256 (hex) of the config file's text. */
  readonly configDigest: string;
  readonly scope: PlanScope;
  /** At most this many reads in flight at once (default 10). */
  readonly parallelism?: number;
}

export async function makePlan(request: PlanRequest, deps: EngineDeps): Promise<Result<PlanOutcome>> {
  const { config, scope } = request;
  const desired = desiredAfterPlan(config, scope);
  const observation = await observe(config, desired, deps, request.parallelism);
  if (hasErrors(observation.diagnostics)) return { ok: false, diagnostics: observation.diagnostics };
  const planned = planChanges({
    config,
    desired,
    observed: observation.state,
    scope,
    createdAt: deps.clock.now(),
    configFile: request.configFile,
    configDigest: request.configDigest,
  });
  if (!planned.ok) return { ok: false, diagnostics: [...observation.diagnostics, ...planned.diagnostics] };
  // What connecting said (a context skipped, several that fit) belongs to the plan's
  // warnings: it shows with the plan, in --json too.
  const diagnostics = [...observation.diagnostics, ...planned.diagnostics];
  const plan = { ...planned.value, diagnostics: [...observation.diagnostics, ...planned.value.diagnostics] };
  return { ok: true, value: { plan, observation }, diagnostics };
}

/**
 * A saved plan is applied as it is, without planning again: each step reads its own
 * resource again just before it writes and is refused when that changed (recheck.ts).
 * The config it was made from must be unchanged, though: a plan of an old config would
 * undo what the new one asks for.
 */
export function savedPlanConfigHolds(saved: Plan, configDigest: string): Diagnostic[] {
  if (saved.configDigest === configDigest) return [];
  return [
    {
      code: "EG311",
      severity: "error",
      summary: `the saved plan is out of date: ${saved.configFile} changed since the plan was made`,
      detail: "Nothing was applied. Run eksgate plan again, review it, and apply the new plan.",
    },
  ];
}
