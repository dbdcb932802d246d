/**
 * Changes only the mapRoles entries eksgate owns and leaves every other byte alone.
 *
 * eksgate owns an entry when its rolearn (lowercased) is in the owned set it is given.
 * Other keys, unknown fields, odd field-name spellings, comments, sso/userid fields,
 * node-role entries and the order of entries are kept: for a block-style list the edit
 * splices text (an owned entry's lines are replaced or cut, new entries are appended
 * after the last entry, in the list's own indentation). A flow/JSON list is rebuilt with
 * the untouched entries' text copied as written.
 *
 * The writer refuses (AA030) when mapRoles does not parse (the authenticator drops it;
 * rewriting it would hide or change that), when it is not a list, or when a desired
 * entry's role already has an entry eksgate does not own (appending ours would take it
 * over silently, since the last entry wins).
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, Scalar, stringify } from "yaml";
import type { Node as YamlNode, YAMLSeq } from "yaml";
import type { Diagnostic, Result } from "../../diagnostics.js";
import { parsePrincipalArn } from "../arn.js";
import { diagnostic, isSkippableValue, parseAwsAuthData } from "./parse.js";
import { AUTHENTICATOR_YAML_OPTIONS, LineIndex } from "./text-position.js";
import type { AwsAuthRoleMapping } from "./types.js";

/** A mapRoles entry eksgate wants to exist. */
export interface DesiredRoleMapping {
  readonly rolearn: string;
  readonly username: string;
  readonly groups: readonly string[];
}

export interface AwsAuthChange {
  readonly action: "add" | "update" | "remove";
  readonly rolearn: string;
  /** Path of the entry: in the new list for add/update, in the old list for remove. */
  readonly path: string;
  readonly before?: { readonly username: string; readonly groups: readonly string[] };
  readonly after?: { readonly username: string; readonly groups: readonly string[] };
  /** Why an entry is removed when it is not simply unwanted any more. */
  readonly note?: string;
}

export interface MapRolesUpdate {
  readonly text: string;
  readonly changes: readonly AwsAuthChange[];
}

function refuse(summary: string, detail: string): { ok: false; diagnostics: Diagnostic[] } {
  return { ok: false, diagnostics: [diagnostic("writerRefused", summary, detail, "mapRoles", undefined)] };
}

function scalarText(value: string): string {
  return stringify(value, { version: "1.1", lineWidth: 0 }).trimEnd();
}

/** The YAML text of one entry, as block-list lines at the given indentation. */
export function renderRoleEntry(entry: DesiredRoleMapping, indent = 0): string {
  const pad = " ".repeat(indent);
  const lines = [
    `${pad}- rolearn: ${scalarText(entry.rolearn)}`,
    `${pad}  username: ${scalarText(entry.username)}`,
  ];
  if (entry.groups.length === 0) lines.push(`${pad}  groups: []`);
  else {
    lines.push(`${pad}  groups:`);
    for (const g of entry.groups) lines.push(`${pad}    - ${scalarText(g)}`);
  }
  return `${lines.join("\n")}\n`;
}

