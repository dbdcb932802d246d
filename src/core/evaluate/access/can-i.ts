/**
 * can-i: whether an IAM principal can make one Kubernetes request, with the path that
 * allows it or, for each way it could have gone, the hop where it breaks.
 */
import type { AccessSnapshot, ClusterAccess } from "../../snapshot/model.js";
import { canAssumeRole } from "../iam/index.js";
import { clusterMappingTargets, mapPrincipal } from "../mapping/index.js";
import { authorize, describeRequest, type RequestAttributes } from "../rbac/index.js";
import { describeConditions, mergeConditions, mfaCondition, withConditions } from "./conditions.js";
import { selectClusters } from "./explain.js";
import { grantHops, mappingHops, userHop } from "./hops.js";
import type { AccessPath, Hop } from "./model.js";
import { iamRequestOptions, mfaPasses, snapshotMentionsMfa, type HopCondition } from "./request-context.js";
import { iamRoutes, type IamRoute, type PrincipalSummary, type RouteOptions } from "./routes.js";
import { arnResourceName, accountIdOf } from "../../model/arn.js";

/**
 * - `yes`: some path holds in the request context as given;
 * - `yes-with-mfa`: MFA was not stated, and only paths that need MFA hold;
 * - `no`: none does.
 */
export type CanIAnswer = "yes" | "yes-with-mfa" | "no";

/** Where a route stops short of the request. */
export type BrokenHop =
  /** The principal is not a user or role the snapshot can evaluate. */
  | "iam"
  /** sts:AssumeRole is denied. */
  | "assume-role"
  /** The session is not mapped on the cluster. */
  | "mapping"
  /** Mapped, but no binding, access policy or system:masters allows the request. */
  | "rbac";

export interface CanIFailure {
  readonly cluster: string;
  /** The hops that hold, up to the break. */
  readonly hops: readonly Hop[];
  readonly brokenAt: BrokenHop;
  readonly reason: string;
}

export interface CanIClusterAnswer {
  readonly cluster: string;
  readonly allowed: boolean;
  readonly answer: CanIAnswer;
}

export interface CanIResult {
  /** `answer` is not `no`. */
  readonly allowed: boolean;
  readonly answer: CanIAnswer;
  /** For `yes-with-mfa`: the conditions, with the statements that make them. */
  readonly conditions: readonly HopCondition[];
  readonly principal: PrincipalSummary;
  readonly request: RequestAttributes;
  readonly clusters: readonly CanIClusterAnswer[];
  /** Every route that allows, one path each (the first allowing grant); paths without conditions first. */
  readonly paths: readonly AccessPath[];
  /** The routes that do not allow, and why. */
  readonly failures: readonly CanIFailure[];
  /** One line. */
  readonly reason: string;
}

export interface CanIOptions extends RouteOptions {
  /** Only this cluster; default every cluster of the snapshot (yes when any allows). */
  readonly cluster?: string;
}

function routeOnCluster(
  cluster: ClusterAccess,
  route: IamRoute,
  principalArn: string,
  request: RequestAttributes,
): { path?: AccessPath; failure?: CanIFailure } {
  const mapping = mapPrincipal(cluster, route.caller);
  if (!mapping.mapped) {
    return {
      failure: { cluster: cluster.name, hops: route.hops, brokenAt: "mapping", reason: mapping.reason },
    };
  }
  const decision = authorize(cluster.rbac, mapping.identity, request, {
    firstOnly: true,
    accessPolicies: mapping.accessPolicies,
  });
  const hops = [...route.hops, ...mappingHops(mapping)];
  const grant = decision.grants[0];
  if (!decision.allowed || grant === undefined) {
    return { failure: { cluster: cluster.name, hops, brokenAt: "rbac", reason: decision.reason } };
  }
  return {
    path: withConditions({
      principalArn,
      cluster: cluster.name,
      hops: [...hops, ...grantHops(cluster.name, grant)],
    }),
  };
}

/**
 * For a user with no allowing route: roles mapped on the cluster that would allow the request
 * (with the user's name, or the session name given, as session name) but that the user
 * cannot assume in the request context, and why.
 */
