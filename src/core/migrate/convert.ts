/**
 * From aws-auth to access entries, as data: every entry of the cluster's aws-auth (not
 * only eksgate's) becomes an access entry, stays in aws-auth, or is left out, each with
 * the reason and a code.
 *
 * - Node roles (`system:node:{{EC2PrivateDNSName}}` with `system:nodes`) become EC2_LINUX,
 *   or EC2_WINDOWS when the entry carries `eks:kube-proxy-windows`; Fargate pod execution
 *   roles (`system:node:{{SessionName}}` with `system:node-proxier`) FARGATE_LINUX.
 * - `system:masters` becomes AmazonEKSClusterAdminPolicy at cluster scope; every other
 *   group is kept in `kubernetesGroups`; the username is kept where access entries allow it.
 * - Role paths come back from the principal directory (access entries need the full ARN).
 *
 * What access entries cannot express (mapAccounts, the account root, service-linked roles,
 * reserved usernames, `system:` groups, templates in groups) is never converted silently:
 * towards API_AND_CONFIG_MAP it stays in aws-auth, where it keeps working; towards API it is
 * converted as closely as possible and blocks the switch until `--accept-loss` names its code.
 */
import { RESERVED_USERNAME_PREFIXES, type AccessEntryType } from "../model/access-entry.js";
import type { AwsAuthKey, AwsAuthMapping } from "../model/aws-auth.js";
import { accessEntryFor } from "../evaluate/mapping/index.js";
import type { AccessPolicyAssociation } from "../evaluate/rbac/index.js";
import type { AccessEntryRecord, ClusterAccess, ClusterAuthenticationMode } from "../snapshot/model.js";
import { MIGRATE_CODES } from "./codes.js";
import { findPrincipal, splitIamArn, type PrincipalDirectory } from "./principals.js";

export type MigrationTarget = "API_AND_CONFIG_MAP" | "API";

export const MIGRATION_TARGETS: readonly MigrationTarget[] = ["API_AND_CONFIG_MAP", "API"];

export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/** An access entry the migration creates. */
export interface PlannedAccessEntry {
  readonly principalArn: string;
  readonly type: AccessEntryType;
  /** Absent: the server's default (node types, and usernames access entries refuse). */
  readonly username?: string;
  readonly kubernetesGroups: readonly string[];
  readonly accessPolicies: readonly AccessPolicyAssociation[];
  /** The aws-auth entry it comes from, e.g. `mapRoles[3]`. */
  readonly from: string;
}

export type ItemSeverity = "blocking" | "warning" | "info";

/** Something the reviewer must know about one aws-auth entry. */
export interface MigrationItem {
  /** A code of the registry's EG4xx migration range. */
  readonly code: MigrateCode;
  readonly severity: ItemSeverity;
  /** The aws-auth entry, e.g. `mapRoles[3]` or `mapAccounts[0]`. */
  readonly source: string;
  readonly principal?: string;
  readonly summary: string;
  /** What to do. */
  readonly hint: string;
}

export type DecisionOutcome =
  /** Becomes the access entry `principalArn`. */
  | "access-entry"
  /** The principal already has an access entry, which wins over aws-auth today. */
  | "already-served"
  /** Stays in aws-auth (API_AND_CONFIG_MAP keeps reading it). */
  | "stays-in-aws-auth"
  /** Left out: it maps nobody today (or nothing access entries could name). */
  | "not-converted";

/** What happens to one aws-auth entry. */
export interface MigrationDecision {
  readonly source: string;
  readonly key: AwsAuthKey;
  /** rolearn / userarn / account id as written. */
  readonly written: string;
  readonly outcome: DecisionOutcome;
  /** The principal it maps (full ARN when known). */
  readonly principalArn?: string;
  /** Whether apply removes it from aws-auth (the ConfigMap goes as a whole towards API). */
  readonly removeFromAwsAuth: boolean;
  readonly codes: readonly string[];
}

