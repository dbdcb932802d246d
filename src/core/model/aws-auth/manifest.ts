/**
 * Reads a ConfigMap manifest (as `kubectl get cm aws-auth -n kube-system -o yaml` prints
 * it) and keeps, for each `data` value, a map from offsets in the value back to
 * line:column in the manifest, so diagnostics point at the file a person edits.
 *
 * Block literals (`|`, `|-`, `|+`, with or without an indentation indicator) map exactly:
 * value line k is manifest line (header + 1 + k), shifted by the content indentation.
 * Single-line plain and quoted values without escapes map exactly too. Anything else
 * (folded `>`, multi-line quoted, escapes) maps every offset to the value's start.
 */
import { isMap, isPair, isScalar, parseAllDocuments, Scalar } from "yaml";
import { duplicateKeyOffsets } from "../../yaml-js.js";
import type { Node as YamlNode } from "yaml";
import type { Result, SourcePosition } from "../../diagnostics.js";
import { diagnostic } from "./parse.js";
import { AUTHENTICATOR_YAML_OPTIONS, LineIndex } from "./text-position.js";
import { AWS_AUTH_KEYS, type AwsAuthValue, type ValueLocator } from "./types.js";

export interface ManifestDataValue extends AwsAuthValue {
  readonly locate: ValueLocator;
  /** Position of the key in `data`. */
  readonly keySource: SourcePosition;
  /** Position of the value (its first character or block header). */
  readonly valueSource: SourcePosition;
  /** The YAML style the value is written in (`BLOCK_LITERAL`, `PLAIN`, ...). */
  readonly style: string;
}

export interface AwsAuthManifest {
  readonly file: string;
  readonly text: string;
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly name?: unknown;
  readonly namespace?: unknown;
  /** Position of the document's first node, for manifest-level findings. */
  readonly source: SourcePosition;
  readonly kindSource?: SourcePosition;
  readonly nameSource?: SourcePosition;
  readonly namespaceSource?: SourcePosition;
  /** Whether the manifest has a `data` mapping at all. */
  readonly hasData: boolean;
  /** The string-valued data entries, in manifest order. */
  readonly data: Readonly<Record<string, ManifestDataValue>>;
  /**
   * mapRoles / mapUsers / mapAccounts written somewhere other than under `data` (at the
   * top level, under `metadata`): not part of the ConfigMap's data, so nobody reads them.
   */
  readonly misplacedKeys: readonly {
    readonly key: string;
    readonly path: string;
    readonly source: SourcePosition;
  }[];
  /** Data keys whose value is not a string (the API server would reject them). */
  readonly nonStringValues: readonly {
    readonly key: string;
    readonly source: SourcePosition;
    readonly type: string;
  }[];
}

function get(node: unknown, key: string): { value: YamlNode | null; keyNode: YamlNode } | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    if (String(item.key.value) === key)
      return { value: (item.value as YamlNode | null) ?? null, keyNode: item.key };
  }
  return undefined;
}