function validateDesired(desired: readonly DesiredRoleMapping[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  desired.forEach((d, i) => {
    const path = `desired[${i}]`;
    const p = parsePrincipalArn(d.rolearn);
    if (!p.ok || p.value.kind !== "role") {
      out.push(
        diagnostic(
          "writerInvalidDesired",
          `${path}: '${d.rolearn}' is not an IAM role ARN`,
          "Use arn:PARTITION:iam::ACCOUNT:role/NAME.",
          path,
          undefined,
        ),
      );
    } else if (p.value.path !== "/") {
      out.push(
        diagnostic(
          "writerInvalidDesired",
          `${path}: '${d.rolearn}' has a role path and would never match`,
          "Leave the path out of the ARN in aws-auth.",
          path,
          undefined,
        ),
      );
    }
    if (d.username === "")
      out.push(
        diagnostic(
          "writerInvalidDesired",
          `${path}: username is empty`,
          "Give every entry a username.",
          path,
          undefined,
        ),
      );
    const key = d.rolearn.toLowerCase();
    if (seen.has(key))
      out.push(
        diagnostic(
          "writerInvalidDesired",
          `${path}: '${d.rolearn}' is listed twice`,
          "List each role once.",
          path,
          undefined,
        ),
      );
    seen.add(key);
  });
  return out;
}

function sameMapping(a: AwsAuthRoleMapping, b: DesiredRoleMapping): boolean {
  return (
    a.username === b.username &&
    a.groups.length === b.groups.length &&
    a.groups.every((g, i) => g === b.groups[i])
  );
}

interface Plan {
  /** Old index -> desired entry to write there. */
  readonly replace: Map<number, DesiredRoleMapping>;
  /** Old indexes to cut. */
  readonly remove: Map<number, string | undefined>;
  readonly append: DesiredRoleMapping[];
  readonly changes: AwsAuthChange[];
}

function plan(
  entries: readonly AwsAuthRoleMapping[],
  itemCount: number,
  desired: readonly DesiredRoleMapping[],
  owned: ReadonlySet<string>,
): Result<Plan> {
  const desiredByKey = new Map(desired.map((d) => [d.rolearn.toLowerCase(), d]));
  for (const e of entries) {
    if (e.sso !== undefined || owned.has(e.key) || !desiredByKey.has(e.key)) continue;
    return refuse(
      `${e.path} maps ${e.rolearn} and eksgate does not own it`,
      "Remove that entry yourself, or list the role among the ARNs eksgate owns, then run again.",
    );
  }
  const lastOwned = new Map<string, AwsAuthRoleMapping>();
  for (const e of entries) if (e.sso === undefined && owned.has(e.key)) lastOwned.set(e.key, e);
  const replace = new Map<number, DesiredRoleMapping>();
  const remove = new Map<number, string | undefined>();
  const updates: { index: number; entry: AwsAuthRoleMapping; to: DesiredRoleMapping }[] = [];
  for (const e of entries) {
    if (e.sso !== undefined || !owned.has(e.key)) continue;
    const want = desiredByKey.get(e.key);
    if (want === undefined) remove.set(e.index, undefined);
    else if (lastOwned.get(e.key) !== e) remove.set(e.index, "shadowed duplicate");
    else if (!sameMapping(e, want)) {
      replace.set(e.index, want);
      updates.push({ index: e.index, entry: e, to: want });
    }
  }
  const present = new Set(lastOwned.keys());
  const append = desired.filter((d) => !present.has(d.rolearn.toLowerCase()));
  // New positions: old items minus removed, then appended ones.
  const newIndex = new Map<number, number>();
  let next = 0;
  for (let i = 0; i < itemCount; i++) if (!remove.has(i)) newIndex.set(i, next++);
  const changes: AwsAuthChange[] = [];
  const byIndex = new Map(entries.map((e) => [e.index, e]));
  for (let i = 0; i < itemCount; i++) {
    const e = byIndex.get(i);
    if (e === undefined) continue;
    if (remove.has(i)) {
      const note = remove.get(i);
      changes.push({
        action: "remove",
        rolearn: e.rolearn,
        path: e.path,
        before: { username: e.username, groups: e.groups },
        ...(note === undefined ? {} : { note }),
      });
    }
    const u = updates.find((x) => x.index === i);
    if (u !== undefined) {
      changes.push({
        action: "update",
        rolearn: u.to.rolearn,
        path: `mapRoles[${newIndex.get(i) ?? i}]`,
        before: { username: u.entry.username, groups: u.entry.groups },
        after: { username: u.to.username, groups: u.to.groups },
      });
    }
  }
  append.forEach((d) => {
    changes.push({
      action: "add",
      rolearn: d.rolearn,
      path: `mapRoles[${next++}]`,
      after: { username: d.username, groups: d.groups },
    });
  });
  return { ok: true, value: { replace, remove, append, changes }, diagnostics: [] };
}

/**
 * Computes the new mapRoles text. `current` is the mapRoles value as stored (undefined
 * when the key is absent). `ownedArns` are matched case-insensitively.
 */
export function updateMapRoles(
  current: string | undefined,
  desired: readonly DesiredRoleMapping[],
  ownedArns: Iterable<string>,
): Result<MapRolesUpdate> {
  const invalid = validateDesired(desired);
  if (invalid.length > 0) return { ok: false, diagnostics: invalid };
  const owned = new Set([...ownedArns].map((a) => a.toLowerCase()));
  if (current === undefined || isSkippableValue(current)) {
    const p = plan([], 0, desired, owned);
    if (!p.ok) return p;
    return {
      ok: true,
      value: { text: p.value.append.map((d) => renderRoleEntry(d)).join(""), changes: p.value.changes },
      diagnostics: [],
    };
  }
  if (/^\s*\{/u.test(current)) {
    return refuse(
      "mapRoles holds a JSON object, which the authenticator ignores",
      "Turn mapRoles into a list first (eksgate will not guess what it should be).",
    );
  }
  const docs = parseAllDocuments(current, AUTHENTICATOR_YAML_OPTIONS);
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!Array.isArray(docs) || docs.length > 1)
    return refuse("mapRoles holds several YAML documents", "Keep one list in mapRoles.");
  const error = doc?.errors[0];
  if (error !== undefined) {
    return refuse(
      `mapRoles is not valid YAML (${(error.message.split("\n")[0] ?? "").trim()}): the authenticator already ignores all of it`,
      "Fix mapRoles by hand first (run eksgate lint aws-auth to see where); eksgate will not rewrite a broken key.",
    );
  }
  const contents = doc?.contents ?? null;
  const parsed = parseAwsAuthData({ mapRoles: current });
  if (!parsed.ok) return parsed;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    const p = plan([], 0, desired, owned);
    if (!p.ok) return p;
    const base = contents === null ? current : "";
    const sep = base === "" || base.endsWith("\n") ? "" : "\n";
    return {
      ok: true,
      value: {
        text: base + sep + p.value.append.map((d) => renderRoleEntry(d)).join(""),
        changes: p.value.changes,
      },
      diagnostics: [],
    };
  }
  if (!isSeq(contents))
    return refuse(
      "mapRoles is not a list, so the authenticator reads nothing from it",
      "Turn mapRoles into a list of entries first.",
    );
  const p = plan(parsed.value.roles, contents.items.length, desired, owned);
  if (!p.ok) return p;
  const text = contents.flow
    ? rebuildFlow(current, contents, p.value)
    : spliceBlock(current, contents, p.value);
  return { ok: true, value: { text, changes: p.value.changes }, diagnostics: [] };
}