export interface MigrationConversion {
  readonly cluster: string;
  readonly from: ClusterAuthenticationMode;
  readonly to: MigrationTarget;
  /** Sorted by principal ARN. */
  readonly accessEntries: readonly PlannedAccessEntry[];
  /** aws-auth order: mapRoles, mapUsers, mapAccounts. */
  readonly decisions: readonly MigrationDecision[];
  /** Blocking first, then by source. */
  readonly items: readonly MigrationItem[];
  /** Towards API: the ConfigMap is deleted once the entries are verified. */
  readonly deleteAwsAuth: boolean;
}

export interface ConversionInput {
  readonly cluster: ClusterAccess;
  readonly to: MigrationTarget;
  readonly principals: PrincipalDirectory;
  /** The cluster's account; default: the one in the cluster ARN. */
  readonly accountId?: string;
}

const NODE_EC2_USERNAME = "system:node:{{EC2PrivateDNSName}}";
const NODE_FARGATE_USERNAME = "system:node:{{SessionName}}";
const NODES_GROUP = "system:nodes";
const BOOTSTRAPPERS_GROUP = "system:bootstrappers";
const NODE_PROXIER_GROUP = "system:node-proxier";
const KUBE_PROXY_WINDOWS_GROUP = "eks:kube-proxy-windows";
const SYSTEM_MASTERS = "system:masters";
const SESSION_TEMPLATES = ["{{SessionName}}", "{{SessionNameRaw}}"];
/** Template variables a STANDARD entry's username may carry (set-custom-username). */
const ENTRY_USERNAME_TEMPLATES = new Set(["SessionName", "SessionNameRaw", "AccountID"]);

/** The groups each node type gets from EKS, which the entry then must not list. */
const NODE_TYPE_GROUPS: Readonly<Record<"EC2_LINUX" | "EC2_WINDOWS" | "FARGATE_LINUX", readonly string[]>> = {
  EC2_LINUX: [BOOTSTRAPPERS_GROUP, NODES_GROUP],
  EC2_WINDOWS: [BOOTSTRAPPERS_GROUP, NODES_GROUP, KUBE_PROXY_WINDOWS_GROUP],
  FARGATE_LINUX: [BOOTSTRAPPERS_GROUP, NODES_GROUP, NODE_PROXIER_GROUP],
};

/**
 * The node type an aws-auth entry stands for, as the authenticator and EKS treat it: the
 * node username templates with `system:nodes` among the groups.
 */
export function nodeTypeOf(
  username: string,
  groups: readonly string[],
): "EC2_LINUX" | "EC2_WINDOWS" | "FARGATE_LINUX" | undefined {
  if (!groups.includes(NODES_GROUP)) return undefined;
  if (username === NODE_EC2_USERNAME)
    return groups.includes(KUBE_PROXY_WINDOWS_GROUP) ? "EC2_WINDOWS" : "EC2_LINUX";
  if (username === NODE_FARGATE_USERNAME) return "FARGATE_LINUX";
  return undefined;
}

function accountOfCluster(cluster: ClusterAccess, fallback: PrincipalDirectory): string {
  const m = /^arn:[a-z-]+:eks:[^:]*:(\d{12}):/.exec(cluster.arn ?? "");
  return m?.[1] ?? fallback.completeAccounts[0] ?? "";
}

/** One of the migration's codes. */
export type MigrateCode = (typeof MIGRATE_CODES)[keyof typeof MIGRATE_CODES];

/** What a conversion changes, with its code. */
export interface ConversionLoss {
  readonly code: MigrateCode;
  readonly summary: string;
  readonly hint: string;
}

interface Shaped {
  readonly entry: Omit<PlannedAccessEntry, "principalArn" | "from">;
  /** Codes of what this conversion changes (empty: the same mapping). */
  readonly losses: readonly ConversionLoss[];
}

