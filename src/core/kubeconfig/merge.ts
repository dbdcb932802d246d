/**
 * Merging eksgate's cluster, user and context into an existing kubeconfig, as data.
 *
 * The rule is "touch only what is ours": every other cluster, user and context, every
 * top-level field eksgate does not know (preferences, extensions, anything a newer kubectl
 * writes) and the order of everything stay as they were. Our three entries are matched by
 * name and replaced in place, or appended when they are new:
 * - the cluster keeps fields of its own that do not concern the endpoint or its trust
 *   (`proxy-url`, `tls-server-name`, `extensions`, ...); `server` and
 *   `certificate-authority-data` are set, and a `certificate-authority` file or
 *   `insecure-skip-tls-verify` that would override or weaken the CA are dropped;
 * - the user's credentials are replaced as a whole: a token or client certificate left
 *   next to the exec entry would be used instead of it;
 * - the context keeps its other fields (a default `namespace`, extensions).
 */
import { parseDocument, stringify } from "yaml";
import { YAML_QUIET, yamlDocumentToJs } from "../yaml-js.js";
import type { Diagnostic, SourcePosition } from "../diagnostics.js";
import type { NamedCluster, NamedContext, NamedUser } from "../model/kubeconfig-entry.js";

export type JsonObject = Record<string, unknown>;

export interface KubeconfigEntries {
  readonly cluster: NamedCluster;
  readonly user: NamedUser;
  readonly context: NamedContext;
}

export type EntryKind = "cluster" | "user" | "context" | "current-context";
export type ChangeAction = "add" | "replace" | "unchanged";

export interface EntryChange {
  readonly kind: EntryKind;
  readonly name: string;
  readonly action: ChangeAction;
}

export interface MergeResult {
  /** The whole kubeconfig after the merge. */
  readonly document: JsonObject;
  /** One line per entry eksgate manages, in the order cluster, user, context, current-context. */
  readonly changes: readonly EntryChange[];
}

export const KUBECONFIG_CODES = {
  unreadable: "KCFG004",
  notAConfig: "KCFG005",
  badList: "KCFG006",
} as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses kubeconfig text. Empty text (or only comments) is an empty kubeconfig, as kubectl
 * treats it. Problems come back as diagnostics; a file that is not a kubeconfig is never
 * overwritten.
 */
function positionIn(text: string, file: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { file, line: before.split("\n").length, column: offset - lineStart + 1 };
}

export function parseKubeconfigText(
  text: string,
  file: string,
): { ok: true; value: JsonObject } | { ok: false; diagnostics: Diagnostic[] } {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, ...YAML_QUIET });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    return {
      ok: false,
      diagnostics: [
        {
          code: KUBECONFIG_CODES.unreadable,
          severity: "error",
          summary: `${file} is not valid YAML: ${first?.message.split("\n")[0] ?? "parse error"}`,
          source: positionIn(text, file, first?.pos[0] ?? 0),
          detail:
            "Fix the file (or point --kubeconfig elsewhere); eksgate does not overwrite a file it cannot read.",
          path: file,
        },
      ],
    };
  }
  const js = yamlDocumentToJs(doc, { maxAliasCount: 100 });
  if (!js.ok) {
    return {
      ok: false,
      diagnostics: [
        {
          code: KUBECONFIG_CODES.unreadable,
          severity: "error",
          summary: `${file} cannot be read: ${js.problem.message}`,
          detail:
            "Fix the file (or point --kubeconfig elsewhere); eksgate does not overwrite a file it cannot read.",
          ...(js.problem.offset === undefined
            ? { path: file }
            : { source: positionIn(text, file, js.problem.offset) }),
        },
      ],
    };
  }
  const value = js.value;
  if (value === null || value === undefined) return { ok: true, value: {} };
  if (!isObject(value)) {
    return {
      ok: false,
      diagnostics: [
        {
          code: KUBECONFIG_CODES.notAConfig,
          severity: "error",
          summary: `${file} does not hold a kubeconfig (a YAML mapping with clusters, users and contexts)`,
          detail: "Point --kubeconfig (or KUBECONFIG) at a kubeconfig file.",
          path: file,
        },
      ],
    };
  }
  const kind = value["kind"];
  if (kind !== undefined && kind !== "Config") {
    return {
      ok: false,
      diagnostics: [
        {
          code: KUBECONFIG_CODES.notAConfig,
          severity: "error",
          summary: `${file} is a ${JSON.stringify(kind)}, not a kubeconfig (kind: Config)`,
          detail: "Point --kubeconfig (or KUBECONFIG) at a kubeconfig file.",
          path: `${file}: kind`,
        },
      ],
    };
  }
  for (const key of ["clusters", "users", "contexts"] as const) {
    const list = value[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || !list.every(isObject)) {
      return {
        ok: false,
        diagnostics: [
          {
            code: KUBECONFIG_CODES.badList,
            severity: "error",
            summary: `${file}: ${key} is not a list of named entries`,
            detail: `Each item of ${key} must be a mapping with a name; fix the file by hand first.`,
            path: `${file}: ${key}`,
          },
        ],
      };
    }
  }
  return { ok: true, value };
}

