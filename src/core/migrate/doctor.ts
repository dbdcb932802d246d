/**
 * `eksgate doctor`: what is quietly wrong with a cluster's mappings, each with a fix.
 *
 * - EG430 an access entry created before its role: EKS bound it to the role's unique id,
 *   so a role deleted and recreated under the same ARN no longer authenticates.
 * - EG431 an aws-auth entry for a principal that has an access entry: in
 *   API_AND_CONFIG_MAP the access entry wins, so the aws-auth entry does nothing.
 * - EG432 an entry (access entry or aws-auth) for a principal that does not exist.
 * - EG433 the aws-auth entry and the access entry of one principal map it differently
 *   (what people read in aws-auth is not what they get).
 * - EG434 values the server fills in (the default username, node groups): a tool that
 *   compares what it sent with what it reads back must normalise them or it flaps.
 */
import { isoTimestampMillis } from "../evaluate/audit/index.js";
import { accessEntryFor } from "../evaluate/mapping/index.js";
import type { Severity } from "../diagnostics.js";
import type { AccessEntryRecord, ClusterAccess } from "../snapshot/model.js";
import { DOCTOR_CODES } from "./codes.js";
import { shapeEntry } from "./convert.js";
import { findPrincipal, splitIamArn, type PrincipalDirectory } from "./principals.js";

export interface DoctorFinding {
  readonly code: (typeof DOCTOR_CODES)[keyof typeof DOCTOR_CODES];
  readonly severity: Severity;
  readonly cluster: string;
  /** e.g. `access entry arn:...` or `aws-auth mapRoles[2]`. */
  readonly subject: string;
  readonly summary: string;
  /** The command or change that fixes it. */
  readonly fix: string;
}