function itemBounds(
  text: string,
  index: LineIndex,
  seq: YAMLSeq,
  i: number,
): { start: number; end: number } | undefined {
  const node = seq.items[i] as YamlNode | null | undefined;
  const cst = (seq.srcToken as { items?: { start: { type: string; offset: number }[] }[] } | undefined)
    ?.items?.[i];
  const dash = cst?.start.find((t) => t.type === "seq-item-ind")?.offset ?? node?.range?.[0];
  const valueEnd = node?.range?.[1];
  if (dash === undefined || valueEnd === undefined) return undefined;
  const start = index.lineStart(index.at(dash).line);
  const lastLine = index.at(Math.max(dash, valueEnd - 1)).line;
  const end = index.lineStart(lastLine + 1);
  return { start, end: Math.min(end, text.length) };
}

function spliceBlock(text: string, seq: YAMLSeq, p: Plan): string {
  const index = new LineIndex(text);
  const firstDash = (
    seq.srcToken as { items?: { start: { type: string; offset: number }[] }[] } | undefined
  )?.items?.[0]?.start.find((t) => t.type === "seq-item-ind")?.offset;
  const indent = firstDash === undefined ? 0 : index.at(firstDash).column;
  const edits: { start: number; end: number; text: string }[] = [];
  for (let i = 0; i < seq.items.length; i++) {
    const want = p.replace.get(i);
    if (want === undefined && !p.remove.has(i)) continue;
    const bounds = itemBounds(text, index, seq, i);
    if (bounds === undefined) continue;
    let replacement = want === undefined ? "" : renderRoleEntry(want, indent);
    if (want !== undefined && bounds.end === text.length && !text.endsWith("\n"))
      replacement = replacement.slice(0, -1);
    edits.push({ ...bounds, text: replacement });
  }
  if (p.append.length > 0) {
    const last = itemBounds(text, index, seq, seq.items.length - 1);
    const at = last?.end ?? text.length;
    const before = text.slice(0, at);
    const sep = before === "" || before.endsWith("\n") ? "" : "\n";
    edits.push({ start: at, end: at, text: sep + p.append.map((d) => renderRoleEntry(d, indent)).join("") });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start || b.end - a.end))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function rebuildFlow(text: string, seq: YAMLSeq, p: Plan): string {
  const parts: string[] = [];
  seq.items.forEach((item, i) => {
    if (p.remove.has(i)) return;
    const want = p.replace.get(i);
    const node = item as YamlNode | null;
    if (want !== undefined)
      parts.push(JSON.stringify({ rolearn: want.rolearn, username: want.username, groups: want.groups }));
    else if (node?.range) parts.push(text.slice(node.range[0], node.range[1]).trim());
  });
  for (const d of p.append)
    parts.push(JSON.stringify({ rolearn: d.rolearn, username: d.username, groups: d.groups }));
  const range = seq.range;
  const head = range ? text.slice(0, range[0]) : "";
  const tail = range ? text.slice(range[1]) : "\n";
  return `${head}[\n  ${parts.join(",\n  ")}\n]${tail}`;
}

