/**
 * Reads aws-auth `data` exactly the way aws-iam-authenticator does
 * (pkg/mapper/configmap/configmap.go `ParseMap`, pkg/config/mapper.go `Validate`):
 *
 * - Only `mapRoles`, `mapUsers` and `mapAccounts` count (case-sensitive).
 * - A value that is empty or only `""` / two backticks is skipped.
 * - mapRoles/mapUsers: a value starting with `{` is taken as JSON, anything else is YAML
 *   converted to JSON (YAML 1.1). A syntax error drops the whole key. The JSON is then
 *   decoded into a list of entries with Go's rules: field names match case-insensitively,
 *   when two names fold to the same field the one sorting last wins (the YAML->JSON step
 *   sorts keys), a field of the wrong type is ignored (the rest of the entry is kept), and
 *   an entry that is not an object becomes an empty entry.
 * - Each entry is validated: a role needs exactly one of `rolearn` / `sso` (with a
 *   12-digit account and a valid permission set name), a user needs `userarn`. Invalid
 *   entries are skipped, valid ones kept.
 * - mapAccounts is decoded straight from YAML into a list of strings: a scalar keeps its
 *   text as written (`- 012345678901` stays `012345678901`), other items are skipped.
 * - Duplicates: roles are keyed by the lowercased rolearn (or the sso pattern), users by
 *   the userarn as written; the last entry with a key wins.
 */
import { isSeq, parseAllDocuments } from "yaml";
import type { Diagnostic, Result, SourcePosition } from "../../diagnostics.js";
import { AWS_AUTH_CODES, type AwsAuthCodeName } from "./codes.js";
import { fromYamlNode, pairFor, readSimpleList, type LocatedNode } from "./located.js";
import { AUTHENTICATOR_YAML_OPTIONS, LineIndex } from "./text-position.js";
import type {
  AwsAuthAccount,
  AwsAuthField,
  AwsAuthKey,
  AwsAuthKeyStatus,
  AwsAuthMapping,
  AwsAuthMappings,
  AwsAuthRoleMapping,
  AwsAuthShadowing,
  AwsAuthSsoMatcher,
  AwsAuthUserMapping,
  AwsAuthValue,
  ValueLocator,
} from "./types.js";

/** Partitions the authenticator accepts in `sso.partition` (empty means aws). */
export const SSO_PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"] as const;

const ACCOUNT_ID = /^[0-9]{12}$/;
const PERMISSION_SET_NAME = /^[A-Za-z0-9_+=,.@-]{1,32}$/;

export type AwsAuthData = Readonly<Record<string, string | AwsAuthValue>>;

/** True when the authenticator skips this value without reading it. */
export function isSkippableValue(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === "" || trimmed === "``" || trimmed === '""';
}

/** The pattern an sso entry matches canonical role ARNs with (lowercased). */
export function ssoPattern(sso: AwsAuthSsoMatcher): string {
  const partition = sso.partition === "" ? "aws" : sso.partition;
  return `arn:${partition}:iam::${sso.accountId}:role/AWSReservedSSO_${sso.permissionSetName}_*`.toLowerCase();
}

export function diagnostic(
  name: AwsAuthCodeName,
  summary: string,
  detail: string,
  path: string | undefined,
  source: SourcePosition | undefined,
  severity = AWS_AUTH_CODES[name].severity,
): Diagnostic {
  return {
    code: AWS_AUTH_CODES[name].code,
    severity,
    summary,
    detail,
    ...(path === undefined ? {} : { path }),
    ...(source === undefined ? {} : { source }),
  };
}

/** A JSON value as Go's decoder sees it after the YAML->JSON step. */
type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

interface ListItem {
  readonly index: number;
  readonly value: JsonValue;
  readonly node?: LocatedNode;
}

