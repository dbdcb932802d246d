/**
 * The Condition element. Every clause (operator x key) must hold; within a clause the policy
 * values are alternatives (for negated operators: none may match). Semantics from "IAM JSON
 * policy elements: Condition operators"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
 * "Single-valued vs. multivalued context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html),
 * "IAM policy elements: Variables and tags"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html) and
 * iam-evaluation.md I9:
 * - a missing key fails every operator, except `...IfExists` (true), `Null`, and the negated
 *   operators (`StringNotEquals`, `ArnNotLike`, ...), which hold when the key is missing;
 * - `ForAnyValue:` is false and `ForAllValues:` is true on a missing or empty key, whatever the
 *   operator after the prefix (`...IfExists` still holds on a missing key);
 * - policy variables are substituted only in string and ARN operators; a variable with no value
 *   (and no default) is null: no request value equals or is like it, so that policy value never
 *   matches, and negated operators hold against it.
 */
import { UNKNOWN_UNLESS_GIVEN } from "./context-builder.js";
import type { ConditionClause } from "./policy-document.js";
import {
  parseIamDate,
  substituteVariables,
  withoutLiteralMarks,
  type RequestContext,
} from "./request-context.js";
import { arnMatches, wildcardMatch } from "./wildcard.js";

type Comparer = (requestValue: string, policyValue: string) => boolean;

interface BaseOperator {
  readonly compare: Comparer;
  readonly negated: boolean;
  /** String and ARN operators take policy variables; the others see `${...}` as text. */
  readonly variables?: boolean;
}

const num = (s: string): number => (s.trim() === "" ? Number.NaN : Number(s));
const date = (s: string): number => parseIamDate(s) ?? Number.NaN;
const plain = withoutLiteralMarks;

