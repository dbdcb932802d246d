/**
 * The access graph of one cluster, in five columns a person reads left to right:
 * IAM group (or user) -> IAM role -> Kubernetes group (or user) -> binding -> role.
 * Built from the path engine (explainPrincipal); pure data, laid out by the views.
 */
import type { AccessSnapshot } from "../../snapshot/index.js";
import { explainPrincipal, type RequestContextOptions } from "../access/index.js";
import { SUPERUSER_GROUP } from "../rbac/index.js";
import { arnResourceName } from "../../model/arn.js";

export const AUDIT_GRAPH_COLUMNS = [
  "IAM group / user",
  "IAM role",
  "Kubernetes group / user",
  "Binding / access policy",
  "Role / rights",
] as const;

export type AuditGraphColumn = 0 | 1 | 2 | 3 | 4;

export interface AuditGraphNode {
  readonly id: string;
  readonly column: AuditGraphColumn;
  /** Short text shown in the box. */
  readonly label: string;
  /** Details for hover. */
  readonly title: string;
  /** Unrestricted access (system:masters, cluster-admin-like). */
  readonly danger: boolean;
}

export interface AuditGraphEdge {
  readonly from: string;
  readonly to: string;
  /** Why `from` leads to `to`. */
  readonly title: string;
}

export interface ClusterAccessGraph {
  readonly cluster: string;
  readonly nodes: readonly AuditGraphNode[];
  readonly edges: readonly AuditGraphEdge[];
}

const ADMIN_ROLES = new Set(["cluster-admin", "AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy"]);

/** Groups every identity gets: not worth a box per person. */
function isAmbientGroup(group: string): boolean {
  return group.startsWith("system:") && group !== SUPERUSER_GROUP;
}

class GraphBuilder {
  readonly nodes = new Map<string, AuditGraphNode>();
  readonly edges = new Map<string, AuditGraphEdge>();

  node(id: string, column: AuditGraphColumn, label: string, title: string, danger = false): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { id, column, label, title, danger });
    return id;
  }

  edge(from: string, to: string, title: string): void {
    const key = `${from}\u0000${to}`;
    if (!this.edges.has(key)) this.edges.set(key, { from, to, title });
  }
}

/**
 * The access graph of each cluster (or of `clusters` only), from every IAM user's routes in
 * the request context (MFA, time, extra keys; a route only MFA opens says so on its edge).
 */
