/**
 * Reads `eksgate.yaml` in three stages, each collecting every problem it finds:
 *   1. schema    (shape and types, unknown fields with "did you mean"),
 *   2. normalize (defaults and derived names: role ARNs, Kubernetes groups, usernames),
 *   3. rules     (references between sections, names IAM and Kubernetes accept,
 *                 least privilege).
 * Every diagnostic carries a code, the field path, and `file:line:column`.
 */
import type * as z from "zod";
import type { AccessConfig, Cluster, CustomRole, Team, TeamAccess } from "../model/access-config.js";
import { formatPath, hasErrors, sortDiagnostics, type Diagnostic, type Result } from "../diagnostics.js";
import { accessConfigSchema, type RawAccessConfig } from "./schema.js";
import { locate, parseYamlSource, positionAt, type PathSegment, type YamlSource } from "./source.js";
import { yamlDocumentToJs } from "../yaml-js.js";
import { didYouMean } from "./names.js";
import { checkRules, type Locator } from "./rules.js";
import { defaultRoleName } from "../model/ownership.js";
import { normalizePolicyRule } from "../model/rbac.js";
import { formatClusterArn, formatRoleArn, readIamArn } from "../model/arn.js";

/** Parses and validates config text. `file` is used in positions only. */
export function parseAccessConfig(file: string, text: string): Result<AccessConfig> {
  if (text.trim() === "") {
    return fail([
      {
        code: "EG101",
        severity: "error",
        summary: "config file is empty",
        detail: "Start from examples/eksgate.yaml, or run `eksgate render --help` for the format.",
        source: { file, line: 1, column: 1 },
      },
    ]);
  }
  const { source, diagnostics: yamlDiagnostics } = parseYamlSource(file, text);
  if (yamlDiagnostics.length > 0) return fail(yamlDiagnostics);

  const js = yamlDocumentToJs(source.document, { maxAliasCount: 100 });
  if (!js.ok) {
    const at = js.problem.offset === undefined ? undefined : positionAt(source, js.problem.offset);
    return fail([
      {
        code: js.problem.kind === "collection-key" ? "EG107" : "EG104",
        severity: "error",
        summary:
          js.problem.kind === "collection-key"
            ? js.problem.message
            : `YAML alias problem: ${js.problem.message}`,
        detail:
          js.problem.kind === "collection-key"
            ? "Write the key as a name (quote it if it needs brackets or braces)."
            : "Write the values out instead of using YAML anchors and aliases (*name).",
        source: at ?? { file, line: 1, column: 1 },
      },
    ]);
  }
  const raw = js.value;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return fail([
      {
        code: "EG111",
        severity: "error",
        summary: "config must be a YAML mapping (apiVersion, kind, accountId, clusters, teams)",
        detail: "See examples/eksgate.yaml for a complete file.",
        source: locate(source, []) ?? { file, line: 1, column: 1 },
      },
    ]);
  }

  const parsed = accessConfigSchema.safeParse(raw);
  let data: RawAccessConfig;
  const schemaProblems: Diagnostic[] = [];
  if (parsed.success) {
    data = parsed.data;
  } else {
    schemaProblems.push(...parsed.error.issues.flatMap((issue) => schemaDiagnostics(issue, raw, source)));
    // Unknown fields alone do not stop the later stages: drop them and check the rest,
    // so one run reports every problem.
    const onlyUnknownFields = parsed.error.issues.every((i) => i.code === "unrecognized_keys");
    const retry = onlyUnknownFields
      ? accessConfigSchema.safeParse(withoutUnknownKeys(raw, parsed.error.issues))
      : undefined;
    if (!retry?.success) return fail(schemaProblems);
    data = retry.data;
  }

  const locator: Locator = (path, key) => locate(source, path, key);
  const config = normalize(data);
  const diagnostics = [...schemaProblems, ...checkRules(data, config, locator)];
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return { ok: true, value: config, diagnostics: sortDiagnostics(diagnostics) };
}

function withoutUnknownKeys(raw: object, issues: readonly z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(raw);
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const holder = valueAt(copy, issue.path);
    if (holder !== null && typeof holder === "object") {
      for (const key of issue.keys) Reflect.deleteProperty(holder, key);
    }
  }
  return copy;
}

function fail(diagnostics: readonly Diagnostic[]): Result<never> {
  return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}

// ---------------------------------------------------------------------------------
// Stage 1: schema issues -> diagnostics

const rootKeys = Object.keys(accessConfigSchema.shape);
const objectKeys: Record<string, readonly string[]> = {
  "": rootKeys,
  "clusters[]": keysOfArrayElement(accessConfigSchema.shape.clusters),
  "teams[]": keysOfArrayElement(accessConfigSchema.shape.teams),
  "teams[].access[]": keysOfArrayElement(accessConfigSchema.shape.teams.element.shape.access),
  "customRoles[]": keysOfArrayElement(accessConfigSchema.shape.customRoles.unwrap()),
  "customRoles[].rules[]": keysOfArrayElement(
    accessConfigSchema.shape.customRoles.unwrap().element.shape.rules,
  ),
};

function keysOfArrayElement(array: z.ZodArray<z.ZodObject>): readonly string[] {
  return Object.keys(array.element.shape);
}

function pathPattern(path: readonly PathSegment[]): string {
  return formatPath(path).replace(/\[\d+\]/g, "[]");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value;
}

