/**
 * IAM policy documents as plain data: the types, a deterministic serializer, a semantic
 * comparison, and a decoder for the URL-encoded form IAM returns.
 *
 * IAM stores what it is given, but its read APIs (GetRolePolicy, GetGroupPolicy, GetRole's
 * AssumeRolePolicyDocument) return the JSON percent-encoded (RFC 3986), and the same policy
 * may come back with a single string where we wrote a one-element array, with keys in
 * another order, or with a bare account id turned into `arn:<partition>:iam::<id>:root`.
 * `policyDocumentsEquivalent` compares documents modulo those differences so that a plan
 * never proposes an update for a policy that only looks different.
 */
import type { Diagnostic, DiagnosticCode, Result } from "../diagnostics.js";
import { isAccountId, formatRootArn, isIamGroupArn } from "./arn.js";

export type PolicyVersion = "2012-10-17" | "2008-10-17";
export type PolicyEffect = "Allow" | "Deny";

/** IAM accepts a single value wherever it accepts a list. */
export type OneOrMany<T> = T | readonly T[];

export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";

/** `"*"` (everyone) or a map from principal type to one or more identifiers. */
export type Principal = "*" | { readonly [K in PrincipalType]?: OneOrMany<string> };

/** A condition value as written; IAM compares the string form (`true` and `"true"` are equal). */
export type ConditionValue = string | number | boolean;

/** `{ operator: { conditionKey: value | [values] } }`, e.g. `{ Bool: { "aws:MultiFactorAuthPresent": "true" } }`. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, OneOrMany<ConditionValue>>>>>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: PolicyEffect;
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  /** Absent means `2008-10-17`, which does not resolve policy variables such as `${aws:username}`. */
  readonly Version?: PolicyVersion;
  readonly Id?: string;
  readonly Statement: OneOrMany<Statement>;
}

/**
 * A policy document as inputs hold it, before it is read: an object (a snapshot's parsed
 * JSON), or the JSON text, plain or URL-encoded (as IAM's read APIs return it).
 * `decodePolicyJson` turns the text into JSON; the planner reads that strictly
 * (`decodePolicyDocument`), the evaluator keeps every statement it can use
 * (core/evaluate/iam/policy-document.ts).
 */
export type RawPolicyDocument = string | Readonly<Record<string, unknown>>;

/** Which checks apply: a role's trust policy names principals, an identity policy names resources. */
export type PolicyKind = "trust" | "identity";

const DOCUMENT_KEYS = ["Version", "Id", "Statement"] as const;
const STATEMENT_KEYS = [
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
] as const;
const PRINCIPAL_TYPES: readonly PrincipalType[] = ["AWS", "CanonicalUser", "Federated", "Service"];

export function asArray<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

export function statementsOf(doc: PolicyDocument): readonly Statement[] {
  return asArray(doc.Statement);
}

// ---------------------------------------------------------------------------------------------
// Serialization

/**
 * Deterministic JSON for a policy document: document and statement keys in the order IAM's
 * documentation uses, principal types and condition operators/keys sorted, values kept as
 * given (single string or list, in the given order). Same document in, same bytes out.
 * `indent` 0 gives the compact form (the form IAM's size quotas count, minus whitespace).
 */
export function serializePolicyDocument(doc: PolicyDocument, indent = 2): string {
  return JSON.stringify(orderedDocument(doc), null, indent === 0 ? undefined : indent);
}

/** Characters IAM counts against its size quotas: the JSON without whitespace outside strings. */
export function policyDocumentSize(doc: PolicyDocument): number {
  return serializePolicyDocument(doc, 0).length;
}

function orderedDocument(doc: PolicyDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of DOCUMENT_KEYS) {
    const value = doc[key];
    if (value === undefined) continue;
    if (key === "Statement") {
      out[key] = Array.isArray(value)
        ? (value as readonly Statement[]).map(orderedStatement)
        : orderedStatement(value as Statement);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function orderedStatement(st: Statement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of STATEMENT_KEYS) {
    const value = st[key];
    if (value === undefined) continue;
    if (key === "Principal" || key === "NotPrincipal") out[key] = orderedPrincipal(value as Principal);
    else if (key === "Condition") out[key] = orderedCondition(value as ConditionBlock);
    else out[key] = value;
  }
  return out;
}

function orderedPrincipal(p: Principal): unknown {
  if (p === "*") return p;
  const out: Record<string, unknown> = {};
  for (const type of PRINCIPAL_TYPES) {
    const value = p[type];
    if (value !== undefined) out[type] = value;
  }
  return out;
}

function orderedCondition(c: ConditionBlock): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const operator of Object.keys(c).sort(compareStrings)) {
    const keys = c[operator] ?? {};
    const inner: Record<string, unknown> = {};
    for (const key of Object.keys(keys).sort(compareStrings)) inner[key] = keys[key];
    out[operator] = inner;
  }
  return out;
}

