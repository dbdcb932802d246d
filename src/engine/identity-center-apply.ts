/**
 * Apply's Identity Center steps: a permission set eksgate manages, and the assignment of a
 * team's group to an account through it. Written like every step, so that running them again
 * after an interruption converges: a create that finds the permission set made already
 * updates it; deletes of what is gone are done.
 *
 * Identity Center's writes are asynchronous: an assignment or a provisioning answers a
 * request whose status is polled until it succeeds or fails (at most
 * IDENTITY_CENTER_MAX_POLLS times, waiting on the engine's clock).
 */
import type { Plan, PlanStep } from "../core/plan/plan.js";
import { isPortError, PortError } from "../ports/errors.js";
import type {
  IdentityCenterPort,
  IdentityCenterRequestKind,
  IdentityCenterRequestStatus,
} from "../ports/identity-center.js";
import type { Clock } from "../ports/system.js";

export const IDENTITY_CENTER_MAX_POLLS = 60;
const FIRST_POLL_WAIT_MS = 500;
const MAX_POLL_WAIT_MS = 5_000;

/**
 * Permission set ARNs by name, per plan being applied and instance: listed once per apply
 * (ListPermissionSets and a DescribePermissionSet each), kept up to date by its steps.
 */
const lookups = new WeakMap<Plan, Map<string, Promise<Map<string, string>>>>();

function arnsOf(plan: Plan, port: IdentityCenterPort, instanceArn: string): Promise<Map<string, string>> {
  let byInstance = lookups.get(plan);
  if (byInstance === undefined) {
    byInstance = new Map();
    lookups.set(plan, byInstance);
  }
  let arns = byInstance.get(instanceArn);
  if (arns === undefined) {
    arns = port.listPermissionSets(instanceArn).then((sets) => new Map(sets.map((s) => [s.name, s.arn])));
    byInstance.set(instanceArn, arns);
    // A failed listing is not kept: the next step asks again.
    arns.catch(() => byInstance.delete(instanceArn));
  }
  return arns;
}

async function permissionSetArn(
  plan: Plan,
  port: IdentityCenterPort,
  instanceArn: string,
  name: string,
): Promise<string | undefined> {
  return (await arnsOf(plan, port, instanceArn)).get(name);
}

/** Waits until an asynchronous Identity Center request is done; a failed one throws. */
async function settled(
  port: IdentityCenterPort,
  clock: Clock,
  instanceArn: string,
  kind: IdentityCenterRequestKind,
  first: IdentityCenterRequestStatus,
  operation: string,
): Promise<void> {
  let status = first;
  for (let poll = 1; status.status === "IN_PROGRESS"; poll++) {
    if (poll > IDENTITY_CENTER_MAX_POLLS) {
      throw new PortError(
        "unavailable",
        `${operation} is still in progress after ${IDENTITY_CENTER_MAX_POLLS} checks (request ${status.requestId})`,
        { operation },
      );
    }
    await clock.sleep(Math.min(MAX_POLL_WAIT_MS, FIRST_POLL_WAIT_MS * 2 ** (poll - 1)));
    status = await port.requestStatus(instanceArn, kind, status.requestId);
  }
  if (status.status === "FAILED") {
    throw new PortError(
      "invalid",
      `${operation} failed in IAM Identity Center: ${status.failureReason ?? "no reason given"} (request ${status.requestId})`,
      { operation },
    );
  }
}

/** Runs one permission-set or account-assignment step; the note says what else happened. */
export async function executeIdentityCenterStep(
  step: PlanStep,
  plan: Plan,
  port: IdentityCenterPort | undefined,
  clock: Clock,
): Promise<string | undefined> {
  const { resource, payload } = step;
  if (resource.kind !== "permission-set" && resource.kind !== "account-assignment") {
    throw new Error(`${step.id} is not an Identity Center step`);
  }
  if (port === undefined) {
    throw new Error(`plan step ${step.id} needs IAM Identity Center, and apply was given no way to reach it`);
  }
  const { instanceArn } = resource;
  if (resource.kind === "permission-set") {
    const arns = await arnsOf(plan, port, instanceArn);
    if (step.action === "delete") {
      const arn = arns.get(resource.name);
      if (arn === undefined) return "already gone";
      try {
        await port.deletePermissionSet(instanceArn, arn);
      } catch (error) {
        if (!isPortError(error, "not-found")) throw error;
      }
      arns.delete(resource.name);
      return undefined;
    }
    if (payload.type !== "permission-set")
      throw new Error(`plan step ${step.id} has payload ${payload.type}`);
    let arn = arns.get(resource.name);
    let note: string | undefined;
    if (step.action === "create" && arn === undefined) {
      try {
        arn = await port.createPermissionSet(instanceArn, {
          name: resource.name,
          description: payload.description,
          sessionDuration: payload.sessionDuration,
          tags: payload.tags,
        });
        arns.set(resource.name, arn);
        await port.putInlinePolicy(instanceArn, arn, payload.inlinePolicy);
        return undefined;
      } catch (error) {
        if (!isPortError(error, "already-exists")) throw error;
        // Made by an earlier, interrupted apply: look it up and bring it in line.
        lookups.get(plan)?.delete(instanceArn);
        arn = await permissionSetArn(plan, port, instanceArn, resource.name);
        note = "existed already (an earlier apply was interrupted): updated";
      }
    } else if (step.action === "create") {
      note = "existed already (an earlier apply was interrupted): updated";
    }
    if (arn === undefined) {
      throw new PortError(
        "not-found",
        `the permission set ${resource.name} does not exist in ${instanceArn}`,
        {
          operation: "sso:DescribePermissionSet",
        },
      );
    }
    await port.updatePermissionSet(instanceArn, arn, {
      description: payload.description,
      sessionDuration: payload.sessionDuration,
    });
    await port.putInlinePolicy(instanceArn, arn, payload.inlinePolicy);
    // The accounts it is provisioned in get the new policy and duration only when provisioned again.
    const provisioning = await port.provisionPermissionSet(instanceArn, arn);
    await settled(port, clock, instanceArn, "provisioning", provisioning, "sso:ProvisionPermissionSet");
    return note;
  }

  const arn = await permissionSetArn(plan, port, instanceArn, resource.permissionSet);
  if (arn === undefined) {
    if (step.action === "delete") return "already gone (no such permission set)";
    throw new PortError(
      "not-found",
      `the permission set ${resource.permissionSet} does not exist in ${instanceArn}`,
      { operation: "sso:CreateAccountAssignment" },
    );
  }
  const target = {
    permissionSetArn: arn,
    accountId: resource.accountId,
    principalType: "GROUP" as const,
    principalId: resource.groupId,
  };
  if (step.action === "delete") {
    try {
      const deleting = await port.deleteAccountAssignment(instanceArn, target);
      await settled(port, clock, instanceArn, "assignment-deletion", deleting, "sso:DeleteAccountAssignment");
    } catch (error) {
      if (!isPortError(error, "not-found")) throw error;
      return "already gone";
    }
    return undefined;
  }
  const creating = await port.createAccountAssignment(instanceArn, target);
  await settled(port, clock, instanceArn, "assignment-creation", creating, "sso:CreateAccountAssignment");
  return undefined;
}
