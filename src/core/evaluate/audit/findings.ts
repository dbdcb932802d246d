/**
 * Audit findings: what in a snapshot deserves a person's attention, each with a stable code,
 * a severity, where it is written, why it matters and what to do. Pure: the snapshot and
 * (optionally) its files come in; findings go out.
 */
import type { DiagnosticCode, Severity } from "../../diagnostics.js";
import { lintAwsAuth } from "../../lint/aws-auth.js";
import { iamPathOf, parsePrincipalArn, arnResourceName } from "../../model/arn.js";
import { RESERVED_ROLE_PATH_PREFIX, reservedRolePermissionSet } from "../../model/identity-center.js";
import { ROLE_ID_TAG_KEY } from "../../model/ownership.js";
import type { AccessSnapshot, ClusterAccess, SnapshotFile } from "../../snapshot/index.js";
import type { IamIndex, IamRole } from "../iam/index.js";
import { escalationCapabilities, SUPERUSER_GROUP, type EscalationCapability } from "../rbac/index.js";
import { statementCoversAction } from "../iam/policy-document.js";
import { AUDIT_CODES, type AuditCodeName } from "./codes.js";
import { CODES } from "../../diagnostics/codes/index.js";

export interface AuditFinding {
  /** AUDnnn, or the AAnnn code of an aws-auth lint finding. */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** The cluster it concerns; undefined for IAM-wide findings. */
  readonly cluster?: string;
  /** The thing it is about: an ARN, a binding, an aws-auth entry. */
  readonly subject: string;
  /** One line. */
  readonly summary: string;
  /** Where it is written: file and entry, policy and statement. */
  readonly where: string;
  /** Why it matters. */
  readonly why: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface AuditInput {
  readonly snapshot: AccessSnapshot;
  /**
   * The snapshot's files, when at hand: needed for the aws-auth lint findings and for the
   * access entries' `createdAt` (recreated roles). Without them those findings are skipped.
   */
  readonly files?: readonly SnapshotFile[];
  /** Only these clusters. */
  readonly clusters?: readonly string[];
}

export interface AuditReport {
  readonly clusters: readonly string[];
  /** Errors first, then warnings, then infos; within a severity by code, cluster, subject. */
  readonly findings: readonly AuditFinding[];
  readonly counts: Readonly<Record<Severity, number>>;
}

/** Lint codes the audit reports under its own AUD codes (with more context). */
const LINT_CODES_COVERED = new Set(["AA009", "AA011", "AA012", "AA013"]);

const ADMIN_POLICIES = new Set(["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy"]);

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function finding(
  name: AuditCodeName,
  fields: Omit<AuditFinding, "code" | "severity">,
  severity?: Severity,
): AuditFinding {
  const code = AUDIT_CODES[name];
  return { code, severity: severity ?? CODES[code].severity, ...fields };
}

// ---------------------------------------------------------------------------------------------
// Time, without the clock: ISO 8601 timestamps as AWS prints them, to epoch milliseconds.

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch milliseconds of `2024-05-01T10:00:00+00:00`, `...Z`, `...123Z`; undefined otherwise. */
export function isoTimestampMillis(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  );
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i] ?? "0");
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const days = daysFromCivil(n(1), n(2), n(3));
  return days * 86_400_000 + ((n(4) * 60 + n(5)) * 60 + n(6)) * 1000 + fraction - offset;
}

// ---------------------------------------------------------------------------------------------
// IAM lookups

/** Role ARN (lowercased) -> CreateDate as written, from the raw authorization details. */
function roleCreateDates(snapshot: AccessSnapshot): Map<string, string> {
  const out = new Map<string, string>();
  for (const account of snapshot.iam.accounts) {
    for (const role of account.RoleDetailList ?? []) {
      const created = (role as unknown as Record<string, unknown>)["CreateDate"];
      if (typeof created === "string") out.set(role.Arn.toLowerCase(), created);
    }
  }
  return out;
}

/** The IAM role an ARN names: exact ARN first, then by name (aws-auth ARNs carry no path). */
function findRole(index: IamIndex, arn: string): IamRole | undefined {
  const exact = index.role(arn);
  if (exact !== undefined) return exact;
  const p = parsePrincipalArn(arn);
  if (!p.ok || p.value.kind !== "role") return undefined;
  const byName = index.roleByName(p.value.accountId, p.value.name);
  return byName !== undefined && p.value.path === "/" ? byName : undefined;
}

interface MappedRole {
  readonly arn: string;
  readonly cluster: string;
  readonly where: string;
}

