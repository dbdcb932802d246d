/**
 * Applying a saved plan without planning again: just before a step writes, the one
 * resource it is about is read again and compared with what the step was planned against
 * (its `observed` fingerprint, step-observation.ts). A difference refuses the step (EG313)
 * and names what changed; nothing else is read.
 *
 * aws-auth is compared on the read its writer makes anyway (apply.ts), so that the check
 * and the write see the same resourceVersion.
 */
import type { Diagnostic } from "../core/diagnostics.js";
import type { PlanStep } from "../core/plan/plan.js";
import {
  accessEntryObservation,
  accessPolicyObservation,
  awsAuthObservation,
  awsAuthRoles,
  observationChange,
  policyObservation,
  rbacObservation,
  roleObservation,
} from "../core/plan/step-observation.js";
import { isPortError } from "../ports/errors.js";
import type { EksPort } from "../ports/eks.js";
import type { IamPort } from "../ports/iam.js";
import type { KubePort } from "../ports/kube.js";
import { iso } from "./observe.js";

/** The ports that reach the resource of one step (its account, region and cluster). */
export interface StepPorts {
  readonly iam: () => IamPort;
  readonly eks: () => EksPort;
  readonly kube: () => Promise<KubePort>;
}

/** `read`, with "not found" (of the resource or what holds it) as absent. */
async function orAbsent<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isPortError(error, "not-found")) return undefined;
    throw error;
  }
}

/** Reads the resource of `step` now, as the planner observes it. */
export async function observeStepNow(step: PlanStep, ports: StepPorts): Promise<unknown> {
  const resource = step.resource;
  switch (resource.kind) {
    case "iam-role":
      return roleObservation(await orAbsent(() => ports.iam().getRole(resource.roleName)));
    case "iam-role-policy":
      return policyObservation(
        await orAbsent(() => ports.iam().getRolePolicy(resource.roleName, resource.policyName)),
      );
    case "iam-group-policy":
      return policyObservation(
        await orAbsent(() => ports.iam().getGroupPolicy(resource.groupName, resource.policyName)),
      );
    case "access-entry": {
      const entry = await orAbsent(() =>
        ports.eks().describeAccessEntry(resource.cluster, resource.principalArn),
      );
      return accessEntryObservation(
        entry === undefined ? undefined : { ...entry, createdAt: iso(entry.createdAt) },
      );
    }
    case "access-policy": {
      const policies = await orAbsent(() =>
        ports.eks().listAssociatedAccessPolicies(resource.cluster, resource.principalArn),
      );
      return accessPolicyObservation(policies?.find((p) => p.policyArn === resource.policyArn));
    }
    case "aws-auth": {
      const current = await (await ports.kube()).readConfigMap("kube-system", "aws-auth");
      return awsAuthStepObservation(step, current?.data);
    }
    case "permission-set":
    case "account-assignment":
      // apply does not ask for these (Identity Center steps are not read again yet).
      throw new Error(`no re-read for ${resource.kind} steps`);
    case "rbac": {
      const kube = await ports.kube();
      return rbacObservation(
        await orAbsent(() => kube.getRbac(resource.objectKind, resource.name, resource.namespace)),
      );
    }
  }
}

/** What an aws-auth step observes of the ConfigMap's data (undefined: no ConfigMap). */
export function awsAuthStepObservation(
  step: PlanStep,
  data: Readonly<Record<string, string>> | undefined,
): unknown {
  return awsAuthObservation(data, step.payload.type === "aws-auth" ? awsAuthRoles(step.payload) : []);
}

/** EG313 for a step whose resource is no longer as planned; undefined when it is. */
export function recheckDiagnostic(step: PlanStep, now: unknown): Diagnostic | undefined {
  const change = observationChange(step, now);
  if (change === undefined) return undefined;
  return {
    code: "EG313",
    severity: "error",
    summary: `refused: ${change}`,
    detail:
      "Nothing was written for this step. Someone or something changed it after the plan was made; " +
      "run eksgate plan again, review the new plan, and apply that.",
  };
}
