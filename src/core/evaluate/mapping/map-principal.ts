/**
 * Who an IAM principal becomes in one EKS cluster: the Kubernetes user name and groups the
 * cluster's authenticator gives it, and the access policies that come with it.
 *
 * - `API`: only access entries are read.
 * - `API_AND_CONFIG_MAP`: an access entry for the principal wins; otherwise aws-auth.
 * - `CONFIG_MAP`: only aws-auth (access entries, if any, are not consulted).
 *
 * aws-auth is read exactly as aws-auth-spec.md describes (via `matchAwsAuth`): the caller's
 * STS ARN is canonicalized (assumed-role -> role ARN without path), compared without case,
 * mapRoles then mapUsers then mapAccounts, the last duplicate wins, templates rendered.
 * mapRoles `sso` entries match only with the authenticator's SSORoleMatch feature gate on;
 * EKS does not enable it, so by default (`ssoRoleMatch: false`) they map nobody.
 * Every identity also gets `system:authenticated`.
 */
import { classifyPrincipalArn, partitionOf, formatAssumedRoleArn } from "../../model/arn.js";
import { matchingRoleEntries, renderAwsAuthTemplate, matchAwsAuth } from "../../model/aws-auth.js";
import { parsePrincipalArn, rolePathOf } from "../../model/arn.js";
import type {
  AwsAuthAccount,
  AwsAuthMapping,
  AwsAuthMappings,
  AwsAuthRoleMapping,
} from "../../model/aws-auth.js";
import { authenticatedIdentity, type AccessPolicyAssociation, type Identity } from "../rbac/index.js";
import type { AccessEntryRecord, ClusterAccess, ClusterAuthenticationMode } from "../../snapshot/model.js";

/** The session name `aws eks get-token --role-arn` always uses. */
export const GET_TOKEN_SESSION_NAME = "EKSGetTokenAuth";

/** The caller as the cluster's authenticator sees it. */
export interface SessionCaller {
  /** IAM user ARN, IAM role ARN (a session of it), or an assumed-role session ARN. */
  readonly principalArn: string;
  /** For a role: the session name. Default: the one in an assumed-role ARN, else EKSGetTokenAuth. */
  readonly sessionName?: string;
  /** Why this session name, for explanations (e.g. "alice's IAM user name"). */
  readonly sessionNameReason?: string;
}

export interface AccessEntryMappingSource {
  readonly kind: "access-entry";
  readonly entry: AccessEntryRecord;
}

export interface AwsAuthMappingSource {
  readonly kind: "aws-auth";
  readonly file: string;
  readonly key: "mapRoles" | "mapUsers" | "mapAccounts";
  /** e.g. `mapRoles[2]` */
  readonly path: string;
  readonly entry?: AwsAuthMapping;
  readonly account?: AwsAuthAccount;
  /** Paths of earlier entries with the same ARN that this one shadows (last wins). */
  readonly shadows: readonly string[];
  /** Paths of other entries that match too (sso patterns). */
  readonly alternatives: readonly string[];
}

export type MappingSource = AccessEntryMappingSource | AwsAuthMappingSource;

/** How the cluster's authenticator is configured, where it matters for mapping. */
export interface MappingOptions {
  /**
   * The authenticator's SSORoleMatch feature gate (mapRoles `sso` entries). Default false:
   * EKS does not enable it.
   */
  readonly ssoRoleMatch?: boolean;
}

export interface MappedIdentity {
  readonly mapped: true;
  readonly cluster: string;
  readonly mode: ClusterAuthenticationMode;
  readonly via: "access-entry" | "aws-auth";
  readonly source: MappingSource;
  /** The ARN the caller presents (a user ARN or an assumed-role session ARN). */
  readonly callerArn: string;
  /** The ARN mappings are looked up with. */
  readonly canonicalArn: string;
  /** The session name used for a role; undefined for a user. */
  readonly sessionName?: string;
  readonly sessionNameReason?: string;
  /** The user name and groups the mapping gives, without `system:authenticated`. */
  readonly username: string;
  readonly groups: readonly string[];
  /** What RBAC sees: groups with `system:authenticated`, and the principal for access policies. */
  readonly identity: Identity;
  /** Access policies of the access entry (empty through aws-auth). */
  readonly accessPolicies: readonly AccessPolicyAssociation[];
  /** Whether the user name or a group depends on the session name. */
  readonly sessionDependent: boolean;
  /** Whether a group depends on the session name (then RBAC group grants differ by person). */
  readonly groupsSessionDependent: boolean;
  /** Things a reader should know (ignored access entries, unresolved templates, ...). */
  readonly notes: readonly string[];
  /** One line: how the mapping was made. */
  readonly why: string;
}

