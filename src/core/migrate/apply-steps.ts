/**
 * Applying a migration plan, as data: the steps in the order that never locks anyone out,
 * and the pure decisions each step makes on what it reads.
 *
 * 1. The cluster goes to API_AND_CONFIG_MAP (if it is not there already): aws-auth still
 *    counts, and an access entry wins over it from the moment it exists.
 * 2. The access entries (and their policy associations) are created.
 * 3. Each principal is checked through the live cluster (a SubjectAccessReview per sample
 *    request, verify.ts).
 * 4. Only then the converted entries leave aws-auth, in one write.
 * 5. Towards API: the mode switch, then the ConfigMap, which the cluster no longer reads.
 *
 * Every step reads the state first and does only what is missing, so a run that stopped
 * anywhere (a failure, a kill) continues where it stopped when it is run again.
 */
import type { Result } from "../diagnostics.js";
import { parseAwsAuthData, removeListEntries, type AwsAuthMapping } from "../model/aws-auth.js";
import type { AccessPolicyAssociation } from "../evaluate/rbac/index.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../model/access-config.js";
import { RBAC_API_GROUP, RBAC_API_VERSION, type ClusterRoleBinding } from "../model/rbac.js";
import { shapeEntry, type PlannedAccessEntry } from "./convert.js";
import { MIGRATE_CODES } from "./codes.js";
import type { MigrationPlan } from "./plan.js";

export type MigrationStep =
  | { readonly kind: "switch-mode"; readonly id: string; readonly mode: "API_AND_CONFIG_MAP" | "API" }
  | { readonly kind: "access-entry"; readonly id: string; readonly entry: PlannedAccessEntry }
  | { readonly kind: "verify"; readonly id: string }
  | { readonly kind: "remove-from-aws-auth"; readonly id: string }
  | { readonly kind: "delete-aws-auth"; readonly id: string };

/** The steps of a plan, in order. */
export function migrationSteps(plan: MigrationPlan): MigrationStep[] {
  const steps: MigrationStep[] = [
    { kind: "switch-mode", id: "mode API_AND_CONFIG_MAP", mode: "API_AND_CONFIG_MAP" },
  ];
  for (const entry of plan.accessEntries) {
    steps.push({ kind: "access-entry", id: `access entry ${entry.principalArn}`, entry });
  }
  steps.push({ kind: "verify", id: "verify through the cluster" });
  if (plan.decisions.some((d) => d.removeFromAwsAuth)) {
    steps.push({ kind: "remove-from-aws-auth", id: "remove converted entries from aws-auth" });
  }
  if (plan.to === "API") {
    steps.push({ kind: "switch-mode", id: "mode API", mode: "API" });
    if (plan.deleteAwsAuth) steps.push({ kind: "delete-aws-auth", id: "delete aws-auth" });
  }
  return steps;
}

/**
 * An access entry takes effect the moment it exists, and in API_AND_CONFIG_MAP it wins over
 * the principal's aws-auth entry; its access policies come one call later. For an entry
 * whose access comes from a policy (system:masters became AmazonEKSClusterAdminPolicy), that
 * gap would leave the principal without its admin rights, for good if the run stops there.
 * So such an entry is first created with one more group, bound to cluster-admin by a
 * binding apply makes just before, and the group and the binding go once the policy is in
 * place: at every point in between the principal keeps cluster-wide admin rights.
 */
export const ADMIN_BRIDGE_GROUP = "eksgate:migration-admin";
export const ADMIN_BRIDGE_BINDING = "eksgate-migration-admin";

export function adminBridgeBinding(): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: { name: ADMIN_BRIDGE_BINDING, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    subjects: [{ kind: "Group", apiGroup: RBAC_API_GROUP, name: ADMIN_BRIDGE_GROUP }],
    roleRef: { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name: "cluster-admin" },
  };
}