/** The access entry that comes closest to an aws-auth mapping's username and groups. */
export function shapeEntry(username: string, groups: readonly string[], partition: string): Shaped {
  const losses: ConversionLoss[] = [];
  const node = nodeTypeOf(username, groups);
  if (node !== undefined) {
    const extra = groups.filter((g) => !NODE_TYPE_GROUPS[node].includes(g));
    if (extra.length > 0) {
      losses.push({
        code: MIGRATE_CODES.nodeEntryChanged,
        summary: `a ${node} entry gets its groups from EKS: ${extra.join(", ")} would be dropped`,
        hint: "Bind what those groups grant to system:nodes, or keep a separate STANDARD entry for another role.",
      });
    }
    return { entry: { type: node, kubernetesGroups: [], accessPolicies: [] }, losses };
  }
  const kept: string[] = [];
  const policies: AccessPolicyAssociation[] = [];
  for (const g of groups) {
    if (g === "" || kept.includes(g)) continue;
    if (g === SYSTEM_MASTERS) {
      if (policies.length === 0) {
        policies.push({
          policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
          accessScope: { type: "cluster" },
        });
      }
    } else if (g.startsWith("system:")) {
      losses.push({
        code: MIGRATE_CODES.systemGroup,
        summary: `group ${g} cannot be kept: access entries refuse groups starting with system:`,
        hint: "Bind the roles that group has to a group of your own, add it to the entry, then migrate.",
      });
    } else if (g.includes("{{")) {
      losses.push({
        code: MIGRATE_CODES.templateNotKept,
        summary: `group ${g} has a template, which access entries do not render in groups`,
        hint: "Use fixed group names; per-person grants belong to the username.",
      });
    } else {
      kept.push(g);
    }
  }
  let keptUsername: string | undefined = username;
  const reserved = RESERVED_USERNAME_PREFIXES.find((p) => username.startsWith(p));
  const sessionAt = Math.min(...SESSION_TEMPLATES.map((t) => username.indexOf(t)).filter((i) => i >= 0));
  const unknownTemplates = [...username.matchAll(/\{\{(.*?)\}\}/g)]
    .map((m) => m[1] ?? "")
    .filter((n) => !ENTRY_USERNAME_TEMPLATES.has(n));
  if (reserved !== undefined) {
    keptUsername = undefined;
    losses.push({
      code: MIGRATE_CODES.usernameReserved,
      summary: `username ${username} starts with ${reserved}, which access entries refuse: the entry gets the default username (the assumed-role ARN with {{SessionName}})`,
      hint: "Rename the user in the RBAC bindings that name it, or accept that they no longer apply.",
    });
  } else if (Number.isFinite(sessionAt) && !username.slice(0, sessionAt).includes(":")) {
    keptUsername = undefined;
    losses.push({
      code: MIGRATE_CODES.usernameSessionColon,
      summary: `username ${username} has no ":" before the session name, which access entries require: the entry gets the default username`,
      hint: 'Use a prefix such as "team-a:{{SessionName}}" and rename the user in its RBAC bindings.',
    });
  } else if (unknownTemplates.length > 0) {
    keptUsername = undefined;
    losses.push({
      code: MIGRATE_CODES.templateNotKept,
      summary: `username ${username} uses {{${unknownTemplates.join("}}, {{")}}}, which access entries do not render: the entry gets the default username`,
      hint: "Use {{SessionName}} (after a prefix and a colon) instead.",
    });
  } else if (username === "") {
    keptUsername = undefined;
  }
  return {
    entry: {
      type: "STANDARD",
      ...(keptUsername === undefined ? {} : { username: keptUsername }),
      kubernetesGroups: kept,
      accessPolicies: policies,
    },
    losses,
  };
}

interface Builder {
  readonly to: MigrationTarget;
  readonly entries: PlannedAccessEntry[];
  readonly decisions: MigrationDecision[];
  readonly items: MigrationItem[];
  /** Principal ARNs (lower case) already given an entry by this plan. */
  readonly planned: Set<string>;
}

/** Towards API a problem blocks the switch; towards API_AND_CONFIG_MAP the entry stays. */
function problemSeverity(to: MigrationTarget): ItemSeverity {
  return to === "API" ? "blocking" : "warning";
}

