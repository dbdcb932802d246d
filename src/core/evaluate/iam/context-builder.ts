/**
 * The one place that decides what is in a request context: the keys AWS sets for the
 * principal, the resource and the request ("AWS global condition context keys",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html;
 * "IAM policy elements: Variables and tags", Principal key values,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html), from
 * the snapshot and from what the person asking asserts (`RequestOptions`). Pure: the time
 * of the request is passed in.
 */
import { formatIamDate, parseIamDate, RequestContext, type ContextInput } from "./request-context.js";

/** An instant: ISO 8601 text, epoch seconds as text, or a value with `getTime()` (a `Date`). */
export type Instant = string | { readonly getTime: () => number };

/** What the person asking asserts about the request: what a snapshot cannot know. */
export interface RequestOptions {
  /**
   * When the request is made: sets `aws:CurrentTime` and `aws:EpochTime`, which AWS puts in
   * every request. Without it those keys are absent and a decision that tests them says so in
   * its warnings.
   */
  readonly at?: Instant;
  /**
   * Whether the caller's credentials were obtained with MFA. An IAM user without MFA is taken to
   * use long-term access keys: `aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge` and
   * `aws:TokenIssueTime` are then absent. A role session without MFA carries
   * `aws:MultiFactorAuthPresent` = false.
   */
  readonly mfa?: boolean;
  /** Seconds since the MFA sign-in (`aws:MultiFactorAuthAge`); default 0. Only with `mfa`. */
  readonly mfaAgeSeconds?: number;
  /** The caller's own session name when the principal is given as a role ARN. */
  readonly callerSessionName?: string;
  /**
   * A source identity. For a role session: the one its session carries (`aws:SourceIdentity`
   * on every request, and carried into a chained AssumeRole). For an IAM user: the one it sets
   * on the AssumeRole call (`sts:SourceIdentity`). Setting one needs `sts:SetSourceIdentity`.
   */
  readonly sourceIdentity?: string;
  /** More request-context keys (e.g. `aws:SourceIp`, session tags); they override computed ones. */
  readonly context?: ContextInput;
}

/** The principal making the request, as the context keys describe it. */
export interface PrincipalFacts {
  readonly type: "User" | "AssumedRole" | "FederatedUser" | "Account";
  /** `aws:PrincipalArn`: the user, the role behind a session, the federated user, the root. */
  readonly arn: string;
  readonly account: string;
  /** IAM users only (`aws:username`). */
  readonly userName?: string;
  /** `aws:userid`; absent when the snapshot does not hold the principal's unique id. */
  readonly userId?: string;
  /** Tags of the user or role (`aws:PrincipalTag/*`). */
  readonly tags?: ReadonlyMap<string, string>;
}

/** The resource of the request, when the snapshot knows it (its tags) or its ARN names an account. */
export interface ResourceFacts {
  readonly account?: string;
  readonly tags?: ReadonlyMap<string, string>;
}

/** The parameters of an AssumeRole call. */
export interface AssumeRoleFacts {
  readonly sessionName: string;
  readonly externalId?: string;
}

export interface RequestContextParts {
  readonly principal?: PrincipalFacts;
  readonly resource?: ResourceFacts;
  readonly assumeRole?: AssumeRoleFacts;
}

export interface BuiltContext {
  readonly context: RequestContext;
  /** What was assumed or could not be set, in words. */
  readonly warnings: readonly string[];
}

type Keys = Record<string, string | readonly string[] | undefined>;

/**
 * The request context for one request. Later parts override earlier ones; `options.context`
 * overrides everything.
 */
