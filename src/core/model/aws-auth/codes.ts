/**
 * The names the aws-auth parser, writer and `eksgate lint aws-auth` use for their codes
 * (AAnnn). What each code means and its severity are in the registry
 * (src/core/diagnostics/codes/aa.ts); docs are generated from there, so a code never
 * changes meaning once released.
 */
import { AA_CODES } from "../../diagnostics/codes/aa.js";
import { CODES, type CodeInfo, type DiagnosticCode } from "../../diagnostics/codes/index.js";
import type { Diagnostic, SourcePosition } from "../../diagnostics.js";

export type AwsAuthCodeInfo = CodeInfo<DiagnosticCode>;

export const AWS_AUTH_CODES = {
  manifestInvalid: "AA001",
  notAwsAuth: "AA002",
  valueNotString: "AA003",
  keyDropped: "AA004",
  keyNotList: "AA005",
  invalidEntry: "AA006",
  fieldWrongType: "AA007",
  invalidArn: "AA008",
  rolePath: "AA009",
  stsArn: "AA010",
  duplicate: "AA011",
  systemMasters: "AA012",
  mapAccounts: "AA013",
  unknownTemplate: "AA014",
  noNodeRole: "AA015",
  reservedUsername: "AA016",
  emptyUsername: "AA017",
  ambiguousMatch: "AA018",
  ssoPartition: "AA019",
  emptyValueSkipped: "AA020",
  kindMismatch: "AA021",
  invalidAccount: "AA022",
  unknownKey: "AA023",
  ec2DnsTemplate: "AA024",
  arnWhitespace: "AA025",
  groupArn: "AA026",
  ssoIgnored: "AA027",
  outsideData: "AA028",
  writerRefused: "AA030",
  writerInvalidDesired: "AA031",
} as const satisfies Record<string, keyof typeof AA_CODES.codes>;

export type AwsAuthCodeName = keyof typeof AWS_AUTH_CODES;

/**
 * A diagnostic with one of these codes. Its severity is the registry's: there is no other
 * way to give one, so what is documented is what is emitted.
 */
export function awsAuthDiagnostic(
  name: AwsAuthCodeName,
  summary: string,
  detail: string,
  path: string | undefined,
  source: SourcePosition | undefined,
): Diagnostic {
  const code = AWS_AUTH_CODES[name];
  return {
    code,
    severity: CODES[code].severity,
    summary,
    detail,
    ...(path === undefined ? {} : { path }),
    ...(source === undefined ? {} : { source }),
  };
}

/** The AA codes, sorted by code, for documentation. */
export const AWS_AUTH_CODE_TABLE: readonly AwsAuthCodeInfo[] = AA_CODES.list;
