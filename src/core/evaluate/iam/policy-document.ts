/**
 * Policy documents, parsed once into statements the evaluator can match quickly: the
 * model's documents (core/model/policy-document.ts: the raw form, the one decoding of IAM's
 * wire text, the effect) compiled into lists. Parsing collects diagnostics and keeps every
 * statement it can make sense of, where the planner's strict reader refuses the document.
 */
import type { Diagnostic } from "../../diagnostics.js";
import {
  decodePolicyJson,
  type DecodedPolicyJson,
  type PolicyEffect,
  type RawPolicyDocument,
} from "../../model/policy-document.js";
import { actionMatches } from "./wildcard.js";

/** A statement's effect: the model's. */
export type Effect = PolicyEffect;

export type PolicyKind =
  | "user-inline"
  | "user-managed"
  | "group-inline"
  | "group-managed"
  | "role-inline"
  | "role-managed"
  | "permissions-boundary"
  | "scp"
  | "trust"
  | "resource";

/** Where a policy comes from, for explanations. */
export interface PolicySource {
  readonly kind: PolicyKind;
  readonly policyName: string;
  readonly policyArn?: string;
  /** ARN of the user, group or role the policy belongs to; for an SCP, its target. */
  readonly attachedTo?: string;
}

/** The principals named by `Principal` or `NotPrincipal`. */
export interface PrincipalSet {
  /** `"Principal": "*"` or `{"AWS": "*"}` */
  readonly anyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

/** A policy as it applies to a principal: the document and where it is attached. */
export interface PolicyAttachment {
  readonly policy: Policy;
  readonly source: PolicySource;
}

export interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** As written; looked up case-insensitively. */
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** 0-based position in the document's Statement list. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalSet;
  readonly notPrincipal?: PrincipalSet;
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly version?: string;
  readonly statements: readonly Statement[];
  /** Policy variables are substituted only in version 2012-10-17 documents. */
  readonly variablesEnabled: boolean;
}

/**
 * A parsed policy document with a per-action statement cache. A managed policy is parsed once
 * and shared by every attachment; the attachment carries the `PolicySource`.
 */
export class Policy {
  private readonly byAction = new Map<string, readonly Statement[]>();

  constructor(readonly document: PolicyDocument) {}

  /** Statements whose Action/NotAction element covers `action` (cached per action). */
  statementsFor(action: string): readonly Statement[] {
    const key = action.toLowerCase();
    let hit = this.byAction.get(key);
    if (hit === undefined) {
      hit = this.document.statements.filter((s) => statementCoversAction(s, action));
      this.byAction.set(key, hit);
    }
    return hit;
  }
}

export function statementCoversAction(statement: Statement, action: string): boolean {
  if (statement.action !== undefined) return statement.action.some((p) => actionMatches(p, action));
  if (statement.notAction !== undefined) {
    return !statement.notAction.some((p) => actionMatches(p, action));
  }
  return false;
}

export interface ParsedDocument {
  readonly document: PolicyDocument;
  readonly diagnostics: readonly Diagnostic[];
}

const EMPTY: PolicyDocument = { statements: [], variablesEnabled: false };

export function parsePolicyDocument(raw: RawPolicyDocument, path: string): ParsedDocument {
  const diagnostics: Diagnostic[] = [];
  // A raw document is an object already, or JSON / URL-encoded JSON text (as the API returns).
  const decoded: DecodedPolicyJson =
    typeof raw === "string" ? decodePolicyJson(raw) : { ok: true, value: raw };
  if (!decoded.ok) {
    diagnostics.push({
      code: "IAM101",
      severity: "error",
      summary: "Policy document is neither JSON nor URL-encoded JSON.",
      detail: decoded.message,
      path,
    });
    return { document: EMPTY, diagnostics };
  }
  const value = decoded.value;
  if (!isRecord(value)) {
    diagnostics.push({
      code: "IAM101",
      severity: "error",
      summary: "Policy document is not a JSON object.",
      path,
    });
    return { document: EMPTY, diagnostics };
  }
  const version = typeof value.Version === "string" ? value.Version : undefined;
  const rawStatements = value.Statement;
  const list: unknown[] = Array.isArray(rawStatements)
    ? (rawStatements as unknown[])
    : rawStatements === undefined
      ? []
      : [rawStatements];
  const statements: Statement[] = [];
  list.forEach((s, index) => {
    const parsed = parseStatement(s, index, `${path}.Statement[${index}]`, diagnostics);
    if (parsed !== undefined) statements.push(parsed);
  });
  const document: PolicyDocument =
    version === undefined
      ? { statements, variablesEnabled: false }
      : { version, statements, variablesEnabled: version === "2012-10-17" };
  return { document, diagnostics };
}