function keepOrLose(
  b: Builder,
  source: string,
  principal: string | undefined,
  code: MigrateCode,
  summary: string,
  hint: string,
): void {
  b.items.push({
    code,
    severity: problemSeverity(b.to),
    source,
    ...(principal === undefined ? {} : { principal }),
    summary,
    hint:
      b.to === "API"
        ? `${hint} Or accept the loss: --accept-loss ${code}.`
        : `${hint} It stays in aws-auth, which API_AND_CONFIG_MAP still reads.`,
  });
}

function convertMapping(
  b: Builder,
  m: AwsAuthMapping,
  cluster: ClusterAccess,
  directory: PrincipalDirectory,
  clusterAccount: string,
): void {
  const key: AwsAuthKey = m.kind === "role" ? "mapRoles" : "mapUsers";
  const written = m.kind === "role" ? m.rolearn : m.userarn;
  const decide = (outcome: DecisionOutcome, codes: readonly string[], principalArn?: string): void => {
    b.decisions.push({
      source: m.path,
      key,
      written,
      outcome,
      ...(principalArn === undefined ? {} : { principalArn }),
      removeFromAwsAuth: outcome === "access-entry" || outcome === "already-served",
      codes,
    });
  };
  if (m.kind === "role" && m.sso !== undefined) {
    const pattern = m.key;
    const candidates = directory.principals
      .filter(
        (p) =>
          p.kind === "role" &&
          p.account === m.sso?.accountId &&
          p.name.toLowerCase().startsWith(`awsreservedsso_${m.sso.permissionSetName.toLowerCase()}_`),
      )
      .map((p) => p.arn)
      .sort();
    b.items.push({
      code: MIGRATE_CODES.ssoEntry,
      severity: "info",
      source: m.path,
      summary: `sso entry (pattern ${pattern}) maps nobody on EKS, which does not enable the authenticator's SSORoleMatch gate: nothing to convert`,
      hint:
        candidates.length > 0
          ? `If these roles should have access, map them by ARN: ${candidates.join(", ")}.`
          : "Map the permission set's AWSReservedSSO_ role by its ARN if it should have access.",
    });
    decide("not-converted", [MIGRATE_CODES.ssoEntry]);
    return;
  }
  const parts = splitIamArn(written);
  if (parts === undefined) {
    const root = /^arn:[a-z-]+:iam::\d{12}:root$/.test(written);
    keepOrLose(
      b,
      m.path,
      written,
      MIGRATE_CODES.principalKind,
      root
        ? `${written} is the account root: access entries take IAM roles and users only`
        : `${written} is not an IAM role or user ARN: access entries cannot name it`,
      "Give the people who use it a role of their own with an access entry.",
    );
    decide(b.to === "API" ? "not-converted" : "stays-in-aws-auth", [MIGRATE_CODES.principalKind], written);
    return;
  }
  if (parts.kind === "role" && parts.path !== "/") {
    b.items.push({
      code: MIGRATE_CODES.neverMatches,
      severity: "info",
      source: m.path,
      principal: written,
      summary: `${written} has a role path, so the authenticator never matches it (it compares with the path-less STS ARN): it grants nothing today and is not converted`,
      hint: "If that role should have access, map it by its full ARN in an access entry after the migration.",
    });
    decide("not-converted", [MIGRATE_CODES.neverMatches], written);
    return;
  }
  const complete = directory.completeAccounts.includes(parts.account);
  const found = findPrincipal(directory, parts.kind, parts.account, parts.name);
  let principalArn = written;
  const codes: string[] = [];
  if (complete && found === undefined) {
    keepOrLose(
      b,
      m.path,
      written,
      MIGRATE_CODES.principalMissing,
      `${written} does not exist in IAM: the entry maps nobody today, and access entries need an existing principal`,
      "Delete the entry, or create the principal first.",
    );
    decide(b.to === "API" ? "not-converted" : "stays-in-aws-auth", [MIGRATE_CODES.principalMissing], written);
    return;
  }
  if (found !== undefined) {
    if (parts.kind === "user" && found.arn.toLowerCase() !== written.toLowerCase()) {
      b.items.push({
        code: MIGRATE_CODES.neverMatches,
        severity: "info",
        source: m.path,
        principal: written,
        summary: `${written} is not the user's ARN (${found.arn}): the authenticator never matches it, so it is not converted`,
        hint: "If that user should have access, map it by its full ARN after the migration.",
      });
      decide("not-converted", [MIGRATE_CODES.neverMatches], written);
      return;
    }
    principalArn = found.arn;
  } else {
    codes.push(MIGRATE_CODES.unverifiedPrincipal);
    b.items.push({
      code: MIGRATE_CODES.unverifiedPrincipal,
      severity: "warning",
      source: m.path,
      principal: written,
      summary: `${written} is in account ${parts.account}, whose IAM was not read: its existence and role path are not checked`,
      hint: "If that role has a path, EKS refuses the entry; check it with aws iam get-role in that account.",
    });
  }
  if (found !== undefined && found.kind === "role" && found.path.startsWith("/aws-service-role/")) {
    keepOrLose(
      b,
      m.path,
      principalArn,
      MIGRATE_CODES.serviceLinked,
      `${principalArn} is a service-linked role, which access entries refuse`,
      "The service that owns it usually creates its own access entry; check its documentation.",
    );
    decide(
      b.to === "API" ? "not-converted" : "stays-in-aws-auth",
      [MIGRATE_CODES.serviceLinked],
      principalArn,
    );
    return;
  }
  const lower = principalArn.toLowerCase();
  if (b.planned.has(lower)) {
    b.items.push({
      code: MIGRATE_CODES.shadowed,
      severity: "info",
      source: m.path,
      principal: principalArn,
      summary: `${principalArn} is already mapped by an earlier key (mapRoles is searched first): this entry is ignored today`,
      hint: "Nothing to do; it goes with aws-auth.",
    });
    decide("not-converted", [MIGRATE_CODES.shadowed], principalArn);
    return;
  }
  const existing: AccessEntryRecord | undefined =
    cluster.authenticationMode === "CONFIG_MAP"
      ? undefined
      : accessEntryFor(cluster.accessEntries, { kind: parts.kind, account: parts.account, name: parts.name });
  if (existing !== undefined) {
    b.planned.add(lower);
    b.items.push({
      code: MIGRATE_CODES.alreadyServed,
      severity: "info",
      source: m.path,
      principal: existing.principalArn,
      summary: `${existing.principalArn} already has an access entry, which takes precedence: this aws-auth entry is not used`,
      hint: "Nothing to convert; eksgate doctor compares the two mappings.",
    });
    decide("already-served", [MIGRATE_CODES.alreadyServed], existing.principalArn);
    return;
  }
  const shaped = shapeEntry(m.username, m.groups, parts.partition);
  let losses = shaped.losses;
  if (shaped.entry.type !== "STANDARD" && parts.account !== clusterAccount && clusterAccount !== "") {
    losses = [
      ...losses,
      {
        code: MIGRATE_CODES.nodeEntryChanged,
        summary: `${shaped.entry.type} entries take roles of the cluster's account (${clusterAccount}) only`,
        hint: "Use a node role of the cluster's account.",
      },
    ];
  }
  if (losses.length > 0 && b.to === "API_AND_CONFIG_MAP") {
    for (const l of losses) keepOrLose(b, m.path, principalArn, l.code, l.summary, l.hint);
    decide("stays-in-aws-auth", [...codes, ...losses.map((l) => l.code)], principalArn);
    return;
  }
  for (const l of losses) keepOrLose(b, m.path, principalArn, l.code, l.summary, l.hint);
  b.planned.add(lower);
  b.entries.push({ principalArn, ...shaped.entry, from: m.path });
  decide("access-entry", [...codes, ...losses.map((l) => l.code)], principalArn);
}

