/**
 * Reads aws-auth `data` exactly the way aws-iam-authenticator does
 * (pkg/mapper/configmap/configmap.go `ParseMap`, pkg/config/mapper.go `Validate`):
 *
 * - Only `mapRoles`, `mapUsers` and `mapAccounts` count (case-sensitive).
 * - A value that is empty or only `""`, `''` or two backticks (after Go's white space
 *   trimming) is skipped.
 * - mapRoles/mapUsers: a value starting with `{` is taken as JSON (and, being an object,
 *   is not a list), anything else is YAML converted to JSON the way the authenticator's
 *   go-yaml v2 does it (go-yaml.ts). A syntax or conversion error drops the whole key.
 *   The JSON is then decoded into a list of entries with Go's `encoding/json` rules:
 *   field names match exactly or case-insensitively, keys are applied in sorted order (the
 *   YAML->JSON step sorts them) so of two names for one field the last sorting one wins
 *   unless its value is refused, a value of the wrong type is refused and leaves the field
 *   as it was (the rest of the entry is kept), and an entry that is not an object becomes
 *   an empty entry.
 * - Each entry is validated: a role needs exactly one of `rolearn` / `sso` (with a
 *   12-digit account and a valid permission set name), a user needs `userarn`. Invalid
 *   entries are skipped, valid ones kept.
 * - mapAccounts is decoded straight from YAML into a list of strings: a scalar keeps its
 *   text as written (`- 012345678901` stays `012345678901`), other items are skipped.
 * - Duplicates: roles are keyed by the lowercased rolearn (or the sso pattern), users by
 *   the userarn as written; the last entry with a key wins.
 */
import { isSeq } from "yaml";
import type { Diagnostic, Result, SourcePosition } from "../../diagnostics.js";
import { awsAuthDiagnostic, type AwsAuthCodeName } from "./codes.js";
import { isAccountId, formatRoleArn } from "../arn.js";
import {
  GoDecodeError,
  goJsonOf,
  goStringsOf,
  isGoObject,
  parseGoYaml,
  type GoStrings,
  type GoValue,
  type GoYamlDocument,
} from "./go-yaml.js";
import { fromYamlNode, pairFor, readSimpleList, type LocatedNode, type StringTree } from "./located.js";
import { LineIndex } from "./text-position.js";
import type {
  AwsAuthAccount,
  AwsAuthDecodedEntry,
  AwsAuthDecodedKey,
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

const PERMISSION_SET_NAME = /^[A-Za-z0-9_+=,.@-]{1,32}$/;

export type AwsAuthData = Readonly<Record<string, string | AwsAuthValue>>;

/** Go's unicode.IsSpace: the white space strings.TrimSpace and the JSON sniffing skip. */
function isGoSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(c);
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(text: string): string {
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start] ?? "")) start++;
  while (end > start && isGoSpace(chars[end - 1] ?? "")) end--;
  return chars.slice(start, end).join("");
}

/** True when the authenticator skips this value without reading it. */
export function isSkippableValue(text: string): boolean {
  const trimmed = goTrimSpace(text);
  return trimmed === "" || trimmed === "``" || trimmed === '""' || trimmed === "''";
}

/** Whether the authenticator reads the value as JSON rather than YAML (utilyaml.ToJSON). */
function hasJsonPrefix(text: string): boolean {
  for (const c of text) {
    if (!isGoSpace(c)) return c === "{";
  }
  return false;
}

/** The pattern an sso entry matches canonical role ARNs with (lowercased). */
export function ssoPattern(sso: AwsAuthSsoMatcher): string {
  const partition = sso.partition === "" ? "aws" : sso.partition;
  return formatRoleArn(partition, sso.accountId, `AWSReservedSSO_${sso.permissionSetName}_*`).toLowerCase();
}

/** A diagnostic with an aws-auth code (severity from the code table). */
export const diagnostic = awsAuthDiagnostic;

interface ListItem {
  readonly index: number;
  readonly value: GoValue;
  readonly node?: LocatedNode;
}

interface ListRead {
  readonly status: AwsAuthKeyStatus;
  readonly items: readonly ListItem[];
  /** Whether the authenticator's parser reports an error while reading the list. */
  readonly failed: boolean;
}