function parseStatement(
  raw: unknown,
  index: number,
  path: string,
  diagnostics: Diagnostic[],
): Statement | undefined {
  const invalid = (summary: string): void => {
    diagnostics.push({ code: "IAM102", severity: "error", summary, path });
  };
  if (!isRecord(raw)) {
    invalid("Statement is not an object; it is ignored.");
    return undefined;
  }
  const effect = raw.Effect;
  if (effect !== "Allow" && effect !== "Deny") {
    {
      invalid(`Statement Effect must be "Allow" or "Deny"; the statement is ignored.`);
      return undefined;
    }
  }
  const action = stringList(raw.Action);
  const notAction = stringList(raw.NotAction);
  if ((action === undefined) === (notAction === undefined)) {
    {
      invalid("Statement needs exactly one of Action or NotAction; it is ignored.");
      return undefined;
    }
  }
  const resource = stringList(raw.Resource);
  const notResource = stringList(raw.NotResource);
  if (resource !== undefined && notResource !== undefined) {
    {
      invalid("Statement has both Resource and NotResource; it is ignored.");
      return undefined;
    }
  }
  const principal = raw.Principal === undefined ? undefined : principalSet(raw.Principal);
  const notPrincipal = raw.NotPrincipal === undefined ? undefined : principalSet(raw.NotPrincipal);
  const conditions = conditionClauses(raw.Condition, `${path}.Condition`, diagnostics);
  return {
    index,
    ...(typeof raw.Sid === "string" ? { sid: raw.Sid } : {}),
    effect,
    ...(action !== undefined ? { action } : {}),
    ...(notAction !== undefined ? { notAction } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(notResource !== undefined ? { notResource } : {}),
    ...(principal !== undefined ? { principal } : {}),
    ...(notPrincipal !== undefined ? { notPrincipal } : {}),
    conditions,
  };
}

function principalSet(raw: unknown): PrincipalSet {
  if (raw === "*") {
    return { anyone: true, aws: [], service: [], federated: [], canonicalUser: [] };
  }
  const rec = isRecord(raw) ? raw : {};
  const aws = stringList(rec.AWS) ?? [];
  return {
    anyone: aws.includes("*"),
    aws: aws.filter((a) => a !== "*"),
    service: stringList(rec.Service) ?? [],
    federated: stringList(rec.Federated) ?? [],
    canonicalUser: stringList(rec.CanonicalUser) ?? [],
  };
}

function conditionClauses(raw: unknown, path: string, diagnostics: Diagnostic[]): ConditionClause[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) {
    diagnostics.push({
      code: "IAM102",
      severity: "error",
      summary: "Condition is not an object; it is treated as never satisfied.",
      path,
    });
    return [{ operator: "Invalid", key: "", values: [] }];
  }
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    if (!isRecord(block)) {
      clauses.push({ operator: "Invalid", key: operator, values: [] });
      continue;
    }
    for (const [key, values] of Object.entries(block)) {
      clauses.push({ operator, key, values: scalarList(values) });
    }
  }
  return clauses;
}

function stringList(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === "string") return [raw];
  if (Array.isArray(raw)) return (raw as unknown[]).filter((x): x is string => typeof x === "string");
  return [];
}

function scalarList(raw: unknown): string[] {
  const items: unknown[] = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === "string") out.push(item);
    else if (typeof item === "number" || typeof item === "boolean") out.push(String(item));
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
