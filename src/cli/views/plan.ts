/** Views of a plan and of an apply's outcome. */
import type { Plan, PlanArea, PlanStep } from "../../core/plan/plan.js";
import { ACTION_SYMBOL, planSummary } from "../../core/plan/plan.js";
import type { ApplyResult } from "../../engine/apply.js";
import type { Terminal } from "../terminal.js";
import { arnResourceName } from "../../core/model/arn.js";

const AREA_TITLE: Readonly<Record<PlanArea, string>> = {
  iam: "IAM",
  "identity-center": "IAM Identity Center",
  authentication: "Cluster authentication (aws-auth and access entries)",
  rbac: "Kubernetes RBAC",
};

export function stepTitle(step: PlanStep): string {
  const r = step.resource;
  switch (r.kind) {
    case "iam-role":
      return `IAM role ${r.roleName}`;
    case "iam-role-policy":
      return `inline policy ${r.policyName} on role ${r.roleName}`;
    case "iam-group-policy":
      return `inline policy ${r.policyName} on group ${r.groupName}`;
    case "permission-set":
      return `permission set ${r.name}`;
    case "account-assignment":
      return `assignment of group ${r.groupId} to account ${r.accountId} (permission set ${r.permissionSet})`;
    case "aws-auth":
      return `kube-system/aws-auth on ${r.cluster}`;
    case "access-entry":
      return `access entry ${r.principalArn} on ${r.cluster}`;
    case "access-policy":
      return `access policy ${arnResourceName(r.policyArn)} for ${r.principalArn} on ${r.cluster}`;
    case "rbac":
      return `${r.objectKind} ${r.namespace !== undefined ? `${r.namespace}/` : ""}${r.name} on ${r.cluster}`;
  }
}

export function planSummaryLine(plan: Pick<Plan, "steps">): string {
  const s = planSummary(plan);
  return `${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete`;
}

export function renderPlanText(plan: Plan, term: Pick<Terminal, "paint">): string {
  const { paint } = term;
  const colour = (step: PlanStep, text: string): string =>
    step.action === "create"
      ? paint.green(text)
      : step.action === "delete"
        ? paint.red(text)
        : step.action === "replace"
          ? paint.magenta(text)
          : paint.yellow(text);
  const out: string[] = [];
  const scope = [
    plan.scope.destroy ? "destroy" : undefined,
    plan.scope.team !== undefined ? `team ${plan.scope.team}` : undefined,
    plan.scope.cluster !== undefined ? `cluster ${plan.scope.cluster}` : undefined,
  ].filter((s) => s !== undefined);
  out.push(
    `${paint.bold(plan.scope.destroy ? "eksgate destroy" : "eksgate plan")} ${paint.dim(`${plan.configFile} · account ${plan.accountId}${scope.length > 0 ? ` · ${scope.join(", ")}` : ""}`)}`,
  );
  if (plan.steps.length === 0) {
    out.push("", paint.green("No changes: AWS and the clusters already match the config."));
    return `${out.join("\n")}\n`;
  }
  for (const area of ["iam", "identity-center", "authentication", "rbac"] as const) {
    const steps = plan.steps.filter((s) => s.area === area);
    if (steps.length === 0) continue;
    out.push("", paint.bold(AREA_TITLE[area]));
    for (const step of steps) {
      out.push(`  ${colour(step, `${ACTION_SYMBOL[step.action].padEnd(3)} ${stepTitle(step)}`)}`);
      out.push(`      ${paint.dim(`why: ${step.reason}`)}`);
      for (const line of step.changes) {
        const sign = line.trimStart()[0];
        out.push(
          `      ${sign === "+" ? paint.green(line) : sign === "-" ? paint.red(line) : sign === "~" ? paint.yellow(line) : line}`,
        );
      }
    }
  }
  out.push("", `${paint.bold("Plan:")} ${planSummaryLine(plan)}.`);
  return `${out.join("\n")}\n`;
}

export function renderApplyResult(result: ApplyResult, term: Pick<Terminal, "paint">): string {
  const { paint } = term;
  const done = result.outcomes.filter((o) => o.status === "done");
  const failed = result.outcomes.filter((o) => o.status === "failed");
  const skipped = result.outcomes.filter((o) => o.status === "not-attempted");
  const out: string[] = [];
  if (result.ok) {
    out.push(paint.green(`Apply complete: ${done.length} change${done.length === 1 ? "" : "s"} made.`));
  } else {
    out.push(
      paint.red(
        `Apply stopped: ${done.length} done, ${failed.length} failed, ${skipped.length} not attempted.`,
      ),
    );
    for (const f of failed) {
      out.push(`  ${paint.red("failed")} ${stepTitle(f.step)}`);
      if (f.diagnostic) {
        out.push(`    ${f.diagnostic.code}: ${f.diagnostic.summary}`);
        if (f.diagnostic.detail !== undefined) out.push(`    ${paint.cyan("hint:")} ${f.diagnostic.detail}`);
      }
    }
    if (skipped.length > 0) out.push(`  not attempted: ${skipped.map((s) => s.step.id).join(", ")}`);
    out.push("Fix the cause and run apply again: it picks up from what is already done.");
  }
  return `${out.join("\n")}\n`;
}