/** The username EKS gives an entry that has none (set-custom-username). */
export function defaultEntryUsername(principalArn: string): string | undefined {
  const p = splitIamArn(principalArn);
  if (p === undefined) return undefined;
  return p.kind === "role"
    ? `arn:${p.partition}:sts::${p.account}:assumed-role/${p.name}/{{SessionName}}`
    : principalArn;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function entryChecks(
  cluster: ClusterAccess,
  entry: AccessEntryRecord,
  directory: PrincipalDirectory,
  out: DoctorFinding[],
): void {
  const subject = `access entry ${entry.principalArn}`;
  const p = splitIamArn(entry.principalArn);
  if (p === undefined) return;
  const found = findPrincipal(directory, p.kind, p.account, p.name);
  const deleteCmd = `aws eks delete-access-entry --cluster-name ${cluster.name} --principal-arn ${entry.principalArn}`;
  if (found === undefined) {
    if (directory.completeAccounts.includes(p.account)) {
      out.push({
        code: DOCTOR_CODES.missingPrincipal,
        severity: "warning",
        cluster: cluster.name,
        subject,
        summary: `${entry.principalArn} does not exist in IAM: the entry authenticates nobody, and a principal created later under that ARN would not get it either`,
        fix: deleteCmd,
      });
    }
  } else {
    const roleCreated = found.createDate === undefined ? undefined : isoTimestampMillis(found.createDate);
    const entryCreated = entry.createdAt === undefined ? undefined : isoTimestampMillis(entry.createdAt);
    if (roleCreated !== undefined && entryCreated !== undefined && roleCreated > entryCreated) {
      out.push({
        code: DOCTOR_CODES.staleEntry,
        severity: "error",
        cluster: cluster.name,
        subject,
        summary: `${found.kind} ${found.name} was created (${found.createDate ?? ""}) after its access entry (${entry.createdAt ?? ""}): EKS bound the entry to the ${found.kind} that was deleted, so it authenticates nobody`,
        fix: `${deleteCmd}, then create it again (eksgate apply does this for its own entries)`,
      });
    }
  }
  const fallback = defaultEntryUsername(entry.principalArn);
  if (entry.type === "STANDARD" && entry.username !== undefined && entry.username === fallback) {
    out.push({
      code: DOCTOR_CODES.serverDefault,
      severity: "info",
      cluster: cluster.name,
      subject,
      summary: `the username is the one EKS generates (${entry.username}): a tool that sends none and compares with what it reads back sees a change every time`,
      fix: "Compare after filling in the server's default username; leave it unset in what you declare.",
    });
  }
  if (entry.type !== "STANDARD" && entry.kubernetesGroups.length > 0) {
    out.push({
      code: DOCTOR_CODES.serverDefault,
      severity: "info",
      cluster: cluster.name,
      subject,
      summary: `a ${entry.type} entry reads back with groups [${entry.kubernetesGroups.join(", ")}] that EKS filled in: a tool that declares none must not try to remove them`,
      fix: "Declare node entries by type only and compare without their groups and username.",
    });
  }
}

/** The findings for one cluster (pure; in a stable order). */
export function doctorCluster(cluster: ClusterAccess, directory: PrincipalDirectory): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const entries = cluster.authenticationMode === "CONFIG_MAP" ? [] : cluster.accessEntries;
  for (const entry of [...entries].sort((a, b) => (a.principalArn < b.principalArn ? -1 : 1))) {
    entryChecks(cluster, entry, directory, out);
  }
  const mappings = cluster.authenticationMode === "API" ? undefined : cluster.awsAuth?.mappings;
  for (const m of [...(mappings?.effectiveRoles ?? []), ...(mappings?.effectiveUsers ?? [])]) {
    if (m.kind === "role" && m.sso !== undefined) continue;
    const written = m.kind === "role" ? m.rolearn : m.userarn;
    const p = splitIamArn(written);
    if (p === undefined) continue;
    const subject = `aws-auth ${m.path} (${written})`;
    const found = findPrincipal(directory, p.kind, p.account, p.name);
    if (found === undefined && directory.completeAccounts.includes(p.account)) {
      out.push({
        code: DOCTOR_CODES.missingPrincipal,
        severity: "warning",
        cluster: cluster.name,
        subject,
        summary: `${written} does not exist in IAM: the entry maps nobody today, and would map whoever creates that ${p.kind} later`,
        fix: `Remove ${m.path} from aws-auth (kubectl edit configmap aws-auth -n kube-system).`,
      });
    }
    const entry = accessEntryFor(entries, { kind: p.kind, account: p.account, name: p.name });
    if (entry === undefined) continue;
    const shaped = shapeEntry(m.username, m.groups, p.partition).entry;
    const username = entry.username ?? defaultEntryUsername(entry.principalArn);
    const wantUsername = shaped.username ?? defaultEntryUsername(entry.principalArn);
    const agrees =
      entry.type === shaped.type &&
      (entry.type !== "STANDARD" ||
        (sameSet(entry.kubernetesGroups, shaped.kubernetesGroups) && username === wantUsername));
    if (!agrees) {
      out.push({
        code: DOCTOR_CODES.mappingsDisagree,
        severity: "warning",
        cluster: cluster.name,
        subject,
        summary: `aws-auth says ${m.username} [${m.groups.join(", ")}], the access entry (which wins) says ${entry.type} ${username ?? ""} [${entry.kubernetesGroups.join(", ")}]`,
        fix: `Decide which is right: update the access entry (aws eks update-access-entry --cluster-name ${cluster.name} --principal-arn ${entry.principalArn} ...) or remove ${m.path} from aws-auth.`,
      });
    } else {
      out.push({
        code: DOCTOR_CODES.shadowedByEntry,
        severity: "info",
        cluster: cluster.name,
        subject,
        summary: `${entry.principalArn} has an access entry that maps it the same way and takes precedence: this aws-auth entry is unused`,
        fix: `Remove ${m.path} from aws-auth (eksgate migrate does it after verifying the entry).`,
      });
    }
  }
  return out;
}
