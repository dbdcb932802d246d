/**
 * A plan is data: the ordered steps that make the live state match the config, each
 * with a reason, a human diff, what to write, and a fingerprint of what was observed so
 * that applying a saved plan can refuse when the world has changed since.
 *
 * The JSON form (`eksgate plan --out plan.json`) is versioned by `formatVersion` and
 * documented in docs/plan-format.md.
 */
import type { PolicyDocument } from "../model/policy-document.js";
import type { IamTag } from "../model/iam-documents.js";
import type { AccessScope } from "../model/access-entry.js";
import type { RbacObject } from "../model/rbac.js";
import type { DesiredRoleMapping } from "../model/aws-auth.js";
import type { Diagnostic } from "../diagnostics.js";

export const PLAN_FORMAT_VERSION = 2;

export type PlanAction = "create" | "update" | "delete" | "replace";
export type PlanArea = "iam" | "authentication" | "rbac";

export type PlanResource =
  /** `account` is set for a role outside the identity account (configs with several accounts). */
  | { readonly kind: "iam-role"; readonly roleName: string; readonly account?: string }
  | {
      readonly kind: "iam-role-policy";
      readonly roleName: string;
      readonly policyName: string;
      readonly account?: string;
    }
  | { readonly kind: "iam-group-policy"; readonly groupName: string; readonly policyName: string }
  | { readonly kind: "aws-auth"; readonly cluster: string }
  | { readonly kind: "access-entry"; readonly cluster: string; readonly principalArn: string }
  | {
      readonly kind: "access-policy";
      readonly cluster: string;
      readonly principalArn: string;
      readonly policyArn: string;
    }
  | {
      readonly kind: "rbac";
      readonly cluster: string;
      readonly objectKind: RbacObject["kind"];
      readonly name: string;
      readonly namespace?: string;
    };

export type StepPayload =
  | {
      readonly type: "role";
      readonly trustPolicy: PolicyDocument;
      readonly description: string;
      readonly tags: readonly IamTag[];
    }
  | { readonly type: "policy"; readonly document: PolicyDocument }
  | {
      readonly type: "aws-auth";
      /** Entries eksgate wants in mapRoles. */
      readonly desired: readonly DesiredRoleMapping[];
      /** Role ARNs whose entries eksgate owns (may add, change or remove). */
      readonly owned: readonly string[];
    }
  | {
      readonly type: "access-entry";
      readonly kubernetesGroups: readonly string[];
      readonly username: string;
      readonly tags: Readonly<Record<string, string>>;
    }
  | { readonly type: "access-policy"; readonly accessScope: AccessScope }
  | { readonly type: "rbac"; readonly object: RbacObject }
  | { readonly type: "none" };

export interface PlanStep {
  /** Stable and unique within a plan, e.g. `iam-role/eksgate-rnd`. */
  readonly id: string;
  readonly area: PlanArea;
  readonly action: PlanAction;
  readonly resource: PlanResource;
  /** Why this step is needed, in one sentence. */
  readonly reason: string;
  /** Human diff lines (`+ ...`, `~ ...`, `- ...`). */
  readonly changes: readonly string[];
  /**
   * Fingerprint of what the step is about as observed when planned (step-observation.ts);
   * `absent` when it did not exist. Applying a saved plan reads the resource again and
   * refuses the step when the fingerprint differs.
   */
  readonly observed: string;
  /** Fingerprint of each part of that observation, to say what changed (absent: none). */
  readonly observedParts?: Readonly<Record<string, string>>;
  readonly payload: StepPayload;
  /**
   * Ids of earlier steps of the plan that must be done before this one starts
   * (dependencies.ts); steps that do not depend on each other may run at the same time.
   */
  readonly dependsOn: readonly string[];
}

export interface PlanScope {
  readonly cluster?: string;
  readonly team?: string;
  /** destroy: remove what eksgate created for the teams in scope. */
  readonly destroy: boolean;
}

export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly kind: "EksgatePlan";
  /** ISO 8601, from the clock port. */
  readonly createdAt: string;
  readonly configFile: string;
  readonly accountId: string;
  readonly scope: PlanScope;
  /**
   * Region of each cluster in the plan, so apply can reach them without the config; and
   * its account when that is not the identity account.
   */
  readonly clusters: Readonly<Record<string, { readonly region: string; readonly account?: string }>>;
  readonly steps: readonly PlanStep[];
  /** Warnings found while planning (errors stop planning). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * SHA-256 (hex) of the config file's text when planned: applying a saved plan refuses when
   * the config has changed since (EG311). Last, as in every plan file eksgate has written.
   */
  readonly configDigest: string;
}

export function planSummary(plan: Pick<Plan, "steps">): Record<PlanAction, number> {
  const summary: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const step of plan.steps) summary[step.action] += 1;
  return summary;
}

export const ACTION_SYMBOL: Readonly<Record<PlanAction, string>> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "-/+",
};

/** A small, stable, non-cryptographic hash (53-bit) of a canonical JSON value. */
export function fingerprint(value: unknown): string {
  if (value === undefined) return "absent";
  const text = canonicalJson(value);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  // JSON.stringify gives undefined for functions and symbols, which plans never hold.
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? JSON.stringify(value)
    : "null";
}
