/** Access paths as Mermaid flowcharts and Graphviz DOT. */
import { pathsToGraph, type AccessPath, type HopKind } from "../../core/evaluate/access/index.js";

const MAX_EDGE_LABEL = 80;

function shorten(text: string): string {
  return text.length <= MAX_EDGE_LABEL ? text : `${text.slice(0, MAX_EDGE_LABEL - 1)}…`;
}

const SHAPE: Readonly<Record<HopKind, [string, string]>> = {
  "idc-user": ["([", "])"],
  "idc-group": ["[[", "]]"],
  "permission-set": ["[", "]"],
  "account-assignment": ["[/", "/]"],
  "iam-user": ["([", "])"],
  "iam-group": ["[[", "]]"],
  "iam-role": ["[", "]"],
  mapping: ["[/", "/]"],
  "kubernetes-identity": ["(", ")"],
  superuser: ["{{", "}}"],
  binding: ["[", "]"],
  rule: ["[", "]"],
  "access-policy": ["[", "]"],
  impersonation: ["{{", "}}"],
};

function mermaidText(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/\|/g, "#124;");
}

export function mermaidGraph(paths: readonly AccessPath[]): string {
  const graph = pathsToGraph(paths);
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ["flowchart LR"];
  for (const n of graph.nodes) {
    const [open, close] = SHAPE[n.kind];
    lines.push(`  ${ids.get(n.id) ?? ""}${open}"${mermaidText(n.label)}"${close}`);
  }
  for (const e of graph.edges) {
    lines.push(`  ${ids.get(e.from) ?? ""} -->|"${mermaidText(shorten(e.label))}"| ${ids.get(e.to) ?? ""}`);
  }
  return `${lines.join("\n")}\n`;
}

const DOT_SHAPE: Readonly<Record<HopKind, string>> = {
  "idc-user": "ellipse",
  "idc-group": "folder",
  "permission-set": "component",
  "account-assignment": "parallelogram",
  "iam-user": "ellipse",
  "iam-group": "folder",
  "iam-role": "box",
  mapping: "parallelogram",
  "kubernetes-identity": "ellipse",
  superuser: "doubleoctagon",
  binding: "box",
  rule: "note",
  "access-policy": "note",
  impersonation: "hexagon",
};

function dotText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

export function dotGraph(paths: readonly AccessPath[]): string {
  const graph = pathsToGraph(paths);
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [
    "digraph access {",
    "  rankdir=LR;",
    '  node [fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of graph.nodes) {
    lines.push(`  ${ids.get(n.id) ?? ""} [label="${dotText(n.label)}", shape=${DOT_SHAPE[n.kind]}];`);
  }
  for (const e of graph.edges) {
    lines.push(
      `  ${ids.get(e.from) ?? ""} -> ${ids.get(e.to) ?? ""} [label="${dotText(shorten(e.label))}"];`,
    );
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