/** An existing access entry, as EKS answers it. */
export interface ExistingEntry {
  readonly type: string;
  readonly kubernetesGroups: readonly string[];
  readonly username: string;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * How an entry that exists already differs from the planned one, after the server's
 * defaults (node groups and usernames, the generated username when the plan leaves it
 * out); empty: it is the planned entry (an earlier run made it).
 */
export function entryDifferences(planned: PlannedAccessEntry, existing: ExistingEntry): string[] {
  const out: string[] = [];
  if (existing.type !== planned.type) out.push(`type ${existing.type}, planned ${planned.type}`);
  // The bridge group of an interrupted run (ADMIN_BRIDGE_GROUP) is apply's own.
  const groups = existing.kubernetesGroups.filter((g) => g !== ADMIN_BRIDGE_GROUP);
  if (planned.type === "STANDARD" && !sameSet(groups, planned.kubernetesGroups)) {
    out.push(`groups [${groups.join(", ")}], planned [${planned.kubernetesGroups.join(", ")}]`);
  }
  if (planned.username !== undefined && existing.username !== planned.username) {
    out.push(`username ${existing.username}, planned ${planned.username}`);
  }
  return out;
}

function sameScope(
  a: AccessPolicyAssociation["accessScope"],
  b: AccessPolicyAssociation["accessScope"],
): boolean {
  if (a.type !== b.type) return false;
  return a.type === "cluster" || (b.type === "namespace" && sameSet(a.namespaces, b.namespaces));
}

/** The planned associations the entry does not have (or has with another scope). */
export function missingAssociations(
  planned: PlannedAccessEntry,
  existing: readonly AccessPolicyAssociation[],
): AccessPolicyAssociation[] {
  return planned.accessPolicies.filter(
    (p) => !existing.some((e) => e.policyArn === p.policyArn && sameScope(e.accessScope, p.accessScope)),
  );
}

export interface AwsAuthRemoval {
  /** The new `data`; equal to the old when nothing is left to remove. */
  readonly data: Record<string, string>;
  /** Paths of the entries removed, e.g. `mapRoles[2]`, in file order. */
  readonly removed: readonly string[];
}

function refusal(summary: string, detail: string, path?: string): Result<AwsAuthRemoval> {
  return {
    ok: false,
    diagnostics: [
      {
        code: MIGRATE_CODES.planFile,
        severity: "error",
        summary,
        detail,
        ...(path === undefined ? {} : { path }),
      },
    ],
  };
}

function keyOf(m: AwsAuthMapping): string {
  return m.kind === "role" ? m.rolearn.toLowerCase() : m.userarn;
}

/**
 * aws-auth without the entries the plan converted: every entry whose ARN a decision removes
 * (earlier duplicates included). The entry that maps the principal today must still be the
 * one the plan converted (same access entry from it), else aws-auth changed since the plan
 * and nothing is removed: removing it could drop access the plan never saw.
 */
export function awsAuthRemoval(
  plan: MigrationPlan,
  data: Readonly<Record<string, string>>,
  partition = "aws",
): Result<AwsAuthRemoval> {
  const parsed = parseAwsAuthData(data);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  for (const key of ["mapRoles", "mapUsers"] as const) {
    if (m.status[key] === "dropped") {
      return refusal(
        `aws-auth ${key} no longer parses: nothing is removed from it`,
        "Run eksgate lint aws-auth, fix the key, then run eksgate migrate again.",
        `data.${key}`,
      );
    }
  }
  const out: Record<string, string> = { ...data };
  const removed: string[] = [];
  for (const key of ["mapRoles", "mapUsers"] as const) {
    const entries: readonly AwsAuthMapping[] = key === "mapRoles" ? m.roles : m.users;
    const effective: readonly AwsAuthMapping[] = key === "mapRoles" ? m.effectiveRoles : m.effectiveUsers;
    const indexes = new Set<number>();
    for (const d of plan.decisions) {
      if (!d.removeFromAwsAuth || d.key !== key) continue;
      const wanted = key === "mapRoles" ? d.written.toLowerCase() : d.written;
      const matching = entries
        .filter((e) => e.kind !== "role" || e.sso === undefined)
        .filter((e) => keyOf(e) === wanted);
      if (matching.length === 0) continue;
      const planned = plan.accessEntries.find((e) => e.from === d.source);
      const winner = effective.find((e) => keyOf(e) === wanted);
      if (d.outcome === "access-entry" && planned !== undefined && winner !== undefined) {
        const now = shapeEntry(winner.username, winner.groups, partition).entry;
        const same =
          now.type === planned.type &&
          sameSet(now.kubernetesGroups, planned.kubernetesGroups) &&
          now.username === planned.username &&
          now.accessPolicies.length === planned.accessPolicies.length;
        if (!same) {
          return refusal(
            `aws-auth ${winner.path} (${d.written}) changed since the plan: it no longer converts to the access entry the plan made`,
            "Nothing was removed from aws-auth. Run eksgate migrate again for a plan of aws-auth as it is now.",
            `data.${winner.path}`,
          );
        }
      }
      for (const e of matching) {
        indexes.add(e.index);
        removed.push(e.path);
      }
    }
    const text = data[key];
    if (indexes.size === 0 || text === undefined) continue;
    const cut = removeListEntries(key, text, indexes);
    if (!cut.ok) return cut;
    out[key] = cut.value;
  }
  return { ok: true, value: { data: out, removed: [...new Set(removed)] }, diagnostics: [] };
}
