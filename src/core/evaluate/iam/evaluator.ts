/**
 * The IAM evaluator: identity policies (user + groups, or role), permissions boundaries, SCPs
 * and resource-based (trust) policies combined as "IAM policy evaluation logic" and
 * iam-evaluation.md (I1-I13) describe. Pure: the time of a request comes in as `at`.
 */
import {
  accountIdOf,
  arnResourceName,
  classifyPrincipalArn,
  formatAssumedRoleArn,
  readArn,
  partitionOf,
  formatRoleArn,
} from "../../model/arn.js";
import {
  ASSUME_ROLE,
  IamIndex,
  indexSnapshot,
  type IamRole,
  type IamUser,
  type ScpLevel,
} from "./account-index.js";
import { evaluateConditions } from "./condition.js";
import type {
  AssumeRoleDecision,
  Decision,
  GrantKind,
  LayerResult,
  ScpLevelResult,
  StatementMatch,
} from "./decision.js";
import {
  parsePolicyDocument,
  Policy,
  type PolicyAttachment,
  type PrincipalSet,
  type Statement,
} from "./policy-document.js";
import {
  buildRequestContext,
  UNKNOWN_UNLESS_GIVEN,
  type AssumeRoleFacts,
  type PrincipalFacts,
  type RequestOptions,
} from "./context-builder.js";
import { RequestContext, substituteVariables } from "./request-context.js";
import type { IamSnapshot, RawPolicyDocument } from "./iam-snapshot.js";
import { wildcardMatch } from "./wildcard.js";

export type SnapshotInput = IamSnapshot | IamIndex;

export type { Instant, RequestOptions } from "./context-builder.js";

export interface AssumeRoleOptions extends RequestOptions {
  /** `RoleSessionName` of the AssumeRole call. Default: the caller's user name (or session name). */
  readonly sessionName?: string;
  readonly externalId?: string;
}

export interface EvaluateOptions extends RequestOptions {
  /** A resource-based policy to include, with the account that owns the resource. */
  readonly resourcePolicy?: {
    readonly document: RawPolicyDocument;
    readonly account: string;
    readonly name?: string;
    /** Whether access is impossible without it (true for role trust policies). */
    readonly required?: boolean;
  };
}

/** The caller of a request, resolved against the snapshot. */
export interface Caller {
  readonly arn: string;
  readonly type: "user" | "assumed-role" | "unknown";
  readonly account: string;
  readonly partition: string;
  readonly user?: IamUser;
  readonly role?: IamRole;
  readonly sessionName?: string;
  /** Identity policies: the user's own and every group's, or the role's. */
  readonly identity: readonly PolicyAttachment[];
  readonly boundary?: PolicyAttachment;
  /** The principal as the request context describes it; undefined for what is no principal. */
  readonly facts?: PrincipalFacts;
  /** The principal's part of the request context, with the options' keys. */
  readonly context: RequestContext;
  /** Whether the caller's policies are in the snapshot. */
  readonly known: boolean;
  /** Set by `resolveCaller`: what building the context assumed or could not set. */
  readonly contextWarnings?: readonly string[];
}

/**
 * Resolves a user ARN, a role ARN (a session of it named `callerSessionName`, default the role
 * name), an assumed-role session ARN, an account root or a federated user, and builds the
 * principal's part of the request context ("AWS global condition context keys"; I8).
 */
