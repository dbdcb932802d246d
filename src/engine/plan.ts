/**
 * The plan use case: the desired state once, then observe (what it names), then diff.
 * And the check that a saved plan still holds.
 */
import { hasErrors, type Diagnostic, type Result } from "../core/diagnostics.js";
import type { AccessConfig } from "../core/model/access-config.js";
import { desiredAfterPlan } from "../core/plan/desired.js";
import { planChanges } from "../core/plan/diff.js";
import { canonicalJson, type Plan, type PlanScope } from "../core/plan/plan.js";
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
 * A saved plan may be applied only if the config is unchanged and planning again now
 * gives the same steps from the same observations: otherwise someone changed the config
 * or the live state since, and the saved plan could undo their change.
 */
export function savedPlanStillHolds(saved: Plan, fresh: Plan): Diagnostic[] {
  if (saved.configDigest !== fresh.configDigest) {
    return [
      {
        code: "EG311",
        severity: "error",
        summary: `the saved plan is out of date: ${saved.configFile} changed since the plan was made`,
        detail: "Nothing was applied. Run eksgate plan again, review it, and apply the new plan.",
      },
    ];
  }
  const strip = (p: Plan): string =>
    canonicalJson(
      p.steps.map((s) => ({ id: s.id, action: s.action, observed: s.observed, payload: s.payload })),
    );
  if (strip(saved) === strip(fresh)) return [];
  const savedIds = new Map(saved.steps.map((s) => [s.id, s]));
  const freshIds = new Map(fresh.steps.map((s) => [s.id, s]));
  const changed = [
    ...saved.steps.filter((s) => freshIds.get(s.id)?.observed !== s.observed).map((s) => s.id),
    ...fresh.steps.filter((s) => !savedIds.has(s.id)).map((s) => s.id),
  ];
  return [
    {
      code: "EG311",
      severity: "error",
      summary: `the saved plan is out of date: ${changed.length > 0 ? `changed since it was made: ${[...new Set(changed)].slice(0, 5).join(", ")}` : "the config or live state changed since it was made"}`,
      detail: "Nothing was applied. Run eksgate plan again, review it, and apply the new plan.",
    },
  ];
}
