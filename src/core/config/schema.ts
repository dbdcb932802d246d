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

const team = z.strictObject({
  name: z
    .string()
    .describe("Team name: lowercase letters, digits and '-', used in IAM and Kubernetes names."),
  iamGroup: z.string().describe("The IAM group whose members get access: a group name or its ARN."),
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
      .describe("12-digit AWS account id, quoted so YAML keeps leading zeros."),
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
