/**
 * How a team's IAM role becomes a Kubernetes identity on a cluster, in both forms EKS
 * knows: an aws-auth `mapRoles` entry, or an EKS access entry. Both map the role to the
 * team's username template and group; RBAC bindings on that group do the rest.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { AccessPolicyChoice, Team } from "./access-config.js";
import { partitionOf, readIamArn, type Arn } from "./arn.js";

/** One `mapRoles` entry as eksgate writes it (aws-auth-spec: rolearn, username, groups). */
export interface AwsAuthRoleMapping {
  readonly rolearn: string;
  readonly username: string;
  readonly groups: readonly string[];
}

export const SYSTEM_MASTERS_GROUP = "system:masters";

/**
 * The aws-auth entry for a team: its role, its username template, its group, plus
 * `system:masters` only when the team explicitly asked for it. `system:masters` bypasses
 * RBAC altogether (rbac-semantics R11), so it is never added by default.
 */
export function teamAwsAuthMapping(team: Team): AwsAuthRoleMapping {
  return {
    rolearn: team.roleArn,
    username: team.kubernetesUsername,
    groups: team.systemMasters ? [team.kubernetesGroup, SYSTEM_MASTERS_GROUP] : [team.kubernetesGroup],
  };
}

export type AccessEntryType =
  "STANDARD" | "EC2_LINUX" | "EC2_WINDOWS" | "FARGATE_LINUX" | "HYBRID_LINUX" | "EC2";

const ACCESS_ENTRY_TYPES: readonly AccessEntryType[] = [
  "STANDARD",
  "EC2_LINUX",
  "EC2_WINDOWS",
  "FARGATE_LINUX",
  "HYBRID_LINUX",
  "EC2",
];

export type AccessScope =
  { readonly type: "cluster" } | { readonly type: "namespace"; readonly namespaces: readonly string[] };

export interface AccessPolicyAssociation {
  readonly policyArn: string;
  readonly accessScope: AccessScope;
}

/** What CreateAccessEntry (plus AssociateAccessPolicy) receives for one principal. */
export interface AccessEntrySpec {
  readonly principalArn: string;
  readonly type: AccessEntryType;
  readonly kubernetesGroups: readonly string[];
  readonly username: string;
  /** Access policies to associate; eksgate uses one only to express `system:masters`. */
  readonly accessPolicies: readonly AccessPolicyAssociation[];
}

export type AccessPolicyName =
  | "AmazonEKSClusterAdminPolicy"
  | "AmazonEKSAdminPolicy"
  | "AmazonEKSEditPolicy"
  | "AmazonEKSViewPolicy"
  | "AmazonEKSAdminViewPolicy";

/** `arn:<partition>:eks::aws:cluster-access-policy/<name>` */
export function accessPolicyArn(partition: string, name: AccessPolicyName): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/**
 * The access entry for a team. Access entries reject `system:` groups, so a team with
 * `systemMasters` gets the cluster-scoped AmazonEKSClusterAdminPolicy instead (what eksctl's
 * migration does too); its own group stays in `kubernetesGroups` so its RBAC bindings
 * still apply.
 */
const ACCESS_POLICY_OF: Readonly<Record<AccessPolicyChoice, AccessPolicyName>> = {
  view: "AmazonEKSViewPolicy",
  edit: "AmazonEKSEditPolicy",
  admin: "AmazonEKSAdminPolicy",
  "admin-view": "AmazonEKSAdminViewPolicy",
  "cluster-admin": "AmazonEKSClusterAdminPolicy",
};

/**
 * The team's access entry on one cluster. Access policies come from the team's accesses
 * on that cluster that name an `accessPolicy` (cluster scope, or the union of their
 * namespaces), and from `systemMasters` (cluster-admin, cluster scope): access entries
 * refuse `system:` groups, so that is how system:masters is expressed there.
 */
export function teamAccessEntry(team: Team, clusterName?: string): AccessEntrySpec {
  const partition = partitionOf(team.roleArn);
  const scopes = new Map<AccessPolicyName, Set<string> | "cluster">();
  const grant = (name: AccessPolicyName, namespaces: readonly string[]): void => {
    const current = scopes.get(name);
    if (current === "cluster" || namespaces.length === 0) {
      scopes.set(name, "cluster");
      return;
    }
    scopes.set(name, new Set([...(current ?? []), ...namespaces]));
  };
  if (team.systemMasters) grant("AmazonEKSClusterAdminPolicy", []);
  for (const access of team.access) {
    if (access.accessPolicy !== undefined && (clusterName === undefined || access.cluster === clusterName)) {
      grant(ACCESS_POLICY_OF[access.accessPolicy], access.namespaces);
    }
  }
  return {
    principalArn: team.roleArn,
    type: "STANDARD",
    kubernetesGroups: [team.kubernetesGroup],
    username: team.kubernetesUsername,
    accessPolicies: [...scopes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, scope]) => ({
        policyArn: accessPolicyArn(partition, name),
        accessScope:
          scope === "cluster" ? { type: "cluster" } : { type: "namespace", namespaces: [...scope].sort() },
      })),
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

