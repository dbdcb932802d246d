/**
 * IAM routes: the sessions an IAM principal can authenticate to EKS with. A user has its
 * own credentials and every role it can assume (and roles those roles can assume, up to
 * `maxChain` hops); a role has its own session and the roles it can chain to. The account
 * root user and a federated-user session have only their own credentials: neither can call
 * sts:AssumeRole.
 *
 * Every AssumeRole is evaluated in the request context of `RouteOptions` (MFA, time, extra
 * keys, session name). When MFA is not stated, a role only MFA opens is a route too, marked
 * with the condition (`requires`); what follows it is evaluated with MFA.
 */
import {
  classifyPrincipalArn,
  arnResourceName,
  formatRoleArn,
  formatAssumedRoleArn,
  partitionOf,
  accountIdOf,
} from "../../model/arn.js";
import { canAssumeRole, rolesAssumableBy, type AssumeRoleDecision, type IamIndex } from "../iam/index.js";
import { GET_TOKEN_SESSION_NAME, type SessionCaller } from "../mapping/index.js";
import { parsePrincipalArn } from "../../model/arn.js";
import { conditionalHop, mfaCondition } from "./conditions.js";
import { assumeHop, directRoleHop, groupHop, statementOf, userHop } from "./hops.js";
import type { Hop } from "./model.js";
import {
  iamRequestOptions,
  mfaPasses,
  type HopCondition,
  type RequestContextOptions,
} from "./request-context.js";

export interface PrincipalSummary {
  readonly arn: string;
  readonly type: "user" | "role" | "assumed-role" | "root" | "federated-user" | "unknown";
  readonly name: string;
  /** Whether the snapshot has it. */
  readonly known: boolean;
  /** IAM groups of a user. */
  readonly groups: readonly string[];
}

/** One session the principal can authenticate with, and how it gets there. */
export interface IamRoute {
  /** The IAM hops, ending at the user or the role session. */
  readonly hops: readonly Hop[];
  readonly caller: SessionCaller;
  /** The role of the session; undefined for a user's own credentials. */
  readonly roleArn?: string;
  /** The AssumeRole decisions along the way (empty when none was needed). */
  readonly decisions: readonly AssumeRoleDecision[];
  /** Groups whose policies allowed the first AssumeRole. */
  readonly viaGroups: readonly string[];
  /** Conditions the route holds only under (an AssumeRole only MFA allows); empty: none. */
  readonly requires: readonly HopCondition[];
}

/**
 * The request context, and how far to follow role chaining. `sessionName` also names the
 * session of a role given directly (default: the one in an assumed-role ARN, else
 * EKSGetTokenAuth).
 */
export interface RouteOptions extends RequestContextOptions {
  /** How many AssumeRole calls in a row to follow (role chaining). Default 2. */
  readonly maxChain?: number;
}

export function principalSummary(index: IamIndex, arn: string): PrincipalSummary {
  const kind = classifyPrincipalArn(arn);
  if (kind.kind === "user") {
    const user = index.user(arn) ?? index.userByName(kind.accountId, kind.name);
    return {
      arn: user?.arn ?? arn,
      type: "user",
      name: user?.name ?? kind.name,
      known: user !== undefined,
      groups: user?.groups.map((g) => g.name) ?? [],
    };
  }
  if (kind.kind === "role" || kind.kind === "assumed-role") {
    const name = kind.kind === "role" ? kind.name : kind.roleName;
    const role = index.role(arn) ?? index.roleByName(kind.accountId, name);
    return {
      arn: kind.kind === "role" ? (role?.arn ?? arn) : arn,
      type: kind.kind,
      name,
      known: role !== undefined,
      groups: [],
    };
  }
  if (kind.kind === "root") {
    return { arn, type: "root", name: `root of ${kind.accountId}`, known: false, groups: [] };
  }
  const parsed = parsePrincipalArn(arn);
  if (parsed.ok && parsed.value.kind === "federated-user") {
    return { arn, type: "federated-user", name: parsed.value.name, known: false, groups: [] };
  }
  return { arn, type: "unknown", name: arn, known: false, groups: [] };
}

function groupOf(decision: AssumeRoleDecision): string | undefined {
  const s = decision.identityStatement;
  if (s === undefined) return undefined;
  if (s.source.kind !== "group-inline" && s.source.kind !== "group-managed") return undefined;
  return s.source.attachedTo;
}

/** Whether the trust statement that allowed `decision` has a condition on sts:RoleSessionName. */
export function sessionNameForced(index: IamIndex, decision: AssumeRoleDecision): boolean {
  const t = decision.trustStatement;
  if (t === undefined) return false;
  const statement = index.role(decision.roleArn)?.trust?.policy.document.statements[t.statementIndex];
  return statement?.conditions.some((c) => c.key.toLowerCase() === "sts:rolesessionname") ?? false;
}

/**
 * Why a session name was used for an AssumeRole by a user (`userName`) or a role; `given`:
 * the name was asked for (`sessionName` of the request context).
 */
export function sessionReasonFor(
  index: IamIndex,
  decision: AssumeRoleDecision,
  userName?: string,
  given = false,
): string {
  if (given)
    return sessionNameForced(index, decision)
      ? "the session name given, which the trust policy's sts:RoleSessionName condition accepts"
      : "the session name given";
  if (userName === undefined) return "the calling session's name";
  return sessionNameForced(index, decision)
    ? `${userName}'s IAM user name, which the trust policy's sts:RoleSessionName condition requires`
    : `${userName}'s IAM user name, assumed: the trust policy does not force a session name, so the caller may choose another`;
}

/** One role a caller can assume, and what the AssumeRole holds only under. */
interface Assumable {
  readonly decision: AssumeRoleDecision;
  readonly requires: readonly HopCondition[];
}

