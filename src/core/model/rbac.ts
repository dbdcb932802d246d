/**
 * Kubernetes RBAC objects eksgate creates for teams, as plain rbac.authorization.k8s.io/v1
 * data: ready to serialize to YAML or JSON and apply. Every object carries the labels that
 * mark it as eksgate's; objects without them are never touched.
 *
 * A team's access to a cluster becomes a ClusterRoleBinding (no namespaces) or one
 * RoleBinding per namespace pointing at the ClusterRole (rbac-semantics R6: a RoleBinding to
 * a ClusterRole grants the role's rules inside that namespace only). The subject is the
 * team's Kubernetes group, which the team's IAM role maps to through aws-auth or an access
 * entry.
 */
import type { Diagnostic } from "../diagnostics.js";
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  TEAM_LABEL,
  type AccessConfig,
  type BuiltInClusterRole,
  type CustomRole,
  type PolicyRule,
  type Team,
} from "./access-config.js";
import { RBAC_API_GROUP, RBAC_API_VERSION } from "./rbac-api.js";
import type * as api from "./rbac-api.js";

export { RBAC_API_GROUP, RBAC_API_VERSION };

export const BUILT_IN_CLUSTER_ROLES: readonly BuiltInClusterRole[] = [
  "view",
  "edit",
  "admin",
  "cluster-admin",
];

/*
 * What eksgate writes: the API's objects (rbac-api.ts) with the fields eksgate always sets
 * made required, and only what it writes admitted (Group subjects, ClusterRole refs).
 */

export interface ObjectMeta extends api.ObjectMeta {
  readonly labels: Readonly<Record<string, string>>;
}

export interface GroupSubject extends api.Subject {
  readonly kind: "Group";
  readonly apiGroup: typeof RBAC_API_GROUP;
  readonly name: string;
}

export interface ClusterRoleRef extends api.RoleRef {
  readonly apiGroup: typeof RBAC_API_GROUP;
  readonly kind: "ClusterRole";
  readonly name: string;
}

export interface ClusterRoleBinding extends api.ClusterRoleBinding {
  readonly apiVersion: typeof RBAC_API_VERSION;
  readonly kind: "ClusterRoleBinding";
  readonly metadata: ObjectMeta;
  readonly subjects: readonly GroupSubject[];
  readonly roleRef: ClusterRoleRef;
}

export interface RoleBinding extends api.RoleBinding {
  readonly apiVersion: typeof RBAC_API_VERSION;
  readonly kind: "RoleBinding";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly subjects: readonly GroupSubject[];
  readonly roleRef: ClusterRoleRef;
}

export interface ClusterRole extends api.ClusterRole {
  readonly apiVersion: typeof RBAC_API_VERSION;
  readonly kind: "ClusterRole";
  readonly metadata: ObjectMeta;
  readonly rules: readonly PolicyRule[];
}

export type RbacBinding = ClusterRoleBinding | RoleBinding;
export type RbacObject = ClusterRole | RbacBinding;

/**
 * A binding as observe reads it back: the shape eksgate writes, except that its subjects
 * and roleRef are whatever the live object says (someone may have bound users, service
 * accounts or a Role), so that a comparison with the desired binding sees the difference.
 */
type ObservedBinding<B extends RbacBinding> = Omit<B, "subjects" | "roleRef"> & {
  readonly subjects: readonly api.Subject[];
  readonly roleRef: api.RoleRef;
};
export type ObservedClusterRoleBinding = ObservedBinding<ClusterRoleBinding>;
export type ObservedRoleBinding = ObservedBinding<RoleBinding>;

/** An RBAC object as read from a cluster; every RbacObject eksgate writes is one. */
export type ObservedRbacObject = ClusterRole | ObservedClusterRoleBinding | ObservedRoleBinding;

export function isBuiltInClusterRole(name: string): name is BuiltInClusterRole {
  return (BUILT_IN_CLUSTER_ROLES as readonly string[]).includes(name);
}

/** `eksgate:<team>:<clusterRole>`: colons are allowed in RBAC object names. */
export function rbacBindingName(teamName: string, clusterRole: string): string {
  return `eksgate:${teamName}:${clusterRole}`;
}

/** Labels on every object of a team: eksgate's marker plus the team. */
export function teamLabels(teamName: string): Readonly<Record<string, string>> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [TEAM_LABEL]: teamName };
}

function groupSubject(team: Team): GroupSubject {
  return { kind: "Group", apiGroup: RBAC_API_GROUP, name: team.kubernetesGroup };
}

function clusterRoleRef(name: string): ClusterRoleRef {
  return { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name };
}

