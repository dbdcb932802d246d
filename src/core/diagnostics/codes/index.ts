/**
 * The diagnostics registry: every code eksgate reports, one file per family. A code is
 * `<FAMILY><nnn>`; `Diagnostic.code` is typed by this table, so a code that is not
 * registered does not compile. docs/diagnostics.md is generated from it
 * (`npm run docs:diagnostics`).
 */
import { EG_CODES } from "./eg.js";
import { AA_CODES } from "./aa.js";
import { ARN_CODES } from "./arn.js";
import { IAM_CODES } from "./iam.js";
import { POL_CODES } from "./pol.js";
import { RBAC_CODES } from "./rbac.js";
import { MAP_CODES } from "./map.js";
import { KCFG_CODES } from "./kcfg.js";
import { KUBE_CODES } from "./kube.js";
import { AUD_CODES } from "./aud.js";
import { SNAP_CODES } from "./snap.js";
import { TOK_CODES } from "./tok.js";
import type { CodeInfo } from "./define.js";

export type { CodeInfo, CodeSpec, Severity } from "./define.js";

/** The families, in the order docs/diagnostics.md lists them. */
export interface RegisteredFamily {
  readonly family: string;
  readonly title: string;
  readonly intro: string;
  readonly list: readonly CodeInfo<DiagnosticCode>[];
}

export const CODE_FAMILIES: readonly RegisteredFamily[] = [
  EG_CODES,
  AA_CODES,
  ARN_CODES,
  IAM_CODES,
  POL_CODES,
  RBAC_CODES,
  MAP_CODES,
  KCFG_CODES,
  KUBE_CODES,
  AUD_CODES,
  SNAP_CODES,
  TOK_CODES,
];

export const CODES = {
  ...EG_CODES.codes,
  ...AA_CODES.codes,
  ...ARN_CODES.codes,
  ...IAM_CODES.codes,
  ...POL_CODES.codes,
  ...RBAC_CODES.codes,
  ...MAP_CODES.codes,
  ...KCFG_CODES.codes,
  ...KUBE_CODES.codes,
  ...AUD_CODES.codes,
  ...SNAP_CODES.codes,
  ...TOK_CODES.codes,
};

export type DiagnosticCode = keyof typeof CODES;

/** What the registry says about a code. */
export function codeInfo(code: DiagnosticCode): CodeInfo<DiagnosticCode> {
  return CODES[code];
}