/** Applies the mapRoles update to a whole `data` object; every other key is copied as is. */
export function updateAwsAuthData(
  data: Readonly<Record<string, string>>,
  desired: readonly DesiredRoleMapping[],
  ownedArns: Iterable<string>,
): Result<{ readonly data: Record<string, string>; readonly changes: readonly AwsAuthChange[] }> {
  const current = Object.hasOwn(data, "mapRoles") ? data.mapRoles : undefined;
  const update = updateMapRoles(current, desired, ownedArns);
  if (!update.ok) return update;
  const out: Record<string, string> = { ...data };
  if (update.value.changes.length > 0) out.mapRoles = update.value.text;
  return { ok: true, value: { data: out, changes: update.value.changes }, diagnostics: update.diagnostics };
}

/**
 * Applies the mapRoles update to a ConfigMap manifest. When mapRoles is a block literal
 * only its body lines change; otherwise the manifest is re-serialized (formatting of
 * other parts may then change, their content does not).
 */
export function updateAwsAuthManifest(
  manifestText: string,
  desired: readonly DesiredRoleMapping[],
  ownedArns: Iterable<string>,
): Result<{ readonly text: string; readonly changes: readonly AwsAuthChange[] }> {
  const doc = parseDocument(manifestText, { ...AUTHENTICATOR_YAML_OPTIONS, uniqueKeys: true });
  if (doc.errors.length > 0 || !isMap(doc.contents))
    return refuse("the manifest is not valid YAML", "Run eksgate lint aws-auth on it first.");
  const dataNode = doc.get("data", true) as YamlNode | undefined;
  let valueNode: YamlNode | null = null;
  if (isMap(dataNode)) {
    for (const item of dataNode.items)
      if (isPair(item) && isScalar(item.key) && item.key.value === "mapRoles")
        valueNode = item.value as YamlNode | null;
  }
  const current = isScalar(valueNode) && typeof valueNode.value === "string" ? valueNode.value : undefined;
  if (valueNode !== null && current === undefined && !(isScalar(valueNode) && valueNode.value === null)) {
    return refuse(
      "data.mapRoles is not a string",
      "The API server only accepts strings in data; fix the manifest first.",
    );
  }
  const update = updateMapRoles(current, desired, ownedArns);
  if (!update.ok) return update;
  if (update.value.changes.length === 0)
    return { ok: true, value: { text: manifestText, changes: [] }, diagnostics: [] };
  if (isScalar(valueNode) && valueNode.type === Scalar.BLOCK_LITERAL && valueNode.range) {
    const index = new LineIndex(manifestText);
    const header = index.at(valueNode.range[0]).line;
    const bodyStart = index.lineStart(header + 1);
    const headerLine = manifestText.slice(index.lineStart(header), bodyStart);
    const keyIndent = headerLine.length - headerLine.trimStart().length;
    const digit = /\|[+-]?([1-9])|\|([1-9])/.exec(headerLine.slice(headerLine.indexOf("|")));
    let indent = digit === null ? -1 : keyIndent + Number(digit[1] ?? digit[2]);
    let bodyEnd = bodyStart;
    for (let line = header + 1; line < index.lineCount; line++) {
      const start = index.lineStart(line);
      const end = line + 1 < index.lineCount ? index.lineStart(line + 1) : manifestText.length;
      const lineText = manifestText.slice(start, end).replace(/\r?\n$/, "");
      if (lineText.trim() === "") continue;
      const lead = lineText.length - lineText.trimStart().length;
      if (indent < 0) indent = lead;
      if (lead < indent) break;
      bodyEnd = end;
    }
    if (indent < 0) indent = keyIndent + 2;
    const pad = " ".repeat(indent);
    let body = update.value.text
      .split("\n")
      .map((l) => (l === "" ? "" : pad + l))
      .join("\n");
    if (!body.endsWith("\n")) body += "\n";
    if (bodyEnd === manifestText.length && !manifestText.endsWith("\n")) body = body.slice(0, -1);
    return {
      ok: true,
      value: {
        text: manifestText.slice(0, bodyStart) + body + manifestText.slice(bodyEnd),
        changes: update.value.changes,
      },
      diagnostics: [],
    };
  }
  const scalar = new Scalar(update.value.text);
  scalar.type = Scalar.BLOCK_LITERAL;
  doc.setIn(["data", "mapRoles"], scalar);
  return {
    ok: true,
    value: { text: doc.toString({ lineWidth: 0 }), changes: update.value.changes },
    diagnostics: [],
  };
}