interface ListRead {
  readonly status: AwsAuthKeyStatus;
  readonly items: readonly ListItem[];
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly key: AwsAuthKey,
    private readonly value: AwsAuthValue,
    private readonly fastLists = true,
  ) {}

  at(offset: number | undefined): SourcePosition | undefined {
    if (offset === undefined || this.value.locate === undefined) return undefined;
    return this.value.locate(Math.max(0, Math.min(offset, this.value.text.length)));
  }

  nodeAt(node: LocatedNode | undefined): SourcePosition | undefined {
    return this.at(node?.start);
  }

  report(
    name: AwsAuthCodeName,
    summary: string,
    detail: string,
    path: string,
    source: SourcePosition | undefined,
  ): void {
    this.diagnostics.push(diagnostic(name, summary, detail, path, source));
  }

  /** Parses the value into a list the way mapRoles/mapUsers (json) or mapAccounts (yaml) are read. */
  readList(viaJson: boolean): ListRead {
    const text = this.value.text;
    if (isSkippableValue(text)) {
      this.report(
        "emptyValueSkipped",
        `${this.key} is empty and is skipped`,
        "Remove the key or give it a list of entries.",
        this.key,
        this.at(0),
      );
      return { status: "skipped", items: [] };
    }
    if (viaJson && /^\s*\{/u.test(text)) return this.readJsonObjectText(text);
    if (viaJson && this.fastLists) {
      // Most aws-auth values are plain lists of strings: read those without a document model.
      const simple = readSimpleList(text);
      if (simple !== undefined) {
        return { status: "read", items: simple.map((item, index) => ({ index, ...item })) };
      }
    }
    const docs = parseAllDocuments(text, AUTHENTICATOR_YAML_OPTIONS);
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (doc === undefined) return { status: "read", items: [] };
    const error = doc.errors[0];
    if (error !== undefined) {
      const position = this.at(error.pos[0]);
      this.report(
        "keyDropped",
        `${this.key} is not valid YAML (${firstLine(error.message)}): the authenticator ignores every entry in it`,
        this.key === "mapRoles"
          ? "Fix the YAML: until then no role mapping works, node roles included (nodes go NotReady)."
          : `Fix the YAML: until then no entry of ${this.key} works.`,
        this.key,
        position,
      );
      return { status: "dropped", items: [] };
    }
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      this.report(
        "keyDropped",
        `${this.key} cannot be read (${e instanceof Error ? e.message : "bad aliases"})`,
        "Write the entries out without YAML aliases.",
        this.key,
        this.at(0),
      );
      return { status: "dropped", items: [] };
    }
    if (js === null || js === undefined) return { status: "read", items: [] };
    if (!Array.isArray(js)) {
      this.report(
        "keyNotList",
        `${this.key} holds a ${describe(js as JsonValue)}, not a list: the authenticator reads no entry from it`,
        `Write ${this.key} as a YAML list: each entry starts with '- '.`,
        this.key,
        this.at(doc.contents?.range[0]),
      );
      return { status: "dropped", items: [] };
    }
    const seq = isSeq(doc.contents) ? doc.contents : undefined;
    let items: ListItem[];
    try {
      items = (js as unknown[]).map((value, index): ListItem => {
        const node = fromYamlNode(seq?.items[index]);
        return { index, value: toJsonValue(value), ...(node === undefined ? {} : { node }) };
      });
    } catch (e) {
      // Nesting deep enough to exhaust the stack: no real entry looks like that.
      if (!(e instanceof RangeError)) throw e;
      this.report(
        "keyDropped",
        `${this.key} cannot be read (its values are nested too deep)`,
        "Write the entries as a flat list of mappings.",
        this.key,
        this.at(0),
      );
      return { status: "dropped", items: [] };
    }
    return { status: "read", items };
  }

  private readJsonObjectText(text: string): ListRead {
    try {
      JSON.parse(text);
    } catch (e) {
      const message = e instanceof Error ? e.message : "invalid JSON";
      const m = /position (\d+)/.exec(message);
      this.report(
        "keyDropped",
        `${this.key} starts with '{' so it is read as JSON, and it is not valid JSON (${message})`,
        `Fix the JSON; until then no entry of ${this.key} works.`,
        this.key,
        this.at(m?.[1] === undefined ? 0 : Number(m[1])),
      );
      return { status: "dropped", items: [] };
    }
    this.report(
      "keyNotList",
      `${this.key} holds a JSON object, not a list: the authenticator reads no entry from it`,
      `Wrap the entries in a list: [ {...}, {...} ] or YAML '- ' items.`,
      this.key,
      this.at(text.search(/\{/u)),
    );
    return { status: "dropped", items: [] };
  }
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of value) out[String(k)] = toJsonValue(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(toJsonValue);
  if (typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return null;
}

function describe(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "mapping";
  return typeof value;
}

/** Go's case folding for JSON field names (simple upper-then-lower per character). */
function fold(name: string): string {
  // ASCII folds by lowercasing; only a few non-ASCII letters (the Kelvin sign, long s) differ.
  if (/^[\x00-\x7f]*$/u.test(name)) return name.toLowerCase();
  let out = "";
  for (const ch of name) {
    const up = ch.toUpperCase();
    out += up.length === 1 ? up.toLowerCase() : ch.toLowerCase();
  }
  return out;
}

/** The key that sets a struct field: among keys folding to `field`, the last in byte order. */
function chooseKey(object: Record<string, JsonValue>, field: string): string | undefined {
  const target = fold(field);
  const candidates = Object.keys(object)
    .filter((k) => fold(k) === target)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return candidates[candidates.length - 1];
}

type FieldName = "rolearn" | "userarn" | "sso" | "username" | "groups" | "userid";

interface DecodedEntry {
  readonly strings: Partial<Record<"rolearn" | "userarn" | "username" | "userid", string>>;
  readonly groups: readonly string[];
  readonly groupSources: readonly (SourcePosition | undefined)[];
  readonly sso?: AwsAuthSsoMatcher;
  readonly fields: Partial<Record<FieldName, AwsAuthField>>;
  readonly isObject: boolean;
}

function decodeEntry(
  reader: Reader,
  item: ListItem,
  path: string,
  names: readonly FieldName[],
): DecodedEntry {
  const strings: Partial<Record<"rolearn" | "userarn" | "username" | "userid", string>> = {};
  const fields: Partial<Record<FieldName, AwsAuthField>> = {};
  let groups: string[] = [];
  let groupSources: (SourcePosition | undefined)[] = [];
  let sso: AwsAuthSsoMatcher | undefined;
  const value = item.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { strings, groups, groupSources, fields, isObject: false };
  }
  for (const name of names) {
    const key = chooseKey(value, name);
    if (key === undefined) continue;
    const pair = pairFor(item.node, key);
    const valueNode = pair?.value;
    const source = reader.nodeAt(valueNode) ?? reader.nodeAt(pair?.keyNode) ?? reader.nodeAt(item.node);
    fields[name] = { name: key, ...(source === undefined ? {} : { source }) };
    const v = value[key] ?? null;
    if (v === null) continue;
    const wrongType = (expected: string): void => {
      reader.report(
        "fieldWrongType",
        `${path}.${key} is a ${describe(v)}, not ${expected}: the authenticator ignores this field`,
        expected === "a string"
          ? `Quote the value: ${key}: "${JSON.stringify(v)}".`
          : `Write ${key} as ${expected}.`,
        `${path}.${key}`,
        source,
      );
    };
    if (name === "groups") {
      if (!Array.isArray(v)) {
        wrongType("a list of strings");
        continue;
      }
      const seq = valueNode?.items;
      groups = [];
      groupSources = [];
      v.forEach((g, i) => {
        const gSource = reader.nodeAt(seq?.[i]) ?? source;
        groupSources.push(gSource);
        if (typeof g === "string" || g === null) {
          groups.push(g ?? "");
        } else {
          groups.push("");
          reader.report(
            "fieldWrongType",
            `${path}.${key}[${i}] is a ${describe(g)}, not a string: the group is empty`,
            "Quote the group name.",
            `${path}.${key}[${i}]`,
            gSource,
          );
        }
      });
    } else if (name === "sso") {
      if (typeof v !== "object" || Array.isArray(v)) {
        wrongType("a mapping with permissionSetName, accountID and partition");
        continue;
      }
      const sub = (field: string): string => {
        const k = chooseKey(v, field);
        const s = k === undefined ? null : (v[k] ?? null);
        if (s === null) return "";
        if (typeof s === "string") return s;
        reader.report(
          "fieldWrongType",
          `${path}.${key}.${k ?? field} is a ${describe(s)}, not a string: ignored`,
          `Quote the value: "${JSON.stringify(s)}".`,
          `${path}.${key}.${k ?? field}`,
          source,
        );
        return "";
      };
      sso = {
        permissionSetName: sub("permissionSetName"),
        accountId: sub("accountID"),
        partition: sub("partition"),
      };
    } else {
      if (typeof v !== "string") {
        wrongType("a string");
        continue;
      }
      strings[name] = v;
    }
  }
  return { strings, groups, groupSources, ...(sso === undefined ? {} : { sso }), fields, isObject: true };
}

