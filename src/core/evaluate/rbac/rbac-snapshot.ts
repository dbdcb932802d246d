/**
 * An RBAC snapshot of one cluster, indexed for evaluation: aggregation is computed once,
 * every binding's roleRef is resolved once, and bindings are indexed by the user and
 * group names their subjects stand for, so a decision touches only the bindings that can
 * apply to the asker.
 */
import type { Diagnostic } from "../../diagnostics.js";
import type { AccessEntryPolicies } from "./access-policies.js";
import { accessPolicyFor } from "./access-policies.js";
import type { AggregatedClusterRole, EffectiveRule } from "./aggregation.js";
import { aggregateClusterRoles } from "./aggregation.js";
import type { ClusterRole, RbacObjects, Role, RoleRef, Subject } from "./model.js";
import { serviceAccountUser } from "./model.js";
import { readRbacObjects } from "./objects.js";

export type BindingKind = "ClusterRoleBinding" | "RoleBinding";

/** A binding with its roleRef resolved. */
export interface BindingRecord {
  /** Position in the snapshot: ClusterRoleBindings first, then RoleBindings, input order. */
  readonly index: number;
  readonly kind: BindingKind;
  readonly name: string;
  /** `""` for a ClusterRoleBinding. */
  readonly namespace: string;
  readonly subjects: readonly Subject[];
  readonly roleRef: RoleRef;
  /** The rules the roleRef grants; undefined when the role does not exist (R9). */
  readonly rules: readonly EffectiveRule[] | undefined;
  /** Why `rules` is undefined. */
  readonly unresolved?: string;
}

/** A binding reached through one of its subjects. */
export interface SubjectHit {
  readonly binding: BindingRecord;
  readonly subjectIndex: number;
}

interface SubjectIndex {
  readonly users: Map<string, SubjectHit[]>;
  readonly groups: Map<string, SubjectHit[]>;
}

function newIndex(): SubjectIndex {
  return { users: new Map(), groups: new Map() };
}

function add(map: Map<string, SubjectHit[]>, key: string, hit: SubjectHit): void {
  const list = map.get(key);
  if (list) list.push(hit);
  else map.set(key, [hit]);
}

export interface RbacSnapshot {
  readonly cluster: string;
  readonly objects: RbacObjects;
  readonly namespaces: readonly string[];
  readonly clusterRoles: ReadonlyMap<string, AggregatedClusterRole>;
  /** Keyed `namespace/name`. */
  readonly roles: ReadonlyMap<string, Role>;
  readonly bindings: readonly BindingRecord[];
  readonly clusterBindings: readonly BindingRecord[];
  /** RoleBindings by namespace. */
  readonly bindingsByNamespace: ReadonlyMap<string, readonly BindingRecord[]>;
  /** ClusterRoleBindings by the user / group name a subject stands for. */
  readonly clusterIndex: SubjectIndex;
  /** RoleBindings by namespace, then by user / group name. */
  readonly namespaceIndex: ReadonlyMap<string, SubjectIndex>;
  readonly accessEntries: ReadonlyMap<string, AccessEntryPolicies>;
}

export interface RbacSnapshotOptions {
  readonly cluster?: string;
  /** Namespaces known besides those of Namespace objects, Roles and RoleBindings. */
  readonly namespaces?: readonly string[];
  /**
   * `compute` (default): aggregated ClusterRoles get their rules from their selectors,
   * whatever the manifest says (offline manifests). `as-written`: trust the rules in
   * the objects, as a live cluster's controller already wrote them.
   */
  readonly aggregation?: "compute" | "as-written";
  readonly accessEntries?: readonly AccessEntryPolicies[];
}

/** The user or group name a subject stands for, or why it can never match. */
export function subjectKey(
  subject: Subject,
  bindingNamespace: string,
): { readonly kind: "user" | "group"; readonly name: string } | { readonly never: string } {
  switch (subject.kind) {
    case "User":
      return { kind: "user", name: subject.name };
    case "Group":
      return { kind: "group", name: subject.name };
    case "ServiceAccount": {
      const ns = subject.namespace ?? bindingNamespace;
      if (ns === "") return { never: "a ServiceAccount subject of a ClusterRoleBinding needs a namespace" };
      return { kind: "user", name: serviceAccountUser(ns, subject.name) };
    }
    default:
      return { never: `subject kind ${JSON.stringify(subject.kind)} is not User, Group or ServiceAccount` };
  }
}

