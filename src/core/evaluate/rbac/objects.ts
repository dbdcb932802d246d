/**
 * Reading RBAC objects from plain parsed JSON/YAML (`kubectl get ... -o json|yaml`, API
 * list responses, manifest files). Accepts single objects, `List`, and typed lists such
 * as `RoleList` (whose items carry no kind). Bad items are reported and skipped; the
 * good ones are kept. Unknown fields are ignored.
 */
import type { Diagnostic } from "../../diagnostics.js";
import type {
  AggregationRule,
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  LabelSelectorOperator,
  LabelSelectorRequirement,
  ObjectMeta,
  PolicyRule,
  RbacObjects,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from "./model.js";
import { RBAC_API_GROUP } from "./model.js";

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];

  problem(path: string, summary: string): void {
    this.diagnostics.push({ code: "RBAC101", severity: "error", summary, path });
  }

  strings(v: unknown, path: string, required: boolean): string[] | undefined {
    if (v === undefined || v === null) {
      if (!required) return [];
      this.problem(path, "required list is missing");
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.problem(path, "must be a list of strings");
      return undefined;
    }
    const out: string[] = [];
    for (const [i, s] of v.entries()) {
      if (typeof s !== "string") {
        this.problem(`${path}[${i}]`, "must be a string");
        return undefined;
      }
      out.push(s);
    }
    return out;
  }

  stringMap(v: unknown, path: string): Record<string, string> | undefined {
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) {
      this.problem(path, "must be a map of strings");
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, s] of Object.entries(v)) {
      if (typeof s !== "string") {
        this.problem(`${path}.${k}`, "must be a string");
        return undefined;
      }
      out[k] = s;
    }
    return out;
  }

  metadata(v: unknown, path: string, namespaced: boolean): ObjectMeta | undefined {
    if (!isRecord(v)) {
      this.problem(`${path}.metadata`, "metadata is missing");
      return undefined;
    }
    const name = v.name;
    if (typeof name !== "string" || name === "") {
      this.problem(`${path}.metadata.name`, "name is missing");
      return undefined;
    }
    const labels = this.stringMap(v.labels, `${path}.metadata.labels`);
    if (labels === undefined) return undefined;
    if (!namespaced) return { name, labels };
    const namespace = v.namespace;
    if (typeof namespace !== "string" || namespace === "") {
      {
        this.problem(`${path}.metadata.namespace`, "namespace is missing");
        return undefined;
      }
    }
    return { name, namespace, labels };
  }

  rules(v: unknown, path: string): PolicyRule[] | undefined {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(path, "rules must be a list");
      return undefined;
    }
    const out: PolicyRule[] = [];
    for (const [i, r] of v.entries()) {
      const p = `${path}[${i}]`;
      if (!isRecord(r)) {
        this.problem(p, "rule must be an object");
        return undefined;
      }
      const verbs = this.strings(r.verbs, `${p}.verbs`, true);
      const apiGroups = this.strings(r.apiGroups, `${p}.apiGroups`, false);
      const resources = this.strings(r.resources, `${p}.resources`, false);
      const resourceNames = this.strings(r.resourceNames, `${p}.resourceNames`, false);
      const nonResourceURLs = this.strings(r.nonResourceURLs, `${p}.nonResourceURLs`, false);
      if (!verbs || !apiGroups || !resources || !resourceNames || !nonResourceURLs) return undefined;
      out.push({ verbs, apiGroups, resources, resourceNames, nonResourceURLs });
    }
    return out;
  }

  selector(v: unknown, path: string): LabelSelector | undefined {
    if (v === null || v === undefined) return {};
    if (!isRecord(v)) {
      this.problem(path, "selector must be an object");
      return undefined;
    }
    const matchLabels = this.stringMap(v.matchLabels, `${path}.matchLabels`);
    if (matchLabels === undefined) return undefined;
    const matchExpressions: LabelSelectorRequirement[] = [];
    const raw = v.matchExpressions ?? [];
    if (!Array.isArray(raw)) {
      this.problem(`${path}.matchExpressions`, "must be a list");
      return undefined;
    }
    for (const [i, e] of raw.entries()) {
      const p = `${path}.matchExpressions[${i}]`;
      if (!isRecord(e) || typeof e.key !== "string" || typeof e.operator !== "string") {
        {
          this.problem(p, "needs key and operator");
          return undefined;
        }
      }
      const values = this.strings(e.values, `${p}.values`, false);
      if (values === undefined) return undefined;
      // The operator is checked later (labelSelectorProblem) so the role can be reported by name.
      matchExpressions.push({ key: e.key, operator: e.operator as LabelSelectorOperator, values });
    }
    return { matchLabels, matchExpressions };
  }

  aggregationRule(v: unknown, path: string): AggregationRule | undefined | null {
    if (v === undefined || v === null) return null;
    if (!isRecord(v)) {
      this.problem(path, "aggregationRule must be an object");
      return undefined;
    }
    const raw = v.clusterRoleSelectors ?? [];
    if (!Array.isArray(raw)) {
      this.problem(`${path}.clusterRoleSelectors`, "must be a list");
      return undefined;
    }
    const clusterRoleSelectors: LabelSelector[] = [];
    for (const [i, s] of raw.entries()) {
      const sel = this.selector(s, `${path}.clusterRoleSelectors[${i}]`);
      if (sel === undefined) return undefined;
      clusterRoleSelectors.push(sel);
    }
    return { clusterRoleSelectors };
  }

  subjects(v: unknown, path: string): Subject[] | undefined {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(path, "subjects must be a list");
      return undefined;
    }
    const out: Subject[] = [];
    for (const [i, s] of v.entries()) {
      const p = `${path}[${i}]`;
      if (!isRecord(s) || typeof s.kind !== "string" || typeof s.name !== "string") {
        {
          this.problem(p, "subject needs kind and name");
          return undefined;
        }
      }
      const subject: Subject = { kind: s.kind, name: s.name };
      out.push({
        ...subject,
        ...(typeof s.apiGroup === "string" ? { apiGroup: s.apiGroup } : {}),
        ...(typeof s.namespace === "string" && s.namespace !== "" ? { namespace: s.namespace } : {}),
      });
    }
    return out;
  }

  roleRef(v: unknown, path: string): RoleRef | undefined {
    if (!isRecord(v) || typeof v.kind !== "string" || typeof v.name !== "string") {
      {
        this.problem(path, "roleRef needs kind and name");
        return undefined;
      }
    }
    return {
      apiGroup: typeof v.apiGroup === "string" ? v.apiGroup : RBAC_API_GROUP,
      kind: v.kind,
      name: v.name,
    };
  }
}

