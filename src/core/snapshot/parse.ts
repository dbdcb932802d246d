/**
 * Reads a snapshot from its files (see layout.ts). Pure: the files come in as text. Every
 * problem is a diagnostic; what can be read is kept. What the AWS CLI and kubectl print is
 * accepted as-is.
 */
import { loadAll, YAMLException } from "js-yaml";
import type { Diagnostic, DiagnosticCode } from "../diagnostics.js";
import { checkAuthorizationDetails, isServiceControlPolicyList } from "./iam-shape.js";
import {
  indexSnapshot,
  mergeAuthorizationDetailsPages,
  type AccountAuthorizationDetails,
  type AccountServiceControlPolicies,
  type IamSnapshot,
} from "../evaluate/iam/index.js";
import { loadRbacSnapshot, type AccessPolicyAssociation, type AccessScope } from "../evaluate/rbac/index.js";
import { parseAwsAuthData, readAwsAuthManifest } from "../model/aws-auth.js";
import { readIdentityCenter } from "./identity-center.js";
import { jsonErrorPosition, where } from "./json-file.js";
import { IdentityCenterDirectory } from "../model/identity-center.js";
import { accountIdOf } from "../model/arn.js";
import {
  ACCESS_ENTRIES_FILE,
  ACCOUNTS_DIR,
  AWS_AUTH_FILE,
  CLUSTER_FILE,
  CLUSTERS_DIR,
  IAM_DETAILS_PREFIX,
  isSnapshotDataFile,
  NAMESPACES_FILE,
  RBAC_DIR,
  SCPS_FILE,
  type SnapshotFile,
} from "./layout.js";
import {
  AUTHENTICATION_MODES,
  type AccessEntryRecord,
  type AccessSnapshot,
  type ClusterAccess,
  type ClusterAuthenticationMode,
  type ClusterAwsAuth,
} from "./model.js";

/** Stable codes of snapshot diagnostics (docs/audit.md). */
export const SNAPSHOT_CODES = {
  noIam: "SNAP001",
  badJson: "SNAP002",
  badShape: "SNAP003",
  badYaml: "SNAP004",
  noClusterFile: "SNAP005",
  badMode: "SNAP006",
  unknownFile: "SNAP007",
  noRbac: "SNAP008",
  awsAuth: "SNAP009",
  noClusters: "SNAP010",
  badAccount: "SNAP023",
} as const;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function problem(
  code: DiagnosticCode,
  severity: Diagnostic["severity"],
  summary: string,
  path?: string,
  detail?: string,
): Diagnostic {
  return {
    code,
    severity,
    summary,
    ...(path !== undefined ? { path } : {}),
    ...(detail !== undefined ? { detail } : {}),
  };
}

function outsideLayout(f: SnapshotFile): Diagnostic {
  return problem(
    SNAPSHOT_CODES.unknownFile,
    "info",
    `${f.path} is not part of the snapshot layout; ignored`,
    f.path,
  );
}