export function accessGraphs(
  snapshot: AccessSnapshot,
  clusters?: readonly string[],
  context: RequestContextOptions = {},
): ClusterAccessGraph[] {
  const out: ClusterAccessGraph[] = [];
  for (const cluster of snapshot.clusters) {
    if (clusters !== undefined && !clusters.includes(cluster.name)) continue;
    const g = new GraphBuilder();
    for (const user of snapshot.iamIndex.users) {
      const result = explainPrincipal(snapshot, user.arn, { ...context, cluster: cluster.name });
      for (const reach of result.reach) {
        if (!reach.mapping.mapped || reach.access === undefined) continue;
        const m = reach.mapping;
        const route = reach.route;
        // Column 0: the IAM groups whose policies allow the AssumeRole, else the user.
        const sources =
          route.viaGroups.length > 0
            ? route.viaGroups.map((name) =>
                g.node(`iam-group:${name}`, 0, `group ${name}`, `IAM group ${name}`),
              )
            : [g.node(`iam-user:${user.arn}`, 0, `user ${user.name}`, `IAM user ${user.arn}`)];
        // Column 1: the role of the session (a user mapped directly has none).
        let heads = sources;
        if (route.roleArn !== undefined) {
          const roleId = g.node(
            `iam-role:${route.roleArn.toLowerCase()}`,
            1,
            `role ${arnResourceName(route.roleArn)}`,
            `IAM role ${route.roleArn}\nmapped by ${m.why}`,
          );
          const step = route.hops.find((h) => h.kind === "iam-role");
          for (const s of sources) g.edge(s, roleId, step?.why ?? "can assume the role");
          heads = [roleId];
        }
        // Column 2: the Kubernetes user and groups the mapping gives.
        const groupIds = new Map<string, string>();
        for (const group of m.groups) {
          if (isAmbientGroup(group)) continue;
          const id = g.node(
            `k8s-group:${group}`,
            2,
            `group ${group}`,
            `Kubernetes group ${group}`,
            group === SUPERUSER_GROUP,
          );
          groupIds.set(group, id);
          for (const h of heads) g.edge(h, id, m.why);
        }
        // The user name as the mapping writes it ({{SessionName}} and all): one box, not one per person.
        const template =
          m.source.kind === "access-entry" ? m.source.entry.username : m.source.entry?.username;
        const username = template !== undefined && template !== "" ? template : m.username;
        const userNode = (): string => {
          const id = g.node(`k8s-user:${username}`, 2, `user ${username}`, `Kubernetes user ${username}`);
          for (const h of heads) g.edge(h, id, m.why);
          return id;
        };
        const access = reach.access;
        if (access.superuser) {
          const masters = groupIds.get(SUPERUSER_GROUP);
          const all = g.node(
            "superuser",
            4,
            "everything (system:masters)",
            "system:masters is allowed every request before RBAC is consulted",
            true,
          );
          if (masters !== undefined) g.edge(masters, all, "system:masters bypasses RBAC");
        }
        // Columns 3 and 4: bindings and the roles they grant.
        for (const b of access.bindings) {
          const space = b.subject.indexOf(" ");
          const kind = b.subject.slice(0, space);
          const name = b.subject.slice(space + 1);
          let from: string | undefined;
          if (kind === "Group") {
            if (isAmbientGroup(name)) continue;
            from = groupIds.get(name);
          } else if (kind === "User") {
            from = userNode();
          }
          if (from === undefined) continue;
          const bindingLabel =
            b.binding.namespace === "" ? b.binding.name : `${b.binding.namespace}/${b.binding.name}`;
          const bindingId = g.node(
            `binding:${b.binding.kind}:${b.binding.namespace}/${b.binding.name}`,
            3,
            `${b.binding.kind === "ClusterRoleBinding" ? "CRB" : "RB"} ${bindingLabel}`,
            b.text,
          );
          g.edge(from, bindingId, `subject ${b.subject}`);
          const roleLabel =
            b.role.kind === "Role" ? `Role ${b.role.namespace}/${b.role.name}` : `ClusterRole ${b.role.name}`;
          const rules = b.unresolved ?? b.rules.map((r) => r.text).join("\n");
          const roleId = g.node(
            `k8s-role:${b.role.kind}:${b.role.namespace}/${b.role.name}`,
            4,
            roleLabel,
            `${roleLabel}\n${rules}`,
            ADMIN_ROLES.has(b.role.name) && b.role.kind === "ClusterRole",
          );
          g.edge(bindingId, roleId, b.scope === "" ? "cluster-wide" : `in namespace ${b.scope}`);
        }
        for (const p of access.accessPolicies) {
          const from = userNode();
          const scope = p.scope === "" ? "cluster" : p.scope;
          const assocId = g.node(
            `access-policy-assoc:${username}:${p.policyArn}:${p.scope}`,
            3,
            `access entry: ${scope}`,
            `access policy association of ${m.canonicalArn}\nscope: ${scope}`,
          );
          g.edge(from, assocId, "access entry association");
          const policyId = g.node(
            `access-policy:${p.policyArn}`,
            4,
            p.policyName,
            `${p.policyArn}\n${p.rules.map((r) => r.text).join("\n") || "(not modelled)"}`,
            ADMIN_ROLES.has(p.policyName) && p.scope === "",
          );
          g.edge(assocId, policyId, scope === "cluster" ? "cluster-wide" : `namespaces ${scope}`);
        }
      }
    }
    out.push({ cluster: cluster.name, nodes: [...g.nodes.values()], edges: [...g.edges.values()] });
  }
  return out;
}
