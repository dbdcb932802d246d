/**
 * Stage 3 of config validation: rules that need the whole file. Reads the raw config
 * (for exact field paths) and the normalized one (for derived names).
 */
import {
  isMultiAccount,
  type AccessConfig,
  type BuiltInClusterRole,
  type PolicyRule,
  type Team,
} from "../model/access-config.js";
import { formatPath, type Diagnostic, type DiagnosticCode, type SourcePosition } from "../diagnostics.js";
import type { RawAccessConfig, RawPolicyRule, RawTeam } from "./schema.js";
import { findAccount } from "./accounts.js";
import type { PathSegment } from "./source.js";
import {
  ACCOUNT_ALIAS,
  ACCOUNT_ID,
  PERMISSION_SET_NAME,
  AWS_REGION,
  DNS1123_LABEL,
  DNS1123_LABEL_MAX,
  EKS_CLUSTER_NAME,
  IAM_GROUP_NAME_MAX,
  IAM_NAME,
  IAM_ROLE_NAME_MAX,
  RBAC_OBJECT_NAME,
  RBAC_OBJECT_NAME_MAX,
  didYouMean,
  reservedPrefix,
} from "./names.js";
import { isIamGroupArn, accountIdOf, readIamRoleArn } from "../model/arn.js";

export type Locator = (path: readonly PathSegment[], key?: boolean) => SourcePosition | undefined;

export const BUILT_IN_CLUSTER_ROLES: readonly BuiltInClusterRole[] = [
  "view",
  "edit",
  "admin",
  "cluster-admin",
];

/** Verbs that let a subject grow its own power (RBAC escalation paths). */
const ESCALATION_VERBS = new Set(["*", "bind", "escalate", "impersonate"]);

/**
 * A custom role is as powerful as cluster-admin when one rule allows every verb on
 * every resource, or grants a verb that leads there (bind, escalate, impersonate).
 */
export function isClusterAdminLike(
  rules: readonly Pick<PolicyRule | RawPolicyRule, "verbs" | "resources">[],
): boolean {
  return rules.some((rule) => {
    const allVerbs = rule.verbs.includes("*");
    const allResources = (rule.resources ?? []).includes("*");
    const escalates = rule.verbs.some((v) => ESCALATION_VERBS.has(v) && v !== "*");
    return (allVerbs && allResources) || escalates;
  });
}