/** The fast reader's plain values, as the JSON the authenticator decodes. */
function fromStringTree(value: StringTree): GoValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(fromStringTree);
  return new Map(Object.entries(value).map(([k, v]) => [k, fromStringTree(v)]));
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Set when decoding meets a value the authenticator's decoder refuses (sso aside:
   * authenticator versions before sso support ignore the field, so it does not count).
   */
  typeError = false;

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

  private skippedOrUndefined(): ListRead | undefined {
    if (!isSkippableValue(this.value.text)) return undefined;
    this.report(
      "emptyValueSkipped",
      `${this.key} is empty and is skipped`,
      "Remove the key or give it a list of entries.",
      this.key,
      this.at(0),
    );
    return { status: "skipped", items: [], failed: false };
  }

  private dropped(
    summary: string,
    offset: number | undefined,
    name: AwsAuthCodeName = "keyDropped",
  ): ListRead {
    this.report(
      name,
      summary,
      name === "keyNotList"
        ? `Write ${this.key} as a YAML list: each entry starts with '- '.`
        : this.key === "mapRoles"
          ? "Fix the YAML: until then no role mapping works, node roles included (nodes go NotReady)."
          : `Fix the YAML: until then no entry of ${this.key} works.`,
      this.key,
      this.at(offset),
    );
    return { status: "dropped", items: [], failed: true };
  }

  /** The value's first YAML document, or the list read result when there is nothing to decode. */
  private document(): { parsed: GoYamlDocument } | { read: ListRead } {
    const unprintable = firstUnprintable(this.value.text);
    if (unprintable !== undefined) {
      return {
        read: this.dropped(
          `${this.key} contains the control character U+${unprintable.code}, which YAML does not allow: the authenticator ignores every entry in it`,
          unprintable.offset,
        ),
      };
    }
    const parsed = parseGoYaml(this.value.text);
    if (parsed === undefined) return { read: { status: "read", items: [], failed: false } };
    const error = parsed.doc.errors[0];
    if (error !== undefined) {
      return {
        read: this.dropped(
          `${this.key} is not valid YAML (${firstLine(error.message)}): the authenticator ignores every entry in it`,
          error.pos[0],
        ),
      };
    }
    return { parsed };
  }

  /** mapRoles / mapUsers: the list of entries, as the JSON the authenticator decodes. */
  readEntries(): ListRead {
    const skipped = this.skippedOrUndefined();
    if (skipped !== undefined) return skipped;
    const text = this.value.text;
    if (hasJsonPrefix(text)) return this.readJsonObjectText(text);
    if (this.fastLists) {
      // Most aws-auth values are plain lists of strings: read those without a document model.
      const simple = readSimpleList(text);
      if (simple !== undefined) {
        return {
          status: "read",
          failed: false,
          items: simple.map((item, index) => ({ index, value: fromStringTree(item.value), node: item.node })),
        };
      }
    }
    const document = this.document();
    if ("read" in document) return document.read;
    const { doc } = document.parsed;
    let value: GoValue;
    try {
      value = goJsonOf(document.parsed, this.value.text);
    } catch (e) {
      if (!(e instanceof GoDecodeError)) throw e;
      return this.dropped(
        `${this.key} cannot be converted to JSON by the authenticator (${e.message}): it ignores every entry in it`,
        e.offset,
      );
    }
    if (value === null) return { status: "read", items: [], failed: false };
    if (!Array.isArray(value)) {
      return this.dropped(
        `${this.key} holds a ${describe(value)}, not a list: the authenticator reads no entry from it`,
        doc.contents?.range[0],
        "keyNotList",
      );
    }
    const list = value as readonly GoValue[];
    const seq = isSeq(doc.contents) ? doc.contents : undefined;
    const items = list.map((v, index): ListItem => {
      const node = fromYamlNode(seq?.items[index]);
      return { index, value: v, ...(node === undefined ? {} : { node }) };
    });
    return { status: "read", items, failed: false };
  }

  /** mapAccounts: a list of strings, decoded by go-yaml v2. */
  readAccounts(): { read: ListRead; values: readonly (string | undefined)[]; stopped?: GoDecodeError } {
    const skipped = this.skippedOrUndefined();
    if (skipped !== undefined) return { read: skipped, values: [] };
    const document = this.document();
    if ("read" in document) return { read: document.read, values: [] };
    const { doc } = document.parsed;
    let decoded: GoStrings;
    try {
      decoded = goStringsOf(document.parsed, this.value.text);
    } catch (e) {
      if (!(e instanceof GoDecodeError)) throw e;
      return {
        read: this.dropped(`${this.key} cannot be read by the authenticator (${e.message})`, e.offset),
        values: [],
      };
    }
    if (decoded.items === undefined)
      return { read: { status: "read", items: [], failed: false }, values: [] };
    const seq = isSeq(doc.contents) ? doc.contents : undefined;
    if (seq === undefined) {
      return {
        read: this.dropped(
          `${this.key} is not a list: the authenticator reads no account from it`,
          doc.contents?.range[0],
          "keyNotList",
        ),
        values: [],
      };
    }
    const items = seq.items.map((item, index): ListItem => {
      const node = fromYamlNode(item);
      return { index, value: null, ...(node === undefined ? {} : { node }) };
    });
    return {
      read: { status: "read", items, failed: decoded.typeError },
      values: decoded.items,
      ...(decoded.stopped === undefined ? {} : { stopped: decoded.stopped }),
    };
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
      return { status: "dropped", items: [], failed: true };
    }
    this.report(
      "keyNotList",
      `${this.key} holds a JSON object, not a list: the authenticator reads no entry from it`,
      `Wrap the entries in a list: [ {...}, {...} ] or YAML '- ' items.`,
      this.key,
      this.at(text.search(/\{/u)),
    );
    return { status: "dropped", items: [], failed: true };
  }
}