function readRoles(reader: Reader, items: readonly ListItem[]): AwsAuthRoleMapping[] {
  const out: AwsAuthRoleMapping[] = [];
  for (const item of items) {
    const path = `mapRoles[${item.index}]`;
    const source = reader.nodeAt(item.node);
    const e = decodeEntry(reader, item, path, ["rolearn", "sso", "username", "groups", "userid"]);
    const rolearn = e.strings.rolearn ?? "";
    const invalid = (why: string, detail: string): void => {
      reader.report("invalidEntry", `${path} is skipped by the authenticator: ${why}`, detail, path, source);
    };
    if (!e.isObject) {
      invalid(
        `it is a ${describe(item.value)}, not a mapping`,
        "Each entry is a mapping with rolearn, username and groups.",
      );
      continue;
    }
    if (rolearn === "" && e.sso === undefined) {
      invalid("it has neither rolearn nor sso", "Add rolearn: arn:aws:iam::ACCOUNT:role/NAME.");
      continue;
    }
    if (rolearn !== "" && e.sso !== undefined) {
      invalid("it has both rolearn and sso", "Keep exactly one of rolearn and sso.");
      continue;
    }
    if (e.sso !== undefined) {
      if (!ACCOUNT_ID.test(e.sso.accountId)) {
        invalid(
          `sso.accountID '${e.sso.accountId}' is not a 12-digit account ID`,
          'Quote the account ID so it stays a string: accountID: "111122223333".',
        );
        continue;
      }
      if (!PERMISSION_SET_NAME.test(e.sso.permissionSetName)) {
        invalid(
          `sso.permissionSetName '${e.sso.permissionSetName}' is not a valid permission set name`,
          "Use the permission set name (1-32 of letters, digits and +=,.@_-).",
        );
        continue;
      }
      if (e.sso.partition !== "" && !(SSO_PARTITIONS as readonly string[]).includes(e.sso.partition)) {
        invalid(
          `sso.partition '${e.sso.partition}' is not accepted`,
          `Use one of ${SSO_PARTITIONS.join(", ")}, or leave it out for aws.`,
        );
        continue;
      }
    }
    out.push({
      kind: "role",
      index: item.index,
      path,
      rolearn,
      ...(e.sso === undefined ? {} : { sso: e.sso }),
      username: e.strings.username ?? "",
      groups: e.groups,
      userid: e.strings.userid ?? "",
      key: e.sso === undefined ? rolearn.toLowerCase() : ssoPattern(e.sso),
      fields: e.fields,
      groupSources: e.groupSources,
      ...(source === undefined ? {} : { source }),
    });
  }
  return out;
}