const stringEquals: Comparer = (v, p) => v === plain(p);
const stringEqualsIgnoreCase: Comparer = (v, p) => v.toLowerCase() === plain(p).toLowerCase();
const stringLike: Comparer = (v, p) => wildcardMatch(p, v);
const numeric =
  (test: (a: number, b: number) => boolean): Comparer =>
  (v, p) => {
    const a = num(v);
    const b = num(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
  };
const dated =
  (test: (a: number, b: number) => boolean): Comparer =>
  (v, p) => {
    const a = date(v);
    const b = date(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
  };
const bool: Comparer = (v, p) => v.toLowerCase() === plain(p).toLowerCase();
const arn: Comparer = (v, p) => arnMatches(p, v);
const ip: Comparer = (v, p) => ipv4InCidr(v, p);

const OPERATORS: Readonly<Record<string, BaseOperator>> = {
  stringequals: { compare: stringEquals, negated: false, variables: true },
  stringnotequals: { compare: stringEquals, negated: true, variables: true },
  stringequalsignorecase: { compare: stringEqualsIgnoreCase, negated: false, variables: true },
  stringnotequalsignorecase: { compare: stringEqualsIgnoreCase, negated: true, variables: true },
  stringlike: { compare: stringLike, negated: false, variables: true },
  stringnotlike: { compare: stringLike, negated: true, variables: true },
  numericequals: { compare: numeric((a, b) => a === b), negated: false },
  numericnotequals: { compare: numeric((a, b) => a === b), negated: true },
  numericlessthan: { compare: numeric((a, b) => a < b), negated: false },
  numericlessthanequals: { compare: numeric((a, b) => a <= b), negated: false },
  numericgreaterthan: { compare: numeric((a, b) => a > b), negated: false },
  numericgreaterthanequals: { compare: numeric((a, b) => a >= b), negated: false },
  dateequals: { compare: dated((a, b) => a === b), negated: false },
  datenotequals: { compare: dated((a, b) => a === b), negated: true },
  datelessthan: { compare: dated((a, b) => a < b), negated: false },
  datelessthanequals: { compare: dated((a, b) => a <= b), negated: false },
  dategreaterthan: { compare: dated((a, b) => a > b), negated: false },
  dategreaterthanequals: { compare: dated((a, b) => a >= b), negated: false },
  bool: { compare: bool, negated: false },
  arnequals: { compare: arn, negated: false, variables: true },
  arnlike: { compare: arn, negated: false, variables: true },
  arnnotequals: { compare: arn, negated: true, variables: true },
  arnnotlike: { compare: arn, negated: true, variables: true },
  ipaddress: { compare: ip, negated: false },
  notipaddress: { compare: ip, negated: true },
};

interface ParsedOperator {
  readonly set: "any" | "all" | undefined;
  readonly ifExists: boolean;
  readonly isNull: boolean;
  readonly base: BaseOperator | undefined;
}

const parsedOperators = new Map<string, ParsedOperator>();

function parseOperator(operator: string): ParsedOperator {
  let parsed = parsedOperators.get(operator);
  if (parsed !== undefined) return parsed;
  let name = operator.toLowerCase();
  let set: "any" | "all" | undefined;
  if (name.startsWith("foranyvalue:")) {
    set = "any";
    name = name.slice("foranyvalue:".length);
  } else if (name.startsWith("forallvalues:")) {
    set = "all";
    name = name.slice("forallvalues:".length);
  }
  const isNull = name === "null";
  const ifExists = !isNull && name.endsWith("ifexists");
  if (ifExists) name = name.slice(0, -"ifexists".length);
  parsed = { set, ifExists, isNull, base: OPERATORS[name] };
  parsedOperators.set(operator, parsed);
  return parsed;
}

export function isSupportedOperator(operator: string): boolean {
  const p = parseOperator(operator);
  return p.isNull || p.base !== undefined;
}

export interface ConditionOutcome {
  readonly satisfied: boolean;
  /** Why the first failing clause failed. */
  readonly failure?: string;
  /** Operators this evaluator does not know (such clauses never hold). */
  readonly unsupported?: readonly string[];
  /** Keys AWS sets on every request that a clause found absent (they were not given). */
  readonly missingKeys?: readonly string[];
}

const SATISFIED: ConditionOutcome = { satisfied: true };

export function evaluateConditions(
  clauses: readonly ConditionClause[],
  context: RequestContext,
  variablesEnabled: boolean,
): ConditionOutcome {
  const missingKeys: string[] = [];
  for (const clause of clauses) {
    const outcome = evaluateClause(clause, context, variablesEnabled);
    missingKeys.push(...(outcome.missingKeys ?? []));
    if (!outcome.satisfied) return missingKeys.length === 0 ? outcome : { ...outcome, missingKeys };
  }
  return missingKeys.length === 0 ? SATISFIED : { satisfied: true, missingKeys };
}

function describe(clause: ConditionClause): string {
  return `${clause.operator} ${clause.key} ${JSON.stringify(clause.values)}`;
}

export function evaluateClause(
  clause: ConditionClause,
  context: RequestContext,
  variablesEnabled: boolean,
): ConditionOutcome {
  const op = parseOperator(clause.operator);
  if (!op.isNull && op.base === undefined) {
    return {
      satisfied: false,
      failure: `${describe(clause)}: operator not supported`,
      unsupported: [clause.operator],
    };
  }
  const requestValues = context.get(clause.key);
  const present = requestValues !== undefined && requestValues.length > 0;
  const outcome = evaluatePresent(op, clause, requestValues, present, context, variablesEnabled);
  return !present && UNKNOWN_UNLESS_GIVEN.has(clause.key.toLowerCase())
    ? { ...outcome, missingKeys: [clause.key] }
    : outcome;
}

function evaluatePresent(
  op: ParsedOperator,
  clause: ConditionClause,
  requestValues: readonly string[] | undefined,
  present: boolean,
  context: RequestContext,
  variablesEnabled: boolean,
): ConditionOutcome {
  const fail = (why: string): ConditionOutcome => ({
    satisfied: false,
    failure: `${describe(clause)}: ${why}`,
  });

  if (op.isNull) {
    const wantsAbsent = clause.values.some((v) => v.toLowerCase() === "true");
    const wantsPresent = clause.values.some((v) => v.toLowerCase() === "false");
    if ((wantsAbsent && !present) || (wantsPresent && present)) return SATISFIED;
    return fail(present ? "key is present" : "key is absent");
  }
  const base = op.base;
  if (base === undefined) return fail("operator not supported");

  // A value whose variable has no value is null: nothing equals it or is like it, so it is
  // left out of the alternatives (a negated operator then holds against it).
  const policyValues: string[] = [];
  let nulls = 0;
  for (const raw of clause.values) {
    const v = variablesEnabled && base.variables === true ? substituteVariables(raw, context) : raw;
    if (v === undefined) nulls++;
    else policyValues.push(v);
  }
  const nullNote = nulls === 0 ? "" : " (a policy variable in it has no value in the request)";

  if (!present || requestValues === undefined) {
    if (op.ifExists) return SATISFIED;
    if (op.set === "all") return SATISFIED;
    if (op.set === "any") return fail("key is absent");
    if (base.negated) return SATISFIED;
    return fail("key is absent");
  }

  const oneValue = (v: string): boolean => {
    const hit = policyValues.some((p) => base.compare(v, p));
    return base.negated ? !hit : hit;
  };
  let ok: boolean;
  if (op.set === "all") ok = requestValues.every(oneValue);
  else if (op.set === "any") ok = requestValues.some(oneValue);
  else if (base.negated) ok = requestValues.every(oneValue);
  else ok = requestValues.some(oneValue);
  return ok
    ? SATISFIED
    : fail(`request value ${JSON.stringify(requestValues)} does not satisfy it${nullNote}`);
}

function ipv4InCidr(address: string, cidr: string): boolean {
  const [net = "", bitsText] = plain(cidr).split("/");
  const a = ipv4(address);
  const n = ipv4(net);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || n === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.trim().split(".");
  if (parts.length !== 4) return undefined;
  let out = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out = out * 256 + n;
  }
  return out;
}