export interface UnmappedIdentity {
  readonly mapped: false;
  readonly cluster: string;
  readonly mode: ClusterAuthenticationMode;
  readonly callerArn: string;
  readonly canonicalArn: string;
  readonly sessionName?: string;
  readonly reason: string;
  readonly notes: readonly string[];
}

export type ClusterMapping = MappedIdentity | UnmappedIdentity;

interface ResolvedCaller {
  /** `root` and `federated-user` present their own ARN, like a user, but have no access entry. */
  readonly kind: "user" | "role" | "root" | "federated-user";
  readonly account: string;
  readonly partition: string;
  readonly name: string;
  /** The ARN STS reports: user ARN or assumed-role session ARN. */
  readonly callerArn: string;
  readonly sessionName?: string;
  readonly sessionNameReason?: string;
}

function resolve(caller: SessionCaller): ResolvedCaller | { error: string } {
  const kind = classifyPrincipalArn(caller.principalArn);
  const partition = partitionOf(caller.principalArn);
  if (kind.kind === "user") {
    return {
      kind: "user",
      account: kind.accountId,
      partition,
      name: kind.name,
      callerArn: caller.principalArn,
    };
  }
  if (kind.kind === "role" || kind.kind === "assumed-role") {
    const name = kind.kind === "role" ? kind.name : kind.roleName;
    const fromArn = kind.kind === "assumed-role" ? kind.sessionName : undefined;
    const sessionName = caller.sessionName ?? fromArn ?? GET_TOKEN_SESSION_NAME;
    const sessionNameReason =
      caller.sessionName !== undefined
        ? (caller.sessionNameReason ?? "the session name given")
        : fromArn !== undefined
          ? "the session in the ARN"
          : "what `aws eks get-token --role-arn` always uses";
    return {
      kind: "role",
      account: kind.accountId,
      partition,
      name,
      callerArn: formatAssumedRoleArn(partition, kind.accountId, name, sessionName),
      sessionName,
      sessionNameReason,
    };
  }
  // The account root user and federated-user sessions: the authenticator maps them by their
  // own ARN (mapUsers) or account (mapAccounts), as written ("Canonicalize", pkg/arn).
  const parsed = parsePrincipalArn(caller.principalArn);
  if (parsed.ok && (parsed.value.kind === "root" || parsed.value.kind === "federated-user")) {
    return {
      kind: parsed.value.kind,
      account: parsed.value.accountId,
      partition,
      name: parsed.value.kind === "root" ? "root" : parsed.value.name,
      callerArn: caller.principalArn,
    };
  }
  return {
    error: `${caller.principalArn} is not a principal the authenticator maps (an IAM user, role, account root, assumed-role or federated-user ARN)`,
  };
}

/** Per list of access entries: the first entry for each `kind|account|lowercased name`. */
const entryIndexes = new WeakMap<readonly AccessEntryRecord[], ReadonlyMap<string, AccessEntryRecord>>();

function entryKey(kind: string, account: string, name: string): string {
  return `${kind}|${account}|${name.toLowerCase()}`;
}

/** The access entry for a caller: same account, same kind, same name (paths do not matter). */
export function accessEntryFor(
  entries: readonly AccessEntryRecord[],
  caller: { readonly kind: "user" | "role"; readonly account: string; readonly name: string },
): AccessEntryRecord | undefined {
  let index = entryIndexes.get(entries);
  if (index === undefined) {
    const built = new Map<string, AccessEntryRecord>();
    for (const e of entries) {
      const k = classifyPrincipalArn(e.principalArn);
      if (k.kind !== "user" && k.kind !== "role") continue;
      const key = entryKey(k.kind, k.accountId, k.name);
      if (!built.has(key)) built.set(key, e);
    }
    entryIndexes.set(entries, built);
    index = built;
  }
  return index.get(entryKey(caller.kind, caller.account, caller.name));
}

