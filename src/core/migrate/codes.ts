/**
 * The codes of `eksgate migrate` and `eksgate doctor`. Each blocking code of a migration
 * can be accepted by name (`--accept-loss CODE`); they are listed in the registry (src/core/diagnostics/codes/eg.ts) and
 * docs/diagnostics.md like every other EG code.
 */
import type { DiagnosticCode } from "../diagnostics.js";

export const MIGRATE_CODES = {
  /** mapAccounts: "every principal of an account" has no access-entry form. */
  mapAccounts: "EG401",
  /** The principal an aws-auth entry names does not exist in IAM. */
  principalMissing: "EG402",
  /** A service-linked role: access entries refuse it. */
  serviceLinked: "EG403",
  /** The username starts with a prefix access entries reserve. */
  usernameReserved: "EG404",
  /** `{{SessionName}}` / `{{SessionNameRaw}}` with no `:` before it. */
  usernameSessionColon: "EG405",
  /** A `system:` group other than system:masters (access entries refuse them). */
  systemGroup: "EG406",
  /** A node or Fargate entry whose extra groups or username the node types do not keep. */
  nodeEntryChanged: "EG407",
  /** A template in a group, or a template variable access entries do not render. */
  templateNotKept: "EG408",
  /** The account root or another principal kind access entries do not take. */
  principalKind: "EG409",
  /** An `sso` entry: EKS does not honour it, so nothing is converted. */
  ssoEntry: "EG410",
  /** A rolearn with a role path: it never matches today, so it is not converted. */
  neverMatches: "EG411",
  /** A duplicate the authenticator already ignores (the last entry wins). */
  shadowed: "EG412",
  /** A principal of another account: not looked up, its path not restored. */
  unverifiedPrincipal: "EG413",
  /** The proof found a principal whose access differs after the migration. */
  accessChanged: "EG414",
  /** A key of aws-auth the authenticator cannot parse: no migration is planned. */
  awsAuthUnreadable: "EG415",
  /** The target mode cannot be reached from the cluster's mode (one way only). */
  modeUnreachable: "EG416",
  /** The principal already has an access entry, which already wins over aws-auth. */
  alreadyServed: "EG417",
  /** ListAccessPolicies names a policy the versioned table does not have. */
  unknownAccessPolicy: "EG418",
  /** The switch is refused: blocking items that --accept-loss does not name. */
  refused: "EG419",
  /** Apply: a principal's access through the live cluster is not what the proof expects. */
  verifyFailed: "EG420",
  /** A saved migration plan is not one, or is for another cluster or state. */
  planFile: "EG421",
} as const satisfies Record<string, DiagnosticCode>;

export const DOCTOR_CODES = {
  /** The role was created after its access entry: the entry is bound to a deleted role. */
  staleEntry: "EG430",
  /** An aws-auth entry for a principal that has an access entry: the entry wins. */
  shadowedByEntry: "EG431",
  /** An access entry or aws-auth entry for a principal that does not exist. */
  missingPrincipal: "EG432",
  /** aws-auth and the access entry of one principal map it differently. */
  mappingsDisagree: "EG433",
  /** A value the server fills in (type, username) that a naive comparison flaps on. */
  serverDefault: "EG434",
} as const satisfies Record<string, DiagnosticCode>;