export function buildRequestContext(parts: RequestContextParts, options: RequestOptions = {}): BuiltContext {
  const warnings: string[] = [];
  const time = timeKeys(options.at, warnings);
  const keys: Keys = {
    // Always in a signed request made directly (not through a service) over TLS.
    "aws:SecureTransport": "true",
    "aws:ViaAWSService": "false",
    "aws:PrincipalIsAWSService": "false",
    ...time.keys,
  };
  const p = parts.principal;
  if (p !== undefined) Object.assign(keys, principalKeys(p, options, time.epochMs));
  if (parts.resource !== undefined) Object.assign(keys, resourceKeys(parts.resource));
  if (parts.assumeRole !== undefined) {
    Object.assign(keys, {
      "sts:RoleSessionName": parts.assumeRole.sessionName,
      "sts:ExternalId": parts.assumeRole.externalId,
      // Set on the call by a user; carried into the new session from a session that has one.
      "sts:SourceIdentity": options.sourceIdentity,
    });
  }
  const context = new RequestContext().with(keys).with(stringify(options.context));
  return { context, warnings };
}

function principalKeys(p: PrincipalFacts, options: RequestOptions, epochMs: number | undefined): Keys {
  const temporary =
    p.type === "AssumedRole" || ((p.type === "User" || p.type === "Account") && options.mfa === true);
  const mfaAge = options.mfa === true ? Math.max(0, Math.floor(options.mfaAgeSeconds ?? 0)) : undefined;
  const keys: Keys = {
    "aws:PrincipalArn": p.arn,
    "aws:PrincipalAccount": p.account,
    "aws:PrincipalType": p.type,
    "aws:userid": p.userId,
    "aws:username": p.type === "User" ? p.userName : undefined,
  };
  for (const [k, v] of p.tags ?? []) keys[`aws:PrincipalTag/${k}`] = v;
  // MFA keys are set only for temporary credentials; federated users never carry them.
  if (temporary) {
    keys["aws:MultiFactorAuthPresent"] = options.mfa === true ? "true" : "false";
    if (mfaAge !== undefined) keys["aws:MultiFactorAuthAge"] = String(mfaAge);
    if (epochMs !== undefined) keys["aws:TokenIssueTime"] = formatIamDate(epochMs - (mfaAge ?? 0) * 1000);
  } else if (p.type === "FederatedUser" && epochMs !== undefined) {
    keys["aws:TokenIssueTime"] = formatIamDate(epochMs);
  }
  if (p.type === "AssumedRole" && options.sourceIdentity !== undefined) {
    keys["aws:SourceIdentity"] = options.sourceIdentity;
  }
  return keys;
}

function resourceKeys(r: ResourceFacts): Keys {
  const keys: Keys = { "aws:ResourceAccount": r.account };
  for (const [k, v] of r.tags ?? []) keys[`aws:ResourceTag/${k}`] = v;
  return keys;
}

function timeKeys(at: Instant | undefined, warnings: string[]): { keys: Keys; epochMs?: number } {
  if (at === undefined) return { keys: {} };
  const ms = typeof at === "string" ? parseIamDate(at) : at.getTime();
  if (ms === undefined || !Number.isFinite(ms)) {
    warnings.push(
      `the request time ${JSON.stringify(String(typeof at === "string" ? at : ms))} is not a date; aws:CurrentTime and aws:EpochTime are left out`,
    );
    return { keys: {} };
  }
  return {
    keys: { "aws:CurrentTime": formatIamDate(ms), "aws:EpochTime": String(Math.floor(ms / 1000)) },
    epochMs: ms,
  };
}

function stringify(input: ContextInput | undefined): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(input ?? {})) {
    out[k] = Array.isArray(v) ? [...(v as readonly string[])] : String(v);
  }
  return out;
}

/**
 * Keys AWS puts in (nearly) every request but a snapshot cannot know, with what was missing.
 * A condition that finds one absent was evaluated on too little: the decision says so.
 */
export const UNKNOWN_UNLESS_GIVEN: ReadonlyMap<string, string> = new Map([
  ["aws:currenttime", "no request time was given"],
  ["aws:epochtime", "no request time was given"],
  ["aws:sourceip", "the caller's IP address was not given (AWS leaves it out only behind a VPC endpoint)"],
  ["aws:requestedregion", "the region of the request was not given"],
  ["aws:useragent", "the caller's user agent was not given"],
]);