export const ACCESS_ENTRY_DIAGNOSTIC_CODES = {
  principal: "MAP001",
  type: "MAP002",
  usernameReserved: "MAP003",
  usernameSessionColon: "MAP004",
  groupReserved: "MAP005",
  groupEmpty: "MAP006",
  standardOnly: "MAP007",
  policyArn: "MAP008",
  scope: "MAP009",
  templateUnknown: "MAP010",
  awsAuthRolePath: "MAP011",
  awsAuthRoleArn: "MAP012",
  awsAuthUsername: "MAP013",
} as const;

/** Username prefixes EKS refuses in access entries. */
export const RESERVED_USERNAME_PREFIXES = ["system:", "eks:", "aws:", "amazon:", "iam:"] as const;

const SESSION_TEMPLATES = ["{{SessionName}}", "{{SessionNameRaw}}"] as const;
/** Template variables the authenticator substitutes (aws-auth-spec "Templates"). */
const KNOWN_TEMPLATES = new Set([
  "AccountID",
  "AccessKeyID",
  "SessionName",
  "SessionNameRaw",
  "EC2PrivateDNSName",
]);

/**
 * An IAM role or user ARN with a lowercase partition and something after `role/` or
 * `user/`; with `names`, only the characters IAM allows in names and paths after it.
 */
function roleOrUserArn(text: string, names: "checked" | "any"): Arn | undefined {
  const arn = readIamArn(text);
  if (arn === undefined || !/^[a-z-]+$/.test(arn.partition)) return undefined;
  if (arn.resourceType !== "role" && arn.resourceType !== "user") return undefined;
  const rest = arn.resource.slice(arn.resourceType.length + 1);
  return (names === "any" ? rest !== "" : /^[\w+=,.@/-]+$/.test(rest)) ? arn : undefined;
}

const ACCESS_POLICY_ARN = /^arn:[a-z-]+:eks::aws:cluster-access-policy\/[A-Za-z0-9]+$/;

function unknownTemplates(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/\{\{([^}]*)\}\}/g)) {
    const name = m[1] ?? "";
    if (!KNOWN_TEMPLATES.has(name)) out.push(name);
  }
  return out;
}

/**
 * Checks an access entry against the rules EKS enforces (eks-access-entries.md): the
 * principal is an IAM role or user (no group, no STS session, no service-linked role);
 * the username avoids the reserved prefixes and has a `:` before `{{SessionName}}` /
 * `{{SessionNameRaw}}`; no `system:` group; only STANDARD entries take groups or access
 * policies; access policy ARNs and namespace scopes are well formed.
 */
