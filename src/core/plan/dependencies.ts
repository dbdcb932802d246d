/**
 * Which steps of a plan must be done before which: the data apply needs to run independent
 * steps at the same time while keeping the order that matters (docs/plan-format.md).
 *
 * Each step touches a few "subjects": an IAM role, an IAM group, one access entry, one
 * Kubernetes group on one cluster, one ClusterRole, the bindings of one cluster. A step
 * depends on the steps of the nearest earlier phase that touch the same subject. Since
 * those depend in turn on the nearest phase before them, the plan's phase order holds for
 * every subject while steps on different subjects run independently. Some consequences:
 *
 * - a role before its inline policies, its access entries and the aws-auth that maps it;
 *   an access entry before its access policies;
 * - the mapping (aws-auth, access entry) of a Kubernetes group before the bindings whose
 *   subject is that group; a ClusterRole before the bindings that refer to it;
 * - deletes from the top down: bindings of a cluster before its ClusterRoles, access
 *   policies before their entry, a role's policies, entries and mappings before the role.
 *
 * Depending only on the nearest earlier phase keeps the lists short (a binding depends on
 * one aws-auth step, not on every role behind it).
 */
import { readArn } from "../model/arn.js";
import type { PlanStep } from "./plan.js";

/** A step in its phase (see steps.ts), before dependencies are known. */
export interface PhasedStep {
  readonly phase: number;
  readonly step: Omit<PlanStep, "dependsOn">;
}

function roleNameOfArn(text: string): string | undefined {
  const arn = readArn(text);
  return arn?.resourceType === "role" ? arn.name : undefined;
}

/** The subjects a step touches. */
export function stepSubjects(step: Omit<PlanStep, "dependsOn">): string[] {
  const { resource, payload } = step;
  switch (resource.kind) {
    case "iam-role":
    case "iam-role-policy":
      return [`role:${resource.roleName}`];
    case "iam-group-policy":
      return [`group:${resource.groupName}`];
    case "access-entry": {
      const role = roleNameOfArn(resource.principalArn);
      const groups = payload.type === "access-entry" ? payload.kubernetesGroups : [];
      return [
        ...(role !== undefined ? [`role:${role}`] : []),
        `entry:${resource.cluster}/${resource.principalArn}`,
        ...groups.map((g) => `kgroup:${resource.cluster}/${g}`),
      ];
    }
    case "access-policy":
      return [`entry:${resource.cluster}/${resource.principalArn}`];
    case "aws-auth": {
      if (payload.type !== "aws-auth") return [];
      const roles = [...payload.desired.map((d) => d.rolearn), ...payload.owned].flatMap((arn) => {
        const name = roleNameOfArn(arn);
        return name === undefined ? [] : [`role:${name}`];
      });
      const groups = payload.desired.flatMap((d) => d.groups.map((g) => `kgroup:${resource.cluster}/${g}`));
      return [...new Set([...roles, ...groups])];
    }
    case "rbac": {
      if (resource.objectKind === "ClusterRole") {
        const own = `clusterrole:${resource.cluster}/${resource.name}`;
        return step.action === "delete" ? [own, `bindings:${resource.cluster}`] : [own];
      }
      // A deleted binding's plan step does not carry the object: it is ordered before
      // every ClusterRole delete of its cluster.
      if (step.action === "delete") return [`bindings:${resource.cluster}`];
      if (payload.type !== "rbac" || payload.object.kind === "ClusterRole") return [];
      const binding = payload.object;
      return [
        `clusterrole:${resource.cluster}/${binding.roleRef.name}`,
        ...binding.subjects.map((s) => `kgroup:${resource.cluster}/${s.name}`),
      ];
    }
  }
}

/**
 * The steps in order (by phase, then as given) with `dependsOn`: ids of earlier steps of
 * the plan, in plan order.
 */
export function withDependencies(phased: readonly PhasedStep[]): PlanStep[] {
  const order = phased.map((p, index) => ({ ...p, index }));
  // Per subject: the steps of the latest phase seen so far, and the phase before it.
  const latest = new Map<string, { phase: number; indexes: number[]; before: number[] }>();
  const out: PlanStep[] = [];
  for (const { phase, step, index } of order) {
    const deps = new Set<number>();
    const subjects = stepSubjects(step);
    for (const subject of subjects) {
      const seen = latest.get(subject);
      if (seen === undefined) continue;
      for (const i of seen.phase < phase ? seen.indexes : seen.before) deps.add(i);
    }
    for (const subject of subjects) {
      const seen = latest.get(subject);
      if (seen === undefined) latest.set(subject, { phase, indexes: [index], before: [] });
      else if (seen.phase === phase) seen.indexes.push(index);
      else latest.set(subject, { phase, indexes: [index], before: seen.indexes });
    }
    out.push({
      ...step,
      dependsOn: [...deps].sort((a, b) => a - b).map((i) => phased[i]?.step.id ?? ""),
    });
  }
  return out;
}