export function resolveCaller(
  snapshot: SnapshotInput,
  principalArn: string,
  options: RequestOptions = {},
): Caller {
  const index = indexSnapshot(snapshot);
  const kind = classifyPrincipalArn(principalArn);
  const partition = partitionOf(principalArn);
  const finish = (caller: Omit<Caller, "context" | "contextWarnings">): Caller => {
    const built = buildRequestContext(caller.facts === undefined ? {} : { principal: caller.facts }, options);
    return { ...caller, context: built.context, contextWarnings: built.warnings };
  };
  if (kind.kind === "user") {
    const user = index.user(principalArn) ?? index.userByName(kind.accountId, kind.name);
    const facts: PrincipalFacts = {
      type: "User",
      arn: user?.arn ?? principalArn,
      account: kind.accountId,
      userName: user?.name ?? kind.name,
      ...(user?.id !== undefined ? { userId: user.id } : {}),
      ...(user !== undefined ? { tags: user.tags } : {}),
    };
    if (user === undefined) {
      return finish({
        arn: principalArn,
        type: "user",
        account: kind.accountId,
        partition,
        identity: [],
        facts,
        known: false,
      });
    }
    return finish({
      arn: user.arn,
      type: "user",
      account: user.account,
      partition: user.partition,
      user,
      identity: [...user.policies, ...user.groups.flatMap((g) => g.policies)],
      ...(user.boundary !== undefined ? { boundary: user.boundary } : {}),
      facts,
      known: true,
    });
  }
  if (kind.kind === "role" || kind.kind === "assumed-role") {
    const role =
      kind.kind === "role"
        ? (index.role(principalArn) ?? index.roleByName(kind.accountId, kind.name))
        : index.roleByName(kind.accountId, kind.roleName);
    const roleName = kind.kind === "role" ? kind.name : kind.roleName;
    const session = kind.kind === "assumed-role" ? kind.sessionName : (options.callerSessionName ?? roleName);
    const arn = formatAssumedRoleArn(partition, kind.accountId, role?.name ?? roleName, session);
    const facts: PrincipalFacts = {
      type: "AssumedRole",
      // aws:PrincipalArn of a session is its role's ARN (with the path, when the snapshot has it).
      arn:
        role?.arn ??
        (kind.kind === "role" ? principalArn : formatRoleArn(partition, kind.accountId, roleName)),
      account: kind.accountId,
      ...(role?.id !== undefined ? { userId: `${role.id}:${session}` } : {}),
      ...(role !== undefined ? { tags: role.tags } : {}),
    };
    if (role === undefined) {
      return finish({
        arn,
        type: "assumed-role",
        account: kind.accountId,
        partition,
        sessionName: session,
        identity: [],
        facts,
        known: false,
      });
    }
    return finish({
      arn,
      type: "assumed-role",
      account: role.account,
      partition: role.partition,
      role,
      sessionName: session,
      identity: role.policies,
      ...(role.boundary !== undefined ? { boundary: role.boundary } : {}),
      facts,
      known: true,
    });
  }
  const account =
    kind.kind === "root" || kind.kind === "group" ? kind.accountId : (accountIdOf(principalArn) ?? "");
  return finish({
    arn: principalArn,
    type: "unknown",
    account,
    partition,
    identity: [],
    ...(otherPrincipalFacts(principalArn, kind.kind === "root") ?? {}),
    known: false,
  });
}

/** The account root (`Account`) or an STS federated user (`FederatedUser`); else nothing. */
/** The role of an assumed-role session ARN (`ROLE` in `assumed-role/ROLE/SESSION`). */
function sessionRoleName(arn: string): string | undefined {
  const session = classifyPrincipalArn(arn);
  return session.kind === "assumed-role" ? session.roleName : undefined;
}

function otherPrincipalFacts(arn: string, root: boolean): { facts: PrincipalFacts } | undefined {
  const parsed = readArn(arn);
  if (parsed === undefined) return undefined;
  if (root) return { facts: { type: "Account", arn, account: parsed.accountId, userId: parsed.accountId } };
  if (parsed.service === "sts" && parsed.resource.startsWith("federated-user/")) {
    const name = parsed.resource.slice("federated-user/".length);
    return {
      facts: { type: "FederatedUser", arn, account: parsed.accountId, userId: `${parsed.accountId}:${name}` },
    };
  }
  return undefined;
}

/** The request context of one request by `caller` on `resource` (the one place: context-builder). */
function requestCaller(
  index: IamIndex,
  caller: Caller,
  resource: string,
  options: RequestOptions,
  assumeRole?: AssumeRoleFacts,
): { caller: Caller; warnings: readonly string[] } {
  const entity = index.role(resource) ?? index.user(resource);
  const account = entity?.account ?? accountIdOf(resource);
  const built = buildRequestContext(
    {
      ...(caller.facts !== undefined ? { principal: caller.facts } : {}),
      resource: {
        ...(account !== undefined ? { account } : {}),
        ...(entity !== undefined ? { tags: entity.tags } : {}),
      },
      ...(assumeRole !== undefined ? { assumeRole } : {}),
    },
    options,
  );
  return { caller: { ...caller, context: built.context }, warnings: built.warnings };
}

// ---------------------------------------------------------------------------------------------
// Statement and layer evaluation

