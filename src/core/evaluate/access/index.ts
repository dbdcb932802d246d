/**
 * The joined path engine: from IAM principals to Kubernetes verbs, every hop explained.
 *
 * - `explainPrincipal(snapshot, arn, {cluster})`: what an IAM user or role reaches: roles it can
 *   assume (with the identity and trust statements), the mapping and Kubernetes identity on
 *   each cluster, the bindings and access policies it holds, and its escalation edges.
 * - `whoCanAccess(snapshot, request, {cluster})`: IAM users and roles that can make a request,
 *   each with its full paths; plus the Kubernetes subjects that can.
 * - `canI(snapshot, arn, request, {cluster})`: yes/no, the allowing paths, or where each route breaks.
 * - `parseAccessRequest({verb, resource, namespace, subresource, name})`: the request from CLI words.
 * - `pathsToGraph(paths)`: paths merged into nodes and edges for mermaid/dot/HTML views.
 *
 * Every query takes the request context (`RequestContextOptions`: MFA, time, session name,
 * extra condition keys) its AssumeRole calls are evaluated in; with MFA not stated, what only
 * MFA opens is reported as a conditional path (`requires`), "with MFA".
 *
 * A snapshot comes from `parseSnapshot` (src/core/snapshot). Everything here is pure.
 */
export * from "./model.js";
export { summarizeRule, describeStatement } from "./hops.js";
export {
  iamRoutes,
  principalSummary,
  type IamRoute,
  type PrincipalSummary,
  type RouteOptions,
} from "./routes.js";
export {
  accessSummary,
  escalationSummaries,
  explainPrincipal,
  selectClusters,
  type AccessPolicySummary,
  type AccessSummary,
  type BindingSummary,
  type ClusterReach,
  type EscalationSummary,
  type ExplainOptions,
  type ExplainResult,
} from "./explain.js";
export {
  canI,
  type BrokenHop,
  type CanIAnswer,
  type CanIClusterAnswer,
  type CanIFailure,
  type CanIOptions,
  type CanIResult,
} from "./can-i.js";
export {
  whoCanAccess,
  type AccessWhoCanOptions,
  type AccessWhoCanResult,
  type KubernetesHolder,
  type WhoCanPrincipal,
} from "./who-can.js";
export { parseAccessRequest, type ParsedRequest, type RequestInput } from "./request.js";
export {
  iamRequestOptions,
  type HopCondition,
  type MfaAssumption,
  type RequestContextOptions,
  type RequestContextSummary,
} from "./request-context.js";
export { describeConditions } from "./conditions.js";
export { pathsToGraph, type AccessGraph, type GraphEdge, type GraphNode } from "./graph.js";
export { checkPrincipalArn, type PrincipalArnCheck } from "./principal.js";
export {
  IDC_USER_PREFIX,
  identityCenterRoutes,
  identityCenterUserOf,
  reservedRolesFor,
  type IdcGrant,
  type IdcRoutes,
  type IdcStart,
  type IdcUnresolved,
} from "./identity-center.js";
export {
  CONTEXT_FLAG_CODE,
  CONTEXT_KEY_CODE,
  parseContextPairs,
  type ParsedContextPairs,
} from "./context-keys.js";
