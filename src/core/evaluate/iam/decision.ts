/** What the evaluator answers: decisions that carry the statements that made them. */
import type { Effect, PolicySource } from "./policy-document.js";

export type DecisionKind = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/**
 * How a resource-based (trust) statement named the caller. It decides what else is needed
 * in the same account ("IAM policy evaluation logic", I3, I5, I11):
 * - `principal`: the caller's own user or session ARN, or `*`: enough alone; a permissions
 *   boundary does not cap it;
 * - `role`: the ARN of the role behind the caller's session: enough alone, but capped by the
 *   role's permissions boundary;
 * - `account`: the account (`arn:aws:iam::A:root` or `A`): an identity policy must allow too.
 * Across accounts an identity policy is always needed as well (I4).
 */
export type GrantKind = "principal" | "role" | "account";

export interface StatementMatch {
  readonly source: PolicySource;
  readonly sid?: string;
  /** 0-based position in the policy's Statement list. */
  readonly statementIndex: number;
  readonly effect: Effect;
  /** Why it applies (or, in `unmet`, why it did not). */
  readonly why: string;
  /** Resource policies only: how the Principal element named the caller. */
  readonly grant?: GrantKind;
}

export interface LayerResult {
  readonly allows: readonly StatementMatch[];
  readonly denies: readonly StatementMatch[];
  /** Statements whose action and resource matched but whose Principal or Condition did not. */
  readonly unmet: readonly StatementMatch[];
}

export interface ScpLevelResult extends LayerResult {
  readonly target: string;
}

export interface Decision {
  readonly decision: DecisionKind;
  readonly allowed: boolean;
  /** The caller as AWS sees it: a user ARN or an assumed-role session ARN. */
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  /**
   * The statements that made the decision: every matching Deny for an explicit deny; for an
   * allow, the Allow statements each policy type in play contributed.
   */
  readonly statements: readonly StatementMatch[];
  /** For a deny: what was missing or what denied, in words. */
  readonly reasons: readonly string[];
  readonly layers: {
    readonly identity: LayerResult;
    readonly boundary?: LayerResult;
    readonly scp?: readonly ScpLevelResult[];
    readonly resource?: LayerResult;
  };
  /** True when part of the answer was out of reach (caller or role not in the snapshot). */
  readonly incomplete: boolean;
  /** Unsupported condition operators met on the way, and similar caveats. */
  readonly warnings: readonly string[];
  /**
   * The request context the decision was made with (key as written, values), sorted by key:
   * what was assumed about the request.
   */
  readonly context: readonly (readonly [string, readonly string[]])[];
}

export interface AssumeRoleDecision extends Decision {
  readonly roleArn: string;
  readonly sessionName: string;
  /** The identity-side Allow statement (user, group or role policy), when there is one. */
  readonly identityStatement?: StatementMatch;
  /** The trust-policy Allow statement that named the caller, when there is one. */
  readonly trustStatement?: StatementMatch;
  /** Whether this request needed an identity-policy Allow (I3, I4). */
  readonly identityPolicyRequired: boolean;
  /** Whether the caller's permissions boundary capped this request (I5). */
  readonly boundaryApplied: boolean;
}