const SEVERITY_ORDER: Readonly<Record<ItemSeverity, number>> = { blocking: 0, warning: 1, info: 2 };

function sourceOrder(source: string): [number, number] {
  const m = /^(mapRoles|mapUsers|mapAccounts)\[(\d+)\]$/.exec(source);
  const key = m?.[1] === "mapRoles" ? 0 : m?.[1] === "mapUsers" ? 1 : 2;
  return [key, Number(m?.[2] ?? 0)];
}

function compareSources(a: string, b: string): number {
  const [ka, ia] = sourceOrder(a);
  const [kb, ib] = sourceOrder(b);
  return ka - kb || ia - ib || (a < b ? -1 : a > b ? 1 : 0);
}

/** The conversion of a cluster's aws-auth into access entries (pure; stable order). */
export function convertAwsAuth(input: ConversionInput): MigrationConversion {
  const { cluster, to, principals } = input;
  const b: Builder = { to, entries: [], decisions: [], items: [], planned: new Set() };
  const mappings = cluster.awsAuth?.mappings;
  const clusterAccount = input.accountId ?? accountOfCluster(cluster, principals);
  if (mappings !== undefined) {
    for (const shadow of mappings.shadowed) {
      const m = shadow.shadowed;
      b.items.push({
        code: MIGRATE_CODES.shadowed,
        severity: "info",
        source: m.path,
        principal: m.kind === "role" ? m.rolearn : m.userarn,
        summary: `a later entry (${shadow.by.path}) for the same ARN replaces this one: it is ignored today`,
        hint: "Nothing to do; the entry that is used is converted.",
      });
      b.decisions.push({
        source: m.path,
        key: m.kind === "role" ? "mapRoles" : "mapUsers",
        written: m.kind === "role" ? m.rolearn : m.userarn,
        outcome: "not-converted",
        removeFromAwsAuth: false,
        codes: [MIGRATE_CODES.shadowed],
      });
    }
    for (const m of mappings.effectiveRoles) convertMapping(b, m, cluster, principals, clusterAccount);
    for (const m of mappings.effectiveUsers) convertMapping(b, m, cluster, principals, clusterAccount);
    for (const a of mappings.accounts) {
      keepOrLose(
        b,
        a.path,
        undefined,
        MIGRATE_CODES.mapAccounts,
        `mapAccounts lists ${a.accountId}: every role and user of that account is mapped (username = its ARN, no groups), which access entries cannot express`,
        "Create access entries for the principals of that account that need access.",
      );
      b.decisions.push({
        source: a.path,
        key: "mapAccounts",
        written: a.accountId,
        outcome: to === "API" ? "not-converted" : "stays-in-aws-auth",
        removeFromAwsAuth: false,
        codes: [MIGRATE_CODES.mapAccounts],
      });
    }
  }
  // A shadowed duplicate goes when the entry that shadows it goes, or it would come back.
  const decisions = b.decisions.map((d) => {
    if (!d.codes.includes(MIGRATE_CODES.shadowed) || d.principalArn !== undefined) return d;
    const by = mappings?.shadowed.find((s) => s.shadowed.path === d.source)?.by.path;
    const winner = b.decisions.find((w) => w.source === by);
    return winner?.removeFromAwsAuth === true ? { ...d, removeFromAwsAuth: true } : d;
  });
  return {
    cluster: cluster.name,
    from: cluster.authenticationMode,
    to,
    accessEntries: [...b.entries].sort((x, y) =>
      x.principalArn < y.principalArn ? -1 : x.principalArn > y.principalArn ? 1 : 0,
    ),
    decisions: decisions.sort((x, y) => compareSources(x.source, y.source)),
    items: [...b.items].sort(
      (x, y) =>
        SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] ||
        compareSources(x.source, y.source) ||
        (x.code < y.code ? -1 : x.code > y.code ? 1 : 0),
    ),
    deleteAwsAuth: to === "API" && cluster.awsAuth !== undefined,
  };
}