/** Reads a ConfigMap manifest. Fails (AA001) only when it is not a single YAML document. */
export function readAwsAuthManifest(text: string, file: string): Result<AwsAuthManifest> {
  const index = new LineIndex(text);
  const pos = (offset: number): SourcePosition => {
    const p = index.at(offset);
    return { file, line: p.line + 1, column: p.column + 1 };
  };
  const fail = (summary: string, detail: string, offset: number): Result<AwsAuthManifest> => ({
    ok: false,
    diagnostics: [diagnostic("manifestInvalid", summary, detail, undefined, pos(offset))],
  });
  // Duplicate keys are checked in one pass (duplicateKeyOffsets): the library's own
  // uniqueKeys check is quadratic in the number of keys of a mapping.
  const docs = parseAllDocuments(text, AUTHENTICATOR_YAML_OPTIONS);
  if (!Array.isArray(docs) || docs.length === 0 || docs[0]?.contents === null) {
    return fail(
      `${file} is empty`,
      "Save the ConfigMap with: kubectl get cm aws-auth -n kube-system -o yaml > aws-auth.yaml",
      0,
    );
  }
  const doc = docs[0];
  if (doc === undefined) return fail(`${file} is empty`, "Save the ConfigMap first.", 0);
  const error = doc.errors[0] ?? docs[1]?.errors[0];
  if (error !== undefined) {
    return fail(
      `${file} is not valid YAML: ${(error.message.split("\n")[0] ?? "").trim()}`,
      "Fix the YAML syntax at this position.",
      error.pos[0],
    );
  }
  const duplicate = duplicateKeyOffsets(doc)[0];
  if (duplicate !== undefined) {
    return fail(
      `${file} is not valid YAML: Map keys must be unique`,
      "Fix the YAML syntax at this position.",
      duplicate,
    );
  }
  if (docs.length > 1) {
    const second = docs[1]?.range[0] ?? 0;
    return fail(
      `${file} holds ${docs.length} YAML documents`,
      "Keep only the aws-auth ConfigMap in the file.",
      second,
    );
  }
  const root = doc.contents;
  if (!isMap(root)) {
    return fail(
      `${file} is not a Kubernetes object (top level is not a mapping)`,
      "Save the ConfigMap with kubectl get cm aws-auth -n kube-system -o yaml.",
      root?.range[0] ?? 0,
    );
  }
  const scalarValue = (n: YamlNode | null | undefined): unknown =>
    isScalar(n) ? n.value : n === null || n === undefined ? undefined : n;
  const meta = get(root, "metadata");
  const kind = get(root, "kind");
  const name = get(meta?.value, "name");
  const namespace = get(meta?.value, "namespace");
  const dataPair = get(root, "data");
  const data: Record<string, ManifestDataValue> = {};
  const nonStringValues: { key: string; source: SourcePosition; type: string }[] = [];
  const dataNode = dataPair?.value;
  if (isMap(dataNode)) {
    for (const item of dataNode.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const key = String(item.key.value);
      const keySource = pos(item.key.range?.[0] ?? 0);
      const v = item.value as YamlNode | null;
      if (v === null) {
        data[key] = { text: "", locate: () => keySource, keySource, valueSource: keySource, style: "PLAIN" };
        continue;
      }
      if (!isScalar(v) || typeof v.value !== "string") {
        nonStringValues.push({
          key,
          source: pos(v.range?.[0] ?? 0),
          type: isScalar(v) ? typeof v.value : isMap(v) ? "mapping" : "list",
        });
        continue;
      }
      const valueSource = pos(v.range?.[0] ?? 0);
      data[key] = {
        text: v.value,
        locate: locatorFor(text, index, v, file, valueSource),
        keySource,
        valueSource,
        style: v.type ?? "PLAIN",
      };
    }
  }
  const misplacedKeys: { key: string; path: string; source: SourcePosition }[] = [];
  const findMisplaced = (node: unknown, prefix: string): void => {
    if (!isMap(node)) return;
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const key = String(item.key.value);
      if ((AWS_AUTH_KEYS as readonly string[]).includes(key)) {
        misplacedKeys.push({ key, path: `${prefix}${key}`, source: pos(item.key.range?.[0] ?? 0) });
      }
    }
  };
  findMisplaced(root, "");
  findMisplaced(meta?.value, "metadata.");
  const rootStart = pos(root.range[0]);
  return {
    ok: true,
    value: {
      file,
      text,
      apiVersion: scalarValue(get(root, "apiVersion")?.value),
      kind: scalarValue(kind?.value),
      name: scalarValue(name?.value),
      namespace: scalarValue(namespace?.value),
      source: rootStart,
      ...(kind?.value ? { kindSource: pos(kind.value.range?.[0] ?? 0) } : {}),
      ...(name?.value ? { nameSource: pos(name.value.range?.[0] ?? 0) } : {}),
      ...(namespace?.value
        ? { namespaceSource: pos(namespace.value.range?.[0] ?? 0) }
        : meta?.keyNode
          ? { namespaceSource: pos(meta.keyNode.range?.[0] ?? 0) }
          : {}),
      hasData: isMap(dataNode),
      data,
      misplacedKeys,
      nonStringValues,
    },
    diagnostics: [],
  };
}

function locatorFor(
  text: string,
  index: LineIndex,
  node: Scalar,
  file: string,
  fallback: SourcePosition,
): ValueLocator {
  const range = node.range;
  if (range === undefined || range === null) return () => fallback;
  const value = node.value as string;
  if (node.type === Scalar.BLOCK_LITERAL) {
    const header = index.at(range[0]);
    const headerText = text.slice(range[0], index.lineStart(header.line + 1)).trim();
    const bodyStartLine = header.line + 1;
    const explicit = /^\|[+-]?([1-9])|^\|([1-9])/.exec(headerText);
    let indent: number;
    const digit = explicit?.[1] ?? explicit?.[2];
    if (digit !== undefined) {
      const parentIndent = text.slice(index.lineStart(header.line)).match(/^ */)?.[0].length ?? 0;
      indent = parentIndent + Number(digit);
    } else {
      indent = 0;
      for (let line = bodyStartLine; line < index.lineCount; line++) {
        const start = index.lineStart(line);
        const end = line + 1 < index.lineCount ? index.lineStart(line + 1) - 1 : text.length;
        const lineText = text.slice(start, end);
        if (lineText.trim() !== "") {
          indent = lineText.length - lineText.trimStart().length;
          break;
        }
      }
    }
    const valueIndex = new LineIndex(value);
    return (offset) => {
      const p = valueIndex.at(offset);
      return { file, line: bodyStartLine + p.line + 1, column: p.column + indent + 1 };
    };
  }
  const raw = text.slice(range[0], range[1]);
  const singleLine = !raw.includes("\n");
  if (singleLine && node.type === Scalar.PLAIN && raw === value) {
    return (offset) => ({ ...fallback, column: fallback.column + offset });
  }
  if (
    singleLine &&
    (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) &&
    raw.slice(1, -1) === value
  ) {
    return (offset) => ({ ...fallback, column: fallback.column + 1 + offset });
  }
  return () => fallback;
}