function readUsers(reader: Reader, items: readonly ListItem[]): AwsAuthUserMapping[] {
  const out: AwsAuthUserMapping[] = [];
  for (const item of items) {
    const path = `mapUsers[${item.index}]`;
    const source = reader.nodeAt(item.node);
    const e = decodeEntry(reader, item, path, ["userarn", "username", "groups", "userid"]);
    if (!e.isObject) {
      reader.report(
        "invalidEntry",
        `${path} is skipped by the authenticator: it is a ${describe(item.value)}, not a mapping`,
        "Each entry is a mapping with userarn, username and groups.",
        path,
        source,
      );
      continue;
    }
    const userarn = e.strings.userarn ?? "";
    if (userarn === "") {
      reader.report(
        "invalidEntry",
        `${path} is skipped by the authenticator: it has no userarn`,
        "Add userarn: arn:aws:iam::ACCOUNT:user/NAME.",
        path,
        source,
      );
      continue;
    }
    out.push({
      kind: "user",
      index: item.index,
      path,
      userarn,
      username: e.strings.username ?? "",
      groups: e.groups,
      userid: e.strings.userid ?? "",
      key: userarn,
      fields: e.fields,
      groupSources: e.groupSources,
      ...(source === undefined ? {} : { source }),
    });
  }
  return out;
}

