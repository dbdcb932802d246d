/**
 * Stage 1 of config validation: the shape of `eksgate.yaml`. The JSON Schema shipped in
 * `schema/eksgate.schema.json` is generated from this same definition
 * (`npm run schema`), and a test keeps the two in sync.
 */
import * as z from "zod";

export const CONFIG_API_VERSION = "eksgate.dev/v1alpha1";
export const CONFIG_KIND = "AccessConfig";

const policyRule = z.strictObject({
  apiGroups: z.array(z.string()).optional().describe('API groups, "" for the core group, "*" for all.'),
  resources: z.array(z.string()).optional().describe('Resources such as "pods" or "pods/log"; "*" for all.'),
  resourceNames: z.array(z.string()).optional().describe("Restrict the rule to these object names."),
  nonResourceURLs: z
    .array(z.string())
    .optional()
    .describe('Non-resource paths such as "/healthz"; a trailing "*" matches a prefix.'),
  verbs: z.array(z.string()).describe('Verbs such as "get", "list", "watch"; "*" for all.'),
});

const teamAccess = z.strictObject({
  cluster: z.string().describe("Name of a cluster from `clusters`."),
  clusterRole: z
    .string()
    .optional()
    .describe("view | edit | admin | cluster-admin, or the name of one of `customRoles` (bound with RBAC)."),
  accessPolicy: z
    .enum(["view", "edit", "admin", "admin-view", "cluster-admin"])
    .optional()
    .describe(
      "Instead of clusterRole, on access-entries clusters: associate this EKS access policy with the team's access entry " +
        "(scoped to namespaces when given).",
    ),
  namespaces: z
    .array(z.string())
    .optional()
    .describe("Grant the role only in these namespaces (one RoleBinding each). Omit for cluster-wide."),
  allowClusterAdmin: z
    .boolean()
    .optional()
    .describe("Must be true to grant cluster-admin or a custom role that is as powerful."),
});

const identityCenterTeam = z
  .strictObject({
    group: z.string().optional().describe("Identity Center group, by display name."),
    groupId: z.string().optional().describe("Identity Center group, by its identity store group id."),
    permissionSet: z
      .string()
      .describe("Permission set the group is assigned in each of the team's cluster accounts."),
    manage: z
      .boolean()
      .optional()
      .describe(
        "true (default): eksgate creates and updates the permission set and the account assignments. " +
          "false: they must exist already; eksgate only checks them.",
      ),
    sessionDuration: z
      .string()
      .optional()
      .describe("Session duration of a managed permission set, ISO 8601 (PT1H to PT12H; default PT1H)."),
  })
  .describe("The team's members are the members of an IAM Identity Center group.");

const team = z.strictObject({
  name: z
    .string()
    .describe("Team name: lowercase letters, digits and '-', used in IAM and Kubernetes names."),
  iamGroup: z
    .string()
    .optional()
    .describe(
      "The IAM group whose members get access: a group name or its ARN. Exactly one of iamGroup and identityCenter.",
    ),
  identityCenter: identityCenterTeam.optional(),
  sessionName: z
    .enum(["caller", "free"])
    .optional()
    .describe(
      "caller (default): the role's trust policy forces the session name to be the caller's IAM user name, " +
        "so audit logs name the person. free: any session name.",
    ),
  requireMfa: z.boolean().optional().describe("Require MFA when assuming the team role."),
  roleName: z.string().optional().describe("IAM role name to manage (default: eksgate-<team>)."),
  kubernetesGroup: z
    .string()
    .optional()
    .describe("Kubernetes group the role maps to (default: eksgate:<team>)."),
  systemMasters: z
    .boolean()
    .optional()
    .describe("Also map the role to system:masters. Never done unless set, and needs allowClusterAdmin."),
  access: z.array(teamAccess).describe("Clusters this team reaches and with which role."),
});

const cluster = z.strictObject({
  name: z.string().describe("EKS cluster name."),
  region: z.string().describe("AWS region, e.g. us-east-2."),
  authentication: z
    .enum(["aws-auth", "access-entries", "auto"])
    .optional()
    .describe("aws-auth ConfigMap, EKS access entries, or auto (default: read the cluster's mode)."),
  account: z
    .string()
    .optional()
    .describe(
      "The account the cluster is in: an id or alias from `accounts` (default: the identity account).",
    ),
});

const account = z.strictObject({
  id: z.string().describe("12-digit AWS account id, quoted so YAML keeps leading zeros."),
  alias: z
    .string()
    .optional()
    .describe("A short name clusters and identityAccount can use instead of the id."),
  profile: z
    .string()
    .optional()
    .describe("AWS CLI profile whose credentials reach this account (default: the applying identity)."),
  roleArn: z
    .string()
    .optional()
    .describe(
      "Role in this account to assume from the applying identity (e.g. an OrganizationAccountAccessRole-style admin role).",
    ),
});

const identityCenter = z.strictObject({
  instanceArn: z
    .string()
    .optional()
    .describe("ARN of the IAM Identity Center instance (default: the only instance ListInstances returns)."),
  identityStoreId: z.string().optional().describe("Its identity store id (default: from ListInstances)."),
  region: z
    .string()
    .optional()
    .describe("Region of the Identity Center instance (default: the first cluster's)."),
  account: z
    .string()
    .optional()
    .describe(
      "Account (id or alias) that administers Identity Center: the management or delegated admin account.",
    ),
});

const customRole = z.strictObject({
  name: z.string().describe("ClusterRole name."),
  rules: z.array(policyRule).describe("RBAC rules, as in rbac.authorization.k8s.io/v1."),
});

export const accessConfigSchema = z
  .strictObject({
    apiVersion: z.literal(CONFIG_API_VERSION).describe("Config format version."),
    kind: z.literal(CONFIG_KIND),
    accountId: z
      .union([z.string(), z.number()])
      .optional()
      .describe(
        "12-digit AWS account id, quoted so YAML keeps leading zeros: the one account of a single-account config " +
          "(required unless accounts is given).",
      ),
    accounts: z
      .array(account)
      .optional()
      .describe("AWS accounts eksgate works in, and how to reach each one."),
    identityAccount: z
      .string()
      .optional()
      .describe(
        "Account (id or alias) holding the IAM groups of iamGroup teams (default: accountId, or the only account).",
      ),
    identityCenter: identityCenter
      .optional()
      .describe("The IAM Identity Center instance of identityCenter teams."),
    partition: z
      .enum(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"])
      .optional()
      .describe("AWS partition (default aws)."),
    clusters: z.array(cluster).describe("EKS clusters eksgate manages access to."),
    teams: z.array(team).describe("Teams: one IAM group each, mapped through one IAM role."),
    customRoles: z.array(customRole).optional().describe("ClusterRoles eksgate creates and owns."),
  })
  .describe("eksgate access configuration");

export type RawAccessConfig = z.infer<typeof accessConfigSchema>;
export type RawPolicyRule = z.infer<typeof policyRule>;
export type RawTeam = z.infer<typeof team>;
