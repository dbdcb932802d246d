/**
 * What a step is about, as observed: the planner records it (as fingerprints) in the
 * step, and applying a saved plan reads that one resource again and compares, instead of
 * planning again (docs/plan-format.md, "How apply uses a saved plan").
 *
 * Each observation holds only what the step itself depends on, so that the plan's own
 * earlier steps and unrelated changes do not look like a change:
 *
 * - an access entry without its access policies (the plan's policy steps may change
 *   those before the entry's own step runs, e.g. on destroy: policies first);
 * - a role without its inline policies (each has its own step);
 * - aws-auth as the mapRoles entries of the roles the step writes or owns (entries of
 *   other roles, and the other keys, are kept by the writer whatever they hold).
 *
 * An observation is undefined when the resource did not exist; otherwise an object
 * whose top-level keys are the parts a refusal names.
 */
import { parseAwsAuthData } from "../model/aws-auth.js";
import type { AccessScope } from "../model/access-entry.js";
import type { IamTag } from "../model/iam-documents.js";
import { MANAGED_BY_LABEL, TEAM_LABEL } from "../model/ownership.js";
import type { PolicyDocument } from "../model/policy-document.js";
import { comparablePolicyRule, type ObservedRbacObject } from "../model/rbac.js";
import type { ObservedAccessEntryState, ObservedIamRole } from "./observed.js";
import { fingerprint, type PlanStep } from "./plan.js";

/** A role step: its trust policy, tags (by key) and unique id. */
export function roleObservation(
  role: Pick<ObservedIamRole, "trustPolicy" | "tags" | "roleId"> | undefined,
): unknown {
  if (role === undefined) return undefined;
  const tags: IamTag[] = [...role.tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  return { trustPolicy: role.trustPolicy, tags, roleId: role.roleId };
}

/** An inline policy step (role or group): the document. */
export function policyObservation(document: PolicyDocument | undefined): unknown {
  return document === undefined ? undefined : { document };
}

/** An access entry step: the entry, not its access policies (they have steps of their own). */
export function accessEntryObservation(
  entry: Omit<ObservedAccessEntryState, "policies"> | undefined,
): unknown {
  if (entry === undefined) return undefined;
  return {
    type: entry.type,
    kubernetesGroups: [...entry.kubernetesGroups].sort(),
    username: entry.username,
    tags: entry.tags,
    createdAt: entry.createdAt,
  };
}

/** An access policy step: the scope the policy is associated with. */
export function accessPolicyObservation(policy: { readonly accessScope: AccessScope } | undefined): unknown {
  return policy === undefined ? undefined : { accessScope: policy.accessScope };
}

/** What eksgate compares of an RBAC object: its ownership labels and what it grants. */
export function comparableRbac(o: ObservedRbacObject): unknown {
  const labels = Object.fromEntries(
    Object.entries(o.metadata.labels).filter(([k]) => k === MANAGED_BY_LABEL || k === TEAM_LABEL),
  );
  if (o.kind === "ClusterRole") return { kind: o.kind, labels, rules: o.rules.map(comparablePolicyRule) };
  return {
    kind: o.kind,
    labels,
    roleRef: { kind: o.roleRef.kind, name: o.roleRef.name },
    subjects: o.subjects.map((s) => ({ kind: s.kind, name: s.name })),
  };
}

/** An RBAC step: the object as eksgate compares it. */
export function rbacObservation(object: ObservedRbacObject | undefined): unknown {
  return object === undefined ? undefined : comparableRbac(object);
}

/** The roles an aws-auth step is about: those it writes entries for and those it owns. */
export function awsAuthRoles(payload: {
  readonly desired: readonly { readonly rolearn: string }[];
  readonly owned: readonly string[];
}): string[] {
  return [...payload.desired.map((d) => d.rolearn), ...payload.owned];
}

/**
 * An aws-auth step: for each role it writes or owns (by lowercased ARN), its mapRoles
 * entries as the authenticator reads them; `{}` when there are none, also when the
 * ConfigMap does not exist. A mapRoles that does not parse is observed as its text.
 */
export function awsAuthObservation(
  data: Readonly<Record<string, string>> | undefined,
  roleArns: Iterable<string>,
): unknown {
  const wanted = new Set([...roleArns].map((a) => a.toLowerCase()));
  const out: Record<string, { username: string; groups: readonly string[] }[]> = {};
  if (data === undefined) return out;
  const parsed = parseAwsAuthData(data);
  if (!parsed.ok || parsed.value.status.mapRoles === "dropped")
    return { "mapRoles (unreadable)": data["mapRoles"] ?? "" };
  for (const role of parsed.value.roles) {
    if (role.rolearn === "" || !wanted.has(role.key)) continue;
    (out[role.key] ??= []).push({ username: role.username, groups: role.groups });
  }
  return out;
}

/** The fingerprint of each top-level part of an observation (none when absent). */
export function observationParts(observation: unknown): Record<string, string> | undefined {
  if (observation === undefined || observation === null || typeof observation !== "object") return undefined;
  return Object.fromEntries(
    Object.entries(observation as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, fingerprint(v)]),
  );
}

/**
 * How the resource read now differs from what the step was planned against, in words;
 * undefined when it does not.
 */
export function observationChange(
  step: Pick<PlanStep, "observed" | "observedParts">,
  now: unknown,
): string | undefined {
  const current = fingerprint(now);
  if (current === step.observed) return undefined;
  if (step.observed === "absent") return "it did not exist when the plan was made, and exists now";
  if (current === "absent") return "it existed when the plan was made, and is gone now";
  const before = step.observedParts ?? {};
  const after = observationParts(now) ?? {};
  const parts = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort()
    .filter((k) => before[k] !== after[k])
    .map((k) => (before[k] === undefined ? `${k} (added)` : after[k] === undefined ? `${k} (removed)` : k));
  return parts.length > 0
    ? `changed since the plan was made: ${parts.join(", ")}`
    : "changed since the plan was made";
}