/** The kubeconfig as YAML, in the layout kubectl writes (block style, 2-space indent). */
export function formatKubeconfig(document: JsonObject): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function upsert(
  list: readonly JsonObject[],
  name: string,
  build: (previous: JsonObject | undefined) => JsonObject,
): { list: JsonObject[]; action: ChangeAction } {
  const index = list.findIndex((item) => item["name"] === name);
  if (index < 0) return { list: [...list, build(undefined)], action: "add" };
  const previous = list[index];
  const next = build(previous);
  const copy = [...list];
  copy[index] = next;
  return { list: copy, action: sameJson(previous, next) ? "unchanged" : "replace" };
}

const CLUSTER_TRUST_FIELDS = ["certificate-authority", "insecure-skip-tls-verify"];

function mergeCluster(previous: JsonObject | undefined, entry: NamedCluster): JsonObject {
  const kept: JsonObject = {};
  const before = isObject(previous?.["cluster"]) ? previous["cluster"] : {};
  for (const [key, value] of Object.entries(before)) {
    if (!CLUSTER_TRUST_FIELDS.includes(key)) kept[key] = value;
  }
  return {
    ...previous,
    name: entry.name,
    cluster: { ...kept, ...entry.cluster },
  };
}

function mergeUser(previous: JsonObject | undefined, entry: NamedUser): JsonObject {
  return { ...previous, name: entry.name, user: toPlain(entry.user) };
}

function mergeContext(previous: JsonObject | undefined, entry: NamedContext): JsonObject {
  const before = isObject(previous?.["context"]) ? previous["context"] : {};
  return { ...previous, name: entry.name, context: { ...before, ...entry.context } };
}

/** Readonly model objects as plain mutable JSON (so the YAML writer sees no class instances). */
function toPlain(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function listOf(document: JsonObject, key: string): JsonObject[] {
  const value = document[key];
  return Array.isArray(value) ? (value as JsonObject[]) : [];
}

/**
 * Puts our cluster, user and context into `existing` (an empty object for a new file).
 * `setCurrentContext` makes our context the current one; a kubeconfig without any current
 * context gets ours too, so that a first `eksgate kubeconfig` works like
 * `aws eks update-kubeconfig`.
 */
export function mergeKubeconfig(
  existing: JsonObject,
  entries: KubeconfigEntries,
  options: { readonly setCurrentContext: boolean },
): MergeResult {
  const clusters = upsert(listOf(existing, "clusters"), entries.cluster.name, (p) =>
    mergeCluster(p, entries.cluster),
  );
  const users = upsert(listOf(existing, "users"), entries.user.name, (p) => mergeUser(p, entries.user));
  const contexts = upsert(listOf(existing, "contexts"), entries.context.name, (p) =>
    mergeContext(p, entries.context),
  );

  const current = existing["current-context"];
  const hasCurrent = typeof current === "string" && current !== "";
  const wantCurrent = options.setCurrentContext || !hasCurrent;
  const currentAction: ChangeAction =
    wantCurrent && current !== entries.context.name ? (hasCurrent ? "replace" : "add") : "unchanged";

  // Field order: known header fields first for a new file, otherwise the file's own order.
  const document: JsonObject = {
    apiVersion: existing["apiVersion"] ?? "v1",
    kind: existing["kind"] ?? "Config",
    ...existing,
    clusters: clusters.list,
    contexts: contexts.list,
    users: users.list,
  };
  if (wantCurrent) document["current-context"] = entries.context.name;
  if (!("preferences" in document)) document["preferences"] = {};

  return {
    document,
    changes: [
      { kind: "cluster", name: entries.cluster.name, action: clusters.action },
      { kind: "user", name: entries.user.name, action: users.action },
      { kind: "context", name: entries.context.name, action: contexts.action },
      {
        kind: "current-context",
        name: wantCurrent ? entries.context.name : current,
        action: currentAction,
      },
    ],
  };
}