function nodeIdentity(type: string): { username: string; groups: string[] } | undefined {
  switch (type) {
    case "EC2_LINUX":
    case "EC2_WINDOWS":
    case "HYBRID_LINUX":
    case "EC2":
      return { username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:nodes"] };
    case "FARGATE_LINUX":
      return {
        username: "system:node:{{SessionName}}",
        groups: ["system:bootstrappers", "system:nodes", "system:node-proxier"],
      };
    default:
      return undefined;
  }
}

function hasSessionTemplate(text: string): boolean {
  return text.includes("{{SessionName}}") || text.includes("{{SessionNameRaw}}");
}

function mapThroughEntry(
  cluster: ClusterAccess,
  entry: AccessEntryRecord,
  c: ResolvedCaller,
  notes: string[],
): ClusterMapping {
  const base = {
    cluster: cluster.name,
    mode: cluster.authenticationMode,
    callerArn: c.callerArn,
    canonicalArn: entry.principalArn,
    ...(c.sessionName !== undefined ? { sessionName: c.sessionName } : {}),
  };
  const node = entry.type === "STANDARD" ? undefined : nodeIdentity(entry.type);
  const usernameTemplate =
    node?.username ??
    entry.username ??
    (c.kind === "role"
      ? formatAssumedRoleArn(c.partition, c.account, c.name, "{{SessionName}}")
      : entry.principalArn);
  const groupTemplates = node?.groups ?? (entry.type === "STANDARD" ? entry.kubernetesGroups : []);
  if (node !== undefined)
    notes.push(`access entry type ${entry.type}: node identity (user name and groups approximated)`);
  else if (entry.type !== "STANDARD")
    notes.push(`access entry type ${entry.type} is not modelled: no groups and no access policies`);
  const values = { accountId: c.account, sessionName: c.sessionName ?? "" };
  const username = renderAwsAuthTemplate(usernameTemplate, values);
  if (!username.ok) {
    return {
      mapped: false,
      ...base,
      reason: username.diagnostics[0]?.summary ?? "user name template fails",
      notes,
    };
  }
  const groups: string[] = [];
  for (const g of groupTemplates) {
    const r = renderAwsAuthTemplate(g, values);
    if (r.ok) groups.push(r.value.text);
  }
  const accessPolicies = entry.type === "STANDARD" ? entry.associations : [];
  return {
    mapped: true,
    ...base,
    via: "access-entry",
    source: { kind: "access-entry", entry },
    ...(c.sessionNameReason !== undefined ? { sessionNameReason: c.sessionNameReason } : {}),
    username: username.value.text,
    groups,
    identity: authenticatedIdentity({ user: username.value.text, groups, principalArn: entry.principalArn }),
    accessPolicies,
    sessionDependent: hasSessionTemplate(usernameTemplate) || groupTemplates.some(hasSessionTemplate),
    groupsSessionDependent: groupTemplates.some(hasSessionTemplate),
    notes,
    why:
      `access entry for ${entry.principalArn} (${entry.source})` +
      (cluster.authenticationMode === "API_AND_CONFIG_MAP" ? "; it takes precedence over aws-auth" : ""),
  };
}

/**
 * Mappings already made, per cluster, by caller (ARN, session name, reason): the answer
 * depends on nothing else, and who-can asks the same ones for every mapped role of every
 * query (a role's own session, then each assumer's session name).
 */
const madeMappings = new WeakMap<ClusterAccess, Map<string, ClusterMapping>>();

/** Maps a caller to its Kubernetes identity on `cluster`. */
export function mapPrincipal(
  cluster: ClusterAccess,
  caller: SessionCaller,
  options: MappingOptions = {},
): ClusterMapping {
  let known = madeMappings.get(cluster);
  if (known === undefined) {
    known = new Map();
    madeMappings.set(cluster, known);
  }
  const ssoRoleMatch = options.ssoRoleMatch === true;
  const key = `${caller.principalArn}\n${caller.sessionName ?? "\u0000"}\n${caller.sessionNameReason ?? "\u0000"}\n${String(ssoRoleMatch)}`;
  let mapping = known.get(key);
  if (mapping === undefined) {
    mapping = mapCaller(cluster, caller, ssoRoleMatch);
    known.set(key, mapping);
  }
  return mapping;
}

function mapCaller(cluster: ClusterAccess, caller: SessionCaller, ssoRoleMatch: boolean): ClusterMapping {
  const c = resolve(caller);
  const mode = cluster.authenticationMode;
  if ("error" in c) {
    return {
      mapped: false,
      cluster: cluster.name,
      mode,
      callerArn: caller.principalArn,
      canonicalArn: caller.principalArn,
      reason: c.error,
      notes: [],
    };
  }
  const notes: string[] = [];
  // Access entries name IAM users and roles only.
  const entry =
    c.kind === "user" || c.kind === "role"
      ? accessEntryFor(cluster.accessEntries, { kind: c.kind, account: c.account, name: c.name })
      : undefined;
  if (entry !== undefined && mode !== "CONFIG_MAP") return mapThroughEntry(cluster, entry, c, notes);
  if (entry !== undefined) {
    notes.push(
      `an access entry names ${entry.principalArn}, but the cluster's mode is CONFIG_MAP: EKS does not read it`,
    );
  }
  const base = {
    cluster: cluster.name,
    mode,
    callerArn: c.callerArn,
    ...(c.sessionName !== undefined ? { sessionName: c.sessionName } : {}),
  };
  if (mode === "API") {
    return {
      mapped: false,
      ...base,
      canonicalArn: caller.principalArn,
      reason: `no access entry for ${caller.principalArn}, and in mode API the cluster does not read aws-auth`,
      notes,
    };
  }
  if (cluster.awsAuth === undefined) {
    return {
      mapped: false,
      ...base,
      canonicalArn: caller.principalArn,
      reason:
        mode === "API_AND_CONFIG_MAP"
          ? `no access entry for ${caller.principalArn}, and the snapshot has no aws-auth ConfigMap`
          : "the snapshot has no aws-auth ConfigMap for this cluster",
      notes,
    };
  }
  const { mappings, file } = cluster.awsAuth;
  const matched = matchAwsAuth(
    mappings,
    {
      arn: c.callerArn,
      accountId: c.account,
      ...(c.sessionName !== undefined ? { sessionName: c.sessionName } : {}),
    },
    { ssoRoleMatch },
  );
  if (!matched.ok) {
    return {
      mapped: false,
      ...base,
      canonicalArn: caller.principalArn,
      reason: matched.diagnostics[0]?.summary ?? "the caller ARN is not acceptable",
      notes,
    };
  }
  const m = matched.value;
  const pathNote = rolePathNote(caller.principalArn, cluster);
  if (pathNote !== undefined) notes.push(pathNote);
  if (!ssoRoleMatch && c.kind === "role") {
    const ignored = matchingRoleEntries(mappings, m.canonicalArn, { ssoRoleMatch: true }).filter(
      (r) => r.sso !== undefined,
    );
    for (const r of ignored) {
      notes.push(
        `${r.path} is an sso entry that names this role, but the authenticator honours sso entries only with its SSORoleMatch feature gate, which EKS does not enable: it does not map this caller`,
      );
    }
  }
  if (!m.matched) {
    return {
      mapped: false,
      ...base,
      canonicalArn: m.canonicalArn,
      reason:
        (mode === "API_AND_CONFIG_MAP" ? `no access entry for ${caller.principalArn}, and ` : "") +
        (m.entry !== undefined ? `${m.entry.path} matches but ${m.reason}` : m.reason),
      notes,
    };
  }
  if (m.unresolved.length > 0) {
    notes.push(`template variable(s) ${m.unresolved.join(", ")} left as written (value unknown offline)`);
  }
  const shadows =
    m.via === "mapAccounts"
      ? []
      : mappings.shadowed.filter((s) => s.by === m.entry).map((s) => s.shadowed.path);
  if (shadows.length > 0) notes.push(`this entry shadows ${shadows.join(", ")} (the last duplicate wins)`);
  const source: AwsAuthMappingSource =
    m.via === "mapAccounts"
      ? {
          kind: "aws-auth",
          file,
          key: "mapAccounts",
          path: m.account.path,
          account: m.account,
          shadows: [],
          alternatives: [],
        }
      : {
          kind: "aws-auth",
          file,
          key: m.via,
          path: m.entry.path,
          entry: m.entry,
          shadows,
          alternatives: m.alternatives.map((a) => a.path),
        };
  const templates = m.via === "mapAccounts" ? [] : [m.entry.username, ...m.entry.groups];
  const whatMatched =
    m.via === "mapAccounts"
      ? `account ${m.account.accountId} is listed in mapAccounts: user name is the canonical ARN, no groups`
      : m.entry.kind === "role" && m.entry.sso !== undefined
        ? `sso entry ${m.entry.path} (pattern ${m.entry.key}) matches ${m.canonicalArn}`
        : `${m.entry.path} names ${m.entry.kind === "role" ? m.entry.rolearn : m.entry.userarn}, which matches ${m.canonicalArn} (case-insensitive)`;
  return {
    mapped: true,
    ...base,
    canonicalArn: m.canonicalArn,
    via: "aws-auth",
    source,
    ...(c.sessionNameReason !== undefined ? { sessionNameReason: c.sessionNameReason } : {}),
    username: m.username,
    groups: m.groups,
    identity: authenticatedIdentity({ user: m.username, groups: m.groups, principalArn: m.canonicalArn }),
    accessPolicies: [],
    sessionDependent: templates.some(hasSessionTemplate),
    groupsSessionDependent: m.via === "mapAccounts" ? false : m.entry.groups.some(hasSessionTemplate),
    notes,
    why:
      `aws-auth ${whatMatched}` +
      (mode === "API_AND_CONFIG_MAP" ? " (no access entry for this principal)" : ""),
  };
}

/** mapRoles entries whose rolearn has a role path, computed once per aws-auth (usually none). */
const rolePathEntries = new WeakMap<AwsAuthMappings, readonly AwsAuthRoleMapping[]>();

function entriesWithRolePath(mappings: AwsAuthMappings): readonly AwsAuthRoleMapping[] {
  let hit = rolePathEntries.get(mappings);
  if (hit === undefined) {
    hit = mappings.effectiveRoles.filter((r) => r.rolearn !== "" && rolePathOf(r.rolearn) !== undefined);
    rolePathEntries.set(mappings, hit);
  }
  return hit;
}

/** A note when aws-auth names this role with a role path (such an entry never matches). */
function rolePathNote(principalArn: string, cluster: ClusterAccess): string | undefined {
  const kind = classifyPrincipalArn(principalArn);
  const name = kind.kind === "role" ? kind.name : kind.kind === "assumed-role" ? kind.roleName : undefined;
  if (name === undefined || kind.kind === "other") return undefined;
  const account = kind.accountId;
  const mappings = cluster.awsAuth?.mappings;
  if (mappings === undefined) return undefined;
  const withPath = entriesWithRolePath(mappings).find((r) => {
    const k = classifyPrincipalArn(r.rolearn);
    return k.kind === "role" && k.accountId === account && k.name.toLowerCase() === name.toLowerCase();
  });
  return withPath === undefined
    ? undefined
    : `${withPath.path} names ${withPath.rolearn} with a role path: the authenticator compares with the STS ARN, which has no path, so that entry never matches`;
}

/** Every IAM ARN a cluster's mappings name (access entries, aws-auth roles and users). */
export interface ClusterMappingTargets {
  readonly roles: readonly string[];
  readonly users: readonly string[];
  /** sso patterns (lowercased ARN patterns) of mapRoles; only with the SSORoleMatch gate on. */
  readonly rolePatterns: readonly string[];
  /** mapAccounts: every principal of these accounts is mapped. */
  readonly accounts: readonly string[];
}

/** What a cluster maps, as the mode (and the SSORoleMatch gate) makes it effective. */
export function clusterMappingTargets(
  cluster: ClusterAccess,
  options: MappingOptions = {},
): ClusterMappingTargets {
  const roles: string[] = [];
  const users: string[] = [];
  const rolePatterns: string[] = [];
  const accounts: string[] = [];
  if (cluster.authenticationMode !== "CONFIG_MAP") {
    for (const e of cluster.accessEntries) {
      const k = classifyPrincipalArn(e.principalArn);
      if (k.kind === "role") roles.push(e.principalArn);
      else if (k.kind === "user") users.push(e.principalArn);
    }
  }
  if (cluster.authenticationMode !== "API" && cluster.awsAuth !== undefined) {
    const m = cluster.awsAuth.mappings;
    for (const r of m.effectiveRoles) {
      if (r.sso === undefined) roles.push(r.rolearn);
      else if (options.ssoRoleMatch === true) rolePatterns.push(r.key);
    }
    for (const u of m.effectiveUsers) users.push(u.userarn);
    for (const a of m.accounts) accounts.push(a.accountId);
  }
  return { roles, users, rolePatterns, accounts };
}
