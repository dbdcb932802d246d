/**
 * The request context the access engine asks IAM with: whether the caller signed in with
 * MFA, when the request is made, the role session name, and more condition keys. The
 * commands build it from `--mfa`/`--no-mfa`, `--at`, `--session-name` and `--context
 * KEY=VALUE` (the clock is read there, never here).
 *
 * `iamRequestOptions` is the one place these become the IAM evaluator's request options;
 * everything else in the access engine passes `RequestContextOptions` along unchanged.
 */
import type { IamIndex, RequestOptions } from "../iam/index.js";
import type { PolicyAttachment, Statement } from "../iam/policy-document.js";

/** What is assumed about MFA. */
export type MfaAssumption =
  /** `--mfa`: the caller signed in with MFA (aws:MultiFactorAuthPresent is true). */
  | "present"
  /** `--no-mfa`: it did not; access only MFA opens counts as no. */
  | "absent"
  /**
   * Neither flag: evaluated without MFA, and access that MFA alone would open is reported
   * as a conditional yes, "with MFA", naming the condition.
   */
  | "unstated";

export interface RequestContextOptions {
  /** Default `unstated`. */
  readonly mfa?: MfaAssumption;
  /** The time of the request, ISO 8601 (aws:CurrentTime, aws:EpochTime). Unset: no time keys. */
  readonly at?: string;
  /**
   * The role session name of every AssumeRole on a path, and of a role used directly.
   * Default: a user's own IAM user name when it assumes a role (what a
   * `sts:RoleSessionName = ${aws:username}` trust condition asks for), the calling
   * session's name when a role assumes another, `EKSGetTokenAuth` for a role given directly.
   */
  readonly sessionName?: string;
  /** More condition keys (`--context KEY=VALUE`); they override the keys eksgate derives. */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The context as a command assumed it, for output (text and JSON). */
export interface RequestContextSummary {
  readonly mfa: MfaAssumption;
  readonly at: string;
  /** Whether `at` was given (`--at`) or is the time the command ran. */
  readonly atGiven: boolean;
  readonly sessionName?: string;
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** A condition a hop (and so its path) holds only under. */
export interface HopCondition {
  readonly kind: "mfa";
  /** The statements that make it one, in words. */
  readonly because: readonly string[];
}

const MFA_AGE = "aws:multifactorauthage";

/**
 * The IAM evaluator's request options for one evaluation: with MFA or without (the caller
 * decides which, from `mfaPasses`), the time and the extra keys. An MFA age given as an
 * extra key only means something with MFA: without, it is left out.
 */
export function iamRequestOptions(context: RequestContextOptions, withMfa: boolean): RequestOptions {
  const extra: Record<string, readonly string[]> = {};
  let age: number | undefined;
  for (const [key, values] of Object.entries(context.extra ?? {})) {
    if (key.toLowerCase() === MFA_AGE) {
      const n = Number(values[0]);
      if (withMfa && Number.isFinite(n)) age = n;
      continue;
    }
    extra[key] = values;
  }
  return {
    mfa: withMfa,
    ...(age !== undefined ? { mfaAgeSeconds: age } : {}),
    ...(context.at !== undefined ? { at: context.at } : {}),
    ...(Object.keys(extra).length > 0 ? { context: extra } : {}),
  };
}

/** The MFA setting of the main evaluation, and whether a second one with MFA is wanted. */
export function mfaPasses(
  context: RequestContextOptions,
  index: IamIndex,
): { readonly main: boolean; readonly conditional: boolean } {
  const mode = context.mfa ?? "unstated";
  if (mode === "present") return { main: true, conditional: false };
  return { main: false, conditional: mode === "unstated" && snapshotMentionsMfa(index) };
}

/** A stable key of what an evaluation depends on, for caches. */
export function contextKey(context: RequestContextOptions): string {
  return JSON.stringify([
    context.mfa ?? "unstated",
    context.at ?? "",
    context.sessionName ?? "",
    context.extra ?? {},
  ]);
}

const MFA_TEXT = "multifactorauth";

function mentions(text: string): boolean {
  return text.toLowerCase().includes(MFA_TEXT);
}

/** An MFA key in a condition, or an MFA policy variable in a condition value or resource. */
function statementMentionsMfa(s: Statement): boolean {
  return (
    s.conditions.some((c) => mentions(c.key) || c.values.some(mentions)) ||
    (s.resource ?? []).some(mentions) ||
    (s.notResource ?? []).some(mentions)
  );
}

function attachmentMentionsMfa(a: PolicyAttachment | undefined): boolean {
  return a !== undefined && a.policy.document.statements.some(statementMentionsMfa);
}

const mentionsMfa = new WeakMap<IamIndex, boolean>();

/**
 * Whether any policy of the snapshot mentions an MFA key (in a condition or a variable).
 * When none does, MFA cannot change an answer and the second evaluation is skipped.
 */
export function snapshotMentionsMfa(index: IamIndex): boolean {
  const known = mentionsMfa.get(index);
  if (known !== undefined) return known;
  const attachments: (PolicyAttachment | undefined)[] = [];
  for (const u of index.users) attachments.push(...u.policies, u.boundary);
  for (const g of index.groups) attachments.push(...g.policies);
  for (const r of index.roles) attachments.push(...r.policies, r.boundary, r.trust);
  for (const account of index.accounts)
    for (const level of index.serviceControlPolicies(account) ?? []) attachments.push(...level.policies);
  const found = attachments.some(attachmentMentionsMfa);
  mentionsMfa.set(index, found);
  return found;
}

/** The MFA condition clauses of a statement, as `Bool aws:MultiFactorAuthPresent true`. */
export function mfaClauses(statement: Statement | undefined): string[] {
  return (statement?.conditions ?? [])
    .filter((c) => c.key.toLowerCase().startsWith("aws:multifactorauth"))
    .map((c) => `${c.operator} ${c.key} ${c.values.join(" | ")}`);
}