interface LayerAccumulator {
  allows: StatementMatch[];
  denies: StatementMatch[];
  unmet: StatementMatch[];
  warnings: string[];
}

function newLayer(): LayerAccumulator {
  return { allows: [], denies: [], unmet: [], warnings: [] };
}

function resourceMatches(
  statement: Statement,
  resource: string,
  context: RequestContext,
  vars: boolean,
): string | undefined {
  const test = (patterns: readonly string[]): string | undefined => {
    for (const raw of patterns) {
      const p = vars ? substituteVariables(raw, context) : raw;
      if (p !== undefined && wildcardMatch(p, resource)) return raw;
    }
    return undefined;
  };
  if (statement.resource !== undefined) {
    const hit = test(statement.resource);
    return hit === undefined ? undefined : `Resource ${JSON.stringify(hit)} matches`;
  }
  if (statement.notResource !== undefined) {
    return test(statement.notResource) === undefined ? "resource is outside NotResource" : undefined;
  }
  // Trust policies have no Resource element: the role itself is the resource.
  return "no Resource element (the policy's own resource)";
}

function actionWhy(statement: Statement, action: string): string {
  if (statement.action !== undefined) {
    const hit = statement.action.find((p) => wildcardMatch(p, action, true)) ?? "";
    return `Action ${JSON.stringify(hit)} matches ${action}`;
  }
  return `${action} is outside NotAction`;
}

/**
 * How a Principal/NotPrincipal element names the caller, or undefined when it does not.
 * Group ARNs, service and federated principals and unique ids never name an IAM caller (I2).
 */
export function principalGrant(statement: Statement, caller: Caller): GrantKind | undefined {
  if (statement.principal !== undefined) return principalSetGrant(statement.principal, caller);
  if (statement.notPrincipal !== undefined) {
    return principalSetGrant(statement.notPrincipal, caller) === undefined ? "principal" : undefined;
  }
  return undefined;
}

function principalSetGrant(set: PrincipalSet, caller: Caller): GrantKind | undefined {
  let best: GrantKind | undefined;
  const rank: Record<GrantKind, number> = { principal: 3, role: 2, account: 1 };
  const offer = (g: GrantKind): void => {
    if (best === undefined || rank[g] > rank[best]) best = g;
  };
  if (set.anyone) offer("principal");
  const callerArn = caller.arn.toLowerCase();
  for (const entry of set.aws) {
    if (/^\d{12}$/.test(entry)) {
      if (entry === caller.account) offer("account");
      continue;
    }
    const kind = classifyPrincipalArn(entry);
    switch (kind.kind) {
      case "root":
        if (kind.accountId === caller.account) offer("account");
        break;
      case "user":
      case "assumed-role":
        if (entry.toLowerCase() === callerArn) offer("principal");
        break;
      case "role":
        // I11: a role ARN names every session of that role.
        if (caller.type === "assumed-role" && kind.accountId === caller.account) {
          const roleArn = caller.role?.arn;
          if (
            roleArn !== undefined
              ? roleArn.toLowerCase() === entry.toLowerCase()
              : sessionRoleName(caller.arn)?.toLowerCase() === kind.name.toLowerCase()
          ) {
            offer("role");
          }
        }
        break;
      default:
        break;
    }
  }
  return best;
}