/** Role and user ARNs each cluster maps, as its authentication mode makes effective. */
function mappedPrincipals(cluster: ClusterAccess): { roles: MappedRole[]; users: MappedRole[] } {
  const roles: MappedRole[] = [];
  const users: MappedRole[] = [];
  if (cluster.authenticationMode !== "CONFIG_MAP") {
    for (const e of cluster.accessEntries) {
      const p = parsePrincipalArn(e.principalArn);
      if (!p.ok) continue;
      const target = p.value.kind === "role" ? roles : p.value.kind === "user" ? users : undefined;
      target?.push({ arn: e.principalArn, cluster: cluster.name, where: e.source });
    }
  }
  if (cluster.authenticationMode !== "API" && cluster.awsAuth !== undefined) {
    const m = cluster.awsAuth.mappings;
    for (const r of m.effectiveRoles) {
      if (r.sso !== undefined || r.rolearn === "") continue;
      roles.push({ arn: r.rolearn, cluster: cluster.name, where: `${cluster.awsAuth.file} ${r.path}` });
    }
    for (const u of m.effectiveUsers) {
      users.push({ arn: u.userarn, cluster: cluster.name, where: `${cluster.awsAuth.file} ${u.path}` });
    }
  }
  return { roles, users };
}

function statementName(role: IamRole, index: number, sid: string | undefined): string {
  return `trust policy of ${role.name}, ${sid !== undefined ? `Sid ${JSON.stringify(sid)}` : `statement ${index}`}`;
}

// ---------------------------------------------------------------------------------------------
// The checks

function masterFindings(cluster: ClusterAccess, out: AuditFinding[]): void {
  if (cluster.authenticationMode !== "API" && cluster.awsAuth !== undefined) {
    const m = cluster.awsAuth.mappings;
    for (const entry of [...m.effectiveRoles, ...m.effectiveUsers]) {
      if (!entry.groups.includes(SUPERUSER_GROUP)) continue;
      const arn = entry.kind === "role" ? entry.rolearn || entry.key : entry.userarn;
      out.push(
        finding("systemMasters", {
          cluster: cluster.name,
          subject: arn,
          summary: `${arn} is mapped into system:masters`,
          where: `${cluster.awsAuth.file} ${entry.path}`,
          why: "Members of system:masters pass every authorization check before RBAC is consulted; no binding can narrow it, and removing it needs an aws-auth edit.",
          fix: "Map the role to a named group bound to cluster-admin (or narrower) instead; keep break-glass access in an access entry with AmazonEKSClusterAdminPolicy, audited separately.",
        }),
      );
    }
  }
  if (cluster.authenticationMode === "CONFIG_MAP") return;
  for (const e of cluster.accessEntries) {
    if (e.kubernetesGroups.includes(SUPERUSER_GROUP)) {
      out.push(
        finding("systemMasters", {
          cluster: cluster.name,
          subject: e.principalArn,
          summary: `access entry ${e.principalArn} lists group system:masters`,
          where: e.source,
          why: "system:masters bypasses RBAC entirely.",
          fix: "Remove the group; associate an access policy or bind a named group instead.",
        }),
      );
    }
    for (const a of e.associations) {
      const name = arnResourceName(a.policyArn);
      if (!ADMIN_POLICIES.has(name)) continue;
      const wide = a.accessScope.type === "cluster";
      out.push(
        finding(
          "clusterAdminPolicy",
          {
            cluster: cluster.name,
            subject: e.principalArn,
            summary: `${e.principalArn} holds ${name} ${a.accessScope.type === "cluster" ? "cluster-wide" : `in ${a.accessScope.namespaces.join(", ")}`}`,
            where: e.source,
            why:
              name === "AmazonEKSClusterAdminPolicy"
                ? "AmazonEKSClusterAdminPolicy allows every verb on every resource, like cluster-admin."
                : "AmazonEKSAdminPolicy allows nearly everything, including RBAC objects in its scope.",
            fix: "Keep it for break-glass roles only; give teams AmazonEKSEditPolicy/ViewPolicy scoped to their namespaces, or RBAC bindings.",
          },
          wide ? undefined : "info",
        ),
      );
    }
  }
}