export function checkRules(raw: RawAccessConfig, config: AccessConfig, locate: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (
    code: DiagnosticCode,
    path: readonly PathSegment[],
    summary: string,
    detail: string,
    severity: Diagnostic["severity"] = "error",
  ): void => {
    const source = locate(path);
    out.push({ code, severity, summary, detail, path: formatPath(path), ...(source ? { source } : {}) });
  };

  checkAccounts(raw, config, report);
  if (raw.accountId !== undefined && !ACCOUNT_ID.test(String(raw.accountId))) {
    report(
      "EG129",
      ["accountId"],
      `account id "${config.accountId}" is not 12 digits`,
      typeof raw.accountId === "number"
        ? 'YAML read it as a number and dropped leading zeros: quote it, e.g. accountId: "012345678901".'
        : 'Use the 12-digit AWS account id, e.g. accountId: "123456789012".',
    );
  }

  // Clusters.
  const clusterNames = raw.clusters.map((c) => c.name);
  raw.clusters.forEach((cluster, i) => {
    if (!EKS_CLUSTER_NAME.test(cluster.name)) {
      report(
        "EG131",
        ["clusters", i, "name"],
        `"${cluster.name}" is not a valid EKS cluster name`,
        "EKS cluster names are 1-100 characters: letters, digits, '-', '_' and '.', starting with a letter or digit.",
      );
    }
    if (!AWS_REGION.test(cluster.region)) {
      report(
        "EG128",
        ["clusters", i, "region"],
        `"${cluster.region}" is not an AWS region name`,
        "Use a region code such as us-east-2 or eu-central-1.",
      );
    }
    if (cluster.account !== undefined) {
      checkAccountRef(raw, config, cluster.account, ["clusters", i, "account"], report);
    }
    duplicateCheck(clusterNames, i, () => {
      report(
        "EG126",
        ["clusters", i, "name"],
        `cluster "${cluster.name}" is listed more than once`,
        "Keep one entry per cluster.",
      );
    });
  });
  if (raw.clusters.length === 0) {
    report(
      "EG135",
      ["clusters"],
      "no clusters are listed",
      "Add the EKS clusters eksgate should manage.",
      "warning",
    );
  }

  // Custom roles.
  const customNames = (raw.customRoles ?? []).map((r) => r.name);
  (raw.customRoles ?? []).forEach((role, i) => {
    const path: PathSegment[] = ["customRoles", i];
    if (!RBAC_OBJECT_NAME.test(role.name) || role.name.length > RBAC_OBJECT_NAME_MAX) {
      report(
        "EG124",
        [...path, "name"],
        `"${role.name}" is not a valid ClusterRole name`,
        "Use letters, digits, '-', '.', ':' and '_' (at most 253 characters).",
      );
    }
    if ((BUILT_IN_CLUSTER_ROLES as readonly string[]).includes(role.name) || reservedPrefix(role.name)) {
      report(
        "EG134",
        [...path, "name"],
        `custom role name "${role.name}" is reserved`,
        "Built-in roles and names starting with system:, eks:, aws:, amazon: or iam: belong to the cluster; pick another name.",
      );
    }
    duplicateCheck(customNames, i, () => {
      report(
        "EG126",
        [...path, "name"],
        `custom role "${role.name}" is defined more than once`,
        "Keep one definition.",
      );
    });
    role.rules.forEach((rule, j) => {
      checkPolicyRule(rule, [...path, "rules", j], report);
    });
    if (role.rules.length === 0) {
      report(
        "EG132",
        [...path, "rules"],
        "custom role has no rules",
        "Add at least one rule, or remove the role.",
      );
    }
  });

  // Teams.
  const teamNames = raw.teams.map((t) => t.name);
  const roleNames = config.teams.map((t) => t.roleName);
  const knownRoles = [...BUILT_IN_CLUSTER_ROLES, ...customNames];
  raw.teams.forEach((team, i) => {
    const normalized = config.teams[i];
    if (!normalized) return;
    const path: PathSegment[] = ["teams", i];
    if (!DNS1123_LABEL.test(team.name) || team.name.length > 40) {
      report(
        "EG124",
        [...path, "name"],
        `team name "${team.name}" is not usable in IAM and Kubernetes names`,
        "Use 1-40 lowercase letters, digits and '-', starting and ending with a letter or digit.",
      );
    }
    duplicateCheck(teamNames, i, () => {
      report(
        "EG126",
        [...path, "name"],
        `team "${team.name}" is defined more than once`,
        "Merge the two entries.",
      );
    });
    checkMembers(team, normalized, path, config, report);
    if (!IAM_NAME.test(normalized.roleName) || normalized.roleName.length > IAM_ROLE_NAME_MAX) {
      report(
        "EG123",
        team.roleName !== undefined ? [...path, "roleName"] : [...path, "name"],
        `IAM role name "${normalized.roleName}" is invalid (at most ${IAM_ROLE_NAME_MAX} characters of letters, digits and +=,.@_-)`,
        team.roleName !== undefined
          ? "Pick a shorter or simpler roleName."
          : "Shorten the team name, or set roleName.",
      );
    }
    if (
      normalized.identityCenter === undefined &&
      roleNames.filter(
        (n, k) =>
          config.teams[k]?.identityCenter === undefined &&
          n.toLowerCase() === normalized.roleName.toLowerCase(),
      ).length > 1
    ) {
      report(
        "EG126",
        team.roleName !== undefined ? [...path, "roleName"] : [...path, "name"],
        `IAM role name "${normalized.roleName}" is used by more than one team`,
        "IAM role names are unique per account (case-insensitive): give each team its own roleName.",
      );
    }
    const prefix = reservedPrefix(normalized.kubernetesGroup);
    if (prefix !== undefined) {
      report(
        "EG125",
        [...path, "kubernetesGroup"],
        `Kubernetes group "${normalized.kubernetesGroup}" starts with the reserved prefix "${prefix}"`,
        prefix === "system:"
          ? "system: groups belong to Kubernetes; to grant system:masters say so with systemMasters: true (and allowClusterAdmin)."
          : `EKS rejects groups and usernames starting with ${prefix}; choose another group name.`,
      );
    }
    if (team.access.length === 0) {
      report(
        "EG135",
        [...path, "access"],
        `team "${team.name}" has no access`,
        "Add an access entry, or remove the team.",
        "warning",
      );
    }
    const seen = new Set<string>();
    team.access.forEach((access, j) => {
      const accessPath: PathSegment[] = [...path, "access", j];
      if (!clusterNames.includes(access.cluster)) {
        const suggestion = didYouMean(access.cluster, clusterNames);
        report(
          "EG120",
          [...accessPath, "cluster"],
          `unknown cluster "${access.cluster}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
          clusterNames.length > 0
            ? `Clusters defined in this file: ${clusterNames.join(", ")}.`
            : "Define the cluster under clusters: first.",
        );
      }
      const clusterMode = raw.clusters.find((c) => c.name === access.cluster)?.authentication ?? "auto";
      if ((access.clusterRole === undefined) === (access.accessPolicy === undefined)) {
        report(
          "EG138",
          accessPath,
          access.clusterRole === undefined
            ? "access names neither a clusterRole nor an accessPolicy"
            : "access names both a clusterRole and an accessPolicy",
          "Give exactly one: clusterRole (an RBAC binding) or accessPolicy (an EKS access policy, access-entries clusters only).",
        );
      }
      if (access.accessPolicy !== undefined && clusterMode === "aws-auth") {
        report(
          "EG139",
          [...accessPath, "accessPolicy"],
          `cluster "${access.cluster}" authenticates through aws-auth, which has no access policies`,
          "Use clusterRole for this cluster, or set its authentication to access-entries (or auto) once the cluster allows access entries.",
        );
      }
      if (access.clusterRole !== undefined && !knownRoles.includes(access.clusterRole)) {
        const suggestion = didYouMean(access.clusterRole, knownRoles);
        report(
          "EG121",
          [...accessPath, "clusterRole"],
          `unknown cluster role "${access.clusterRole}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
          `Use view, edit, admin, cluster-admin, or a role defined under customRoles (${customNames.length > 0 ? customNames.join(", ") : "none defined"}).`,
        );
      }
      const custom = raw.customRoles?.find((r) => r.name === access.clusterRole);
      const powerful =
        access.clusterRole === "cluster-admin" ||
        access.accessPolicy === "cluster-admin" ||
        (custom !== undefined && isClusterAdminLike(custom.rules));
      if (powerful && access.allowClusterAdmin !== true) {
        const field = access.accessPolicy !== undefined ? "accessPolicy" : "clusterRole";
        report(
          "EG122",
          [...accessPath, field],
          `"${access.clusterRole ?? access.accessPolicy ?? ""}" grants cluster-admin power and was not explicitly allowed`,
          "eksgate is least-privilege by default: add allowClusterAdmin: true to this access entry if that is intended, or use admin/edit/view.",
        );
      }
      (access.namespaces ?? []).forEach((ns, k) => {
        // Access policy scopes may end in a wildcard (dev-*); RoleBindings need real names.
        const name = access.accessPolicy !== undefined && ns.endsWith("*") ? `${ns.slice(0, -1)}x` : ns;
        if (!DNS1123_LABEL.test(name) || ns.length > DNS1123_LABEL_MAX) {
          report(
            "EG124",
            [...accessPath, "namespaces", k],
            `"${ns}" is not a valid namespace name`,
            "Namespace names are 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit.",
          );
        }
        duplicateCheck(access.namespaces ?? [], k, () => {
          report(
            "EG126",
            [...accessPath, "namespaces", k],
            `namespace "${ns}" is listed twice`,
            "Remove the repeat.",
            "warning",
          );
        });
      });
      if (access.clusterRole === "cluster-admin" && (access.namespaces ?? []).length > 0) {
        report(
          "EG137",
          [...accessPath, "namespaces"],
          "cluster-admin bound in namespaces grants full control of those namespaces, including their RBAC",
          "If that is what you want, prefer admin; to grant cluster-wide power, remove namespaces.",
          "warning",
        );
      }
      const key = `${access.cluster}\u0000${access.clusterRole ?? `policy:${access.accessPolicy ?? ""}`}\u0000${(access.namespaces ?? []).join(",")}`;
      if (seen.has(key)) {
        report("EG126", accessPath, "this access entry repeats an earlier one", "Remove the repeat.");
      }
      seen.add(key);
    });
    if (team.systemMasters === true && !team.access.some((a) => a.allowClusterAdmin === true)) {
      report(
        "EG122",
        [...path, "systemMasters"],
        "systemMasters maps the team to system:masters, which bypasses RBAC entirely, and was not explicitly allowed",
        "Prefer clusterRole: cluster-admin (auditable, revocable); if you really need system:masters, also set allowClusterAdmin: true on the team's access.",
      );
    }
  });
  return out;
}