function parseJson(file: SnapshotFile, diagnostics: Diagnostic[]): unknown {
  try {
    return JSON.parse(file.text) as unknown;
  } catch (error) {
    const at = jsonErrorPosition(file, error);
    diagnostics.push({
      ...problem(
        SNAPSHOT_CODES.badJson,
        "error",
        `${where(file.path, at)} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        file.path,
      ),
      ...(at !== undefined ? { source: at } : {}),
    });
    return undefined;
  }
}

/** At most this many aliases per document: a snapshot from kubectl has none. */
const MAX_ALIASES = 1000;

/**
 * Parses YAML or JSON text (JSON is YAML) into its documents. Snapshot files are large
 * (thousands of RBAC objects) and need no source positions, so they are read with js-yaml,
 * which builds plain values directly; JSON text takes JSON.parse. (The config and aws-auth
 * readers use `yaml`, for positions and byte-preserving writes.)
 */
function parseDocuments(file: SnapshotFile, diagnostics: Diagnostic[]): unknown[] {
  const docs = loadDocuments(file, diagnostics);
  const shape = valueShapeProblem(docs);
  if (shape !== undefined) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.badYaml,
        "error",
        `${file.path} cannot be read: ${shape}`,
        file.path,
        "Save the file again with kubectl get ... -o yaml (or -o json); kubectl writes neither.",
      ),
    );
    return [];
  }
  return docs;
}

function loadDocuments(file: SnapshotFile, diagnostics: Diagnostic[]): unknown[] {
  const text = file.text;
  if (/^\s*[[{]/u.test(text)) {
    try {
      const value = JSON.parse(text) as unknown;
      return value === null ? [] : [value];
    } catch {
      // Not JSON after all (a YAML flow collection, or broken): the YAML reader says why.
    }
  }
  let docs: unknown[];
  try {
    // An alias starts with `*` and needs an anchor (`&`): without `&` there is none to count.
    let aliases = 0;
    docs = text.includes("&")
      ? loadAll(text, undefined, {
          filename: file.path,
          listener(event, state) {
            if (event !== "open" || /^\s*\*/u.exec(text.slice(state.position, state.position + 64)) === null)
              return;
            aliases++;
            if (aliases > MAX_ALIASES) throw new Error(`more than ${String(MAX_ALIASES)} aliases`);
          },
        })
      : loadAll(text, undefined, { filename: file.path });
  } catch (error) {
    const mark =
      error instanceof YAMLException ? (error.mark as YAMLException["mark"] | undefined) : undefined;
    const reason =
      error instanceof YAMLException ? error.reason : error instanceof Error ? error.message : String(error);
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.badYaml,
        "error",
        `${file.path}${mark === undefined ? "" : `:${String(mark.line + 1)}:${String(mark.column + 1)}`} is not valid YAML: ${reason}`,
        file.path,
        "Save the file again with kubectl get ... -o yaml (or -o json).",
      ),
    );
    return [];
  }
  return docs.filter((d) => d !== null && d !== undefined);
}

/** Deepest nesting of lists and objects accepted in a snapshot file. */
const MAX_DEPTH = 64;

/**
 * Whether parsed YAML refers to itself (an alias inside its own anchor) or nests deeper
 * than MAX_DEPTH: either would send the readers after it into endless or stack-exhausting
 * recursion. Shared values (aliases) are visited once, so this is linear in the values.
 */
function valueShapeProblem(root: unknown): string | undefined {
  const height = new Map<object, number>();
  const open = new Set<object>();
  const stack: { value: object; exit: boolean }[] = [];
  const push = (v: unknown): string | undefined => {
    if (typeof v !== "object" || v === null || height.has(v)) return undefined;
    if (open.has(v)) return "a value contains itself (an alias inside its own anchor)";
    stack.push({ value: v, exit: false });
    return undefined;
  };
  const first = push(root);
  if (first !== undefined) return first;
  while (stack.length > 0) {
    const frame = stack.pop() as { value: object; exit: boolean };
    const children = Object.values(frame.value) as unknown[];
    if (frame.exit) {
      open.delete(frame.value);
      let h = 0;
      for (const c of children) if (typeof c === "object" && c !== null) h = Math.max(h, height.get(c) ?? 0);
      if (h + 1 > MAX_DEPTH) return `lists and objects are nested more than ${String(MAX_DEPTH)} levels deep`;
      height.set(frame.value, h + 1);
      continue;
    }
    if (height.has(frame.value)) continue;
    open.add(frame.value);
    stack.push({ value: frame.value, exit: true });
    for (const c of children) {
      const cyclic = push(c);
      if (cyclic !== undefined) return cyclic;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// IAM

/** One account's IAM files: the top-level `iam/` (any accounts) or `accounts/<id>/iam/`. */
interface IamFileGroup {
  /** Undefined for the top-level `iam/`. */
  readonly account?: string;
  readonly details: SnapshotFile[];
  scps?: SnapshotFile;
}

const ACCOUNT_FILE = /^accounts\/([^/]+)\/(.*)$/;

function groupIamFiles(files: readonly SnapshotFile[], diagnostics: Diagnostic[]): IamFileGroup[] {
  const top: IamFileGroup = { details: [] };
  const byAccount = new Map<string, IamFileGroup>();
  const badDirs = new Set<string>();
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (f.path.startsWith(IAM_DETAILS_PREFIX) && f.path.endsWith(".json")) top.details.push(f);
    else if (f.path === SCPS_FILE) top.scps = f;
    const m = ACCOUNT_FILE.exec(f.path);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const [, account, rel] = m;
    if (!/^\d{12}$/.test(account)) {
      if (!badDirs.has(account)) {
        badDirs.add(account);
        diagnostics.push(
          problem(
            SNAPSHOT_CODES.badAccount,
            "error",
            `${ACCOUNTS_DIR}/${account}/ is not named by a 12-digit AWS account id; its files are ignored`,
            `${ACCOUNTS_DIR}/${account}`,
            "Name each account directory by its account id, e.g. accounts/111122223333/iam/account-authorization-details.json.",
          ),
        );
      }
      continue;
    }
    let group = byAccount.get(account);
    if (group === undefined) {
      group = { account, details: [] };
      byAccount.set(account, group);
    }
    if (/^iam\/account-authorization-details[^/]*\.json$/.test(rel)) group.details.push(f);
    else if (rel === "iam/scps.json") group.scps = f;
    else diagnostics.push(outsideLayout(f));
  }
  return [top, ...[...byAccount.values()].sort((a, b) => (a.account ?? "").localeCompare(b.account ?? ""))];
}

/** Principals of another account in `accounts/<id>/iam/`: an error, the file was misplaced. */
function checkAccountOf(
  group: IamFileGroup,
  file: SnapshotFile,
  page: Json,
  diagnostics: Diagnostic[],
): void {
  if (group.account === undefined) return;
  for (const list of ["UserDetailList", "GroupDetailList", "RoleDetailList"]) {
    const items = page[list];
    if (!Array.isArray(items)) continue;
    const other = (items as unknown[]).find((item) => {
      const arn = isRecord(item) ? item["Arn"] : undefined;
      return typeof arn === "string" && accountIdOf(arn) !== group.account;
    });
    if (other !== undefined) {
      diagnostics.push(
        problem(
          SNAPSHOT_CODES.badAccount,
          "error",
          `${file.path} holds ${String((other as Json)["Arn"])}, a principal of another account than ${group.account}`,
          file.path,
          "Put each account's get-account-authorization-details output under accounts/<its id>/iam/.",
        ),
      );
      return;
    }
  }
}

function readDetailPages(group: IamFileGroup, diagnostics: Diagnostic[]): AccountAuthorizationDetails[] {
  const pages: AccountAuthorizationDetails[] = [];
  for (const file of group.details) {
    const value = parseJson(file, diagnostics);
    if (value === undefined) continue;
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    items.forEach((item, i) => {
      const keys = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];
      if (!isRecord(item) || !keys.some((k) => Array.isArray(item[k]))) {
        diagnostics.push(
          problem(
            SNAPSHOT_CODES.badShape,
            "error",
            `${file.path}${Array.isArray(value) ? `[${i}]` : ""} is not the output of get-account-authorization-details (no UserDetailList, GroupDetailList, RoleDetailList or Policies)`,
            file.path,
          ),
        );
        return;
      }
      checkAccountOf(group, file, item, diagnostics);
      pages.push(
        checkAuthorizationDetails(item, `${file.path}${Array.isArray(value) ? `[${i}]` : ""}`, diagnostics),
      );
    });
  }
  return pages;
}

/** The group's SCPs; undefined when it has no scps.json or the file is refused (SCPs unknown). */
function readScps(
  group: IamFileGroup,
  diagnostics: Diagnostic[],
): AccountServiceControlPolicies[] | undefined {
  const file = group.scps;
  if (file === undefined) return undefined;
  const value = parseJson(file, diagnostics);
  if (value === undefined) return undefined;
  let list = isRecord(value) ? (value["serviceControlPolicies"] ?? value) : value;
  // accounts/<id>/iam/scps.json may hold that account's single entry, AccountId optional.
  if (group.account !== undefined && isRecord(list) && Array.isArray(list["Levels"]))
    list = [{ AccountId: group.account, ...list }];
  if (isServiceControlPolicyList(list)) {
    return list;
  }
  diagnostics.push(
    problem(
      SNAPSHOT_CODES.badShape,
      "error",
      `${file.path} must be a list of {AccountId, Levels: [{Target, Policies: [{Name, Document}]}]}; SCPs are ignored`,
      file.path,
    ),
  );
  return undefined;
}

function readIam(files: readonly SnapshotFile[], diagnostics: Diagnostic[]): IamSnapshot {
  const groups = groupIamFiles(files, diagnostics);
  if (groups.every((g) => g.details.length === 0)) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.noIam,
        "error",
        "the snapshot has no iam/account-authorization-details.json (nor accounts/<id>/iam/account-authorization-details.json)",
        // Located at the file that is missing, in the single-account layout.
        "iam/account-authorization-details.json",
        "Save it with: aws iam get-account-authorization-details > iam/account-authorization-details.json",
      ),
    );
  }
  const accounts: AccountAuthorizationDetails[] = [];
  const scps: AccountServiceControlPolicies[] = [];
  let hasScps = false;
  for (const group of groups) {
    const pages = readDetailPages(group, diagnostics);
    if (pages.length > 0 || group.account === undefined) accounts.push(mergeAuthorizationDetailsPages(pages));
    const read = readScps(group, diagnostics);
    if (read !== undefined) {
      hasScps = true;
      scps.push(...read);
    }
  }
  return hasScps ? { accounts, serviceControlPolicies: scps } : { accounts };
}

// ---------------------------------------------------------------------------------------------
// Clusters

function readMode(
  file: SnapshotFile | undefined,
  cluster: string,
  diagnostics: Diagnostic[],
): { mode: ClusterAuthenticationMode; source: "cluster.json" | "default"; arn?: string } {
  if (file === undefined) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.noClusterFile,
        "warning",
        `cluster ${cluster} has no ${CLUSTER_FILE}; its authentication mode is taken to be CONFIG_MAP`,
        `${CLUSTERS_DIR}/${cluster}`,
        `Save it with: aws eks describe-cluster --name ${cluster} > ${CLUSTERS_DIR}/${cluster}/${CLUSTER_FILE}`,
      ),
    );
    return { mode: "CONFIG_MAP", source: "default" };
  }
  const value = parseJson(file, diagnostics);
  const body = isRecord(value) && isRecord(value["cluster"]) ? value["cluster"] : value;
  if (!isRecord(body)) return { mode: "CONFIG_MAP", source: "default" };
  const arn = typeof body["arn"] === "string" ? body["arn"] : undefined;
  const access = body["accessConfig"];
  const raw = isRecord(access) ? access["authenticationMode"] : undefined;
  if (raw === undefined) {
    // Clusters created before access entries have no accessConfig: aws-auth only.
    return { mode: "CONFIG_MAP", source: "cluster.json", ...(arn !== undefined ? { arn } : {}) };
  }
  if (typeof raw !== "string" || !(AUTHENTICATION_MODES as readonly string[]).includes(raw)) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.badMode,
        "error",
        `${file.path}: accessConfig.authenticationMode ${JSON.stringify(raw)} is not one of ${AUTHENTICATION_MODES.join(", ")}; CONFIG_MAP assumed`,
        file.path,
      ),
    );
    return { mode: "CONFIG_MAP", source: "default", ...(arn !== undefined ? { arn } : {}) };
  }
  return {
    mode: raw as ClusterAuthenticationMode,
    source: "cluster.json",
    ...(arn !== undefined ? { arn } : {}),
  };
}

function readScope(raw: unknown): AccessScope | undefined {
  if (!isRecord(raw)) return undefined;
  const type = raw["type"];
  if (type === "cluster") return { type: "cluster" };
  if (type === "namespace") {
    const ns = raw["namespaces"];
    if (!Array.isArray(ns) || !ns.every((n) => typeof n === "string")) return undefined;
    return { type: "namespace", namespaces: ns };
  }
  return undefined;
}

function strings(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) return undefined;
  return v;
}

/** `{"k": "v"}` as DescribeAccessEntry prints tags; anything else: none. */
function tagsOf(raw: unknown): { tags?: Record<string, string> } {
  if (!isRecord(raw)) return {};
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") tags[k] = v;
  return { tags };
}

function readAccessEntries(file: SnapshotFile, diagnostics: Diagnostic[]): AccessEntryRecord[] {
  const value = parseJson(file, diagnostics);
  if (value === undefined) return [];
  const list = isRecord(value) ? value["accessEntries"] : value;
  if (!Array.isArray(list)) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.badShape,
        "error",
        `${file.path} must hold {"accessEntries": [...]} (or a list of entries)`,
        file.path,
      ),
    );
    return [];
  }
  const out: AccessEntryRecord[] = [];
  list.forEach((raw: unknown, i) => {
    const path = `${file.path} accessEntries[${i}]`;
    const bad = (what: string): void => {
      diagnostics.push(problem(SNAPSHOT_CODES.badShape, "error", `${path}: ${what}; entry ignored`, path));
    };
    // `aws eks describe-access-entry` wraps it in {"accessEntry": ...}; accept both.
    const entry = isRecord(raw) && isRecord(raw["accessEntry"]) ? { ...raw, ...raw["accessEntry"] } : raw;
    if (!isRecord(entry) || typeof entry["principalArn"] !== "string") {
      bad("principalArn is missing");
      return;
    }
    const groups = strings(entry["kubernetesGroups"]);
    if (groups === undefined) {
      bad("kubernetesGroups must be a list of strings");
      return;
    }
    const policiesRaw = entry["associatedAccessPolicies"] ?? entry["accessPolicies"] ?? [];
    const associations: AccessPolicyAssociation[] = [];
    if (Array.isArray(policiesRaw)) {
      policiesRaw.forEach((p: unknown, j) => {
        const scope = isRecord(p) ? readScope(p["accessScope"]) : undefined;
        if (!isRecord(p) || typeof p["policyArn"] !== "string" || scope === undefined) {
          diagnostics.push(
            problem(
              SNAPSHOT_CODES.badShape,
              "error",
              `${path}.associatedAccessPolicies[${j}]: needs policyArn and accessScope {type: cluster|namespace, namespaces}; ignored`,
              path,
            ),
          );
          return;
        }
        associations.push({ policyArn: p["policyArn"], accessScope: scope });
      });
    }
    out.push({
      principalArn: entry["principalArn"],
      type: typeof entry["type"] === "string" ? entry["type"] : "STANDARD",
      kubernetesGroups: groups,
      ...(typeof entry["username"] === "string" ? { username: entry["username"] } : {}),
      associations,
      ...(typeof entry["createdAt"] === "string" ? { createdAt: entry["createdAt"] } : {}),
      ...tagsOf(entry["tags"]),
      source: path,
    });
  });
  return out;
}

function readAwsAuth(file: SnapshotFile, diagnostics: Diagnostic[]): ClusterAwsAuth | undefined {
  const manifest = readAwsAuthManifest(file.text, file.path);
  if (!manifest.ok) {
    diagnostics.push(...manifest.diagnostics);
    return undefined;
  }
  const parsed = parseAwsAuthData(manifest.value.data);
  // The aws-auth findings belong to `eksgate lint aws-auth`; here only say that some exist.
  const errors = parsed.diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.awsAuth,
        "warning",
        `${file.path} has ${errors} problem(s) the authenticator stumbles on; entries it drops grant nothing here either`,
        file.path,
        `Run: eksgate lint aws-auth ${file.path}`,
      ),
    );
  }
  if (!parsed.ok) return undefined;
  return { file: file.path, mappings: parsed.value };
}

function readCluster(name: string, files: readonly SnapshotFile[], diagnostics: Diagnostic[]): ClusterAccess {
  const prefix = `${CLUSTERS_DIR}/${name}/`;
  const local = (rel: string): SnapshotFile | undefined => files.find((f) => f.path === prefix + rel);
  const mode = readMode(local(CLUSTER_FILE), name, diagnostics);
  const entriesFile = local(ACCESS_ENTRIES_FILE);
  const accessEntries = entriesFile === undefined ? [] : readAccessEntries(entriesFile, diagnostics);
  const awsAuthFile = local(AWS_AUTH_FILE) ?? local("aws-auth.yml") ?? local("aws-auth.json");
  const awsAuth = awsAuthFile === undefined ? undefined : readAwsAuth(awsAuthFile, diagnostics);

  const known = new Set(
    [CLUSTER_FILE, ACCESS_ENTRIES_FILE, AWS_AUTH_FILE, "aws-auth.yml", "aws-auth.json"].map(
      (f) => prefix + f,
    ),
  );
  const rbacFiles = files
    .filter((f) => f.path.startsWith(prefix) && !known.has(f.path))
    .filter((f) => {
      const rel = f.path.slice(prefix.length);
      if (rel.startsWith(`${RBAC_DIR}/`) || /^rbac[^/]*\.(json|ya?ml)$/i.test(rel) || rel === NAMESPACES_FILE)
        return true;
      if (/^namespaces\.(json|yml)$/i.test(rel)) return true;
      diagnostics.push(outsideLayout(f));
      return false;
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  const documents: unknown[] = [];
  for (const f of rbacFiles) documents.push(...parseDocuments(f, diagnostics));
  if (!rbacFiles.some((f) => !f.path.slice(prefix.length).startsWith("namespaces"))) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.noRbac,
        "warning",
        `cluster ${name} has no RBAC objects (${prefix}rbac.yaml); only system:masters and access policies grant anything`,
        prefix,
        `Save them with: kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml > ${prefix}rbac.yaml`,
      ),
    );
  }
  const standard = accessEntries.filter((e) => e.type === "STANDARD");
  const rbac = loadRbacSnapshot(documents, {
    cluster: name,
    accessEntries: standard.map((e) => ({
      principalArn: e.principalArn,
      ...(e.username !== undefined ? { username: e.username } : {}),
      associations: e.associations,
    })),
  });
  // Object-level RBAC findings are for the audit; keep the errors only.
  diagnostics.push(
    ...rbac.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => ({ ...d, summary: `cluster ${name}: ${d.summary}` })),
  );
  return {
    name,
    ...(mode.arn !== undefined ? { arn: mode.arn } : {}),
    authenticationMode: mode.mode,
    modeSource: mode.source,
    accessEntries,
    ...(awsAuth !== undefined ? { awsAuth } : {}),
    rbac: rbac.snapshot,
  };
}

/** The cluster names a set of snapshot files holds, sorted. */
export function snapshotClusterNames(files: readonly SnapshotFile[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const m = /^clusters\/([^/]+)\//.exec(f.path);
    if (m?.[1] !== undefined) names.add(m[1]);
  }
  return [...names].sort();
}

export interface ParsedSnapshot {
  readonly snapshot: AccessSnapshot;
  readonly diagnostics: readonly Diagnostic[];
}

/** Builds the snapshot from its files. Fails only in the sense of error diagnostics. */
export function parseSnapshot(files: readonly SnapshotFile[]): ParsedSnapshot {
  const diagnostics: Diagnostic[] = [];
  const data = files.filter((f) => isSnapshotDataFile(f.path));
  const iam = readIam(data, diagnostics);
  const iamIndex = indexSnapshot(iam);
  diagnostics.push(...iamIndex.diagnostics);
  const names = snapshotClusterNames(data);
  if (names.length === 0) {
    diagnostics.push(
      problem(
        SNAPSHOT_CODES.noClusters,
        "warning",
        "the snapshot has no clusters/<name>/ directory; only IAM can be answered",
        `${CLUSTERS_DIR}/`,
      ),
    );
  }
  const clusters = names.map((n) => readCluster(n, data, diagnostics));
  const identityCenter = readIdentityCenter(data, diagnostics);
  return {
    snapshot: {
      iam,
      iamIndex,
      clusters,
      ...(identityCenter !== undefined
        ? { identityCenter: new IdentityCenterDirectory(identityCenter) }
        : {}),
    },
    diagnostics,
  };
}