function evaluateLayer(
  attachments: readonly PolicyAttachment[],
  action: string,
  resource: string,
  caller: Caller,
  withPrincipal: boolean,
): LayerAccumulator {
  const layer = newLayer();
  for (const attachment of attachments) {
    const doc = attachment.policy.document;
    for (const statement of attachment.policy.statementsFor(action)) {
      const resourceWhy = resourceMatches(statement, resource, caller.context, doc.variablesEnabled);
      if (resourceWhy === undefined) continue;
      const base = {
        source: attachment.source,
        ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
        statementIndex: statement.index,
        effect: statement.effect,
      };
      let grant: GrantKind | undefined;
      if (withPrincipal) {
        grant = principalGrant(statement, caller);
        if (grant === undefined) {
          layer.unmet.push({ ...base, why: `Principal does not name ${caller.arn}` });
          continue;
        }
      }
      const outcome = evaluateConditions(statement.conditions, caller.context, doc.variablesEnabled);
      if (outcome.unsupported !== undefined) {
        layer.warnings.push(
          `${describeSource(base)} uses unsupported condition operator(s) ${outcome.unsupported.join(", ")}; treated as not matching`,
        );
      }
      for (const key of outcome.missingKeys ?? []) {
        const why = UNKNOWN_UNLESS_GIVEN.get(key.toLowerCase()) ?? "it was not given";
        layer.warnings.push(
          `${describeSource(base)} tests ${key}, which AWS sets on every request, but ${why}: it was evaluated as absent`,
        );
      }
      if (!outcome.satisfied) {
        layer.unmet.push({ ...base, why: `Condition not met: ${outcome.failure ?? ""}` });
        continue;
      }
      const parts = [actionWhy(statement, action), resourceWhy];
      if (grant !== undefined) parts.push(`Principal names the caller (${grant})`);
      if (statement.conditions.length > 0) parts.push("conditions hold");
      const match: StatementMatch = {
        ...base,
        why: parts.join("; "),
        ...(grant !== undefined ? { grant } : {}),
      };
      (statement.effect === "Deny" ? layer.denies : layer.allows).push(match);
    }
  }
  return layer;
}

export function describeSource(m: Pick<StatementMatch, "source" | "sid" | "statementIndex">): string {
  const where = m.source.policyArn ?? m.source.policyName;
  const sid = m.sid === undefined ? "" : ` Sid ${JSON.stringify(m.sid)}`;
  return `${m.source.kind} policy ${where}${sid} (statement ${m.statementIndex})`;
}

function freeze(layer: LayerAccumulator): LayerResult {
  return { allows: layer.allows, denies: layer.denies, unmet: layer.unmet };
}

// ---------------------------------------------------------------------------------------------
// Combining the layers

interface ResourcePolicyInput {
  readonly attachment: PolicyAttachment;
  readonly account: string;
  readonly required: boolean;
}

interface Combined {
  readonly decision: Decision;
  readonly identityRequired: boolean;
  readonly boundaryApplied: boolean;
  readonly trust?: StatementMatch;
}