function schemaDiagnostics(issue: z.core.$ZodIssue, raw: unknown, source: YamlSource): Diagnostic[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  const at = (p: readonly PathSegment[], key = false) => locate(source, p, key);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = objectKeys[pathPattern(path)] ?? [];
      return issue.keys.map((key): Diagnostic => {
        const suggestion = didYouMean(key, known);
        const fieldPath = [...path, key];
        return withSource(
          {
            code: "EG110",
            severity: "error",
            summary: `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
            detail: `Fields allowed here: ${known.join(", ")}.`,
            path: formatPath(fieldPath),
          },
          at(fieldPath, true),
        );
      });
    }
    case "invalid_type": {
      const value = valueAt(raw, path);
      if (value === undefined) {
        const field = path[path.length - 1];
        return [
          withSource(
            {
              code: "EG112",
              severity: "error",
              summary: `missing required field "${String(field)}"`,
              detail: `Add "${String(field)}" (a ${issue.expected}) here.`,
              path: formatPath(path),
            },
            at(path),
          ),
        ];
      }
      return [
        withSource(
          {
            code: "EG111",
            severity: "error",
            summary: `expected ${article(issue.expected)}, found ${describeValue(value)}`,
            detail: expectedHint(issue.expected),
            path: formatPath(path),
          },
          at(path),
        ),
      ];
    }
    case "invalid_value": {
      const value = valueAt(raw, path);
      const allowed = issue.values.map((v) => String(v));
      const suggestion = typeof value === "string" ? didYouMean(value, allowed) : undefined;
      return [
        withSource(
          {
            code: "EG113",
            severity: "error",
            summary:
              `${describeValue(value)} is not allowed here` +
              (suggestion ? ` (did you mean "${suggestion}"?)` : ""),
            detail: `Use one of: ${allowed.map((v) => JSON.stringify(v)).join(", ")}.`,
            path: formatPath(path),
          },
          at(path),
        ),
      ];
    }
    case "invalid_union": {
      // Only accountId is a union (string or number).
      return [
        withSource(
          {
            code: "EG111",
            severity: "error",
            summary: `expected a 12-digit account id, found ${describeValue(valueAt(raw, path))}`,
            detail: 'Write the account id as a quoted string, e.g. accountId: "123456789012".',
            path: formatPath(path),
          },
          at(path),
        ),
      ];
    }
    default:
      return [
        withSource(
          {
            code: "EG119",
            severity: "error",
            summary: issue.message,
            path: formatPath(path),
          },
          at(path),
        ),
      ];
  }
}

function withSource(diagnostic: Diagnostic, source: Diagnostic["source"]): Diagnostic {
  return source ? { ...diagnostic, source } : diagnostic;
}

function article(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "a mapping";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function expectedHint(expected: string): string {
  switch (expected) {
    case "array":
      return "Write a YAML list: one '- item' per line, or [a, b].";
    case "object":
      return "Write a YAML mapping of 'key: value' lines.";
    case "boolean":
      return "Write true or false (unquoted).";
    case "string":
      return "Write a string; quote it if YAML would read it as a number or boolean.";
    default:
      return `Write ${article(expected)}.`;
  }
}

// ---------------------------------------------------------------------------------
// Stage 2: normalize

/** Default Kubernetes group for a team. */
export function defaultKubernetesGroup(team: string): string {
  return `eksgate:${team}`;
}

/** The IAM group name from a name or a group ARN (`arn:aws:iam::A:group/path/name`). */
export function iamGroupName(value: string): string {
  const arn = readIamArn(value);
  return arn?.resourceType === "group" && arn.name !== "" ? arn.name : value;
}

function normalize(raw: RawAccessConfig): AccessConfig {
  const partition = raw.partition ?? "aws";
  const accountId = String(raw.accountId);
  const clusters: Cluster[] = raw.clusters.map((c) => ({
    name: c.name,
    region: c.region,
    authentication: c.authentication ?? "auto",
    arn: formatClusterArn(partition, c.region, accountId, c.name),
  }));
  const teams: Team[] = raw.teams.map((t) => {
    const roleName = t.roleName ?? defaultRoleName(t.name);
    const kubernetesGroup = t.kubernetesGroup ?? defaultKubernetesGroup(t.name);
    const access: TeamAccess[] = t.access.map((a) => ({
      cluster: a.cluster,
      ...(a.clusterRole !== undefined ? { clusterRole: a.clusterRole } : {}),
      ...(a.accessPolicy !== undefined ? { accessPolicy: a.accessPolicy } : {}),
      namespaces: [...new Set(a.namespaces ?? [])],
      allowClusterAdmin: a.allowClusterAdmin ?? false,
    }));
    return {
      name: t.name,
      iamGroup: iamGroupName(t.iamGroup),
      sessionName: t.sessionName ?? "caller",
      requireMfa: t.requireMfa ?? false,
      access,
      roleName,
      roleArn: formatRoleArn(partition, accountId, roleName),
      kubernetesGroup,
      kubernetesUsername: `${kubernetesGroup}:{{SessionName}}`,
      systemMasters: t.systemMasters ?? false,
    };
  });
  const customRoles: CustomRole[] = (raw.customRoles ?? []).map((r) => ({
    name: r.name,
    rules: r.rules.map(normalizePolicyRule),
  }));
  return { accountId, partition, clusters, teams, customRoles };
}