/** Code-unit order, independent of locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Canonical form and equivalence

export interface CanonicalizeOptions {
  /**
   * Partition used when a bare 12-digit account id in an AWS principal is rewritten to the
   * account root ARN, as IAM does when it stores a policy. Default `aws`.
   */
  readonly partition?: string;
}

/**
 * The canonical form of a document for comparison. Only differences that IAM itself makes
 * or that cannot change evaluation are erased:
 * - a missing Version becomes `2008-10-17` (IAM's default);
 * - Statement, Action, Resource, principal and condition values become sorted, de-duplicated
 *   lists (single value vs. list and order never matter to IAM);
 * - action names are lowercased (IAM matches actions case-insensitively), condition key
 *   names too (IAM treats them case-insensitively); resources and values keep their case;
 * - condition values become strings (`true` and `"true"` are the same to IAM);
 * - Sid and Id are dropped (labels, never evaluated); an empty Condition is dropped;
 * - a bare account id in an AWS principal becomes the account root ARN;
 * - identical statements are merged.
 * Statements that could be merged into one (same effect, different actions) are NOT merged:
 * such documents evaluate alike but compare unequal, which errs towards an update.
 */
export function canonicalPolicyDocument(
  doc: PolicyDocument,
  options: CanonicalizeOptions = {},
): PolicyDocument {
  const partition = options.partition ?? "aws";
  const statements = statementsOf(doc).map((st) => canonicalStatement(st, partition));
  const unique = new Map<string, Statement>();
  for (const st of statements) unique.set(serializePolicyDocument({ Statement: st }, 0), st);
  const sorted = [...unique.entries()].sort((a, b) => compareStrings(a[0], b[0])).map(([, st]) => st);
  return { Version: doc.Version ?? "2008-10-17", Statement: sorted };
}

/** True when the two documents are the same policy to IAM (see `canonicalPolicyDocument`). */
export function policyDocumentsEquivalent(
  a: PolicyDocument,
  b: PolicyDocument,
  options: CanonicalizeOptions = {},
): boolean {
  return (
    serializePolicyDocument(canonicalPolicyDocument(a, options), 0) ===
    serializePolicyDocument(canonicalPolicyDocument(b, options), 0)
  );
}

function sortedUnique(values: readonly string[]): readonly string[] {
  return [...new Set(values)].sort(compareStrings);
}

function canonicalStatement(st: Statement, partition: string): Statement {
  const out: {
    -readonly [K in keyof Statement]: Statement[K];
  } = { Effect: st.Effect };
  if (st.Principal !== undefined) out.Principal = canonicalPrincipal(st.Principal, partition);
  if (st.NotPrincipal !== undefined) out.NotPrincipal = canonicalPrincipal(st.NotPrincipal, partition);
  if (st.Action !== undefined) out.Action = sortedUnique(asArray(st.Action).map((a) => a.toLowerCase()));
  if (st.NotAction !== undefined)
    out.NotAction = sortedUnique(asArray(st.NotAction).map((a) => a.toLowerCase()));
  if (st.Resource !== undefined) out.Resource = sortedUnique(asArray(st.Resource));
  if (st.NotResource !== undefined) out.NotResource = sortedUnique(asArray(st.NotResource));
  if (st.Condition !== undefined) {
    const condition = canonicalCondition(st.Condition);
    if (Object.keys(condition).length > 0) out.Condition = condition;
  }
  return out;
}

function canonicalPrincipal(p: Principal, partition: string): Principal {
  if (p === "*") return p;
  const out: { [K in PrincipalType]?: readonly string[] } = {};
  for (const type of PRINCIPAL_TYPES) {
    const values = p[type];
    if (values === undefined) continue;
    const list = asArray(values).map((v) =>
      type === "AWS" && isAccountId(v) ? formatRootArn(partition, v) : v,
    );
    out[type] = sortedUnique(list);
  }
  return out;
}