function combine(
  index: IamIndex,
  caller: Caller,
  action: string,
  resource: string,
  resourcePolicy: ResourcePolicyInput | undefined,
  extraReasons: readonly string[] = [],
  contextWarnings: readonly string[] = [],
): Combined {
  const warnings: string[] = [...contextWarnings];
  const identity = evaluateLayer(caller.identity, action, resource, caller, false);
  warnings.push(...identity.warnings);
  const boundary =
    caller.boundary === undefined
      ? undefined
      : evaluateLayer([caller.boundary], action, resource, caller, false);
  if (boundary !== undefined) warnings.push(...boundary.warnings);
  const scpLevels: readonly ScpLevel[] | undefined = index.serviceControlPolicies(caller.account);
  const scp = scpLevels?.map((level) => ({
    target: level.target,
    layer: evaluateLayer(level.policies, action, resource, caller, false),
  }));
  for (const s of scp ?? []) warnings.push(...s.layer.warnings);
  const res =
    resourcePolicy === undefined
      ? undefined
      : evaluateLayer([resourcePolicy.attachment], action, resource, caller, true);
  if (res !== undefined) warnings.push(...res.warnings);

  const layers = {
    identity: freeze(identity),
    ...(boundary !== undefined ? { boundary: freeze(boundary) } : {}),
    ...(scp !== undefined
      ? { scp: scp.map((s): ScpLevelResult => ({ target: s.target, ...freeze(s.layer) })) }
      : {}),
    ...(res !== undefined ? { resource: freeze(res) } : {}),
  };
  const incomplete = !caller.known;
  const base = {
    principalArn: caller.arn,
    action,
    resource,
    layers,
    incomplete,
    warnings: [...new Set(warnings)],
    context: caller.context.entries(),
  };

  // I1: an explicit Deny in any applicable policy wins.
  const denies = [
    ...identity.denies,
    ...(boundary?.denies ?? []),
    ...(scp ?? []).flatMap((s) => s.layer.denies),
    ...(res?.denies ?? []),
  ];
  const grants = res?.allows ?? [];
  const rank: Record<GrantKind, number> = { principal: 3, role: 2, account: 1 };
  const trust = [...grants].sort((a, b) => rank[b.grant ?? "account"] - rank[a.grant ?? "account"])[0];
  if (denies.length > 0) {
    return {
      decision: {
        ...base,
        decision: "ExplicitDeny",
        allowed: false,
        statements: denies,
        reasons: denies.map((d) => `explicitly denied by ${describeSource(d)}`),
      },
      identityRequired: true,
      boundaryApplied: boundary !== undefined,
      ...(trust !== undefined ? { trust } : {}),
    };
  }

  const reasons: string[] = [...extraReasons];
  const statements: StatementMatch[] = [];
  // I6: every SCP level on the path needs an Allow.
  for (const s of scp ?? []) {
    if (s.layer.allows.length === 0) reasons.push(`no SCP attached at ${s.target} allows ${action}`);
    else statements.push(s.layer.allows[0] as StatementMatch);
  }

  const sameAccount = resourcePolicy === undefined || resourcePolicy.account === caller.account;
  const grant = trust?.grant;
  let identityRequired: boolean;
  let boundaryApplied: boolean;
  if (resourcePolicy !== undefined && trust !== undefined && sameAccount && grant === "principal") {
    // I3/I5: a same-account resource policy naming the caller itself is enough on its own.
    identityRequired = false;
    boundaryApplied = false;
  } else if (resourcePolicy !== undefined && trust !== undefined && sameAccount && grant === "role") {
    // Naming the role of a session: enough on its own, but the role's boundary still caps it.
    identityRequired = false;
    boundaryApplied = true;
  } else {
    identityRequired = true;
    boundaryApplied = true;
  }
  if (resourcePolicy !== undefined) {
    if (trust !== undefined) statements.push(trust);
    else if (resourcePolicy.required || !sameAccount) {
      reasons.push(
        resourcePolicy.attachment.source.kind === "trust"
          ? `the trust policy of ${resourcePolicy.attachment.source.attachedTo ?? "the role"} does not allow ${caller.arn}`
          : `the resource policy does not allow ${caller.arn}`,
      );
    }
  }
  const identityAllow = identity.allows[0];
  if (identityRequired) {
    if (identityAllow === undefined) {
      reasons.push(
        caller.known
          ? `no identity policy of ${caller.arn}${groupNote(caller)} allows ${action} on ${resource}`
          : `${caller.arn} is not in the snapshot: its identity policies cannot be evaluated`,
      );
    } else statements.push(identityAllow);
  } else if (identityAllow !== undefined) {
    statements.push(identityAllow);
  }
  if (boundaryApplied && boundary !== undefined) {
    const b = boundary.allows[0];
    if (b === undefined)
      reasons.push(`the permissions boundary of ${caller.arn} does not allow ${action} on ${resource}`);
    else statements.push(b);
  }
  const allowed = reasons.length === 0;
  return {
    decision: {
      ...base,
      decision: allowed ? "Allow" : "ImplicitDeny",
      allowed,
      statements: allowed ? statements : [],
      reasons,
    },
    identityRequired,
    boundaryApplied,
    ...(trust !== undefined ? { trust } : {}),
  };
}