export function validateAccessEntry(entry: AccessEntrySpec, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const principal = roleOrUserArn(entry.principalArn, "checked");
  if (principal === undefined) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.principal,
      severity: "error",
      summary: `"${entry.principalArn}" is not an IAM role or user ARN.`,
      detail:
        "Access entries take IAM roles and users only: not groups, not assumed-role session ARNs (arn:...:sts::...).",
      path: `${path}.principalArn`,
    });
  } else if (principal.resourceType === "role" && principal.path.startsWith("/aws-service-role/")) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.principal,
      severity: "error",
      summary: `"${entry.principalArn}" is a service-linked role, which access entries do not accept.`,
      path: `${path}.principalArn`,
    });
  }
  if (!ACCESS_ENTRY_TYPES.includes(entry.type)) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.type,
      severity: "error",
      summary: `Unknown access entry type "${entry.type}".`,
      path: `${path}.type`,
    });
  }
  const reserved = RESERVED_USERNAME_PREFIXES.find((p) => entry.username.startsWith(p));
  if (reserved !== undefined) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.usernameReserved,
      severity: "error",
      summary: `Username "${entry.username}" starts with the reserved prefix "${reserved}".`,
      detail: `EKS rejects usernames starting with ${RESERVED_USERNAME_PREFIXES.join(", ")}.`,
      path: `${path}.username`,
    });
  }
  const sessionAt = Math.min(
    ...SESSION_TEMPLATES.map((t) => entry.username.indexOf(t)).filter((i) => i >= 0),
  );
  if (Number.isFinite(sessionAt) && !entry.username.slice(0, sessionAt).includes(":")) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.usernameSessionColon,
      severity: "error",
      summary: `Username "${entry.username}" needs a ":" before the session name template.`,
      detail: 'EKS requires it, e.g. "team-a:{{SessionName}}".',
      path: `${path}.username`,
    });
  }
  for (const name of unknownTemplates(entry.username)) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.templateUnknown,
      severity: "warning",
      summary: `Unknown template variable {{${name}}} in username "${entry.username}".`,
      detail: "Known: {{AccountID}}, {{AccessKeyID}}, {{SessionName}}, {{SessionNameRaw}}.",
      path: `${path}.username`,
    });
  }
  entry.kubernetesGroups.forEach((group, i) => {
    if (group === "") {
      out.push({
        code: ACCESS_ENTRY_DIAGNOSTIC_CODES.groupEmpty,
        severity: "error",
        summary: "A Kubernetes group name is empty.",
        path: `${path}.kubernetesGroups[${i}]`,
      });
    } else if (group.startsWith("system:")) {
      out.push({
        code: ACCESS_ENTRY_DIAGNOSTIC_CODES.groupReserved,
        severity: "error",
        summary: `Kubernetes group "${group}" starts with "system:", which access entries reject.`,
        detail:
          group === SYSTEM_MASTERS_GROUP
            ? "Associate AmazonEKSClusterAdminPolicy with a cluster scope instead."
            : "Use a group of your own and bind it with RBAC.",
        path: `${path}.kubernetesGroups[${i}]`,
      });
    }
  });
  if (entry.type !== "STANDARD" && (entry.kubernetesGroups.length > 0 || entry.accessPolicies.length > 0)) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.standardOnly,
      severity: "error",
      summary: `Only STANDARD access entries take Kubernetes groups or access policies, not ${entry.type}.`,
      path: `${path}.type`,
    });
  }
  entry.accessPolicies.forEach((assoc, i) => {
    const p = `${path}.accessPolicies[${i}]`;
    if (!ACCESS_POLICY_ARN.test(assoc.policyArn)) {
      out.push({
        code: ACCESS_ENTRY_DIAGNOSTIC_CODES.policyArn,
        severity: "error",
        summary: `"${assoc.policyArn}" is not an EKS access policy ARN.`,
        detail: "Expected arn:<partition>:eks::aws:cluster-access-policy/<Name>.",
        path: `${p}.policyArn`,
      });
    }
    if (assoc.accessScope.type === "namespace") {
      if (assoc.accessScope.namespaces.length === 0 || assoc.accessScope.namespaces.some((n) => n === "")) {
        out.push({
          code: ACCESS_ENTRY_DIAGNOSTIC_CODES.scope,
          severity: "error",
          summary: "A namespace access scope needs at least one non-empty namespace.",
          path: `${p}.accessScope.namespaces`,
        });
      }
    }
  });
  return out;
}

/**
 * Checks a `mapRoles` entry eksgate is about to write: a role ARN without a path (the
 * authenticator compares against the path-less role ARN it derives from the STS session, so
 * a path never matches), a non-empty username outside the `system:` prefix, and only
 * template variables the authenticator knows.
 */
export function validateAwsAuthRoleMapping(mapping: AwsAuthRoleMapping, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const role = roleOrUserArn(mapping.rolearn, "any");
  if (role?.resourceType !== "role") {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.awsAuthRoleArn,
      severity: "error",
      summary: `"${mapping.rolearn}" is not an IAM role ARN.`,
      path: `${path}.rolearn`,
    });
  } else if (role.path !== "/") {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.awsAuthRolePath,
      severity: "error",
      summary: `Role ARN "${mapping.rolearn}" has a path; aws-auth never matches it.`,
      detail: "Write the ARN without the path: arn:<partition>:iam::<account>:role/<name>.",
      path: `${path}.rolearn`,
    });
  }
  if (mapping.username === "") {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.awsAuthUsername,
      severity: "error",
      summary: "A mapRoles entry needs a username.",
      path: `${path}.username`,
    });
  } else if (mapping.username.startsWith("system:")) {
    out.push({
      code: ACCESS_ENTRY_DIAGNOSTIC_CODES.awsAuthUsername,
      severity: "error",
      summary: `Username "${mapping.username}" is in the system: namespace reserved for Kubernetes components.`,
      path: `${path}.username`,
    });
  }
  for (const value of [mapping.username, ...mapping.groups]) {
    for (const name of unknownTemplates(value)) {
      out.push({
        code: ACCESS_ENTRY_DIAGNOSTIC_CODES.templateUnknown,
        severity: "warning",
        summary: `{{${name}}} in "${value}" is not a template variable the authenticator substitutes.`,
        path,
      });
    }
  }
  return out;
}