/**
 * The roles `callerArn` can assume in the request context. With MFA not stated, also those
 * only MFA opens, each with the condition; `mfaTaken`: the route already needs MFA, so the
 * caller signed in with it.
 */
function assumableRoles(
  index: IamIndex,
  callerArn: string,
  options: RouteOptions,
  mfaTaken: boolean,
): Assumable[] {
  const passes = mfaPasses(options, index);
  const session = options.sessionName !== undefined ? { sessionName: options.sessionName } : {};
  const main = rolesAssumableBy(index, callerArn, {
    ...iamRequestOptions(options, mfaTaken || passes.main),
    ...session,
  });
  const out: Assumable[] = main.map((decision) => ({ decision, requires: [] }));
  if (mfaTaken || !passes.conditional) return out;
  const seen = new Set(main.map((d) => d.roleArn.toLowerCase()));
  for (const decision of rolesAssumableBy(index, callerArn, {
    ...iamRequestOptions(options, true),
    ...session,
  })) {
    if (seen.has(decision.roleArn.toLowerCase())) continue;
    const without = canAssumeRole(index, callerArn, decision.roleArn, {
      ...iamRequestOptions(options, false),
      ...session,
    });
    out.push({ decision, requires: [mfaCondition(index, decision, without)] });
  }
  return out;
}

/** Every route of a principal, its own first. */
export function iamRoutes(
  index: IamIndex,
  principalArn: string,
  options: RouteOptions = {},
): { readonly principal: PrincipalSummary; readonly routes: readonly IamRoute[] } {
  const principal = principalSummary(index, principalArn);
  const maxChain = options.maxChain ?? 2;
  const routes: IamRoute[] = [];
  let start: IamRoute;
  if (principal.type === "user") {
    start = {
      hops: [userHop(principal.arn)],
      caller: { principalArn: principal.arn },
      decisions: [],
      viaGroups: [],
      requires: [],
    };
  } else if (principal.type === "root" || principal.type === "federated-user") {
    // Neither can call sts:AssumeRole ("AssumeRole", "GetFederationToken", AWS STS API
    // Reference): its own credentials are its only route.
    return {
      principal,
      routes: [
        {
          hops: [userHop(principal.arn)],
          caller: { principalArn: principal.arn },
          decisions: [],
          viaGroups: [],
          requires: [],
        },
      ],
    };
  } else if (principal.type === "role" || principal.type === "assumed-role") {
    const kind = classifyPrincipalArn(principalArn);
    const fromArn = kind.kind === "assumed-role" ? kind.sessionName : undefined;
    const sessionName = options.sessionName ?? fromArn ?? GET_TOKEN_SESSION_NAME;
    const reason =
      options.sessionName !== undefined
        ? "the session name given"
        : fromArn !== undefined
          ? "the session in the ARN"
          : "what `aws eks get-token --role-arn` always uses";
    const roleArn =
      principal.type === "role"
        ? principal.arn
        : (index.roleByName(kind.kind === "assumed-role" ? kind.accountId : "", principal.name)?.arn ??
          formatRoleArn(
            partitionOf(principalArn),
            kind.kind === "assumed-role" ? kind.accountId : "",
            principal.name,
          ));
    start = {
      hops: [directRoleHop(roleArn, sessionName, reason)],
      caller: { principalArn: roleArn, sessionName, sessionNameReason: reason },
      roleArn,
      decisions: [],
      viaGroups: [],
      requires: [],
    };
  } else {
    return { principal, routes };
  }
  routes.push(start);
  const userName = principal.type === "user" ? principal.name : undefined;
  const given = options.sessionName !== undefined;

  // Breadth first over AssumeRole, no role twice on one route.
  let frontier: IamRoute[] = [start];
  for (let depth = 0; depth < maxChain && frontier.length > 0; depth++) {
    const next: IamRoute[] = [];
    for (const route of frontier) {
      const callerArn =
        route.roleArn === undefined
          ? route.caller.principalArn
          : formatAssumedRoleArn(
              partitionOf(route.roleArn),
              accountIdOf(route.roleArn) ?? "",
              arnResourceName(route.roleArn),
              route.caller.sessionName ?? GET_TOKEN_SESSION_NAME,
            );
      const seen = new Set(route.decisions.map((d) => d.roleArn.toLowerCase()));
      if (route.roleArn !== undefined) seen.add(route.roleArn.toLowerCase());
      for (const { decision, requires } of assumableRoles(
        index,
        callerArn,
        options,
        route.requires.length > 0,
      )) {
        if (seen.has(decision.roleArn.toLowerCase())) continue;
        const isFirst = route.decisions.length === 0 && route.roleArn === undefined;
        const reason = sessionReasonFor(index, decision, isFirst ? userName : undefined, given);
        const hops: Hop[] = [...route.hops];
        const group = isFirst ? groupOf(decision) : undefined;
        const viaGroups = [...route.viaGroups];
        if (group !== undefined && decision.identityStatement !== undefined) {
          hops.push(groupHop(group, principal.name, statementOf("identity", decision.identityStatement)));
          viaGroups.push(arnResourceName(group));
        }
        hops.push(conditionalHop(assumeHop(decision, reason), requires));
        const r: IamRoute = {
          hops,
          caller: {
            principalArn: decision.roleArn,
            sessionName: decision.sessionName,
            sessionNameReason: reason,
          },
          roleArn: decision.roleArn,
          decisions: [...route.decisions, decision],
          viaGroups,
          requires: [...route.requires, ...requires],
        };
        routes.push(r);
        next.push(r);
      }
    }
    frontier = next;
  }
  return { principal, routes };
}