function lastWins<T extends { readonly metadata: { readonly name: string; readonly namespace?: string } }>(
  kind: string,
  items: readonly T[],
  diagnostics: Diagnostic[],
): T[] {
  const map = new Map<string, T>();
  for (const item of items) {
    const key = `${item.metadata.namespace ?? ""}/${item.metadata.name}`;
    if (map.has(key)) {
      diagnostics.push({
        code: "RBAC103",
        severity: "warning",
        summary: `${kind} ${key.replace(/^\//, "")} appears more than once; the last one is used`,
      });
      map.delete(key); // keep the position of the last occurrence
    }
    map.set(key, item);
  }
  return [...map.values()];
}

function asWritten(roles: readonly ClusterRole[]): Map<string, AggregatedClusterRole> {
  const map = new Map<string, AggregatedClusterRole>();
  for (const r of roles) {
    map.set(r.metadata.name, {
      name: r.metadata.name,
      rules: (r.rules ?? []).map((rule) => ({ rule, via: [] })),
      aggregated: false,
    });
  }
  return map;
}

/** Builds the indexed snapshot from already-typed objects. */
export function buildRbacSnapshot(
  input: RbacObjects,
  options: RbacSnapshotOptions = {},
): { readonly snapshot: RbacSnapshot; readonly diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const roles = lastWins("Role", input.roles, diagnostics);
  const clusterRoles = lastWins("ClusterRole", input.clusterRoles, diagnostics);
  const roleBindings = lastWins("RoleBinding", input.roleBindings, diagnostics);
  const clusterRoleBindings = lastWins("ClusterRoleBinding", input.clusterRoleBindings, diagnostics);

  let aggregated: ReadonlyMap<string, AggregatedClusterRole>;
  if (options.aggregation === "as-written") {
    aggregated = asWritten(clusterRoles);
  } else {
    const result = aggregateClusterRoles(clusterRoles);
    aggregated = result.clusterRoles;
    diagnostics.push(...result.diagnostics);
  }

  const roleMap = new Map<string, Role>();
  for (const r of roles) roleMap.set(`${r.metadata.namespace ?? ""}/${r.metadata.name}`, r);

  const namespaces = new Set<string>([...input.namespaces, ...(options.namespaces ?? [])]);
  for (const r of roles) if (r.metadata.namespace) namespaces.add(r.metadata.namespace);
  for (const b of roleBindings) if (b.metadata.namespace) namespaces.add(b.metadata.namespace);

  const resolve = (
    ref: RoleRef,
    namespace: string,
  ): { rules?: readonly EffectiveRule[]; unresolved?: string } => {
    if (ref.kind === "ClusterRole") {
      const cr = aggregated.get(ref.name);
      return cr ? { rules: cr.rules } : { unresolved: `ClusterRole ${ref.name} not found` };
    }
    if (ref.kind === "Role") {
      if (namespace === "") return { unresolved: "a ClusterRoleBinding cannot refer to a Role" };
      const role = roleMap.get(`${namespace}/${ref.name}`);
      return role
        ? { rules: (role.rules ?? []).map((rule) => ({ rule, via: [] })) }
        : { unresolved: `Role ${namespace}/${ref.name} not found` };
    }
    return { unresolved: `unsupported roleRef kind ${JSON.stringify(ref.kind)}` };
  };

  const bindings: BindingRecord[] = [];
  const clusterBindings: BindingRecord[] = [];
  const bindingsByNamespace = new Map<string, BindingRecord[]>();
  const clusterIndex = newIndex();
  const namespaceIndex = new Map<string, SubjectIndex>();
  const addBinding = (
    kind: BindingKind,
    name: string,
    namespace: string,
    subjects: readonly Subject[],
    roleRef: RoleRef,
  ): void => {
    const { rules, unresolved } = resolve(roleRef, namespace);
    const record: BindingRecord = {
      index: bindings.length,
      kind,
      name,
      namespace,
      subjects,
      roleRef,
      rules,
      ...(unresolved === undefined ? {} : { unresolved }),
    };
    bindings.push(record);
    if (kind === "ClusterRoleBinding") clusterBindings.push(record);
    else {
      const list = bindingsByNamespace.get(namespace);
      if (list) list.push(record);
      else bindingsByNamespace.set(namespace, [record]);
    }
    const where = kind === "ClusterRoleBinding" ? name : `${namespace}/${name}`;
    if (unresolved !== undefined) {
      diagnostics.push({
        code: "RBAC104",
        severity: "warning",
        summary: `${kind} ${where}: ${unresolved}; it grants nothing`,
      });
    }
    let index = clusterIndex;
    if (kind === "RoleBinding") {
      let ns = namespaceIndex.get(namespace);
      if (!ns) {
        ns = newIndex();
        namespaceIndex.set(namespace, ns);
      }
      index = ns;
    }
    for (const [subjectIndex, subject] of subjects.entries()) {
      const key = subjectKey(subject, namespace);
      if ("never" in key) {
        diagnostics.push({
          code: "RBAC105",
          severity: "warning",
          summary: `${kind} ${where} subjects[${subjectIndex}]: ${key.never}`,
        });
        continue;
      }
      add(key.kind === "user" ? index.users : index.groups, key.name, { binding: record, subjectIndex });
    }
  };
  for (const b of clusterRoleBindings) {
    addBinding("ClusterRoleBinding", b.metadata.name, "", b.subjects ?? [], b.roleRef);
  }
  for (const b of roleBindings) {
    addBinding("RoleBinding", b.metadata.name, b.metadata.namespace ?? "", b.subjects ?? [], b.roleRef);
  }

  const accessEntries = new Map<string, AccessEntryPolicies>();
  for (const entry of options.accessEntries ?? []) {
    accessEntries.set(entry.principalArn, entry);
    for (const a of entry.associations) {
      if (accessPolicyFor(a.policyArn) === undefined) {
        diagnostics.push({
          code: "RBAC109",
          severity: "warning",
          summary: `access entry ${entry.principalArn}: policy ${a.policyArn} is not modelled; it is treated as granting nothing`,
        });
      }
    }
  }

  const snapshot: RbacSnapshot = {
    cluster: options.cluster ?? "",
    objects: { roles, clusterRoles, roleBindings, clusterRoleBindings, namespaces: [...namespaces].sort() },
    namespaces: [...namespaces].sort(),
    clusterRoles: aggregated,
    roles: roleMap,
    bindings,
    clusterBindings,
    bindingsByNamespace,
    clusterIndex,
    namespaceIndex,
    accessEntries,
  };
  return { snapshot, diagnostics };
}

