/** Text and JSON for explain, who-can and can-i, and the request context they assumed. */
import {
  describeConditions,
  type AccessPath,
  type AccessWhoCanResult,
  type CanIAnswer,
  type CanIResult,
  type ClusterReach,
  type ExplainResult,
  type Hop,
  type IamRoute,
  type PrincipalSummary,
  type RequestContextSummary,
} from "../../core/evaluate/access/index.js";
import type { ClusterMapping } from "../../core/evaluate/mapping/index.js";
import { describeRequest, type RequestAttributes } from "../../core/evaluate/rbac/index.js";
import type { Terminal } from "../terminal.js";
import { arnResourceName, accountIdOf } from "../../core/model/arn.js";

type Paint = Terminal["paint"];

/**
 * `context: no MFA (...), at 2026-12-03T10:00:00Z (now), session name = IAM user name (...), extra: none`
 */
export function contextLine(c: RequestContextSummary): string {
  const mfa =
    c.mfa === "present"
      ? "signed in with MFA (--mfa)"
      : c.mfa === "absent"
        ? "no MFA (--no-mfa: what needs MFA counts as no)"
        : 'no MFA (what only MFA allows is shown "with MFA")';
  const session =
    c.sessionName !== undefined
      ? `session name = ${c.sessionName}`
      : "session name = IAM user name (a role used directly: EKSGetTokenAuth)";
  const extra = Object.entries(c.extra).flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`));
  return `context: ${mfa}, at ${c.at}${c.atGiven ? "" : " (now)"}, ${session}, extra: ${extra.length > 0 ? extra.join(", ") : "none"}`;
}

export function contextJson(c: RequestContextSummary): unknown {
  return {
    mfa: c.mfa,
    at: c.at,
    atGiven: c.atGiven,
    sessionName: c.sessionName ?? null,
    extra: c.extra,
  };
}

function routeTitle(route: IamRoute): string {
  const mfa = route.requires.length > 0 ? " (with MFA)" : "";
  if (route.roleArn === undefined) return "own credentials";
  const names = route.decisions.map((d) => arnResourceName(d.roleArn));
  if (names.length === 0) return `role ${arnResourceName(route.roleArn)} used directly`;
  return `assumes ${names.join(" -> ")}${mfa}`;
}

function principalTitle(p: PrincipalSummary): string {
  switch (p.type) {
    case "user":
      return `IAM user ${p.name}`;
    case "root":
      return `root user of account ${accountIdOf(p.arn) ?? ""}`;
    case "federated-user":
      return `federated user ${p.name}`;
    default:
      return `IAM role ${p.name}`;
  }
}

function answerText(answer: CanIAnswer): string {
  return answer === "yes" ? "yes" : answer === "yes-with-mfa" ? "yes, with MFA" : "no";
}

function hopLines(hops: readonly Hop[], paint: Paint, indent: string, start = 1): string[] {
  return hops.map(
    (h, i) =>
      `${indent}${paint.dim(`${String(start + i).padStart(2)}.`)} ${paint.bold(h.what)}\n${indent}    ${paint.dim(h.why)}`,
  );
}

function mappingJson(m: ClusterMapping): unknown {
  if (!m.mapped) return { mapped: false, reason: m.reason, notes: m.notes, sessionName: m.sessionName };
  return {
    mapped: true,
    via: m.via,
    source: m.source.kind === "access-entry" ? m.source.entry.source : `${m.source.file} ${m.source.path}`,
    username: m.username,
    groups: m.identity.groups,
    sessionName: m.sessionName,
    sessionNameReason: m.sessionNameReason,
    accessPolicies: m.accessPolicies,
    notes: m.notes,
    why: m.why,
  };
}

function routeJson(route: IamRoute): unknown {
  return {
    title: routeTitle(route),
    roleArn: route.roleArn,
    sessionName: route.caller.sessionName,
    viaGroups: route.viaGroups,
    requires: route.requires,
    hops: route.hops,
  };
}

export function explainJson(result: ExplainResult, context: RequestContextSummary): unknown {
  return {
    context: contextJson(context),
    principal: result.principal,
    clusters: result.clusters,
    routes: result.routes.map(routeJson),
    reach: result.reach.map((r) => ({
      cluster: r.cluster,
      route: routeTitle(r.route),
      requires: r.route.requires,
      mapping: mappingJson(r.mapping),
      hops: r.hops,
      access: r.access,
      escalations: r.escalations,
    })),
  };
}

function reachLines(r: ClusterReach, paint: Paint, routeHops: number): string[] {
  const lines: string[] = [];
  const m = r.mapping;
  if (!m.mapped) {
    lines.push(`    ${paint.bold(r.cluster)}: ${paint.yellow("not mapped")}: ${m.reason}`);
    for (const n of m.notes) lines.push(`      ${paint.dim(`note: ${n}`)}`);
    return lines;
  }
  lines.push(`    ${paint.bold(r.cluster)} (${m.mode}):`);
  lines.push(...hopLines(r.hops.slice(routeHops), paint, "      ", routeHops + 1));
  const access = r.access;
  if (access !== undefined) {
    if (access.superuser)
      lines.push(`      ${paint.red("system:masters")}: every request, before RBAC (no rule needed)`);
    for (const b of access.bindings) {
      lines.push(
        `      ${b.text}${b.unresolved !== undefined ? paint.yellow(` (grants nothing: ${b.unresolved})`) : ""}`,
      );
      for (const rule of b.rules) lines.push(`        ${paint.dim("-")} ${rule.text}`);
    }
    for (const p of access.accessPolicies) {
      lines.push(
        `      ${p.scope === "" ? "cluster-wide" : `namespaces ${p.scope}`}: access policy ${p.policyName}${p.modelled ? "" : paint.yellow(" (not modelled)")}`,
      );
      for (const rule of p.rules) lines.push(`        ${paint.dim("-")} ${rule.text}`);
    }
    if (!access.superuser && access.bindings.length === 0 && access.accessPolicies.length === 0)
      lines.push(`      ${paint.dim("no binding names this identity")}`);
  }
  for (const e of r.escalations) lines.push(`      ${paint.magenta("escalation:")} ${e.text} (${e.via})`);
  return lines;
}

export function explainText(
  result: ExplainResult,
  term: Pick<Terminal, "paint">,
  context: RequestContextSummary,
): string {
  const { paint } = term;
  const p = result.principal;
  const lines: string[] = [];
  const groups =
    p.groups.length > 0 ? `, groups ${p.groups.join(", ")}` : p.type === "user" ? ", no groups" : "";
  lines.push(`${paint.bold(principalTitle(p))} ${paint.dim(p.arn)}${groups}`);
  if (p.type === "root" || p.type === "federated-user")
    lines.push(
      paint.dim(
        "  cannot call sts:AssumeRole: only its own credentials, mapped by its ARN (mapUsers) or its account (mapAccounts)",
      ),
    );
  else if (!p.known) lines.push(paint.yellow("  not in the snapshot: only its own session is considered"));
  lines.push(`clusters: ${result.clusters.join(", ") || "none"}`);
  lines.push(paint.dim(contextLine(context)));
  result.routes.forEach((route, i) => {
    lines.push("");
    lines.push(paint.bold(`Route ${i + 1}: ${routeTitle(route)}`));
    if (route.requires.length > 0)
      lines.push(`  ${paint.yellow(`only ${describeConditions(route.requires)}`)}`);
    lines.push(...hopLines(route.hops, paint, "  "));
    for (const r of result.reach.filter((x) => x.route === route))
      lines.push(...reachLines(r, paint, route.hops.length));
  });
  const reached = result.reach.filter((r) => r.mapping.mapped).length;
  lines.push("");
  lines.push(
    `${reached} of ${result.reach.length} route/cluster pair${result.reach.length === 1 ? "" : "s"} reach a Kubernetes identity`,
  );
  return `${lines.join("\n")}\n`;
}

function chain(path: AccessPath): string {
  return path.hops.map((h) => h.what).join(" -> ") + (path.requires !== undefined ? " (with MFA)" : "");
}

export function whoCanJson(result: AccessWhoCanResult, context: RequestContextSummary): unknown {
  return {
    context: contextJson(context),
    request: result.request,
    description: describeRequest(result.request),
    clusters: result.clusters,
    principals: result.principals,
    kubernetesSubjects: result.kubernetesSubjects,
  };
}

export function whoCanText(
  result: AccessWhoCanResult,
  term: Pick<Terminal, "paint">,
  detail: boolean,
  context: RequestContextSummary,
): string {
  const { paint } = term;
  const lines: string[] = [];
  lines.push(
    `${paint.bold(`Who can ${describeRequest(result.request)}`)} on ${result.clusters.join(", ") || "no cluster"}`,
  );
  lines.push(paint.dim(contextLine(context)));
  const users = result.principals.filter((p) => p.type === "user");
  const roles = result.principals.filter((p) => p.type === "role");
  for (const [title, list] of [
    ["IAM users", users],
    ["IAM roles", roles],
  ] as const) {
    lines.push("");
    lines.push(paint.bold(`${title} (${list.length})`));
    if (list.length === 0) lines.push(`  ${paint.dim("none")}`);
    for (const p of list) {
      const via =
        p.viaGroups.length > 0
          ? ` via group${p.viaGroups.length === 1 ? "" : "s"} ${p.viaGroups.join(", ")}`
          : "";
      const mfa = p.requires.length > 0 ? ` ${paint.yellow("yes, with MFA")}` : "";
      lines.push(`  ${paint.bold(p.name)}${via} ${paint.dim(p.arn)}${mfa}`);
      if (p.requires.length > 0) lines.push(`    ${paint.dim(`only ${describeConditions(p.requires)}`)}`);
      for (const path of p.paths) {
        if (detail) {
          lines.push(`    on ${path.cluster}:`);
          lines.push(...hopLines(path.hops, paint, "      "));
        } else lines.push(`    ${path.cluster}: ${chain(path)}`);
      }
    }
  }
  lines.push("");
  lines.push(paint.bold(`Kubernetes subjects (${result.kubernetesSubjects.length})`));
  for (const s of result.kubernetesSubjects) {
    const ns = s.namespace !== undefined ? `${s.namespace}/` : "";
    const imp = s.impersonates !== undefined ? ` by impersonating ${s.impersonates}` : "";
    const reached = s.reachedFromIam ? "" : paint.dim(" (no IAM principal of the snapshot gets it)");
    lines.push(`  ${s.cluster}: ${s.kind} ${ns}${s.name}${imp}: ${paint.dim(s.via)}${reached}`);
  }
  return `${lines.join("\n")}\n`;
}

export function canIJson(result: CanIResult, context: RequestContextSummary): unknown {
  return {
    allowed: result.allowed,
    answer: result.answer,
    conditions: result.conditions,
    context: contextJson(context),
    principal: result.principal,
    request: result.request,
    description: describeRequest(result.request),
    clusters: result.clusters,
    reason: result.reason,
    paths: result.paths,
    failures: result.failures,
  };
}

export function canIText(
  result: CanIResult,
  term: Pick<Terminal, "paint">,
  context: RequestContextSummary,
): string {
  const { paint } = term;
  const answer = answerText(result.answer);
  const lines: string[] = [
    result.answer === "yes"
      ? paint.green(answer)
      : result.answer === "no"
        ? paint.red(answer)
        : paint.yellow(answer),
  ];
  lines.push(result.reason);
  if (result.conditions.length > 0) lines.push(`only ${describeConditions(result.conditions)}`);
  lines.push(paint.dim(contextLine(context)));
  if (result.clusters.length > 1) {
    lines.push(result.clusters.map((c) => `${c.cluster}: ${answerText(c.answer)}`).join(", "));
  }
  for (const path of result.paths) {
    lines.push("");
    lines.push(paint.bold(`on ${path.cluster}${path.requires !== undefined ? " (with MFA)" : ""}:`));
    lines.push(...hopLines(path.hops, paint, "  "));
  }
  if (!result.allowed) {
    lines.push("");
    lines.push(paint.bold("Where each way stops:"));
    for (const f of result.failures) {
      const last = f.hops[f.hops.length - 1];
      const from = last === undefined ? "" : ` after ${last.what}`;
      lines.push(`  ${f.cluster}: ${paint.yellow(`breaks at ${f.brokenAt}`)}${from}: ${f.reason}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function requestLine(request: RequestAttributes): string {
  return describeRequest(request);
}
