/**
 * Conditional access: an AssumeRole that IAM allows only when the caller signed in with
 * MFA. The access engine evaluates such a hop twice (without MFA, then with); this names
 * the statements that make the difference, so a path can say "with MFA" and why.
 */
import { resolveCaller, type AssumeRoleDecision, type IamIndex, type StatementMatch } from "../iam/index.js";
import type { PolicyAttachment, Statement } from "../iam/policy-document.js";
import { describeStatement, statementOf } from "./hops.js";
import type { Hop } from "./model.js";
import { mfaClauses, type HopCondition } from "./request-context.js";
import { arnResourceName } from "../../model/arn.js";

/** Every policy that can take part in `decision`, to find a matched statement's text. */
function attachmentsOf(index: IamIndex, decision: AssumeRoleDecision): PolicyAttachment[] {
  const caller = resolveCaller(index, decision.principalArn);
  const role = index.role(decision.roleArn);
  const out: PolicyAttachment[] = [...caller.identity];
  if (caller.boundary !== undefined) out.push(caller.boundary);
  if (role?.trust !== undefined) out.push(role.trust);
  for (const level of index.serviceControlPolicies(caller.account) ?? []) out.push(...level.policies);
  return out;
}

function statementFor(attachments: readonly PolicyAttachment[], m: StatementMatch): Statement | undefined {
  const a = attachments.find(
    (x) =>
      x.source.kind === m.source.kind &&
      x.source.policyName === m.source.policyName &&
      x.source.policyArn === m.source.policyArn &&
      x.source.attachedTo === m.source.attachedTo,
  );
  return a?.policy.document.statements[m.statementIndex];
}

function describe(m: StatementMatch, roleArn: string): string {
  const role = m.source.kind === "trust" ? "trust" : "identity";
  const text = describeStatement(statementOf(role, m));
  return m.source.kind === "trust" ? `${text} of role ${arnResourceName(roleArn)}` : text;
}

/**
 * Why `withMfa` (allowed) needs MFA where `withoutMfa` (denied) did not get through: the
 * Deny statements that only hold without MFA, and the MFA conditions of the Allow
 * statements that let it through.
 */
export function mfaCondition(
  index: IamIndex,
  withMfa: AssumeRoleDecision,
  withoutMfa: AssumeRoleDecision | undefined,
): HopCondition {
  const attachments = attachmentsOf(index, withMfa);
  const because: string[] = [];
  if (withoutMfa?.decision === "ExplicitDeny") {
    for (const d of withoutMfa.statements) {
      const clauses = mfaClauses(statementFor(attachments, d));
      if (clauses.length > 0)
        because.push(`${describe(d, withMfa.roleArn)} denies it without MFA (${clauses.join("; ")})`);
    }
  }
  for (const m of withMfa.statements) {
    const clauses = mfaClauses(statementFor(attachments, m));
    if (clauses.length > 0) because.push(`${describe(m, withMfa.roleArn)} requires ${clauses.join("; ")}`);
  }
  if (because.length === 0) because.push("IAM allows it only when the caller signed in with MFA");
  return { kind: "mfa", because };
}

/** `with MFA (trust policy Sid "X" of role R requires Bool aws:MultiFactorAuthPresent true)` */
export function describeConditions(conditions: readonly HopCondition[]): string {
  return conditions.map((c) => `with MFA (${c.because.join("; ")})`).join("; ");
}

/** The hop with its conditions attached and said in its reason. */
export function conditionalHop(hop: Hop, conditions: readonly HopCondition[]): Hop {
  if (conditions.length === 0) return hop;
  return {
    ...hop,
    why: `${hop.why}; only ${describeConditions(conditions)}`,
    requires: [...(hop.requires ?? []), ...conditions],
  };
}

/** The conditions of some hops (or paths): one per kind, with every reason once. */
export function mergeConditions(lists: readonly (readonly HopCondition[] | undefined)[]): HopCondition[] {
  const byKind = new Map<HopCondition["kind"], string[]>();
  for (const list of lists)
    for (const c of list ?? []) {
      const because = byKind.get(c.kind) ?? [];
      for (const b of c.because) if (!because.includes(b)) because.push(b);
      byKind.set(c.kind, because);
    }
  return [...byKind].map(([kind, because]) => ({ kind, because }));
}

/** A path over `hops`, with the conditions of its hops when there are some. */
export function withConditions<T extends { readonly hops: readonly Hop[] }>(
  path: T,
): T & { readonly requires?: readonly HopCondition[] } {
  if (!path.hops.some((h) => h.requires !== undefined)) return path;
  const requires = mergeConditions(path.hops.map((h) => h.requires));
  return requires.length > 0 ? { ...path, requires } : path;
}
