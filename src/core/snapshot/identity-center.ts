/**
 * Reads the Identity Center part of a snapshot (`identity-center/`, see layout.ts) from the
 * JSON the AWS CLI prints, so a snapshot can be put together by hand:
 *
 * - `instances.json`: `aws sso-admin list-instances`
 * - `users.json`: `aws identitystore list-users --identity-store-id ID`
 * - `groups.json`: `aws identitystore list-groups --identity-store-id ID`
 * - `group-memberships.json`: `aws identitystore list-group-memberships --identity-store-id ID --group-id G`
 * - `permission-sets/<name>.json`: `aws sso-admin describe-permission-set` with the keys of
 *   `get-inline-policy-for-permission-set`, `list-managed-policies-in-permission-set` and
 *   `list-customer-managed-policy-references-in-permission-set` in the same object, or each
 *   output in its own file of a directory `permission-sets/<name>/`
 * - `account-assignments.json`: `aws sso-admin list-account-assignments ...`
 *
 * Every kind may also be split over `<kind>-*.json` or `<kind>/*.json` (one file per page,
 * group or account). Problems are diagnostics with `file:line:column`.
 */
import type { Diagnostic, SourcePosition } from "../diagnostics.js";
import type { RawPolicyDocument } from "../evaluate/iam/iam-snapshot.js";
import type {
  CustomerManagedPolicyReference,
  IdentityCenterAssignment,
  IdentityCenterGroup,
  IdentityCenterInstance,
  IdentityCenterMembership,
  IdentityCenterPermissionSet,
  IdentityCenterState,
  IdentityCenterUser,
} from "../model/identity-center.js";
import { IDENTITY_CENTER_DIR, type SnapshotFile } from "./layout.js";
import { readLocatedJson, where, type LocatedJson } from "./json-file.js";

export const IDENTITY_CENTER_CODES = {
  badJson: "SNAP002",
  badShape: "SNAP020",
  dangling: "SNAP021",
  duplicate: "SNAP022",
  unknownFile: "SNAP007",
} as const;

type Json = Record<string, unknown>;
type Path = readonly (string | number)[];

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

const KINDS = [
  "instances",
  "users",
  "groups",
  "group-memberships",
  "permission-sets",
  "account-assignments",
] as const;
type Kind = (typeof KINDS)[number];

/** The kind a file of `identity-center/` holds, from its first path segment. */
function kindOf(rel: string): Kind | undefined {
  const first = rel.split("/")[0] ?? "";
  const base = rel.includes("/") ? first : first.replace(/\.json$/i, "").replace(/-[^-/]*$/, "");
  const exact = rel.includes("/") ? first : first.replace(/\.json$/i, "");
  return (KINDS as readonly string[]).includes(exact)
    ? (exact as Kind)
    : (KINDS as readonly string[]).includes(base)
      ? (base as Kind)
      : undefined;
}

const HINTS: Record<Kind, string> = {
  instances: "Save it with: aws sso-admin list-instances > identity-center/instances.json",
  users: "Save it with: aws identitystore list-users --identity-store-id ID > identity-center/users.json",
  groups: "Save it with: aws identitystore list-groups --identity-store-id ID > identity-center/groups.json",
  "group-memberships":
    "Save it with: aws identitystore list-group-memberships --identity-store-id ID --group-id G > identity-center/group-memberships/G.json",
  "permission-sets":
    "Save it with: aws sso-admin describe-permission-set --instance-arn I --permission-set-arn P > identity-center/permission-sets/NAME/describe.json (and the inline and managed policy outputs beside it)",
  "account-assignments":
    "Save it with: aws sso-admin list-account-assignments --instance-arn I --account-id A --permission-set-arn P > identity-center/account-assignments/A-NAME.json",
};

class Reader {
  readonly diagnostics: Diagnostic[];
  readonly instances: IdentityCenterInstance[] = [];
  readonly users: IdentityCenterUser[] = [];
  readonly groups: IdentityCenterGroup[] = [];
  readonly memberships: IdentityCenterMembership[] = [];
  readonly permissionSets: IdentityCenterPermissionSet[] = [];
  readonly assignments: IdentityCenterAssignment[] = [];
  /** Permission-set ARNs from `list-permission-sets`, to check they were described. */
  readonly listed: { arn: string; source: string; at?: SourcePosition }[] = [];

  constructor(diagnostics: Diagnostic[]) {
    this.diagnostics = diagnostics;
  }