/**
 * The first character YAML does not allow in a stream (go-yaml, like libyaml, refuses
 * them): C0 controls other than tab and line breaks, DEL, C1 controls other than NEL,
 * surrogates and U+FFFE/U+FFFF.
 */
function firstUnprintable(text: string): { offset: number; code: string } | undefined {
  const m =
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ud800-\udfff\ufffe\uffff]/u.exec(text);
  if (m === null) return undefined;
  return { offset: m.index, code: (m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0") };
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

function describe(value: GoValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (isGoObject(value)) return "mapping";
  return typeof value;
}

/**
 * Whether a JSON key names a struct field for Go's decoder: equal, or equal under Go's
 * case folding (ASCII letters, plus the Kelvin sign for k and the long s for s).
 */
function foldsTo(key: string, field: string): boolean {
  const chars = Array.from(key);
  if (chars.length !== field.length) return false;
  return chars.every((c, i) => {
    const f = field[i] ?? "";
    if (c.toLowerCase() === f.toLowerCase() && c.charCodeAt(0) < 128) return true;
    return (c === "\u212a" && f.toLowerCase() === "k") || (c === "\u017f" && f.toLowerCase() === "s");
  });
}

/** Code point order, which is the byte order of the UTF-8 that Go sorts. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The struct field a JSON key sets: an exact name first, then a case-insensitive one. */
function fieldFor<F extends string>(key: string, fields: readonly F[]): F | undefined {
  return fields.find((f) => f === key) ?? fields.find((f) => foldsTo(key, f));
}

type FieldName = "rolearn" | "userarn" | "sso" | "username" | "groups" | "userid";
type StringField = "rolearn" | "userarn" | "username" | "userid";

interface DecodedEntry {
  readonly strings: Partial<Record<StringField, string>>;
  readonly groups: readonly string[];
  readonly groupSources: readonly (SourcePosition | undefined)[];
  readonly sso?: AwsAuthSsoMatcher;
  readonly fields: Partial<Record<FieldName, AwsAuthField>>;
  readonly isObject: boolean;
}

/** A []string being decoded into, with the elements beyond its length that Go keeps. */
interface GoStringSlice {
  buffer: string[];
  length: number;
}

function decodeEntry(
  reader: Reader,
  item: ListItem,
  path: string,
  names: readonly FieldName[],
): DecodedEntry {
  const strings: Partial<Record<StringField, string>> = {};
  const fields: Partial<Record<FieldName, AwsAuthField>> = {};
  let groups: GoStringSlice | undefined;
  let groupSources: (SourcePosition | undefined)[] = [];
  let sso: { permissionSetName: string; accountId: string; partition: string } | undefined;
  const value = item.value;
  if (value === null) return { strings, groups: [], groupSources, fields, isObject: false };
  if (!isGoObject(value)) {
    reader.typeError = true;
    return { strings, groups: [], groupSources, fields, isObject: false };
  }
  const keys = [...value.keys()].sort(compareCodePoints);
  for (const key of keys) {
    const name = fieldFor(key, names);
    if (name === undefined) continue;
    const pair = pairFor(item.node, key);
    const valueNode = pair?.value;
    const source = reader.nodeAt(valueNode) ?? reader.nodeAt(pair?.keyNode) ?? reader.nodeAt(item.node);
    const v = value.get(key) ?? null;
    fields[name] ??= { name: key, ...(source === undefined ? {} : { source }) };
    const wrongType = (expected: string): void => {
      if (name !== "sso") reader.typeError = true;
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
    const setField = (): void => {
      fields[name] = { name: key, ...(source === undefined ? {} : { source }) };
    };
    if (name === "groups") {
      if (v === null) {
        groups = undefined;
        groupSources = [];
        setField();
        continue;
      }
      if (!Array.isArray(v)) {
        wrongType("a list of strings");
        continue;
      }
      const list = v as readonly GoValue[];
      const seq = valueNode?.items;
      const slice: GoStringSlice = groups ?? { buffer: [], length: 0 };
      const sources: (SourcePosition | undefined)[] = [];
      list.forEach((g, i) => {
        const gSource = reader.nodeAt(seq?.[i]) ?? source;
        sources.push(gSource);
        if (i >= slice.length) slice.length = i + 1;
        if (typeof g === "string") slice.buffer[i] = g;
        else if (g !== null) {
          reader.typeError = true;
          reader.report(
            "fieldWrongType",
            `${path}.${key}[${i}] is a ${describe(g)}, not a string: the authenticator ignores it (the group stays empty)`,
            "Quote the group name.",
            `${path}.${key}[${i}]`,
            gSource,
          );
        }
      });
      if (list.length < slice.length) slice.length = list.length;
      groups = list.length === 0 ? { buffer: [], length: 0 } : slice;
      groupSources = sources;
      setField();
    } else if (name === "sso") {
      if (v === null) {
        sso = undefined;
        setField();
        continue;
      }
      if (!isGoObject(v)) {
        wrongType("a mapping with permissionSetName, accountID and partition");
        continue;
      }
      const target = sso ?? { permissionSetName: "", accountId: "", partition: "" };
      const subFields = ["permissionSetName", "accountID", "partition"] as const;
      for (const k of [...v.keys()].sort(compareCodePoints)) {
        const f = fieldFor(k, subFields);
        if (f === undefined) continue;
        const s = v.get(k) ?? null;
        if (s === null) continue;
        if (typeof s !== "string") {
          reader.report(
            "fieldWrongType",
            `${path}.${key}.${k} is a ${describe(s)}, not a string: ignored`,
            `Quote the value: "${JSON.stringify(s)}".`,
            `${path}.${key}.${k}`,
            source,
          );
          continue;
        }
        if (f === "accountID") target.accountId = s;
        else target[f] = s;
      }
      sso = target;
      setField();
    } else {
      if (v === null) continue;
      if (typeof v !== "string") {
        wrongType("a string");
        continue;
      }
      strings[name] = v;
      setField();
    }
  }
  const slice = groups;
  const groupValues =
    slice === undefined ? [] : Array.from({ length: slice.length }, (_, i) => slice.buffer[i] ?? "");
  return {
    strings,
    groups: groupValues,
    groupSources,
    ...(sso === undefined ? {} : { sso }),
    fields,
    isObject: true,
  };
}

function decodedEntry(index: number, arn: string | undefined, e: DecodedEntry): AwsAuthDecodedEntry {
  return {
    index,
    arn: arn ?? "",
    username: e.strings.username ?? "",
    groups: e.groups,
    userid: e.strings.userid ?? "",
  };
}

function readRoles(
  reader: Reader,
  items: readonly ListItem[],
  decoded: AwsAuthDecodedEntry[],
): AwsAuthRoleMapping[] {
  const out: AwsAuthRoleMapping[] = [];
  for (const item of items) {
    const path = `mapRoles[${item.index}]`;
    const source = reader.nodeAt(item.node);
    const e = decodeEntry(reader, item, path, ["rolearn", "sso", "username", "groups", "userid"]);
    decoded.push(decodedEntry(item.index, e.strings.rolearn, e));
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
      if (!isAccountId(e.sso.accountId)) {
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

function readUsers(
  reader: Reader,
  items: readonly ListItem[],
  decoded: AwsAuthDecodedEntry[],
): AwsAuthUserMapping[] {
  const out: AwsAuthUserMapping[] = [];
  for (const item of items) {
    const path = `mapUsers[${item.index}]`;
    const source = reader.nodeAt(item.node);
    const e = decodeEntry(reader, item, path, ["userarn", "username", "groups", "userid"]);
    decoded.push(decodedEntry(item.index, e.strings.userarn, e));
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

function readAccounts(reader: Reader): { read: ListRead; accounts: AwsAuthAccount[] } {
  const { read, values, stopped } = reader.readAccounts();
  if (read.status !== "read") return { read, accounts: [] };
  const accounts: AwsAuthAccount[] = [];
  if (stopped !== undefined) {
    // go-yaml stopped part-way: the accounts read so far, then empty ones, are what it keeps.
    reader.report(
      "invalidEntry",
      `mapAccounts cannot be read past this point (${stopped.message}): the authenticator keeps the accounts before it and an empty one for each item after`,
      'Write each account as a plain string: - "111122223333".',
      "mapAccounts",
      reader.at(stopped.offset),
    );
    values.forEach((accountId, index) => {
      const source = reader.nodeAt(read.items[index]?.node);
      const path = `mapAccounts[${index}]`;
      if (accountId !== undefined)
        accounts.push({ index, path, accountId, ...(source === undefined ? {} : { source }) });
    });
    return { read, accounts };
  }
  for (const item of read.items) {
    const path = `mapAccounts[${item.index}]`;
    const source = reader.nodeAt(item.node);
    const node = item.node;
    if (node?.pairs !== undefined || node?.items !== undefined) {
      reader.report(
        "invalidEntry",
        `${path} is a ${node.pairs !== undefined ? "mapping" : "list"}, not an account ID: skipped`,
        'Write each account as a string: - "111122223333".',
        path,
        source,
      );
      continue;
    }
    const accountId = values[item.index];
    if (accountId === undefined) {
      reader.report(
        "invalidEntry",
        `${path} is not an account ID: skipped`,
        'Write each account as a string: - "111122223333".',
        path,
        source,
      );
      continue;
    }
    accounts.push({ index: item.index, path, accountId, ...(source === undefined ? {} : { source }) });
  }
  return { read, accounts };
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
  const decodedUsers: AwsAuthDecodedEntry[] = [];
  const decodedRoles: AwsAuthDecodedEntry[] = [];
  const failed: Record<AwsAuthKey, boolean> = { mapRoles: false, mapUsers: false, mapAccounts: false };
  const users0 = valueOf("mapUsers");
  if (users0 !== undefined) {
    const reader = new Reader("mapUsers", users0, fast);
    const list = reader.readEntries();
    status.mapUsers = list.status;
    users = readUsers(reader, list.items, decodedUsers);
    failed.mapUsers = list.failed || reader.typeError;
    diagnostics.push(...reader.diagnostics);
  }
  const roles0 = valueOf("mapRoles");
  if (roles0 !== undefined) {
    const reader = new Reader("mapRoles", roles0, fast);
    const list = reader.readEntries();
    status.mapRoles = list.status;
    roles = readRoles(reader, list.items, decodedRoles);
    failed.mapRoles = list.failed || reader.typeError;
    diagnostics.push(...reader.diagnostics);
  }
  const accounts0 = valueOf("mapAccounts");
  if (accounts0 !== undefined) {
    const reader = new Reader("mapAccounts", accounts0, fast);
    const read = readAccounts(reader);
    status.mapAccounts = read.read.status;
    accounts = read.accounts;
    failed.mapAccounts = read.read.failed;
    diagnostics.push(...reader.diagnostics);
  }
  const decodedKey = (key: AwsAuthKey, entries: readonly AwsAuthDecodedEntry[]): AwsAuthDecodedKey => ({
    status: status[key],
    failed: failed[key],
    entries,
  });
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
    value: {
      status,
      roles,
      users,
      accounts,
      effectiveRoles,
      effectiveUsers,
      shadowed,
      decoded: {
        mapRoles: decodedKey("mapRoles", decodedRoles),
        mapUsers: decodedKey("mapUsers", decodedUsers),
        mapAccounts: decodedKey("mapAccounts", []),
      },
    },
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