function groupNote(caller: Caller): string {
  const groups = caller.user?.groups ?? [];
  return groups.length === 0 ? "" : ` (or its groups ${groups.map((g) => g.name).join(", ")})`;
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/** Whether a decision came from `canAssumeRole` (and so names trust and identity statements). */
export function isAssumeRoleDecision(d: Decision): d is AssumeRoleDecision {
  return "roleArn" in d && "sessionName" in d;
}

/**
 * Evaluates one request: `principal` (user, role or session ARN) calling `action` on
 * `resource`. For sts:AssumeRole on a role of the snapshot the role's trust policy is used as
 * the resource policy (use `canAssumeRole` for the session-name options).
 */
export function evaluate(
  snapshot: SnapshotInput,
  principal: string,
  action: string,
  resource: string,
  options: EvaluateOptions = {},
): Decision {
  const index = indexSnapshot(snapshot);
  if (action.toLowerCase() === ASSUME_ROLE.toLowerCase() && index.role(resource) !== undefined) {
    return canAssumeRole(index, principal, resource, options);
  }
  const base = resolveCaller(index, principal, options);
  const { caller, warnings } = requestCaller(index, base, resource, options);
  let resourcePolicy: ResourcePolicyInput | undefined;
  if (options.resourcePolicy !== undefined) {
    const parsed = parsePolicyDocument(options.resourcePolicy.document, "resourcePolicy");
    resourcePolicy = {
      attachment: {
        policy: new Policy(parsed.document),
        source: {
          kind: "resource",
          policyName: options.resourcePolicy.name ?? "resource policy",
          attachedTo: resource,
        },
      },
      account: options.resourcePolicy.account,
      required: options.resourcePolicy.required ?? false,
    };
  }
  return combine(index, caller, action, resource, resourcePolicy, [], warnings).decision;
}

const SET_SOURCE_IDENTITY = "sts:SetSourceIdentity";

/**
 * Whether `principalArn` (user, role or session ARN) may call sts:AssumeRole on `roleArn`:
 * both the identity side and the role's trust policy, with `sts:RoleSessionName`,
 * `sts:ExternalId`, the role's tags as `aws:ResourceTag/*` and MFA in the request context
 * (I3, I4, I5, I11, I13). With a source identity, `sts:SetSourceIdentity` must be allowed the
 * same way ("Monitor and control actions taken with assumed roles").
 */
export function canAssumeRole(
  snapshot: SnapshotInput,
  principalArn: string,
  roleArn: string,
  options: AssumeRoleOptions = {},
): AssumeRoleDecision {
  const index = indexSnapshot(snapshot);
  const base = resolveCaller(index, principalArn, options);
  const sessionName = options.sessionName ?? base.user?.name ?? base.sessionName ?? arnResourceName(base.arn);
  const { caller, warnings } = requestCaller(index, base, roleArn, options, {
    sessionName,
    ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
  });
  const role = index.role(roleArn);
  const roleKind = classifyPrincipalArn(roleArn);
  const roleAccount = role?.account ?? (roleKind.kind === "role" ? roleKind.accountId : "");
  const extra: string[] = [];
  if (role === undefined) extra.push(`role ${roleArn} is not in the snapshot`);
  else if (role.trust === undefined) extra.push(`role ${roleArn} has no trust policy in the snapshot`);
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    extra.push(
      `session name ${JSON.stringify(sessionName)} is not a valid RoleSessionName (2-64 of [\\w+=,.@-])`,
    );
  }
  const trustInput: ResourcePolicyInput = {
    attachment: role?.trust ?? {
      policy: new Policy({ statements: [], variablesEnabled: false }),
      source: { kind: "trust", policyName: "AssumeRolePolicyDocument", attachedTo: roleArn },
    },
    account: roleAccount,
    required: true,
  };
  let combined = combine(index, caller, ASSUME_ROLE, roleArn, trustInput, extra, warnings);
  if (options.sourceIdentity !== undefined) {
    const setting = combine(index, caller, SET_SOURCE_IDENTITY, roleArn, trustInput);
    combined = withSourceIdentity(combined, setting, options.sourceIdentity);
  }
  const identityStatement = combined.decision.layers.identity.allows[0];
  return {
    ...combined.decision,
    incomplete: combined.decision.incomplete || role === undefined,
    roleArn,
    sessionName,
    ...(identityStatement !== undefined ? { identityStatement } : {}),
    ...(combined.trust !== undefined ? { trustStatement: combined.trust } : {}),
    identityPolicyRequired: combined.identityRequired,
    boundaryApplied: combined.boundaryApplied && caller.boundary !== undefined,
  };
}

/** AssumeRole with a source identity: the sts:SetSourceIdentity decision must allow too. */
function withSourceIdentity(assume: Combined, setting: Combined, sourceIdentity: string): Combined {
  const a = assume.decision;
  const s = setting.decision;
  if (a.decision === "ExplicitDeny" || s.allowed) return assume;
  const why = (r: string): string =>
    `setting source identity ${JSON.stringify(sourceIdentity)} needs ${SET_SOURCE_IDENTITY}: ${r}`;
  const warnings = [...new Set([...a.warnings, ...s.warnings])];
  if (s.decision === "ExplicitDeny") {
    return {
      ...assume,
      decision: {
        ...a,
        decision: "ExplicitDeny",
        allowed: false,
        statements: s.statements,
        reasons: s.reasons.map(why),
        warnings,
      },
    };
  }
  return {
    ...assume,
    decision: {
      ...a,
      decision: "ImplicitDeny",
      allowed: false,
      statements: [],
      reasons: [...(a.allowed ? [] : a.reasons), ...s.reasons.map(why)],
      warnings,
    },
  };
}