interface Collected {
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
  namespaces: string[];
}

const LIST_ITEM_KIND: Readonly<Record<string, string>> = {
  RoleList: "Role",
  ClusterRoleList: "ClusterRole",
  RoleBindingList: "RoleBinding",
  ClusterRoleBindingList: "ClusterRoleBinding",
  NamespaceList: "Namespace",
};

function visit(reader: Reader, out: Collected, raw: unknown, path: string, impliedKind?: string): void {
  if (raw === null || raw === undefined) return; // empty YAML documents
  if (!isRecord(raw)) {
    reader.problem(path, "not an object");
    return;
  }
  const kind = typeof raw.kind === "string" ? raw.kind : impliedKind;
  if (kind === "List" || (kind !== undefined && kind in LIST_ITEM_KIND)) {
    const items = raw.items ?? [];
    if (!Array.isArray(items)) {
      reader.problem(`${path}.items`, "items must be a list");
      return;
    }
    const itemKind = kind === "List" ? undefined : LIST_ITEM_KIND[kind];
    for (const [i, item] of items.entries()) visit(reader, out, item, `${path}.items[${i}]`, itemKind);
    return;
  }
  const apiVersion = typeof raw.apiVersion === "string" ? raw.apiVersion : undefined;
  const isRbac = apiVersion === undefined || apiVersion.startsWith(`${RBAC_API_GROUP}/`);
  switch (kind) {
    case "Role": {
      if (!isRbac) break;
      const metadata = reader.metadata(raw.metadata, path, true);
      const rules = reader.rules(raw.rules, `${path}.rules`);
      if (metadata && rules) out.roles.push({ kind, metadata, rules });
      return;
    }
    case "ClusterRole": {
      if (!isRbac) break;
      const metadata = reader.metadata(raw.metadata, path, false);
      const rules = reader.rules(raw.rules, `${path}.rules`);
      const aggregationRule = reader.aggregationRule(raw.aggregationRule, `${path}.aggregationRule`);
      if (metadata && rules && aggregationRule !== undefined) {
        out.clusterRoles.push(
          aggregationRule === null ? { kind, metadata, rules } : { kind, metadata, rules, aggregationRule },
        );
      }
      return;
    }
    case "RoleBinding": {
      if (!isRbac) break;
      const metadata = reader.metadata(raw.metadata, path, true);
      const subjects = reader.subjects(raw.subjects, `${path}.subjects`);
      const roleRef = reader.roleRef(raw.roleRef, `${path}.roleRef`);
      if (metadata && subjects && roleRef) out.roleBindings.push({ kind, metadata, subjects, roleRef });
      return;
    }
    case "ClusterRoleBinding": {
      if (!isRbac) break;
      const metadata = reader.metadata(raw.metadata, path, false);
      const subjects = reader.subjects(raw.subjects, `${path}.subjects`);
      const roleRef = reader.roleRef(raw.roleRef, `${path}.roleRef`);
      if (metadata && subjects && roleRef)
        out.clusterRoleBindings.push({ kind, metadata, subjects, roleRef });
      return;
    }
    case "Namespace": {
      const metadata = reader.metadata(raw.metadata, path, false);
      if (metadata) out.namespaces.push(metadata.name);
      return;
    }
    default:
      break;
  }
  reader.diagnostics.push({
    code: "RBAC102",
    severity: "info",
    summary: `not an RBAC object (${apiVersion ?? "?"} ${kind ?? "?"}); ignored`,
    path,
  });
}

/**
 * Collects the RBAC objects and namespaces out of any mix of parsed documents.
 * `path` prefixes field paths in diagnostics (a file name, say).
 */
export function readRbacObjects(
  documents: readonly unknown[],
  path = "objects",
): { readonly objects: RbacObjects; readonly diagnostics: readonly Diagnostic[] } {
  const reader = new Reader();
  const out: Collected = {
    roles: [],
    clusterRoles: [],
    roleBindings: [],
    clusterRoleBindings: [],
    namespaces: [],
  };
  for (const [i, doc] of documents.entries()) visit(reader, out, doc, `${path}[${i}]`);
  return { objects: out, diagnostics: reader.diagnostics };
}