/** One line per change, in a diff-like form: `+` add, `~` update, `-` remove. */
export function formatAwsAuthChanges(changes: readonly AwsAuthChange[]): string[] {
  const show = (m: { username: string; groups: readonly string[] } | undefined): string =>
    m === undefined ? "" : `username=${m.username} groups=[${m.groups.join(", ")}]`;
  return changes.map((c) => {
    if (c.action === "add") return `+ ${c.path} ${c.rolearn} ${show(c.after)}`;
    if (c.action === "remove")
      return `- ${c.path} ${c.rolearn} ${show(c.before)}${c.note === undefined ? "" : ` (${c.note})`}`;
    return `~ ${c.path} ${c.rolearn} ${show(c.before)} -> ${show(c.after)}`;
  });
}

/**
 * Cuts the entries at `indexes` (positions in the list, as the parser counts them) out of a
 * mapRoles or mapUsers value and keeps every other byte: the same splice the mapRoles
 * writer uses, for any list key. Refuses a value that is not one valid YAML list.
 */
export function removeListEntries(
  key: "mapRoles" | "mapUsers",
  current: string,
  indexes: ReadonlySet<number>,
): Result<string> {
  if (indexes.size === 0) return { ok: true, value: current, diagnostics: [] };
  const refused = (summary: string): Result<string> => ({
    ok: false,
    diagnostics: [diagnostic("writerRefused", summary, `Fix ${key} by hand first.`, key, undefined)],
  });
  const docs = parseAllDocuments(current, AUTHENTICATOR_YAML_OPTIONS);
  const doc = Array.isArray(docs) && docs.length === 1 ? docs[0] : undefined;
  if (doc === undefined || doc.errors.length > 0) return refused(`${key} is not one valid YAML document`);
  const contents = doc.contents;
  if (!isSeq(contents)) return refused(`${key} is not a list`);
  const p: Plan = {
    replace: new Map(),
    remove: new Map([...indexes].map((i) => [i, undefined])),
    append: [],
    changes: [],
  };
  const text = contents.flow ? rebuildFlow(current, contents, p) : spliceBlock(current, contents, p);
  return { ok: true, value: text, diagnostics: [] };
}

/** The ConfigMap as a manifest, for the copy kept before eksgate changes or deletes it. */
export function awsAuthBackupManifest(
  data: Readonly<Record<string, string>>,
  resourceVersion: string,
): string {
  return stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "aws-auth", namespace: "kube-system", resourceVersion },
    data,
  });
}