  bad(file: SnapshotFile, json: LocatedJson, path: Path, what: string, kind: Kind): void {
    const at = json.at(path);
    this.diagnostics.push({
      code: IDENTITY_CENTER_CODES.badShape,
      severity: "error",
      summary: `${where(file.path, at)}: ${what}`,
      path: `${file.path} ${formatPath(path)}`.trim(),
      ...(at !== undefined ? { source: at } : {}),
      detail: HINTS[kind],
    });
  }

  /** The list under `key` (or the file itself when it is a list), with its path. */
  list(file: SnapshotFile, json: LocatedJson, key: string, kind: Kind): { items: unknown[]; path: Path } {
    const v = json.value;
    if (Array.isArray(v)) return { items: v as unknown[], path: [] };
    if (isRecord(v) && Array.isArray(v[key])) return { items: v[key] as unknown[], path: [key] };
    this.bad(file, json, [], `expected {"${key}": [...]}, the output of the AWS CLI`, kind);
    return { items: [], path: [] };
  }
}

function formatPath(path: Path): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${String(p)}]` : out === "" ? p : `.${p}`;
  return out;
}

function readInstances(r: Reader, file: SnapshotFile, json: LocatedJson): void {
  const { items, path } = r.list(file, json, "Instances", "instances");
  items.forEach((raw, i) => {
    const p = [...path, i];
    const arn = isRecord(raw) ? str(raw["InstanceArn"]) : undefined;
    if (!isRecord(raw) || arn === undefined) {
      r.bad(file, json, p, "an instance needs InstanceArn", "instances");
      return;
    }
    const store = str(raw["IdentityStoreId"]);
    const name = str(raw["Name"]);
    const owner = str(raw["OwnerAccountId"]);
    r.instances.push({
      instanceArn: arn,
      ...(store !== undefined ? { identityStoreId: store } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(owner !== undefined ? { ownerAccountId: owner } : {}),
      source: `${file.path} ${formatPath(p)}`,
    });
  });
}

function readUsers(r: Reader, file: SnapshotFile, json: LocatedJson): void {
  // `describe-user` prints one user object; `list-users` a list under Users.
  const single = isRecord(json.value) && typeof json.value["UserId"] === "string";
  const { items, path } = single
    ? { items: [json.value], path: [] as Path }
    : r.list(file, json, "Users", "users");
  items.forEach((raw, i) => {
    const p = single ? path : [...path, i];
    const id = isRecord(raw) ? str(raw["UserId"]) : undefined;
    const name = isRecord(raw) ? str(raw["UserName"]) : undefined;
    if (!isRecord(raw) || id === undefined || name === undefined) {
      r.bad(file, json, p, "a user needs UserId and UserName", "users");
      return;
    }
    const display = str(raw["DisplayName"]);
    const store = str(raw["IdentityStoreId"]);
    r.users.push({
      userId: id,
      userName: name,
      ...(display !== undefined ? { displayName: display } : {}),
      ...(store !== undefined ? { identityStoreId: store } : {}),
      source: `${file.path} ${formatPath(p)}`.trim(),
    });
  });
}

function readGroups(r: Reader, file: SnapshotFile, json: LocatedJson): void {
  const single = isRecord(json.value) && typeof json.value["GroupId"] === "string";
  const { items, path } = single
    ? { items: [json.value], path: [] as Path }
    : r.list(file, json, "Groups", "groups");
  items.forEach((raw, i) => {
    const p = single ? path : [...path, i];
    const id = isRecord(raw) ? str(raw["GroupId"]) : undefined;
    const name = isRecord(raw) ? str(raw["DisplayName"]) : undefined;
    if (!isRecord(raw) || id === undefined || name === undefined) {
      r.bad(file, json, p, "a group needs GroupId and DisplayName", "groups");
      return;
    }
    const store = str(raw["IdentityStoreId"]);
    r.groups.push({
      groupId: id,
      displayName: name,
      ...(store !== undefined ? { identityStoreId: store } : {}),
      source: `${file.path} ${formatPath(p)}`.trim(),
    });
  });
}

function readMemberships(r: Reader, file: SnapshotFile, json: LocatedJson): void {
  const { items, path } = r.list(file, json, "GroupMemberships", "group-memberships");
  items.forEach((raw, i) => {
    const p = [...path, i];
    const group = isRecord(raw) ? str(raw["GroupId"]) : undefined;
    const member = isRecord(raw) ? raw["MemberId"] : undefined;
    const user = isRecord(member) ? str(member["UserId"]) : undefined;
    if (!isRecord(raw) || group === undefined || user === undefined) {
      r.bad(file, json, p, "a membership needs GroupId and MemberId.UserId", "group-memberships");
      return;
    }
    const id = str(raw["MembershipId"]);
    r.memberships.push({
      groupId: group,
      userId: user,
      ...(id !== undefined ? { membershipId: id } : {}),
      source: `${file.path} ${formatPath(p)}`,
    });
  });
}

function readAssignments(r: Reader, file: SnapshotFile, json: LocatedJson): void {
  const { items, path } = r.list(file, json, "AccountAssignments", "account-assignments");
  items.forEach((raw, i) => {
    const p = [...path, i];
    if (!isRecord(raw)) {
      r.bad(file, json, p, "an assignment must be an object", "account-assignments");
      return;
    }
    const account = str(raw["AccountId"]);
    const ps = str(raw["PermissionSetArn"]);
    const type = raw["PrincipalType"];
    const principal = str(raw["PrincipalId"]);
    if (account === undefined || !/^\d{12}$/.test(account)) {
      r.bad(
        file,
        json,
        [...p, "AccountId"],
        "AccountId must be a 12-digit account id",
        "account-assignments",
      );
      return;
    }
    if (ps === undefined || principal === undefined || (type !== "USER" && type !== "GROUP")) {
      r.bad(
        file,
        json,
        p,
        "an assignment needs PermissionSetArn, PrincipalType (USER or GROUP) and PrincipalId",
        "account-assignments",
      );
      return;
    }
    r.assignments.push({
      accountId: account,
      permissionSetArn: ps,
      principalType: type,
      principalId: principal,
      source: `${file.path} ${formatPath(p)}`,
    });
  });
}

interface PermissionSetParts {
  describe?: { value: Json; file: SnapshotFile; json: LocatedJson; path: Path };
  inline?: RawPolicyDocument;
  managed: string[];
  customer: CustomerManagedPolicyReference[];
  first: { file: SnapshotFile; json: LocatedJson };
}

/** Adds the keys of one object (one CLI output, or several merged) to a permission set. */
function addParts(
  r: Reader,
  parts: PermissionSetParts,
  file: SnapshotFile,
  json: LocatedJson,
  obj: Json,
  path: Path,
): boolean {
  let used = false;
  const described = obj["PermissionSet"];
  if (isRecord(described)) {
    parts.describe = { value: described, file, json, path: [...path, "PermissionSet"] };
    used = true;
  }
  const inline = obj["InlinePolicy"];
  if (inline !== undefined) {
    used = true;
    if (typeof inline === "string") {
      if (inline.trim() !== "") parts.inline = inline;
    } else if (isRecord(inline)) parts.inline = inline;
    else
      r.bad(
        file,
        json,
        [...path, "InlinePolicy"],
        "InlinePolicy must be a JSON string or an object",
        "permission-sets",
      );
  }
  const managed = obj["AttachedManagedPolicies"];
  if (managed !== undefined) {
    used = true;
    if (!Array.isArray(managed)) {
      r.bad(
        file,
        json,
        [...path, "AttachedManagedPolicies"],
        "AttachedManagedPolicies must be a list",
        "permission-sets",
      );
    } else {
      managed.forEach((m: unknown, i) => {
        const arn = isRecord(m) ? str(m["Arn"]) : typeof m === "string" ? m : undefined;
        if (arn === undefined)
          r.bad(
            file,
            json,
            [...path, "AttachedManagedPolicies", i],
            "a managed policy needs Arn",
            "permission-sets",
          );
        else parts.managed.push(arn);
      });
    }
  }
  const customer = obj["CustomerManagedPolicyReferences"];
  if (customer !== undefined) {
    used = true;
    if (!Array.isArray(customer)) {
      r.bad(
        file,
        json,
        [...path, "CustomerManagedPolicyReferences"],
        "CustomerManagedPolicyReferences must be a list",
        "permission-sets",
      );
    } else {
      customer.forEach((m: unknown, i) => {
        const name = isRecord(m) ? str(m["Name"]) : undefined;
        if (name === undefined) {
          r.bad(
            file,
            json,
            [...path, "CustomerManagedPolicyReferences", i],
            "a customer managed policy reference needs Name",
            "permission-sets",
          );
          return;
        }
        parts.customer.push({ name, path: (isRecord(m) ? str(m["Path"]) : undefined) ?? "/" });
      });
    }
  }
  return used;
}

function finishPermissionSet(r: Reader, parts: PermissionSetParts): void {
  const d = parts.describe;
  if (d === undefined) {
    r.bad(
      parts.first.file,
      parts.first.json,
      [],
      "no PermissionSet (the output of aws sso-admin describe-permission-set) for these policies",
      "permission-sets",
    );
    return;
  }
  const arn = str(d.value["PermissionSetArn"]);
  const name = str(d.value["Name"]);
  if (arn === undefined || name === undefined) {
    r.bad(d.file, d.json, d.path, "a permission set needs Name and PermissionSetArn", "permission-sets");
    return;
  }
  const description = str(d.value["Description"]);
  const duration = str(d.value["SessionDuration"]);
  r.permissionSets.push({
    arn,
    name,
    ...(description !== undefined ? { description } : {}),
    ...(duration !== undefined ? { sessionDuration: duration } : {}),
    ...(parts.inline !== undefined ? { inlinePolicy: parts.inline } : {}),
    managedPolicyArns: parts.managed,
    customerManagedPolicies: parts.customer,
    source: `${d.file.path} ${formatPath(d.path)}`,
  });
}

function readPermissionSetUnit(r: Reader, unit: readonly { file: SnapshotFile; json: LocatedJson }[]): void {
  const first = unit[0];
  if (first === undefined) return;
  const parts: PermissionSetParts = { managed: [], customer: [], first };
  for (const { file, json } of unit) {
    const v = json.value;
    // `list-permission-sets`: ARNs only; each must be described somewhere.
    if (isRecord(v) && Array.isArray(v["PermissionSets"])) {
      (v["PermissionSets"] as unknown[]).forEach((item, i) => {
        const p: Path = ["PermissionSets", i];
        if (typeof item === "string") {
          const at = json.at(p);
          r.listed.push({ arn: item, source: where(file.path, at), ...(at !== undefined ? { at } : {}) });
        } else if (isRecord(item)) {
          const own: PermissionSetParts = { managed: [], customer: [], first: { file, json } };
          if (addParts(r, own, file, json, item, p)) finishPermissionSet(r, own);
          else r.bad(file, json, p, "not a permission set", "permission-sets");
        } else r.bad(file, json, p, "a permission set ARN or object", "permission-sets");
      });
      continue;
    }
    if (!isRecord(v) || !addParts(r, parts, file, json, v, [])) {
      r.bad(
        file,
        json,
        [],
        'expected the output of describe-permission-set ({"PermissionSet": {...}}), get-inline-policy-for-permission-set, list-managed-policies-in-permission-set or list-customer-managed-policy-references-in-permission-set',
        "permission-sets",
      );
    }
  }
  if (
    parts.describe !== undefined ||
    parts.inline !== undefined ||
    parts.managed.length > 0 ||
    parts.customer.length > 0
  )
    finishPermissionSet(r, parts);
}

function dedupe<T>(
  r: Reader,
  items: T[],
  key: (t: T) => string,
  same: (a: T, b: T) => boolean,
  label: (t: T) => string,
  source: (t: T) => string,
): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const earlier = seen.get(k);
    if (earlier === undefined) seen.set(k, item);
    else if (!same(earlier, item)) {
      r.diagnostics.push({
        code: IDENTITY_CENTER_CODES.duplicate,
        severity: "warning",
        summary: `${source(item)}: ${label(item)} appears again with other content (first at ${source(earlier)}); the first is kept`,
        path: source(item),
        detail: "Keep one copy of each record (a second page of the same listing repeats nothing).",
      });
    }
  }
  return [...seen.values()];
}

function crossCheck(r: Reader, state: IdentityCenterState): void {
  const users = new Set(state.users.map((u) => u.userId));
  const groups = new Set(state.groups.map((g) => g.groupId));
  const sets = new Set(state.permissionSets.map((p) => p.arn));
  const dangling = (summary: string, path: string, detail: string): void => {
    r.diagnostics.push({ code: IDENTITY_CENTER_CODES.dangling, severity: "warning", summary, path, detail });
  };
  for (const m of state.memberships) {
    if (!groups.has(m.groupId))
      dangling(
        `${m.source}: group ${m.groupId} is not in groups.json; the membership is ignored`,
        m.source,
        HINTS.groups,
      );
    else if (!users.has(m.userId))
      dangling(
        `${m.source}: user ${m.userId} is not in users.json; the membership is ignored`,
        m.source,
        HINTS.users,
      );
  }
  for (const a of state.assignments) {
    if (!sets.has(a.permissionSetArn)) {
      dangling(
        `${a.source}: permission set ${a.permissionSetArn} is not described; the assignment is ignored`,
        a.source,
        HINTS["permission-sets"],
      );
    } else if (a.principalType === "GROUP" ? !groups.has(a.principalId) : !users.has(a.principalId)) {
      dangling(
        `${a.source}: ${a.principalType === "GROUP" ? "group" : "user"} ${a.principalId} is not in the identity store files; the assignment is ignored`,
        a.source,
        a.principalType === "GROUP" ? HINTS.groups : HINTS.users,
      );
    }
  }
  for (const l of r.listed) {
    if (!sets.has(l.arn)) {
      dangling(
        `${l.source}: permission set ${l.arn} is listed but not described; its assignments are ignored`,
        l.source,
        HINTS["permission-sets"],
      );
    }
  }
}

/** Whether a snapshot path is part of the Identity Center files. */
export function isIdentityCenterPath(path: string): boolean {
  return path.startsWith(`${IDENTITY_CENTER_DIR}/`);
}

/** Reads `identity-center/`; undefined when the snapshot has no such files. */
export function readIdentityCenter(
  files: readonly SnapshotFile[],
  diagnostics: Diagnostic[],
): IdentityCenterState | undefined {
  const own = files.filter((f) => isIdentityCenterPath(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  if (own.length === 0) return undefined;
  const r = new Reader(diagnostics);
  const units = new Map<string, { file: SnapshotFile; json: LocatedJson }[]>();
  for (const file of own) {
    const rel = file.path.slice(IDENTITY_CENTER_DIR.length + 1);
    const kind = /\.json$/i.test(rel) ? kindOf(rel) : undefined;
    if (kind === undefined) {
      diagnostics.push({
        code: IDENTITY_CENTER_CODES.unknownFile,
        severity: "info",
        summary: `${file.path} is not part of the snapshot layout; ignored`,
        path: file.path,
        detail: `Identity Center files are JSON: ${KINDS.map((k) => `${k}.json`).join(", ")} (docs/audit.md).`,
      });
      continue;
    }
    const json = readLocatedJson(file, IDENTITY_CENTER_CODES.badJson, diagnostics, HINTS[kind]);
    if (json === undefined) continue;
    switch (kind) {
      case "instances":
        readInstances(r, file, json);
        break;
      case "users":
        readUsers(r, file, json);
        break;
      case "groups":
        readGroups(r, file, json);
        break;
      case "group-memberships":
        readMemberships(r, file, json);
        break;
      case "account-assignments":
        readAssignments(r, file, json);
        break;
      case "permission-sets": {
        // Files of one directory permission-sets/<name>/ describe one permission set.
        const segments = rel.split("/");
        const key = segments.length >= 3 ? segments.slice(0, 2).join("/") : rel;
        const list = units.get(key) ?? [];
        list.push({ file, json });
        units.set(key, list);
        break;
      }
    }
  }
  for (const unit of units.values()) readPermissionSetUnit(r, unit);
  const state: IdentityCenterState = {
    instances: dedupe(
      r,
      r.instances,
      (i) => i.instanceArn,
      (a, b) => a.identityStoreId === b.identityStoreId,
      (i) => `instance ${i.instanceArn}`,
      (i) => i.source,
    ),
    users: dedupe(
      r,
      r.users,
      (u) => u.userId,
      (a, b) => a.userName === b.userName,
      (u) => `user ${u.userId}`,
      (u) => u.source,
    ),
    groups: dedupe(
      r,
      r.groups,
      (g) => g.groupId,
      (a, b) => a.displayName === b.displayName,
      (g) => `group ${g.groupId}`,
      (g) => g.source,
    ),
    memberships: dedupe(
      r,
      r.memberships,
      (m) => `${m.groupId}|${m.userId}`,
      () => true,
      () => "",
      (m) => m.source,
    ),
    permissionSets: dedupe(
      r,
      r.permissionSets,
      (p) => p.arn,
      (a, b) => a.name === b.name,
      (p) => `permission set ${p.arn}`,
      (p) => p.source,
    ),
    assignments: dedupe(
      r,
      r.assignments,
      (a) => `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`,
      () => true,
      () => "",
      (a) => a.source,
    ),
  };
  crossCheck(r, state);
  return state;
}
