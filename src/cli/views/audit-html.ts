/**
 * The self-contained HTML audit report: counts, the findings table and one access graph per
 * cluster as inline SVG laid out here in five columns (deterministic: same input, same
 * bytes). No external resources; every text from the snapshot is escaped.
 */
import {
  AUDIT_GRAPH_COLUMNS,
  type AuditFinding,
  type AuditGraphNode,
  type AuditReport,
  type ClusterAccessGraph,
} from "../../core/evaluate/audit/index.js";

export interface AuditHtmlOptions {
  /** Where the data came from, shown in the header (a snapshot directory, or live). */
  readonly source: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const COLUMN_WIDTH = 255;
const NODE_WIDTH = 215;
const NODE_HEIGHT = 30;
const ROW_GAP = 14;
const TOP = 40;
const LEFT = 10;
const MAX_LABEL = 30;

function shorten(label: string): string {
  return label.length <= MAX_LABEL ? label : `${label.slice(0, MAX_LABEL - 1)}\u2026`;
}

interface Placed {
  readonly node: AuditGraphNode;
  readonly x: number;
  readonly y: number;
}

/**
 * Rows per column: the first column by label; each later column by the mean row of the
 * nodes that lead to it (barycentre), then by label, so related boxes line up.
 */
export function layoutGraph(graph: ClusterAccessGraph): { placed: Map<string, Placed>; height: number } {
  const parents = new Map<string, string[]>();
  for (const e of graph.edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const row = new Map<string, number>();
  const placed = new Map<string, Placed>();
  let rows = 0;
  for (let column = 0; column < AUDIT_GRAPH_COLUMNS.length; column++) {
    const nodes = graph.nodes.filter((n) => n.column === column);
    const key = (n: AuditGraphNode): number => {
      const rs = (parents.get(n.id) ?? []).map((p) => row.get(p)).filter((r) => r !== undefined);
      return rs.length === 0 ? Number.MAX_SAFE_INTEGER : rs.reduce((a, b) => a + b, 0) / rs.length;
    };
    const sorted = [...nodes].sort(
      (a, b) => key(a) - key(b) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id),
    );
    sorted.forEach((n, i) => {
      row.set(n.id, i);
      placed.set(n.id, {
        node: n,
        x: LEFT + column * COLUMN_WIDTH,
        y: TOP + i * (NODE_HEIGHT + ROW_GAP),
      });
    });
    rows = Math.max(rows, sorted.length);
  }
  return { placed, height: TOP + Math.max(rows, 1) * (NODE_HEIGHT + ROW_GAP) + 10 };
}

function graphSvg(graph: ClusterAccessGraph): string {
  const { placed, height } = layoutGraph(graph);
  const width = LEFT + AUDIT_GRAPH_COLUMNS.length * COLUMN_WIDTH;
  const parts: string[] = [];
  parts.push(
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="access graph of cluster ${escapeHtml(graph.cluster)}">`,
  );
  AUDIT_GRAPH_COLUMNS.forEach((title, i) => {
    parts.push(
      `<text class="col" x="${LEFT + i * COLUMN_WIDTH + NODE_WIDTH / 2}" y="20" text-anchor="middle">${escapeHtml(title)}</text>`,
    );
  });
  for (const e of graph.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (a === undefined || b === undefined) continue;
    const x1 = a.x + NODE_WIDTH;
    const y1 = a.y + NODE_HEIGHT / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_HEIGHT / 2;
    const mid = (x1 + x2) / 2;
    parts.push(
      `<path class="edge" data-from="${escapeHtml(e.from)}" data-to="${escapeHtml(e.to)}" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}"><title>${escapeHtml(e.title)}</title></path>`,
    );
  }
  for (const { node, x, y } of placed.values()) {
    parts.push(
      `<g class="node col${node.column}${node.danger ? " danger" : ""}" data-id="${escapeHtml(node.id)}" transform="translate(${x},${y})">` +
        `<title>${escapeHtml(node.title)}</title>` +
        `<rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/>` +
        `<text x="10" y="${NODE_HEIGHT / 2 + 4}">${escapeHtml(shorten(node.label))}</text></g>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

function findingRow(f: AuditFinding): string {
  const cells = [
    `<td><span class="sev ${f.severity}">${escapeHtml(f.severity)}</span></td>`,
    `<td class="code">${escapeHtml(f.code)}</td>`,
    `<td>${escapeHtml(f.cluster ?? "IAM")}</td>`,
    `<td><div class="summary">${escapeHtml(f.summary)}</div><div class="where">${escapeHtml(f.where)}</div></td>`,
    `<td>${escapeHtml(f.why)}</td>`,
    `<td>${escapeHtml(f.fix)}</td>`,
  ];
  return `<tr class="finding ${f.severity}" data-code="${escapeHtml(f.code)}">${cells.join("")}</tr>`;
}

const STYLE = `
:root { --err:#b42318; --warn:#b54708; --info:#475467; --line:#d0d5dd; --ink:#101828; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f9fafb; }
header { background: #101828; color: #fff; padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .meta { color: #d0d5dd; font-size: 13px; }
main { padding: 16px 24px; }
.counts { display: flex; gap: 12px; margin: 0 0 16px; }
.count { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.count b { font-size: 22px; display: block; }
.count.error b { color: var(--err); } .count.warning b { color: var(--warn); } .count.info b { color: var(--info); }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 20px; overflow-x: auto; }
h2 { font-size: 16px; margin: 4px 0 12px; }
.filters label { margin-right: 14px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #eaecf0; }
th { background: #f2f4f7; font-weight: 600; }
td.code { font-family: ui-monospace, Menlo, monospace; white-space: nowrap; }
.summary { font-weight: 600; }
.where { color: #667085; font-family: ui-monospace, Menlo, monospace; font-size: 12px; word-break: break-all; }
.sev { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; font-size: 12px; }
.sev.error { background: var(--err); } .sev.warning { background: var(--warn); } .sev.info { background: var(--info); }
tr.hidden { display: none; }
.graph .col { font-weight: 600; fill: #344054; font-size: 13px; }
.graph .edge { fill: none; stroke: #98a2b3; stroke-width: 1.5; }
.graph .edge.hot { stroke: #1570ef; stroke-width: 3; }
.graph .node rect { stroke-width: 1.5; }
.graph .node text { font-size: 12px; fill: #101828; pointer-events: none; }
.graph .col0 rect { fill: #eff8ff; stroke: #53b1fd; }
.graph .col1 rect { fill: #f4f3ff; stroke: #9b8afb; }
.graph .col2 rect { fill: #ecfdf3; stroke: #32d583; }
.graph .col3 rect { fill: #fffaeb; stroke: #fdb022; }
.graph .col4 rect { fill: #f9fafb; stroke: #98a2b3; }
.graph .danger rect { fill: #fef3f2; stroke: var(--err); stroke-width: 2.5; }
.graph .node:hover rect, .graph .node.hot rect { stroke: #1570ef; stroke-width: 3; }
.legend { font-size: 12px; color: #667085; margin: 0 0 8px; }
.empty { color: #667085; }
`;

const SCRIPT = `
(function () {
  document.querySelectorAll('.filters input').forEach(function (box) {
    box.addEventListener('change', function () {
      document.querySelectorAll('tr.finding.' + box.value).forEach(function (row) {
        row.classList.toggle('hidden', !box.checked);
      });
    });
  });
  document.querySelectorAll('svg.graph').forEach(function (svg) {
    var edges = Array.prototype.slice.call(svg.querySelectorAll('.edge'));
    svg.querySelectorAll('.node').forEach(function (node) {
      var id = node.getAttribute('data-id');
      node.addEventListener('mouseenter', function () {
        edges.forEach(function (e) {
          if (e.getAttribute('data-from') === id || e.getAttribute('data-to') === id) e.classList.add('hot');
        });
      });
      node.addEventListener('mouseleave', function () {
        edges.forEach(function (e) { e.classList.remove('hot'); });
      });
    });
  });
})();
`;

/** The whole report as one HTML document. */
export function auditHtml(
  report: AuditReport,
  graphs: readonly ClusterAccessGraph[],
  options: AuditHtmlOptions,
): string {
  const c = report.counts;
  const counts = (["error", "warning", "info"] as const)
    .map((s) => `<div class="count ${s}"><b>${c[s]}</b>${s === "info" ? "notes" : `${s}s`}</div>`)
    .join("");
  const rows = report.findings.map(findingRow).join("\n");
  const table =
    report.findings.length === 0
      ? `<p class="empty">No findings.</p>`
      : `<div class="filters">${(["error", "warning", "info"] as const)
          .map((s) => `<label><input type="checkbox" value="${s}" checked> ${s}</label>`)
          .join("")}</div>
<table id="findings"><thead><tr><th>Severity</th><th>Code</th><th>Cluster</th><th>Finding / where</th><th>Why</th><th>What to do</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
  const graphSections = graphs
    .map(
      (g) => `<section class="cluster-graph" id="graph-${escapeHtml(g.cluster)}">
<h2>Access graph: cluster ${escapeHtml(g.cluster)}</h2>
<p class="legend">Left to right: who may assume which role, the Kubernetes identity its mapping gives, the binding or access policy, and what it grants. Red boxes are unrestricted. Hover a box or a line for details.</p>
${g.nodes.length === 0 ? `<p class="empty">No IAM user reaches this cluster.</p>` : graphSvg(g)}
</section>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eksgate audit: ${escapeHtml(report.clusters.join(", ") || "no clusters")}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>eksgate access audit</h1>
<div class="meta">Clusters: ${escapeHtml(report.clusters.join(", ") || "none")} &middot; input: ${escapeHtml(options.source)}</div></header>
<main>
<div class="counts">${counts}</div>
<section id="findings-section"><h2>Findings</h2>
${table}
</section>
${graphSections}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
