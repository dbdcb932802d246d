/**
 * Paths as one graph: hops become nodes (merged by id, so shared roles, bindings and rules
 * appear once) and consecutive hops become edges labelled with the later hop's reason.
 */
import type { AccessPath, HopKind } from "./model.js";

export interface GraphNode {
  readonly id: string;
  readonly kind: HopKind;
  readonly label: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Why `from` leads to `to`. */
  readonly label: string;
}

export interface AccessGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** Merges paths into a graph, nodes and edges in first-seen order. */
export function pathsToGraph(paths: readonly AccessPath[]): AccessGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  for (const path of paths) {
    let previous: string | undefined;
    for (const hop of path.hops) {
      if (!nodes.has(hop.id)) nodes.set(hop.id, { id: hop.id, kind: hop.kind, label: hop.what });
      if (previous !== undefined && previous !== hop.id) {
        const key = `${previous}\u0000${hop.id}`;
        if (!edges.has(key)) edges.set(key, { from: previous, to: hop.id, label: hop.why });
      }
      previous = hop.id;
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