function trustFindings(index: IamIndex, roles: readonly MappedRole[], out: AuditFinding[]): void {
  const byRole = new Map<string, { role: IamRole; clusters: Set<string> }>();
  for (const r of roles) {
    const role = findRole(index, r.arn);
    if (role === undefined) continue;
    const entry = byRole.get(role.arn) ?? { role, clusters: new Set<string>() };
    entry.clusters.add(r.cluster);
    byRole.set(role.arn, entry);
  }
  for (const { role, clusters } of byRole.values()) {
    const trust = role.trust;
    if (trust === undefined) continue;
    const on = [...clusters].sort().join(", ");
    for (const s of trust.policy.document.statements) {
      if (s.effect !== "Allow" || !statementCoversAction(s, "sts:AssumeRole")) continue;
      const p = s.principal;
      if (p === undefined) continue;
      const anyone = p.anyone || p.aws.includes("*");
      const where = statementName(role, s.index, s.sid);
      if (anyone) {
        const conditioned = s.conditions.length > 0;
        out.push(
          finding(
            "trustOpen",
            {
              subject: role.arn,
              summary: `${role.name} (mapped on ${on}) can be assumed by any AWS principal${conditioned ? ", subject to conditions" : ""}`,
              where,
              why: conditioned
                ? `Principal "*" leaves the gate to the conditions (${s.conditions.map((c) => `${c.operator} ${c.key}`).join("; ")}); a mistake there opens the cluster to every AWS account.`
                : 'Principal "*" without conditions lets anyone with AWS credentials, in any account, assume the role and reach the cluster.',
              fix: "Name the account (arn:aws:iam::ACCOUNT:root) or the principals in Principal, and limit callers with identity policies.",
            },
            conditioned ? "warning" : undefined,
          ),
        );
        continue;
      }
      if (p.aws.length === 0) continue;
      const hasSessionName = s.conditions.some((c) => c.key.toLowerCase() === "sts:rolesessionname");
      if (hasSessionName) continue;
      out.push(
        finding("trustNoSessionName", {
          subject: role.arn,
          summary: `${role.name} (mapped on ${on}) can be assumed with any session name`,
          where,
          why: `The statement trusts ${p.aws.join(", ")} without an sts:RoleSessionName condition, so a caller picks any session name; a mapping that puts {{SessionName}} in the Kubernetes user name then records whatever the caller chose.`,
          fix: 'Add "Condition": {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}} to the trust statement.',
        }),
      );
    }
  }
}

function existenceFindings(
  index: IamIndex,
  mapped: { roles: readonly MappedRole[]; users: readonly MappedRole[] },
  out: AuditFinding[],
): void {
  const check = (m: MappedRole, kind: "role" | "user"): void => {
    const p = parsePrincipalArn(m.arn);
    if (!p.ok || p.value.kind !== kind || !index.accounts.has(p.value.accountId)) return;
    if (kind === "role" && p.value.path !== "/" && m.where.includes("aws-auth")) return; // AUD121
    const exists = kind === "role" ? findRole(index, m.arn) !== undefined : index.user(m.arn) !== undefined;
    if (exists) return;
    out.push(
      finding("roleMissing", {
        cluster: m.cluster,
        subject: m.arn,
        summary: `${m.arn} is mapped but no such IAM ${kind} exists`,
        where: m.where,
        why: `The mapping grants nothing today, but whoever creates a ${kind} with this name later inherits its Kubernetes access.`,
        fix: `Remove the mapping, or recreate the ${kind} on purpose.`,
      }),
    );
  };
  for (const r of mapped.roles) check(r, "role");
  for (const u of mapped.users) check(u, "user");
}

function awsAuthFindings(cluster: ClusterAccess, out: AuditFinding[]): void {
  if (cluster.awsAuth === undefined) return;
  const file = cluster.awsAuth.file;
  const m = cluster.awsAuth.mappings;
  const ignored =
    cluster.authenticationMode === "API" ? " (the cluster is in API mode: aws-auth is not read)" : "";
  for (const r of m.roles) {
    const arn = r.rolearn;
    const p = arn === "" ? undefined : parsePrincipalArn(arn);
    if (p === undefined || !p.ok || p.value.kind !== "role" || p.value.path === "/") continue;
    out.push(
      finding("rolePath", {
        cluster: cluster.name,
        subject: arn,
        summary: `${r.path} names ${arn} with the path ${p.value.path}${ignored}`,
        where: `${file} ${r.path}`,
        why: "The authenticator compares the caller's ARN with its path removed, so an entry with a path never matches.",
        fix: `Write the ARN without the path: arn:${p.value.partition}:iam::${p.value.accountId}:role/${p.value.name}`,
      }),
    );
  }
  for (const s of m.shadowed) {
    out.push(
      finding("shadowed", {
        cluster: cluster.name,
        subject: s.shadowed.key,
        summary: `${s.shadowed.path} is shadowed by ${s.by.path} (same ARN; the last one wins)${ignored}`,
        where: `${file} ${s.shadowed.path}`,
        why: `The groups of ${s.shadowed.path} (${s.shadowed.groups.join(", ") || "none"}) are ignored; ${s.by.path} gives ${s.by.groups.join(", ") || "none"}. Reordering the file silently changes access.`,
        fix: "Merge the two entries into one.",
      }),
    );
  }
  for (const a of m.accounts) {
    out.push(
      finding("mapAccounts", {
        cluster: cluster.name,
        subject: a.accountId,
        summary: `mapAccounts lets every IAM user and role of account ${a.accountId} authenticate${ignored}`,
        where: `${file} ${a.path}`,
        why: "Every principal of the account gets a Kubernetes identity named after its ARN plus system:authenticated, and with it whatever is bound to system:authenticated.",
        fix: "Remove mapAccounts and map the roles that need access one by one.",
      }),
    );
  }
}

