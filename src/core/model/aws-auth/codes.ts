/**
 * Stable diagnostic codes for everything eksgate says about an aws-auth ConfigMap. The
 * parser, the writer and `eksgate lint aws-auth` share this table; docs are generated
 * from it, so a code never changes meaning once released.
 */
import type { Diagnostic, Severity, SourcePosition } from "../../diagnostics.js";

export interface AwsAuthCodeInfo {
  readonly code: string;
  /** The usual severity (a few codes are raised at a lower one in specific cases). */
  readonly severity: Severity;
  readonly title: string;
}

export const AWS_AUTH_CODES = {
  manifestInvalid: {
    code: "AA001",
    severity: "error",
    title: "The manifest is not valid YAML (or is empty / holds several documents).",
  },
  notAwsAuth: {
    code: "AA002",
    severity: "warning",
    title: "Not the ConfigMap kube-system/aws-auth (wrong kind, name or namespace).",
  },
  valueNotString: {
    code: "AA003",
    severity: "error",
    title: "A data value is not a string; the API server rejects the ConfigMap.",
  },
  keyDropped: {
    code: "AA004",
    severity: "error",
    title: "YAML/JSON error in a key: the authenticator drops every entry of that key.",
  },
  keyNotList: {
    code: "AA005",
    severity: "error",
    title: "A key does not hold a list: the authenticator reads no entry from it.",
  },
  invalidEntry: {
    code: "AA006",
    severity: "error",
    title: "Invalid entry (no rolearn/sso/userarn, both rolearn and sso, bad sso fields): skipped.",
  },
  fieldWrongType: {
    code: "AA007",
    severity: "warning",
    title: "A field has the wrong type; the authenticator ignores that field.",
  },
  invalidArn: {
    code: "AA008",
    severity: "warning",
    title:
      "rolearn/userarn can never name an IAM principal (malformed, wrong partition, service or resource type, a region): kept, never matches.",
  },
  rolePath: {
    code: "AA009",
    severity: "warning",
    title: "rolearn includes a role path: kept, but it never matches.",
  },
  stsArn: {
    code: "AA010",
    severity: "warning",
    title: "rolearn/userarn is an STS assumed-role (session) ARN: kept, but it never matches.",
  },
  duplicate: {
    code: "AA011",
    severity: "warning",
    title: "Duplicate ARN: the last entry wins, earlier ones are ignored.",
  },
  systemMasters: {
    code: "AA012",
    severity: "warning",
    title: "Grants system:masters (unrestricted, cannot be limited by RBAC).",
  },
  mapAccounts: {
    code: "AA013",
    severity: "warning",
    title: "mapAccounts lets every principal of an account in.",
  },
  unknownTemplate: {
    code: "AA014",
    severity: "error",
    title: "Unknown template variable: it is left in the name as written.",
  },
  noNodeRole: {
    code: "AA015",
    severity: "warning",
    title: "No entry maps to group system:nodes: nodes cannot join.",
  },
  reservedUsername: {
    code: "AA016",
    severity: "warning",
    title: "Username with a reserved prefix (system:, eks:, aws:, amazon:, iam:).",
  },
  emptyUsername: {
    code: "AA017",
    severity: "error",
    title: "Entry without a username: the caller is authenticated with an empty name.",
  },
  ambiguousMatch: {
    code: "AA018",
    severity: "warning",
    title: "Two entries match the same caller; the authenticator picks either one.",
  },
  ssoPartition: {
    code: "AA019",
    severity: "warning",
    title: "sso.partition is set; authenticator versions disagree on how it is matched.",
  },
  emptyValueSkipped: {
    code: "AA020",
    severity: "info",
    title: "An empty or quotes-only value: the key is skipped.",
  },
  kindMismatch: {
    code: "AA021",
    severity: "warning",
    title: "A role ARN in mapUsers or a user ARN in mapRoles (works, but misleading).",
  },
  invalidAccount: {
    code: "AA022",
    severity: "warning",
    title:
      "An account ID (a mapAccounts item, or in a rolearn/userarn) is not 12 digits: kept, never matches.",
  },
  unknownKey: {
    code: "AA023",
    severity: "warning",
    title: "A data key the authenticator ignores (keys are case-sensitive).",
  },
  ec2DnsTemplate: {
    code: "AA024",
    severity: "warning",
    title: "{{EC2PrivateDNSName}} on an entry that is not a node role: mapping fails for other callers.",
  },
  arnWhitespace: {
    code: "AA025",
    severity: "warning",
    title: "rolearn/userarn contains white space: kept, but it never matches.",
  },
  groupArn: {
    code: "AA026",
    severity: "warning",
    title: "rolearn/userarn is an IAM group ARN: groups cannot authenticate, it never matches.",
  },
  ssoIgnored: {
    code: "AA027",
    severity: "warning",
    title: "An sso entry: honoured only behind the SSORoleMatch feature gate, which EKS does not enable.",
  },
  outsideData: {
    code: "AA028",
    severity: "error",
    title: "mapRoles/mapUsers/mapAccounts outside data: not part of the ConfigMap's data, ignored.",
  },
  writerRefused: {
    code: "AA030",
    severity: "error",
    title: "eksgate refuses to rewrite mapRoles (it is broken or an entry is not eksgate's).",
  },
  writerInvalidDesired: {
    code: "AA031",
    severity: "error",
    title: "A desired mapRoles entry is invalid (its rolearn must be a role ARN without a path).",
  },
} as const satisfies Record<string, AwsAuthCodeInfo>;

export type AwsAuthCodeName = keyof typeof AWS_AUTH_CODES;

/**
 * A diagnostic with one of these codes. Its severity is the table's: there is no other
 * way to give one, so what is documented is what is emitted.
 */
export function awsAuthDiagnostic(
  name: AwsAuthCodeName,
  summary: string,
  detail: string,
  path: string | undefined,
  source: SourcePosition | undefined,
): Diagnostic {
  return {
    code: AWS_AUTH_CODES[name].code,
    severity: AWS_AUTH_CODES[name].severity,
    summary,
    detail,
    ...(path === undefined ? {} : { path }),
    ...(source === undefined ? {} : { source }),
  };
}

/** The table as a list, sorted by code, for documentation. */
export const AWS_AUTH_CODE_TABLE: readonly AwsAuthCodeInfo[] = Object.values(AWS_AUTH_CODES)
  .map((c): AwsAuthCodeInfo => ({ code: c.code, severity: c.severity, title: c.title }))
  .sort((a, b) => a.code.localeCompare(b.code));