const KIND_ORDER: Readonly<Record<RbacObject["kind"], number>> = {
  ClusterRole: 0,
  ClusterRoleBinding: 1,
  RoleBinding: 2,
};

/** Stable order: ClusterRoles, ClusterRoleBindings, RoleBindings; then namespace, then name. */
export function compareRbacObjects(a: RbacObject, b: RbacObject): number {
  const k = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (k !== 0) return k;
  const na = a.metadata.namespace ?? "";
  const nb = b.metadata.namespace ?? "";
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

function objectKey(o: RbacObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/**
 * The bindings for one team on one cluster (by cluster name), sorted. Identical bindings
 * (the same role listed twice, or a namespace listed twice) appear once.
 */
export function teamRbacBindings(team: Team, clusterName: string): readonly RbacBinding[] {
  const out = new Map<string, RbacBinding>();
  for (const access of team.access) {
    if (access.cluster !== clusterName) continue;
    // Access policies are granted through the access entry, not RBAC.
    if (access.clusterRole === undefined) continue;
    const name = rbacBindingName(team.name, access.clusterRole);
    if (access.namespaces.length === 0) {
      const crb: ClusterRoleBinding = {
        apiVersion: RBAC_API_VERSION,
        kind: "ClusterRoleBinding",
        metadata: { name, labels: teamLabels(team.name) },
        subjects: [groupSubject(team)],
        roleRef: clusterRoleRef(access.clusterRole),
      };
      out.set(objectKey(crb), crb);
    } else {
      for (const namespace of access.namespaces) {
        const rb: RoleBinding = {
          apiVersion: RBAC_API_VERSION,
          kind: "RoleBinding",
          metadata: { name, namespace, labels: teamLabels(team.name) },
          subjects: [groupSubject(team)],
          roleRef: clusterRoleRef(access.clusterRole),
        };
        out.set(objectKey(rb), rb);
      }
    }
  }
  return [...out.values()].sort(compareRbacObjects);
}

/** A custom role from the config as a ClusterRole carrying eksgate's marker label. */
export function customClusterRole(role: CustomRole): ClusterRole {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRole",
    metadata: { name: role.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    rules: role.rules.map(normalizePolicyRule),
  };
}

/** The lists of a rule, in the order of the Go type (`rbacv1.PolicyRule`). */
const RULE_FIELDS = ["verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"] as const;

/**
 * The one reading of a PolicyRule, wherever it comes from (the config, the API server, a
 * snapshot): the lists copied, in the order of the Go type (verbs first), absent ones left
 * out.
 */
export function normalizePolicyRule(rule: {
  readonly [K in keyof PolicyRule]: PolicyRule[K] | undefined;
}): PolicyRule {
  return {
    verbs: [...(rule.verbs ?? [])],
    ...(rule.apiGroups !== undefined ? { apiGroups: [...rule.apiGroups] } : {}),
    ...(rule.resources !== undefined ? { resources: [...rule.resources] } : {}),
    ...(rule.resourceNames !== undefined ? { resourceNames: [...rule.resourceNames] } : {}),
    ...(rule.nonResourceURLs !== undefined ? { nonResourceURLs: [...rule.nonResourceURLs] } : {}),
  };
}

/**
 * Everything eksgate applies to one cluster: the custom ClusterRoles that some team binds
 * on this cluster (custom roles nobody binds there are not rendered) and every team's
 * bindings, sorted with `compareRbacObjects`. Built-in roles are the cluster's own and are
 * never rendered.
 */
export function clusterRbacObjects(config: AccessConfig, clusterName: string): readonly RbacObject[] {
  const customByName = new Map(config.customRoles.map((r) => [r.name, r]));
  const objects = new Map<string, RbacObject>();
  for (const team of config.teams) {
    for (const binding of teamRbacBindings(team, clusterName)) {
      objects.set(objectKey(binding), binding);
      const custom = isBuiltInClusterRole(binding.roleRef.name)
        ? undefined
        : customByName.get(binding.roleRef.name);
      if (custom !== undefined) {
        const role = customClusterRole(custom);
        objects.set(objectKey(role), role);
      }
    }
  }
  return [...objects.values()].sort(compareRbacObjects);
}

// ---------------------------------------------------------------------------------------------
// Validation

export const RBAC_DIAGNOSTIC_CODES = {
  verbsRequired: "RBAC001",
  mixedRule: "RBAC002",
  namespacedNonResource: "RBAC003",
  apiGroupsRequired: "RBAC004",
  resourcesRequired: "RBAC005",
  nonResourceUrlFormat: "RBAC006",
  grantsEverything: "RBAC007",
  escalationVerb: "RBAC008",
  objectName: "RBAC009",
  namespaceName: "RBAC010",
  labelValue: "RBAC011",
  systemGroup: "RBAC012",
} as const;

/** Verbs that let the holder gain more than the role itself grants (rbac-semantics R13, R14). */
const ESCALATION_VERBS = ["bind", "escalate", "impersonate"] as const;

function hasAny(list: readonly string[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

/** True when the rule grants every verb on every resource (or every non-resource URL). */
/**
 * A rule as the API server stores it, for comparing a desired rule with an observed one:
 * an empty list is the same as an absent one, so both are left out.
 */
export function comparablePolicyRule(
  rule: PolicyRule,
): Partial<Record<(typeof RULE_FIELDS)[number], readonly string[]>> {
  const out: Partial<Record<(typeof RULE_FIELDS)[number], readonly string[]>> = {};
  for (const key of RULE_FIELDS) {
    const value = rule[key];
    if (value !== undefined && value.length > 0) out[key] = value;
  }
  return out;
}

export function ruleGrantsEverything(rule: PolicyRule): boolean {
  if (!rule.verbs.includes("*")) return false;
  if (rule.nonResourceURLs?.includes("*") === true) return true;
  return (
    rule.resources?.includes("*") === true &&
    rule.apiGroups?.includes("*") === true &&
    !hasAny(rule.resourceNames)
  );
}

/**
 * True when the rules amount to cluster-admin on resources: some rule grants every verb on
 * every resource in every API group. The config rules require `allowClusterAdmin` for such
 * a role, as for `cluster-admin` itself.
 */
export function rulesLikeClusterAdmin(rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleGrantsEverything(r) && hasAny(r.resources));
}

/**
 * Checks rules the way the API server validates a (Cluster)Role (Kubernetes
 * `ValidatePolicyRule`), so that a bad custom role is reported before anything is applied,
 * with the field path of the offending rule:
 * - `verbs` must not be empty;
 * - a rule with `nonResourceURLs` must not also name apiGroups, resources or resourceNames;
 * - `nonResourceURLs` only in ClusterRoles (`scope: "cluster"`); in a namespaced Role the
 *   server rejects them;
 * - a resource rule needs at least one apiGroup (`""` is the core group) and one resource.
 * Also (warnings, not server errors): non-resource URLs that do not start with `/` (they
 * can never match a request), rules that grant everything, and escalation verbs.
 */
export function validateClusterRoleRules(
  rules: readonly PolicyRule[],
  path: string,
  scope: "cluster" | "namespace" = "cluster",
): Diagnostic[] {
  const out: Diagnostic[] = [];
  rules.forEach((rule, i) => {
    const p = `${path}[${i}]`;
    if (rule.verbs.length === 0) {
      out.push({
        code: RBAC_DIAGNOSTIC_CODES.verbsRequired,
        severity: "error",
        summary: "A rule needs at least one verb.",
        detail: 'Add verbs such as ["get", "list", "watch"].',
        path: `${p}.verbs`,
      });
    }
    if (hasAny(rule.nonResourceURLs)) {
      if (scope === "namespace") {
        out.push({
          code: RBAC_DIAGNOSTIC_CODES.namespacedNonResource,
          severity: "error",
          summary: "Namespaced rules cannot apply to non-resource URLs.",
          detail: "Non-resource URLs work only in a ClusterRole bound with a ClusterRoleBinding.",
          path: `${p}.nonResourceURLs`,
        });
      }
      if (hasAny(rule.apiGroups) || hasAny(rule.resources) || hasAny(rule.resourceNames)) {
        out.push({
          code: RBAC_DIAGNOSTIC_CODES.mixedRule,
          severity: "error",
          summary: "A rule cannot apply to both resources and non-resource URLs.",
          detail: "Split it into one rule for apiGroups/resources and one for nonResourceURLs.",
          path: `${p}.nonResourceURLs`,
        });
      }
      (rule.nonResourceURLs ?? []).forEach((url, j) => {
        if (url !== "*" && !url.startsWith("/")) {
          out.push({
            code: RBAC_DIAGNOSTIC_CODES.nonResourceUrlFormat,
            severity: "warning",
            summary: `Non-resource URL "${url}" does not start with "/" and can never match a request.`,
            path: `${p}.nonResourceURLs[${j}]`,
          });
        }
      });
    } else {
      if (!hasAny(rule.apiGroups)) {
        out.push({
          code: RBAC_DIAGNOSTIC_CODES.apiGroupsRequired,
          severity: "error",
          summary: "A resource rule needs at least one API group.",
          detail: 'Use [""] for the core group (pods, services, configmaps, ...).',
          path: `${p}.apiGroups`,
        });
      }
      if (!hasAny(rule.resources)) {
        out.push({
          code: RBAC_DIAGNOSTIC_CODES.resourcesRequired,
          severity: "error",
          summary: "A resource rule needs at least one resource.",
          path: `${p}.resources`,
        });
      }
    }
    if (ruleGrantsEverything(rule)) {
      out.push({
        code: RBAC_DIAGNOSTIC_CODES.grantsEverything,
        severity: "warning",
        summary: "This rule grants every verb on everything it names, like cluster-admin.",
        detail: "Name the resources and verbs the team needs instead.",
        path: p,
      });
    }
    const escalating = ESCALATION_VERBS.filter((v) => rule.verbs.includes(v));
    if (escalating.length > 0) {
      out.push({
        code: RBAC_DIAGNOSTIC_CODES.escalationVerb,
        severity: "warning",
        summary: `Verb(s) ${escalating.join(", ")} let the holder gain permissions beyond this role.`,
        path: `${p}.verbs`,
      });
    }
  });
  return out;
}

/** RBAC object names are path segments: not `.` or `..`, no `/` or `%` (Kubernetes `ValidateRBACName`). */
export function validateRbacObjectName(name: string, path: string): Diagnostic[] {
  const problems: string[] = [];
  if (name === "") problems.push("is empty");
  if (name === "." || name === "..") problems.push(`may not be "${name}"`);
  if (name.includes("/")) problems.push('may not contain "/"');
  if (name.includes("%")) problems.push('may not contain "%"');
  if (name.length > 253) problems.push("is longer than 253 characters");
  return problems.map((p) => ({
    code: RBAC_DIAGNOSTIC_CODES.objectName,
    severity: "error" as const,
    summary: `Kubernetes RBAC object name "${name}" ${p}.`,
    path,
  }));
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A namespace name is an RFC 1123 label: lowercase alphanumerics and `-`, at most 63. */
export function validateNamespaceName(name: string, path: string): Diagnostic[] {
  if (name.length <= 63 && DNS1123_LABEL.test(name)) return [];
  return [
    {
      code: RBAC_DIAGNOSTIC_CODES.namespaceName,
      severity: "error",
      summary: `"${name}" is not a valid namespace name.`,
      detail: "Use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.",
      path,
    },
  ];
}

export function validateLabelValue(value: string, path: string): Diagnostic[] {
  if (value.length <= 63 && LABEL_VALUE.test(value)) return [];
  return [
    {
      code: RBAC_DIAGNOSTIC_CODES.labelValue,
      severity: "error",
      summary: `"${value}" cannot be a Kubernetes label value.`,
      detail: "Use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.",
      path,
    },
  ];
}

/**
 * Kubernetes-level problems with a team: the team label value, the group (never
 * `system:`), binding names and namespaces. `teamPath` is e.g. `teams[1]`.
 */
export function validateTeamRbac(team: Team, teamPath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  out.push(...validateLabelValue(team.name, `${teamPath}.name`));
  if (team.kubernetesGroup.startsWith("system:")) {
    out.push({
      code: RBAC_DIAGNOSTIC_CODES.systemGroup,
      severity: "error",
      summary: `Kubernetes group "${team.kubernetesGroup}" is in the reserved system: namespace.`,
      detail: "Choose a group without the system: prefix; system:masters has its own explicit option.",
      path: `${teamPath}.kubernetesGroup`,
    });
  }
  team.access.forEach((access, i) => {
    const accessPath = `${teamPath}.access[${i}]`;
    out.push(
      ...(access.clusterRole !== undefined
        ? validateRbacObjectName(rbacBindingName(team.name, access.clusterRole), `${accessPath}.clusterRole`)
        : []),
    );
    access.namespaces.forEach((ns, j) => {
      out.push(...validateNamespaceName(ns, `${accessPath}.namespaces[${j}]`));
    });
  });
  return out;
}

/** A custom role's name and rules. `rolePath` is e.g. `customRoles[0]`. */
export function validateCustomRole(role: CustomRole, rolePath: string): Diagnostic[] {
  return [
    ...validateRbacObjectName(role.name, `${rolePath}.name`),
    ...(isBuiltInClusterRole(role.name) || role.name.startsWith("system:")
      ? [
          {
            code: RBAC_DIAGNOSTIC_CODES.objectName,
            severity: "error" as const,
            summary: `Custom role "${role.name}" would replace a built-in ClusterRole.`,
            detail: "Give the custom role another name.",
            path: `${rolePath}.name`,
          },
        ]
      : []),
    ...validateClusterRoleRules(role.rules, `${rolePath}.rules`, "cluster"),
  ];
}