function escalationFindings(cluster: ClusterAccess, out: AuditFinding[]): void {
  // One finding per binding: what it lets its subjects bind, escalate or impersonate.
  const byBinding = new Map<string, { caps: EscalationCapability[]; grants: string[] }>();
  for (const c of escalationCapabilities(cluster.rbac)) {
    const b = c.binding;
    const key = `${b.kind} ${b.namespace === "" ? "" : `${b.namespace}/`}${b.name}`;
    const entry = byBinding.get(key) ?? { caps: [], grants: [] };
    const names = c.target.names.length > 0 ? ` (${c.target.names.join(", ")})` : "";
    const grant = `${c.verb} ${c.target.resource}${names}`;
    if (!entry.grants.includes(grant)) entry.grants.push(grant);
    entry.caps.push(c);
    byBinding.set(key, entry);
  }
  for (const [bindingName, { caps, grants }] of byBinding) {
    const first = caps[0];
    if (first === undefined) continue;
    const b = first.binding;
    const holders = first.holders.map(
      (h) => `${h.kind} ${h.namespace !== undefined ? `${h.namespace}/` : ""}${h.name}`,
    );
    const verbs = new Set(caps.map((c) => c.verb));
    const system = first.holders.every((h) => h.name.startsWith("system:") || h.name.startsWith("eks:"));
    const scope = first.namespace === "" ? "cluster-wide" : `in namespace ${first.namespace}`;
    const why: string[] = [];
    if (verbs.has("impersonate"))
      why.push(
        "impersonate lets the holder act as another user, group or service account, and so hold what they hold",
      );
    if (verbs.has("bind")) why.push("bind lets the holder create bindings to roles it does not hold itself");
    if (verbs.has("escalate"))
      why.push("escalate lets the holder write roles with rights it does not hold itself");
    out.push(
      finding(
        "escalation",
        {
          cluster: cluster.name,
          subject: bindingName,
          summary: `${bindingName} lets ${holders.join(", ") || "nobody"} ${[...verbs].join("/")} ${scope} (through ${b.roleRef.kind} ${b.roleRef.name})`,
          where: `${bindingName} -> ${b.roleRef.kind} ${b.roleRef.name}: ${grants.join("; ")}`,
          why: `${why.join("; ")}.`,
          fix: system
            ? "A built-in component holds it; leave it unless the binding was changed by hand."
            : "Limit the rule with resourceNames, or keep it for a break-glass role only.",
        },
        system ? "info" : undefined,
      ),
    );
  }
}

/**
 * Access entries that no longer authenticate their role: EKS stores the role's unique id
 * when the entry is created, so a role deleted and created again (an Identity Center
 * re-assignment or re-provisioning does that) leaves the entry bound to the old one. Seen by
 * the entry's `createdAt` before the role's `CreateDate`, by the RoleId eksgate recorded in
 * the entry's tags, or (Identity Center) by the permission set's role existing only under a
 * new suffix.
 */