type Report = (
  code: DiagnosticCode,
  path: readonly PathSegment[],
  summary: string,
  detail: string,
  severity?: Diagnostic["severity"],
) => void;

/** Names every account of the config, for hints. */
function accountNames(config: AccessConfig): string {
  return config.accounts.map((a) => (a.alias !== undefined ? `${a.alias} (${a.id})` : a.id)).join(", ");
}

/** An account reference (id or alias) that must name one of `accounts`. */
function checkAccountRef(
  raw: RawAccessConfig,
  config: AccessConfig,
  ref: string,
  path: readonly PathSegment[],
  report: Report,
): void {
  if (findAccount(config.accounts, ref) !== undefined) return;
  const known = config.accounts.flatMap((a) => (a.alias !== undefined ? [a.id, a.alias] : [a.id]));
  const suggestion = didYouMean(ref, known);
  report(
    "EG150",
    path,
    `unknown account "${ref}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
    raw.accounts === undefined
      ? "List the account under accounts: (id, alias, and a profile or roleArn to reach it) first."
      : `Accounts defined in this file: ${accountNames(config)}.`,
  );
}

/** accounts:, accountId and identityAccount together. */
function checkAccounts(raw: RawAccessConfig, config: AccessConfig, report: Report): void {
  if (raw.accountId === undefined && (raw.accounts ?? []).length === 0) {
    report(
      "EG112",
      ["accountId"],
      "no account is given",
      'Add accountId: "123456789012" for a single account, or list the accounts under accounts:.',
    );
  }
  const ids = (raw.accounts ?? []).map((a) => a.id);
  const aliases = (raw.accounts ?? []).map((a) => a.alias ?? "");
  (raw.accounts ?? []).forEach((account, i) => {
    const path: PathSegment[] = ["accounts", i];
    if (!ACCOUNT_ID.test(account.id)) {
      report(
        "EG129",
        [...path, "id"],
        `account id "${account.id}" is not 12 digits`,
        'Use the 12-digit AWS account id, quoted, e.g. id: "123456789012".',
      );
    }
    duplicateCheck(ids, i, () => {
      report(
        "EG126",
        [...path, "id"],
        `account ${account.id} is listed more than once`,
        "Keep one entry per account.",
      );
    });
    if (account.alias !== undefined) {
      if (!ACCOUNT_ALIAS.test(account.alias) || ACCOUNT_ID.test(account.alias)) {
        report(
          "EG151",
          [...path, "alias"],
          `"${account.alias}" is not usable as an account alias`,
          "Use 1-63 lowercase letters, digits and '-' (not 12 digits, which would read as an account id).",
        );
      }
      duplicateCheck(aliases, i, () => {
        report(
          "EG126",
          [...path, "alias"],
          `alias "${account.alias ?? ""}" names more than one account`,
          "Give each account its own alias.",
        );
      });
    }
    if (account.profile !== undefined && account.roleArn !== undefined) {
      report(
        "EG151",
        path,
        "account gives both a profile and a roleArn",
        "Give one way to reach the account: profile (its own credentials) or roleArn (assumed from the identity eksgate runs as).",
      );
    }
    if (account.roleArn !== undefined) {
      const roleAccount = readIamRoleArn(account.roleArn)?.accountId;
      if (roleAccount === undefined) {
        report(
          "EG151",
          [...path, "roleArn"],
          `"${account.roleArn}" is not an IAM role ARN`,
          "Write the role to assume in this account as arn:aws:iam::ACCOUNT:role/NAME, e.g. its OrganizationAccountAccessRole.",
        );
      } else if (roleAccount !== account.id) {
        report(
          "EG151",
          [...path, "roleArn"],
          `roleArn is in account ${roleAccount}, not ${account.id}`,
          "The role assumed to reach an account must be in that account.",
        );
      }
    }
  });
  if (raw.accountId !== undefined && raw.accounts !== undefined && raw.identityAccount !== undefined) {
    report(
      "EG151",
      ["identityAccount"],
      "both accountId and identityAccount name the identity account",
      "Keep identityAccount and remove accountId (or the other way round).",
    );
  }
  if (raw.identityAccount !== undefined) {
    checkAccountRef(raw, config, raw.identityAccount, ["identityAccount"], report);
  }
  if (raw.identityCenter?.account !== undefined) {
    checkAccountRef(raw, config, raw.identityCenter.account, ["identityCenter", "account"], report);
  }
  if (raw.identityCenter?.region !== undefined && !AWS_REGION.test(raw.identityCenter.region)) {
    report(
      "EG128",
      ["identityCenter", "region"],
      `"${raw.identityCenter.region}" is not an AWS region name`,
      "Use the region of your Identity Center instance, e.g. us-east-1.",
    );
  }
  const iamGroupTeams = raw.teams.some((t) => t.iamGroup !== undefined);
  if (
    raw.accountId === undefined &&
    raw.identityAccount === undefined &&
    (raw.accounts ?? []).length > 1 &&
    iamGroupTeams
  ) {
    report(
      "EG152",
      ["identityAccount"],
      "several accounts and no identityAccount: eksgate cannot tell where the IAM groups are",
      `Add identityAccount: naming the account that holds the IAM groups (one of ${accountNames(config)}).`,
    );
  }
}

/** A team's members: exactly one of iamGroup and identityCenter, each well formed. */
function checkMembers(
  team: RawTeam,
  normalized: Team,
  path: readonly PathSegment[],
  config: AccessConfig,
  report: Report,
): void {
  if ((team.iamGroup === undefined) === (team.identityCenter === undefined)) {
    report(
      "EG153",
      path,
      team.iamGroup === undefined
        ? `team "${team.name}" names no members (neither iamGroup nor identityCenter)`
        : `team "${team.name}" names both an iamGroup and an identityCenter group`,
      "Give exactly one source of members: iamGroup (IAM users in an IAM group) or identityCenter: {group, permissionSet} (IAM Identity Center users).",
    );
  }
  if (team.iamGroup !== undefined) {
    const groupName = normalized.iamGroup;
    if (!IAM_NAME.test(groupName) || groupName.length > IAM_GROUP_NAME_MAX) {
      report(
        "EG123",
        [...path, "iamGroup"],
        `"${team.iamGroup}" is not a valid IAM group name or ARN`,
        "IAM group names are 1-128 characters of letters, digits and +=,.@_-; an ARN looks like arn:aws:iam::123456789012:group/NAME.",
      );
    }
    const groupArnAccount = isIamGroupArn(team.iamGroup) ? accountIdOf(team.iamGroup) : undefined;
    if (groupArnAccount !== undefined && groupArnAccount !== config.accountId) {
      report(
        "EG136",
        [...path, "iamGroup"],
        `IAM group is in account ${groupArnAccount}, not ${config.accountId}`,
        isMultiAccount(config)
          ? "IAM groups must be in the identity account: use a group of identityAccount, or change identityAccount."
          : "eksgate manages one account per file: use a group of accountId, or list both accounts under accounts:.",
      );
    }
  }
  const ic = team.identityCenter;
  if (ic === undefined) return;
  const icPath = [...path, "identityCenter"];
  if ((ic.group === undefined) === (ic.groupId === undefined)) {
    report(
      "EG154",
      icPath,
      ic.group === undefined
        ? "identityCenter names no group (neither group nor groupId)"
        : "identityCenter names both a group and a groupId",
      "Give the Identity Center group by its display name (group) or by its id (groupId), not both.",
    );
  }
  if (!PERMISSION_SET_NAME.test(ic.permissionSet)) {
    report(
      "EG155",
      [...icPath, "permissionSet"],
      `"${ic.permissionSet}" is not a valid permission set name`,
      "Permission set names are 1-32 characters of letters, digits and +=,.@_-.",
    );
  }
  if (ic.sessionDuration !== undefined && sessionDurationSeconds(ic.sessionDuration) === undefined) {
    report(
      "EG155",
      [...icPath, "sessionDuration"],
      `"${ic.sessionDuration}" is not a session duration Identity Center accepts`,
      "Write an ISO 8601 duration from PT1H to PT12H, e.g. PT4H or PT1H30M.",
    );
  }
  if (ic.manage === false && ic.sessionDuration !== undefined) {
    report(
      "EG155",
      [...icPath, "sessionDuration"],
      "sessionDuration is set on a permission set eksgate does not manage (manage: false)",
      "Set the session duration in Identity Center itself, or remove manage: false so eksgate manages it.",
      "warning",
    );
  }
  if (team.sessionName === "caller") {
    report(
      "EG156",
      [...path, "sessionName"],
      "sessionName: caller cannot apply to an Identity Center team",
      "It forces sts:RoleSessionName = ${aws:username}, and Identity Center sessions have no aws:username (it exists only for IAM users). Identity Center names each session after the person's user name already: remove sessionName.",
    );
  }
  for (const field of ["requireMfa", "roleName"] as const) {
    if (team[field] !== undefined) {
      report(
        "EG156",
        [...path, field],
        `${field} does not apply to an Identity Center team`,
        field === "roleName"
          ? "Identity Center teams use the role Identity Center creates for the permission set (AWSReservedSSO_<permissionSet>_...): remove roleName."
          : "Require MFA in IAM Identity Center's authentication settings: remove requireMfa.",
      );
    }
  }
}

/** Seconds of an ISO 8601 duration Identity Center accepts as a session duration (1 to 12 hours). */
export function sessionDurationSeconds(text: string): number | undefined {
  const match = /^PT(?:(\d{1,2})H)?(?:(\d{1,3})M)?$/.exec(text);
  if (match === null || (match[1] === undefined && match[2] === undefined)) return undefined;
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60;
  return seconds >= 3600 && seconds <= 12 * 3600 ? seconds : undefined;
}

function duplicateCheck(values: readonly string[], index: number, onDuplicate: () => void): void {
  const value = values[index];
  if (value !== undefined && values.indexOf(value) !== index) onDuplicate();
}

function checkPolicyRule(
  rule: RawPolicyRule,
  path: readonly PathSegment[],
  report: (code: DiagnosticCode, path: readonly PathSegment[], summary: string, detail: string) => void,
): void {
  if (rule.verbs.length === 0) {
    report(
      "EG132",
      [...path, "verbs"],
      "rule has no verbs",
      'List the verbs it allows, e.g. ["get", "list", "watch"].',
    );
  }
  const hasResources = (rule.resources ?? []).length > 0;
  const hasUrls = (rule.nonResourceURLs ?? []).length > 0;
  if (hasResources && hasUrls) {
    report(
      "EG132",
      path,
      "rule mixes resources and nonResourceURLs",
      "Kubernetes rejects such a rule: split it into one rule for resources and one for nonResourceURLs.",
    );
  }
  if (!hasResources && !hasUrls) {
    report(
      "EG132",
      path,
      "rule names no resources and no nonResourceURLs",
      "Add resources (with apiGroups) or nonResourceURLs.",
    );
  }
  if (hasResources && rule.apiGroups === undefined) {
    report(
      "EG132",
      [...path, "apiGroups"],
      "rule with resources needs apiGroups",
      'Add apiGroups: [""] for the core group, or the group of the resources.',
    );
  }
  if (hasUrls && !hasResources && (rule.apiGroups !== undefined || rule.resourceNames !== undefined)) {
    report(
      "EG132",
      path,
      "a nonResourceURLs rule takes no apiGroups or resourceNames",
      "Remove apiGroups and resourceNames from this rule.",
    );
  }
}
