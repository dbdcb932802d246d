/** `eksgate migrate`: the plan as text, with the proof, and as JSON. */
import type { MigrationPlan, PrincipalProof, ProofHop } from "../../core/migrate/index.js";
import type { Terminal } from "../terminal.js";

function hop(label: string, h: ProofHop): string[] {
  if (!h.mapped) return [`      ${label}: not mapped (${h.via})`];
  const policies =
    (h.accessPolicies ?? []).length > 0 ? `, access policies ${(h.accessPolicies ?? []).join(", ")}` : "";
  return [
    `      ${label}: ${h.via}`,
    `        -> user ${h.username ?? ""}, groups [${(h.groups ?? []).join(", ")}]${policies}`,
  ];
}

function difference(d: PrincipalProof): string[] {
  const lines = [`    ${d.principalArn}${d.sessionName === undefined ? "" : ` (session ${d.sessionName})`}`];
  lines.push(...hop("before", d.before), ...hop("after", d.after));
  for (const [sign, list] of [
    ["lost", d.lost],
    ["gained", d.gained],
  ] as const) {
    for (const c of list) {
      lines.push(`      ${sign} ${c.count} request(s), allowed by ${c.grant}:`);
      for (const r of c.requests) lines.push(`        ${r}`);
      if (c.count > c.requests.length) lines.push(`        ... and ${c.count - c.requests.length} more`);
    }
  }
  return lines;
}

export function migrationText(plan: MigrationPlan, accepted: readonly string[], term: Terminal): string {
  const { paint } = term;
  const lines: string[] = [
    `Migration of cluster ${plan.cluster}: ${plan.from} -> ${plan.to}`,
    "",
    `Access entries to create (${plan.accessEntries.length}):`,
  ];
  for (const e of plan.accessEntries) {
    const policies = e.accessPolicies.map(
      (p) => `${p.policyArn.split("/").pop() ?? ""} (${p.accessScope.type})`,
    );
    lines.push(
      `  + ${e.principalArn} ${e.type}` +
        (e.username === undefined ? "" : ` username=${e.username}`) +
        (e.kubernetesGroups.length > 0 ? ` groups=[${e.kubernetesGroups.join(", ")}]` : "") +
        (policies.length > 0 ? ` policies=[${policies.join(", ")}]` : "") +
        `   (from ${e.from})`,
    );
  }
  lines.push("", "aws-auth:");
  for (const d of plan.decisions) {
    const what =
      d.outcome === "access-entry"
        ? `-> access entry ${d.principalArn ?? ""}`
        : d.outcome === "already-served"
          ? `already served by the access entry of ${d.principalArn ?? ""}`
          : d.outcome === "stays-in-aws-auth"
            ? "stays in aws-auth"
            : "not converted";
    const removal = plan.deleteAwsAuth ? "" : d.removeFromAwsAuth ? ", removed after verification" : "";
    lines.push(
      `  ${d.source} ${d.written}: ${what}${removal}${d.codes.length > 0 ? ` [${d.codes.join(", ")}]` : ""}`,
    );
  }
  if (plan.deleteAwsAuth) lines.push("  the ConfigMap is deleted once every entry is verified");
  if (plan.items.length > 0) {
    lines.push("", "To review:");
    for (const i of plan.items) {
      const tag =
        i.severity === "blocking"
          ? paint.red("blocking")
          : i.severity === "warning"
            ? paint.yellow("warning")
            : "info";
      lines.push(`  ${tag} ${i.code} ${i.source}: ${i.summary}`, `      ${i.hint}`);
    }
  }
  lines.push(
    "",
    `Proof: ${plan.proof.principals} principal session(s) x ${plan.proof.requests} request(s), before and after.`,
  );
  if (plan.proof.differences.length === 0) lines.push(paint.green("  No principal's access changes."));
  else {
    lines.push(
      paint.red(`  ${plan.proof.differences.length} principal session(s) would have different access:`),
    );
    for (const d of plan.proof.differences) lines.push(...difference(d));
  }
  const open = plan.blockingCodes.filter((c) => !accepted.includes(c));
  lines.push("");
  if (open.length === 0) lines.push(`Ready: apply would switch ${plan.cluster} to ${plan.to}.`);
  else lines.push(`Refused until accepted: --accept-loss ${open.join(" ")}`);
  return `${lines.join("\n")}\n`;
}