function recreatedRoleFindings(snapshot: AccessSnapshot, cluster: ClusterAccess, out: AuditFinding[]): void {
  if (cluster.authenticationMode === "CONFIG_MAP") return;
  const created = roleCreateDates(snapshot);
  for (const entry of cluster.accessEntries) {
    const arn = entry.principalArn;
    const role = findRole(snapshot.iamIndex, arn);
    const base = { cluster: cluster.name, subject: arn, where: entry.source };
    const reserved = reservedRoleNote(role);
    if (role === undefined) {
      const successor = renamedReservedRole(snapshot.iamIndex, arn);
      if (successor === undefined) continue;
      out.push(
        finding("recreatedRole", {
          ...base,
          summary: `access entry names ${arn.slice(arn.lastIndexOf("/") + 1)}, but the permission set's role is now ${successor.name}`,
          why: "Identity Center made the permission set's role again under a new suffix (the permission set was re-created): the entry names a role that is gone, and nobody signing in with the permission set is mapped.",
          fix: `Create an access entry for ${successor.arn} (the full ARN, with its path) with the same groups and access policies, and delete the old one; \`eksgate plan\` does this for its teams.`,
        }),
      );
      continue;
    }
    const recorded = entry.tags?.[ROLE_ID_TAG_KEY];
    const roleAt = created.get(role.arn.toLowerCase());
    const entryMs = entry.createdAt === undefined ? undefined : isoTimestampMillis(entry.createdAt);
    const roleMs = roleAt === undefined ? undefined : isoTimestampMillis(roleAt);
    let summary: string | undefined;
    if (recorded !== undefined && role.id !== undefined && recorded !== role.id)
      summary = `access entry for ${role.name} was made for role id ${recorded}; the role's id is now ${role.id}`;
    else if (entryMs !== undefined && roleMs !== undefined && entryMs < roleMs)
      summary = `access entry for ${role.name} was created ${entry.createdAt ?? ""}, before the role itself (${roleAt ?? ""})`;
    if (summary === undefined) continue;
    out.push(
      finding("recreatedRole", {
        ...base,
        summary,
        why: `EKS ties an access entry to the role's unique ID when the entry is created. The role was deleted and recreated since${reserved}, so the entry no longer matches it and its Kubernetes access is gone.`,
        fix: `Delete and recreate the access entry (aws eks delete-access-entry / create-access-entry --principal-arn ${arn}), with its access policies.`,
      }),
    );
  }
}

function reservedRoleNote(role: IamRole | undefined): string {
  if (role === undefined) return "";
  const ps = reservedRolePermissionSet(role.name, iamPathOf(role.arn));
  return ps === undefined
    ? ""
    : ` (it is Identity Center's role for permission set ${ps}: removing the last account assignment deletes it, assigning again creates a new one)`;
}

/** For a reserved-role ARN that no longer exists: the role of the same permission set now there. */
function renamedReservedRole(index: IamIndex, arn: string): IamRole | undefined {
  const p = parsePrincipalArn(arn);
  if (!p.ok || p.value.kind !== "role") return undefined;
  const { accountId, name, path } = p.value;
  const ps =
    reservedRolePermissionSet(name, path) ?? reservedRolePermissionSet(name, RESERVED_ROLE_PATH_PREFIX);
  if (ps === undefined) return undefined;
  return index.roles.find((r) => {
    if (r.account !== accountId || r.name === name) return false;
    return reservedRolePermissionSet(r.name, iamPathOf(r.arn)) === ps;
  });
}

function lintFindings(cluster: ClusterAccess, files: readonly SnapshotFile[], out: AuditFinding[]): void {
  if (cluster.awsAuth === undefined) return;
  const path = cluster.awsAuth.file;
  const file = files.find((f) => f.path === path);
  if (file === undefined) return;
  for (const d of lintAwsAuth(file.text, path).diagnostics) {
    if (LINT_CODES_COVERED.has(d.code)) continue;
    const line = d.source !== undefined ? `:${d.source.line}` : "";
    out.push({
      code: d.code,
      severity: d.severity,
      cluster: cluster.name,
      subject: d.path ?? path,
      summary: d.summary,
      where: `${path}${line}${d.path !== undefined ? ` ${d.path}` : ""}`,
      why: "aws-auth lint (eksgate lint aws-auth)",
      fix: d.detail ?? "See docs/diagnostics.md.",
    });
  }
}

/** Every finding of a snapshot, sorted errors first. */
export function auditSnapshot(input: AuditInput): AuditReport {
  const { snapshot } = input;
  const clusters = snapshot.clusters.filter(
    (c) => input.clusters === undefined || input.clusters.includes(c.name),
  );
  const out: AuditFinding[] = [];
  const allRoles: MappedRole[] = [];
  for (const cluster of clusters) {
    const mapped = mappedPrincipals(cluster);
    allRoles.push(...mapped.roles);
    masterFindings(cluster, out);
    existenceFindings(snapshot.iamIndex, mapped, out);
    awsAuthFindings(cluster, out);
    escalationFindings(cluster, out);
    recreatedRoleFindings(snapshot, cluster, out);
    if (input.files !== undefined) {
      lintFindings(cluster, input.files, out);
    }
  }
  trustFindings(snapshot.iamIndex, allRoles, out);
  const findings = out.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.code.localeCompare(b.code) ||
      (a.cluster ?? "").localeCompare(b.cluster ?? "") ||
      a.subject.localeCompare(b.subject) ||
      a.where.localeCompare(b.where),
  );
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return { clusters: clusters.map((c) => c.name), findings, counts };
}
