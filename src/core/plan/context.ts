/**
 * What every part of the planner reads: the config, what was observed, the scope of the
 * plan, and the plan being made (its steps and diagnostics so far).
 */
import type { AccessConfig } from "../model/access-config.js";
import { isManagedRole } from "../model/ownership.js";
import type { ObservedIamRole, ObservedState } from "./observed.js";
import type { PlanScope } from "./plan.js";
import type { PlanDraft } from "./steps.js";

export interface PlanContext {
  readonly config: AccessConfig;
  readonly observed: ObservedState;
  readonly scope: PlanScope;
  readonly draft: PlanDraft;
}

export function teamInScope(scope: PlanScope, team: string): boolean {
  return scope.team === undefined || scope.team === team;
}

export function clusterInScope(scope: PlanScope, cluster: string): boolean {
  return scope.cluster === undefined || scope.cluster === cluster;
}

/** Every observed role tagged as eksgate's, the config's teams' and any other. */
export function managedRoles(observed: ObservedState): ObservedIamRole[] {
  return Object.values(observed.roles).filter((r): r is ObservedIamRole => r !== null && isManagedRole(r));
}