/**
 * Reads parsed documents (kubectl JSON/YAML output, manifests, lists) and builds the
 * snapshot. Invalid items are reported and skipped.
 */
export function loadRbacSnapshot(
  documents: readonly unknown[],
  options: RbacSnapshotOptions = {},
): { readonly snapshot: RbacSnapshot; readonly diagnostics: readonly Diagnostic[] } {
  const read = readRbacObjects(documents);
  const built = buildRbacSnapshot(read.objects, options);
  return { snapshot: built.snapshot, diagnostics: [...read.diagnostics, ...built.diagnostics] };
}

/**
 * Every binding with a subject that stands for `identity` (its user or one of its groups),
 * in snapshot order, each with the first such subject. Uses the subject indexes, so it
 * touches only the bindings that name the identity.
 */
export function bindingsNaming(
  rbac: RbacSnapshot,
  identity: { readonly user: string; readonly groups: readonly string[] },
): SubjectHit[] {
  const index = everyBindingIndex(rbac);
  const first = new Map<BindingRecord, number>();
  const lists = [index.users.get(identity.user), ...identity.groups.map((g) => index.groups.get(g))];
  for (const list of lists) {
    if (list === undefined) continue;
    for (const hit of list) {
      const seen = first.get(hit.binding);
      if (seen === undefined || hit.subjectIndex < seen) first.set(hit.binding, hit.subjectIndex);
    }
  }
  return [...first]
    .map(([binding, subjectIndex]) => ({ binding, subjectIndex }))
    .sort((a, b) => a.binding.index - b.binding.index);
}

/** Per snapshot: every binding (cluster-wide and in any namespace) by subject name. */
const everyIndexes = new WeakMap<RbacSnapshot, SubjectIndex>();

function everyBindingIndex(rbac: RbacSnapshot): SubjectIndex {
  let index = everyIndexes.get(rbac);
  if (index !== undefined) return index;
  const built = newIndex();
  for (const source of [rbac.clusterIndex, ...rbac.namespaceIndex.values()]) {
    for (const [name, hits] of source.users) for (const hit of hits) add(built.users, name, hit);
    for (const [name, hits] of source.groups) for (const hit of hits) add(built.groups, name, hit);
  }
  everyIndexes.set(rbac, built);
  index = built;
  return index;
}