function canonicalCondition(c: ConditionBlock): ConditionBlock {
  const out: Record<string, Record<string, readonly string[]>> = {};
  for (const operator of Object.keys(c)) {
    const keys = c[operator] ?? {};
    const inner: Record<string, readonly string[]> = {};
    for (const key of Object.keys(keys)) {
      const lower = key.toLowerCase();
      const values = asArray(keys[key]).map((v) => String(v));
      inner[lower] = sortedUnique([...(inner[lower] ?? []), ...values]);
    }
    if (Object.keys(inner).length > 0) out[operator] = inner;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding and structural checks

/** Diagnostic codes produced by this module. */
export const POLICY_DIAGNOSTIC_CODES = {
  encoding: "POL001",
  json: "POL002",
  shape: "POL003",
  unknownKey: "POL004",
  version: "POL005",
  sid: "POL006",
  actionRequired: "POL007",
  resourceRequired: "POL008",
  principalRequired: "POL009",
  principalNotAllowed: "POL010",
  resourceNotAllowed: "POL011",
  groupPrincipal: "POL012",
} as const;

/**
 * Reads a policy document as IAM returns it: percent-encoded JSON (GetRolePolicy,
 * GetGroupPolicy, GetRole) or plain JSON. The shape is checked; anything that is not a
 * policy document (wrong types, unknown keys) is reported with its field path, never thrown.
 */
export function decodePolicyDocument(text: string, path = "PolicyDocument"): Result<PolicyDocument> {
  const decoded = decodePolicyJson(text);
  if (!decoded.ok) {
    return decoded.problem === "encoding"
      ? fail(POLICY_DIAGNOSTIC_CODES.encoding, path, "The policy document is not valid percent-encoding.")
      : fail(POLICY_DIAGNOSTIC_CODES.json, path, "The policy document is not valid JSON.", decoded.message);
  }
  const diagnostics: Diagnostic[] = [];
  const doc = readDocument(decoded.value, path, diagnostics);
  if (doc === undefined || diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
  return { ok: true, value: doc, diagnostics };
}

/** The JSON value of a policy document as IAM sends it, or why it has none. */
export type DecodedPolicyJson =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: "encoding" | "json"; readonly message: string };

/**
 * The one decoding of IAM's wire form, shared by the planner's reader above and the
 * evaluator's parser: JSON text as it is when it starts with `{` (after white space),
 * otherwise percent-encoded JSON (what GetRolePolicy, GetGroupPolicy and GetRole return).
 */
export function decodePolicyJson(text: string): DecodedPolicyJson {
  const trimmed = text.trim();
  let json = trimmed;
  if (!trimmed.startsWith("{")) {
    try {
      json = decodeURIComponent(trimmed);
    } catch (e) {
      return { ok: false, problem: "encoding", message: messageOf(e) };
    }
  }
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch (e) {
    return { ok: false, problem: "json", message: messageOf(e) };
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fail(code: DiagnosticCode, path: string, summary: string, detail?: string): Result<never> {
  const d: Diagnostic =
    detail === undefined
      ? { code, severity: "error", summary, path }
      : { code, severity: "error", summary, detail, path };
  return { ok: false, diagnostics: [d] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function shapeError(out: Diagnostic[], path: string, summary: string): void {
  out.push({ code: POLICY_DIAGNOSTIC_CODES.shape, severity: "error", summary, path });
}

function readDocument(v: unknown, path: string, out: Diagnostic[]): PolicyDocument | undefined {
  if (!isRecord(v)) {
    shapeError(out, path, "A policy document must be a JSON object.");
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!(DOCUMENT_KEYS as readonly string[]).includes(key))
      out.push({
        code: POLICY_DIAGNOSTIC_CODES.unknownKey,
        severity: "error",
        summary: `Unknown policy element "${key}".`,
        path: `${path}.${key}`,
      });
  }
  const version = v["Version"];
  if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") {
    out.push({
      code: POLICY_DIAGNOSTIC_CODES.version,
      severity: "error",
      summary: `Unsupported policy Version ${JSON.stringify(version)}.`,
      detail: 'Use "2012-10-17".',
      path: `${path}.Version`,
    });
  }
  const id = v["Id"];
  if (id !== undefined && typeof id !== "string") shapeError(out, `${path}.Id`, "Id must be a string.");
  const rawStatements = v["Statement"];
  if (rawStatements === undefined) {
    shapeError(out, `${path}.Statement`, "A policy document needs a Statement.");
    return undefined;
  }
  const list = Array.isArray(rawStatements) ? (rawStatements as unknown[]) : [rawStatements];
  const statements: Statement[] = [];
  list.forEach((raw, i) => {
    const p = Array.isArray(rawStatements) ? `${path}.Statement[${i}]` : `${path}.Statement`;
    const st = readStatement(raw, p, out);
    if (st !== undefined) statements.push(st);
  });
  const doc: { -readonly [K in keyof PolicyDocument]: PolicyDocument[K] } = {
    Statement: Array.isArray(rawStatements) ? statements : (statements[0] ?? []),
  };
  if (version === "2012-10-17" || version === "2008-10-17") doc.Version = version;
  if (typeof id === "string") doc.Id = id;
  return doc;
}

function readStringList(v: unknown, path: string, out: Diagnostic[]): OneOrMany<string> | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  shapeError(out, path, "Expected a string or a list of strings.");
  return undefined;
}

function readPrincipal(v: unknown, path: string, out: Diagnostic[]): Principal | undefined {
  if (v === "*") return v;
  if (!isRecord(v)) {
    shapeError(out, path, 'A principal must be "*" or an object such as {"AWS": "arn:..."}.');
    return undefined;
  }
  const p: { [K in PrincipalType]?: OneOrMany<string> } = {};
  for (const [key, value] of Object.entries(v)) {
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(key)) {
      out.push({
        code: POLICY_DIAGNOSTIC_CODES.unknownKey,
        severity: "error",
        summary: `Unknown principal type "${key}".`,
        path: `${path}.${key}`,
      });
      continue;
    }
    const list = readStringList(value, `${path}.${key}`, out);
    if (list !== undefined) p[key as PrincipalType] = list;
  }
  return p;
}

function readCondition(v: unknown, path: string, out: Diagnostic[]): ConditionBlock | undefined {
  if (!isRecord(v)) {
    shapeError(out, path, "Condition must be an object of operators.");
    return undefined;
  }
  const c: Record<string, Record<string, OneOrMany<ConditionValue>>> = {};
  for (const [operator, keys] of Object.entries(v)) {
    if (!isRecord(keys)) {
      shapeError(out, `${path}.${operator}`, "A condition operator maps condition keys to values.");
      continue;
    }
    const inner: Record<string, OneOrMany<ConditionValue>> = {};
    for (const [key, value] of Object.entries(keys)) {
      const isScalar = (x: unknown): x is ConditionValue =>
        typeof x === "string" || typeof x === "number" || typeof x === "boolean";
      if (isScalar(value) || (Array.isArray(value) && value.every(isScalar))) inner[key] = value;
      else
        shapeError(
          out,
          `${path}.${operator}.${key}`,
          "A condition value must be a scalar or a list of scalars.",
        );
    }
    c[operator] = inner;
  }
  return c;
}

function readStatement(v: unknown, path: string, out: Diagnostic[]): Statement | undefined {
  if (!isRecord(v)) {
    shapeError(out, path, "A statement must be a JSON object.");
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!(STATEMENT_KEYS as readonly string[]).includes(key))
      out.push({
        code: POLICY_DIAGNOSTIC_CODES.unknownKey,
        severity: "error",
        summary: `Unknown statement element "${key}".`,
        path: `${path}.${key}`,
      });
  }
  const effect = v["Effect"];
  if (effect !== "Allow" && effect !== "Deny") {
    shapeError(out, `${path}.Effect`, 'Effect must be "Allow" or "Deny".');
    return undefined;
  }
  const st: { -readonly [K in keyof Statement]: Statement[K] } = { Effect: effect };
  const sid = v["Sid"];
  if (sid !== undefined) {
    if (typeof sid === "string") st.Sid = sid;
    else shapeError(out, `${path}.Sid`, "Sid must be a string.");
  }
  for (const key of ["Principal", "NotPrincipal"] as const) {
    if (v[key] === undefined) continue;
    const p = readPrincipal(v[key], `${path}.${key}`, out);
    if (p !== undefined) st[key] = p;
  }
  for (const key of ["Action", "NotAction", "Resource", "NotResource"] as const) {
    if (v[key] === undefined) continue;
    const list = readStringList(v[key], `${path}.${key}`, out);
    if (list !== undefined) st[key] = list;
  }
  if (v["Condition"] !== undefined) {
    const c = readCondition(v["Condition"], `${path}.Condition`, out);
    if (c !== undefined) st.Condition = c;
  }
  return st;
}

/**
 * Checks AWS would make when the document is stored, which local test doubles do not
 * (moto accepts statements without Principal, for instance):
 * - Version 2012-10-17 (needed for policy variables);
 * - exactly one of Action/NotAction;
 * - identity policies: exactly one of Resource/NotResource and no Principal;
 * - trust policies: a Principal or NotPrincipal, no Resource, and no IAM group ARN as a
 *   principal (groups are not principals; AWS rejects it);
 * - Sids alphanumeric and unique.
 */
export function validatePolicyDocument(doc: PolicyDocument, kind: PolicyKind, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (doc.Version !== "2012-10-17") {
    out.push({
      code: POLICY_DIAGNOSTIC_CODES.version,
      severity: "warning",
      summary: `Policy Version is ${doc.Version ?? "missing"}: policy variables are not resolved.`,
      detail: 'Use "Version": "2012-10-17".',
      path: `${path}.Version`,
    });
  }
  const statements = statementsOf(doc);
  if (statements.length === 0)
    shapeError(out, `${path}.Statement`, "A policy document needs at least one statement.");
  const sids = new Set<string>();
  statements.forEach((st, i) => {
    const p = Array.isArray(doc.Statement) ? `${path}.Statement[${i}]` : `${path}.Statement`;
    if (st.Sid !== undefined) {
      if (!/^[A-Za-z0-9]*$/.test(st.Sid))
        out.push({
          code: POLICY_DIAGNOSTIC_CODES.sid,
          severity: "error",
          summary: `Sid "${st.Sid}" may only contain letters and digits in IAM policies.`,
          path: `${p}.Sid`,
        });
      if (st.Sid !== "" && sids.has(st.Sid))
        out.push({
          code: POLICY_DIAGNOSTIC_CODES.sid,
          severity: "error",
          summary: `Sid "${st.Sid}" is used by more than one statement.`,
          path: `${p}.Sid`,
        });
      sids.add(st.Sid);
    }
    if (
      (st.Action === undefined) === (st.NotAction === undefined) ||
      asArray(st.Action ?? st.NotAction).length === 0
    )
      out.push({
        code: POLICY_DIAGNOSTIC_CODES.actionRequired,
        severity: "error",
        summary: "A statement needs exactly one of Action or NotAction, with at least one value.",
        path: p,
      });
    const hasResource = st.Resource !== undefined || st.NotResource !== undefined;
    const hasPrincipal = st.Principal !== undefined || st.NotPrincipal !== undefined;
    if (kind === "identity") {
      if (
        (st.Resource === undefined) === (st.NotResource === undefined) ||
        asArray(st.Resource ?? st.NotResource).length === 0
      )
        out.push({
          code: POLICY_DIAGNOSTIC_CODES.resourceRequired,
          severity: "error",
          summary: "An identity-policy statement needs exactly one of Resource or NotResource.",
          path: p,
        });
      if (hasPrincipal)
        out.push({
          code: POLICY_DIAGNOSTIC_CODES.principalNotAllowed,
          severity: "error",
          summary: "An identity policy cannot name a Principal.",
          path: `${p}.Principal`,
        });
    } else {
      if (!hasPrincipal)
        out.push({
          code: POLICY_DIAGNOSTIC_CODES.principalRequired,
          severity: "error",
          summary: "A trust-policy statement needs a Principal.",
          path: p,
        });
      if (hasResource)
        out.push({
          code: POLICY_DIAGNOSTIC_CODES.resourceNotAllowed,
          severity: "error",
          summary: "A trust policy cannot name a Resource.",
          path: `${p}.Resource`,
        });
      for (const key of ["Principal", "NotPrincipal"] as const) {
        const pr = st[key];
        if (pr === undefined || pr === "*") continue;
        for (const arn of asArray(pr.AWS)) {
          if (isIamGroupArn(arn))
            out.push({
              code: POLICY_DIAGNOSTIC_CODES.groupPrincipal,
              severity: "error",
              summary: `IAM group ${arn} cannot be a principal.`,
              detail:
                "Groups are not principals. Trust the account root and grant sts:AssumeRole to the group instead.",
              path: `${p}.${key}.AWS`,
            });
        }
      }
    }
  });
  return out;
}
