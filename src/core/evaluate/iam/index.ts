/**
 * eksgate's IAM evaluator (iam-evaluation.md I1-I13): account snapshots in the shape of
 * `aws iam get-account-authorization-details`, evaluated with explanations.
 */
export type {
  AccountAuthorizationDetails,
  AccountServiceControlPolicies,
  IamSnapshot,
  RawPolicyDocument,
  ServiceControlPolicy,
} from "./iam-snapshot.js";
export { mergeAuthorizationDetailsPages, snapshotOf } from "./iam-snapshot.js";
export type {
  AssumeRoleDecision,
  Decision,
  DecisionKind,
  GrantKind,
  LayerResult,
  ScpLevelResult,
  StatementMatch,
} from "./decision.js";
export type { Effect, PolicyKind, PolicySource } from "./policy-document.js";
export { parsePolicyDocument } from "./policy-document.js";
export type { IamGroup, IamRole, IamUser } from "./account-index.js";
export { IamIndex, indexSnapshot } from "./account-index.js";
export type {
  AssumeRoleOptions,
  Caller,
  EvaluateOptions,
  Instant,
  RequestOptions,
  SnapshotInput,
} from "./evaluator.js";
export { canAssumeRole, describeSource, evaluate, isAssumeRoleDecision, resolveCaller } from "./evaluator.js";
export type {
  AssumeCandidate,
  CandidateCaller,
  UnresolvedTrustPrincipal,
  WhoCanAssume,
  WhoCanAssumeOptions,
} from "./assume-paths.js";
export { principalsThatCanAssume, rolesAssumableBy } from "./assume-paths.js";
export type { ContextInput } from "./request-context.js";