function readAccounts(
  reader: Reader,
  text: string,
): { status: AwsAuthKeyStatus; accounts: AwsAuthAccount[] } {
  const list = reader.readList(false);
  if (list.status !== "read") return { status: list.status, accounts: [] };
  const accounts: AwsAuthAccount[] = [];
  for (const item of list.items) {
    const path = `mapAccounts[${item.index}]`;
    const node = item.node?.alias === true ? undefined : item.node;
    const source = reader.nodeAt(item.node);
    if (Array.isArray(item.value) || (item.value !== null && typeof item.value === "object")) {
      reader.report(
        "invalidEntry",
        `${path} is a ${describe(item.value)}, not an account ID: skipped`,
        'Write each account as a string: - "111122223333".',
        path,
        source,
      );
      continue;
    }
    let accountId: string;
    if (item.value === null) accountId = "";
    else if (node?.plainEnd !== undefined && node.start !== undefined)
      accountId = text.slice(node.start, node.plainEnd).trim();
    else accountId = String(item.value);
    accounts.push({ index: item.index, path, accountId, ...(source === undefined ? {} : { source }) });
  }
  return { status: "read", accounts };
}

function effective<T extends AwsAuthMapping>(entries: readonly T[], shadowed: AwsAuthShadowing[]): T[] {
  const last = new Map<string, T>();
  for (const e of entries) {
    const previous = last.get(e.key);
    if (previous !== undefined) shadowed.push({ shadowed: previous, by: e });
    last.set(e.key, e);
  }
  return entries.filter((e) => last.get(e.key) === e);
}

/**
 * Reads aws-auth `data` (values as strings, or with locators into the manifest they came
 * from). Never fails: problems come back as diagnostics and the entries the authenticator
 * would use are returned.
 */
export interface AwsAuthParseOptions {
  /**
   * Read plain string lists with the fast reader (located.ts). Default true; false makes
   * every value go through the reference reader (the tests compare the two).
   */
  readonly fastLists?: boolean;
}

export function parseAwsAuthData(
  data: AwsAuthData,
  options: AwsAuthParseOptions = {},
): Result<AwsAuthMappings> {
  const fast = options.fastLists ?? true;
  const diagnostics: Diagnostic[] = [];
  const status: Record<AwsAuthKey, AwsAuthKeyStatus> = {
    mapRoles: "absent",
    mapUsers: "absent",
    mapAccounts: "absent",
  };
  const valueOf = (key: AwsAuthKey): AwsAuthValue | undefined => {
    if (!Object.hasOwn(data, key)) return undefined;
    const v = data[key];
    if (v === undefined) return undefined;
    return typeof v === "string" ? { text: v } : v;
  };
  let roles: AwsAuthRoleMapping[] = [];
  let users: AwsAuthUserMapping[] = [];
  let accounts: AwsAuthAccount[] = [];
  const users0 = valueOf("mapUsers");
  if (users0 !== undefined) {
    const reader = new Reader("mapUsers", users0, fast);
    const list = reader.readList(true);
    status.mapUsers = list.status;
    users = readUsers(reader, list.items);
    diagnostics.push(...reader.diagnostics);
  }
  const roles0 = valueOf("mapRoles");
  if (roles0 !== undefined) {
    const reader = new Reader("mapRoles", roles0, fast);
    const list = reader.readList(true);
    status.mapRoles = list.status;
    roles = readRoles(reader, list.items);
    diagnostics.push(...reader.diagnostics);
  }
  const accounts0 = valueOf("mapAccounts");
  if (accounts0 !== undefined) {
    const reader = new Reader("mapAccounts", accounts0, fast);
    const read = readAccounts(reader, accounts0.text);
    status.mapAccounts = read.status;
    accounts = read.accounts;
    diagnostics.push(...reader.diagnostics);
  }
  const shadowed: AwsAuthShadowing[] = [];
  const effectiveRoles = effective(roles, shadowed);
  const effectiveUsers = effective(users, shadowed);
  for (const s of shadowed) {
    const arn = s.shadowed.kind === "role" ? s.shadowed.rolearn || s.shadowed.key : s.shadowed.userarn;
    diagnostics.push(
      diagnostic(
        "duplicate",
        `${s.shadowed.path} (${arn}) is shadowed by ${s.by.path}: the later entry wins`,
        `Remove ${s.shadowed.path} or merge it into ${s.by.path}; only ${s.by.path} is used.`,
        s.shadowed.path,
        s.shadowed.source,
      ),
    );
  }
  return {
    ok: true,
    value: { status, roles, users, accounts, effectiveRoles, effectiveUsers, shadowed },
    diagnostics,
  };
}

/** Shorthand: a locator that maps value offsets to lines of the value itself. */
export function locateInText(text: string, file: string): ValueLocator {
  const index = new LineIndex(text);
  return (offset) => {
    const p = index.at(offset);
    return { file, line: p.line + 1, column: p.column + 1 };
  };
}
