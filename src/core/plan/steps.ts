/**
 * Plan steps while a plan is being made: each step's id, area and place in the order follow
 * from what it touches and what it does, so the parts of the planner only say that.
 *
 * Order (docs/plan-format.md): creates and updates run first, from the bottom up (IAM roles,
 * role policies, group policies, access entries, access policies, aws-auth, ClusterRoles,
 * bindings); deletes run after, from the top down. Within a phase, steps sort by id.
 */
import type { Diagnostic, DiagnosticCode } from "../diagnostics.js";
import { type PhasedStep, withDependencies } from "./dependencies.js";
import type { PolicyDocument } from "../model/policy-document.js";
import { serializePolicyDocument } from "../model/policy-document.js";
import { observationParts } from "./step-observation.js";
import {
  fingerprint,
  type PlanAction,
  type PlanArea,
  type PlanResource,
  type PlanStep,
  type StepPayload,
} from "./plan.js";

/** What a part of the planner says about one step. */
export interface StepOptions {
  readonly action: PlanAction;
  readonly resource: PlanResource;
  /** Why the step is needed, in one sentence. */
  readonly reason: string;
  /** Human diff lines. */
  readonly changes: readonly string[];
  /**
   * What the step is about as observed (step-observation.ts; only fingerprints go in the
   * plan); undefined when absent.
   */
  readonly observed: unknown;
  readonly payload: StepPayload;
}

/** A plan being made: its steps so far and what was found on the way. */
export interface PlanDraft {
  addStep(options: StepOptions): void;
  error(code: DiagnosticCode, summary: string, detail: string, path?: string): void;
  warn(code: DiagnosticCode, summary: string, detail: string): void;
  readonly diagnostics: readonly Diagnostic[];
  /** The steps in the order apply runs them. */
  orderedSteps(): PlanStep[];
}

export function createPlanDraft(): PlanDraft {
  const steps: PhasedStep[] = [];
  const diagnostics: Diagnostic[] = [];
  return {
    addStep(options) {
      const { resource, action } = options;
      const parts = observationParts(options.observed);
      steps.push({
        phase: phaseOf(resource, action),
        step: {
          id: stepId(resource),
          area: areaOf(resource),
          action,
          resource,
          reason: options.reason,
          changes: options.changes,
          observed: fingerprint(options.observed),
          ...(parts !== undefined ? { observedParts: parts } : {}),
          payload: options.payload,
        },
      });
    },
    error(code, summary, detail, path) {
      diagnostics.push({ code, severity: "error", summary, detail, ...(path !== undefined ? { path } : {}) });
    },
    warn(code, summary, detail) {
      diagnostics.push({ code, severity: "warning", summary, detail });
    },
    diagnostics,
    orderedSteps() {
      return withDependencies(
        [...steps].sort((a, b) => a.phase - b.phase || compareText(a.step.id, b.step.id)),
      );
    },
  };
}

/**
 * The dependencies of steps in plan order, for a plan saved before steps carried them
 * (`dependsOn` absent): the same rules, from each step's phase.
 */
export function addDependencies(steps: readonly Omit<PlanStep, "dependsOn">[]): PlanStep[] {
  return withDependencies(steps.map((step) => ({ phase: phaseOf(step.resource, step.action), step })));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Creates and updates bottom-up (0-7), deletes top-down (10-16). */
function phaseOf(resource: PlanResource, action: PlanAction): number {
  const removing = action === "delete";
  switch (resource.kind) {
    case "iam-role":
      return removing ? 16 : 0;
    case "iam-role-policy":
      return removing ? 15 : 1;
    case "iam-group-policy":
      return removing ? 14 : 2;
    case "access-entry":
      return removing ? 13 : 3;
    case "access-policy":
      return removing ? 12 : 4;
    case "aws-auth":
      // One step per cluster that changes entries in place; never deleted.
      return 5;
    case "rbac":
      if (resource.objectKind === "ClusterRole") return removing ? 11 : 6;
      return removing ? 10 : 7;
  }
}

function areaOf(resource: PlanResource): PlanArea {
  switch (resource.kind) {
    case "iam-role":
    case "iam-role-policy":
    case "iam-group-policy":
      return "iam";
    case "aws-auth":
    case "access-entry":
    case "access-policy":
      return "authentication";
    case "rbac":
      return "rbac";
  }
}

/** Stable and unique within a plan, e.g. `iam-role/eksgate-rnd`. */
export function stepId(resource: PlanResource): string {
  switch (resource.kind) {
    case "iam-role":
      return `iam-role/${accountPart(resource.account)}${resource.roleName}`;
    case "iam-role-policy":
      return `iam-role-policy/${accountPart(resource.account)}${resource.roleName}/${resource.policyName}`;
    case "iam-group-policy":
      return `iam-group-policy/${resource.groupName}/${resource.policyName}`;
    case "aws-auth":
      return `aws-auth/${resource.cluster}`;
    case "access-entry":
      return `access-entry/${resource.cluster}/${resource.principalArn}`;
    case "access-policy":
      return `access-policy/${resource.cluster}/${resource.principalArn}/${resource.policyArn}`;
    case "rbac":
      return `rbac/${resource.cluster}/${resource.objectKind}/${resource.namespace ?? ""}/${resource.name}`;
  }
}

function accountPart(account: string | undefined): string {
  return account === undefined ? "" : `${account}/`;
}

/** A policy document as diff lines, each prefixed with `sign` (`+`, `-`, `+ trust`, ...). */
export function policyLines(sign: string, doc: PolicyDocument): string[] {
  return serializePolicyDocument(doc, 0)
    .split("\n")
    .map((l) => `${sign} ${l}`);
}