function assumeFailures(
  snapshot: AccessSnapshot,
  cluster: ClusterAccess,
  principal: PrincipalSummary,
  routes: readonly IamRoute[],
  request: RequestAttributes,
  options: CanIOptions,
): CanIFailure[] {
  const index = snapshot.iamIndex;
  const reached = new Set(routes.map((r) => r.roleArn?.toLowerCase()).filter((x) => x !== undefined));
  const out: CanIFailure[] = [];
  const seen = new Set<string>();
  const session = options.sessionName !== undefined ? { sessionName: options.sessionName } : {};
  const main = mfaPasses(options, index).main;
  for (const arn of clusterMappingTargets(cluster).roles) {
    const role = index.role(arn) ?? index.roleByName(accountIdOf(arn) ?? "", arnResourceName(arn));
    if (role === undefined || reached.has(role.arn.toLowerCase()) || seen.has(role.arn.toLowerCase()))
      continue;
    seen.add(role.arn.toLowerCase());
    const mapping = mapPrincipal(cluster, {
      principalArn: role.arn,
      sessionName: options.sessionName ?? principal.name,
      sessionNameReason:
        options.sessionName !== undefined ? "the session name given" : `${principal.name}'s IAM user name`,
    });
    if (!mapping.mapped) continue;
    const d = authorize(cluster.rbac, mapping.identity, request, {
      firstOnly: true,
      accessPolicies: mapping.accessPolicies,
    });
    if (!d.allowed) continue;
    const assume = canAssumeRole(index, principal.arn, role.arn, {
      ...iamRequestOptions(options, main),
      ...session,
    });
    if (assume.allowed) continue;
    // With --no-mfa, say when MFA would have opened it.
    let withMfa = "";
    if (!main && options.mfa === "absent" && snapshotMentionsMfa(index)) {
      const mfa = canAssumeRole(index, principal.arn, role.arn, {
        ...iamRequestOptions(options, true),
        ...session,
      });
      if (mfa.allowed) withMfa = `; it would ${describeConditions([mfaCondition(index, mfa, assume)])}`;
    }
    out.push({
      cluster: cluster.name,
      hops: [userHop(principal.arn)],
      brokenAt: "assume-role",
      reason: `role ${role.name} would allow it (${mapping.why}), but ${principal.name} cannot assume it: ${assume.reasons.join("; ")}${withMfa}`,
    });
  }
  return out;
}

/** Whether `principalArn` can do `request`, and the path or the reasons it cannot. */
export function canI(
  snapshot: AccessSnapshot,
  principalArn: string,
  request: RequestAttributes,
  options: CanIOptions = {},
): CanIResult {
  const clusters = selectClusters(snapshot, options.cluster) ?? [];
  const { principal, routes } = iamRoutes(snapshot.iamIndex, principalArn, options);
  const paths: AccessPath[] = [];
  const failures: CanIFailure[] = [];
  const answers: CanIClusterAnswer[] = [];
  for (const cluster of clusters) {
    const found: AccessPath[] = [];
    if (routes.length === 0) {
      failures.push({
        cluster: cluster.name,
        hops: [],
        brokenAt: "iam",
        reason: `${principalArn} is not a principal the cluster's authenticator can map`,
      });
    }
    for (const route of routes) {
      const r = routeOnCluster(cluster, route, principal.arn, request);
      if (r.path !== undefined) found.push(r.path);
      if (r.failure !== undefined) failures.push(r.failure);
    }
    if (found.length === 0 && principal.type === "user") {
      failures.push(...assumeFailures(snapshot, cluster, principal, routes, request, options));
    }
    const answer = answerOf(found);
    paths.push(...found);
    answers.push({ cluster: cluster.name, allowed: answer !== "no", answer });
  }
  // Paths that need nothing first: they are the answer when there are some.
  paths.sort((a, b) => (a.requires === undefined ? 0 : 1) - (b.requires === undefined ? 0 : 1));
  const answer = answerOf(paths);
  const conditions = answer === "yes-with-mfa" ? mergeConditions(paths.map((p) => p.requires)) : [];
  const what = describeRequest(request);
  let reason: string;
  if (clusters.length === 0) reason = "no cluster to check";
  else if (answer !== "no") {
    const first = paths[0];
    const last = first?.hops[first.hops.length - 1];
    const mfa = answer === "yes-with-mfa" ? " with MFA" : "";
    reason = `${principal.name} can ${what} on ${first?.cluster ?? ""}${mfa}: ${last?.what ?? ""}`;
  } else {
    const mapped = failures.filter((f) => f.brokenAt === "rbac");
    reason =
      mapped.length > 0
        ? `${principal.name} reaches ${mapped.length} Kubernetes identit${mapped.length === 1 ? "y" : "ies"}, but none may ${what}`
        : `${principal.name} reaches no Kubernetes identity that may ${what}`;
  }
  return {
    allowed: answer !== "no",
    answer,
    conditions,
    principal,
    request,
    clusters: answers,
    paths,
    failures,
    reason,
  };
}

function answerOf(paths: readonly AccessPath[]): CanIAnswer {
  if (paths.some((p) => p.requires === undefined)) return "yes";
  return paths.length > 0 ? "yes-with-mfa" : "no";
}
