/**
 * The shape of the IAM input, checked where it enters: the output of
 * `get-account-authorization-details` and the SCP list. The IAM evaluator relies on the
 * types in evaluate/iam/snapshot.ts; a file that does not have them (a hand-edited or
 * damaged snapshot) must not reach it as is. What has the wrong type is left out, with a
 * diagnostic saying where; everything else is kept.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { AccountAuthorizationDetails, AccountServiceControlPolicies } from "../evaluate/iam/index.js";

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A field check: the value is fine as it is, or it is not (and the field is dropped). */
type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === "string";
const isBoolean: Check = (v) => typeof v === "boolean";
const isDocument: Check = (v) => typeof v === "string" || isRecord(v);
const listOf =
  (item: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(item);
const record =
  (required: Readonly<Record<string, Check>>, optional: Readonly<Record<string, Check>> = {}): Check =>
  (v) =>
    isRecord(v) &&
    Object.entries(required).every(([k, check]) => check(v[k])) &&
    Object.entries(optional).every(([k, check]) => v[k] === undefined || check(v[k]));

const inlinePolicy = record({ PolicyName: isString, PolicyDocument: isDocument });
const attachedPolicy = record({ PolicyArn: isString }, { PolicyName: isString });
const boundary = record({ PermissionsBoundaryArn: isString }, { PermissionsBoundaryType: isString });
const tag = record({ Key: isString, Value: isString });
const policyVersion = record({}, { Document: isDocument, VersionId: isString, IsDefaultVersion: isBoolean });

interface EntryShape {
  readonly required: Readonly<Record<string, Check>>;
  readonly optional: Readonly<Record<string, Check>>;
}

const ENTRY_SHAPES: Readonly<Record<string, EntryShape>> = {
  UserDetailList: {
    required: { UserName: isString, Arn: isString },
    optional: {
      Path: isString,
      UserId: isString,
      UserPolicyList: listOf(inlinePolicy),
      GroupList: listOf(isString),
      AttachedManagedPolicies: listOf(attachedPolicy),
      PermissionsBoundary: boundary,
      Tags: listOf(tag),
    },
  },
  GroupDetailList: {
    required: { GroupName: isString, Arn: isString },
    optional: {
      Path: isString,
      GroupId: isString,
      GroupPolicyList: listOf(inlinePolicy),
      AttachedManagedPolicies: listOf(attachedPolicy),
    },
  },
  RoleDetailList: {
    required: { RoleName: isString, Arn: isString },
    optional: {
      Path: isString,
      RoleId: isString,
      AssumeRolePolicyDocument: isDocument,
      RolePolicyList: listOf(inlinePolicy),
      AttachedManagedPolicies: listOf(attachedPolicy),
      PermissionsBoundary: boundary,
      Tags: listOf(tag),
    },
  },
  Policies: {
    required: { PolicyName: isString, Arn: isString },
    optional: {
      PolicyId: isString,
      Path: isString,
      DefaultVersionId: isString,
      PolicyVersionList: listOf(policyVersion),
    },
  },
};

function problem(summary: string, path: string): Diagnostic {
  return {
    code: "SNAP003",
    severity: "error",
    summary,
    path,
    detail: "Save the file again with aws iam get-account-authorization-details, or fix the field by hand.",
  };
}

/**
 * One page of account authorization details with every entry and field of the documented
 * types; the rest is reported and left out. `where` names the page (file and index).
 */
export function checkAuthorizationDetails(
  page: Json,
  where: string,
  diagnostics: Diagnostic[],
): AccountAuthorizationDetails {
  const out: Json = {};
  for (const [list, shape] of Object.entries(ENTRY_SHAPES)) {
    const value = page[list];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      diagnostics.push(problem(`${where}.${list} is not a list; it is ignored`, `${where}.${list}`));
      continue;
    }
    const kept: Json[] = [];
    value.forEach((entry: unknown, i) => {
      const path = `${where}.${list}[${i}]`;
      if (!isRecord(entry)) {
        diagnostics.push(problem(`${path} is not an object; it is ignored`, path));
        return;
      }
      const missing = Object.entries(shape.required)
        .filter(([k, check]) => !check(entry[k]))
        .map(([k]) => k);
      if (missing.length > 0) {
        diagnostics.push(problem(`${path} has no string ${missing.join(" and ")}; it is ignored`, path));
        return;
      }
      const clean: Json = { ...entry };
      for (const [k, check] of Object.entries(shape.optional)) {
        if (clean[k] === undefined || clean[k] === null) {
          Reflect.deleteProperty(clean, k);
          continue;
        }
        if (!check(clean[k])) {
          diagnostics.push(
            problem(`${path}.${k} does not have the documented shape; it is ignored`, `${path}.${k}`),
          );
          Reflect.deleteProperty(clean, k);
        }
      }
      kept.push(clean);
    });
    out[list] = kept;
  }
  return out;
}

const scpPolicy = record({ Name: isString, Document: isDocument }, { Arn: isString });
const scpLevel = record({ Target: isString, Policies: listOf(scpPolicy) });
const scpAccount = record({ AccountId: isString, Levels: listOf(scpLevel) });

/** Whether a value is a list of SCPs per account of the documented shape. */
export function isServiceControlPolicyList(value: unknown): value is AccountServiceControlPolicies[] {
  return listOf(scpAccount)(value);
}
