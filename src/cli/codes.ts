/**
 * Codes the commands themselves report, beyond those of the config (EG), aws-auth (AA),
 * the snapshot (SNAP) and the model checks: the audit commands' input (AUD0nn) and
 * `eksgate kubeconfig`. docs/diagnostics.md is generated from this table.
 */
export interface CommandCodeInfo {
  readonly code: string;
  readonly command: string;
  readonly title: string;
}

export const COMMAND_CODE_TABLE: readonly CommandCodeInfo[] = [
  {
    code: "AUD001",
    command: "explain, can-i",
    title:
      "The principal is not an ARN the EKS authenticator maps (IAM user, role, account root, assumed-role or federated-user session), or no caller can have it (the reason says why).",
  },
  {
    code: "AUD002",
    command: "audit commands",
    title: "`--cluster` names a cluster the snapshot does not have.",
  },
  {
    code: "AUD003",
    command: "who-can, can-i",
    title: "The request (verb, resource, namespace, subresource) is not valid.",
  },
  {
    code: "AUD005",
    command: "audit commands",
    title: "Live collection failed (the message says which call and which permission it needs).",
  },
  {
    code: "AUD006",
    command: "audit commands",
    title: "No region to collect in: pass --region, set AWS_REGION, or name a config.",
  },
  { code: "AUD007", command: "audit commands", title: "`--kube-context` with more than one cluster." },
  { code: "AUD008", command: "audit --html", title: "The HTML report could not be written." },
  { code: "AUD009", command: "audit commands", title: "`--scps` and `--organizations` given together." },
  {
    code: "AUD010",
    command: "explain, who-can, can-i, audit",
    title:
      "`--context KEY=VALUE` is malformed: not KEY=VALUE, a value of the wrong type, a single-valued key twice, or a key another flag sets.",
  },
  {
    code: "AUD011",
    command: "explain, who-can, can-i, audit",
    title:
      "`--context` names a key AWS does not define for sts:AssumeRole (warning), or one eksgate derives from the principal.",
  },
  {
    code: "AUD012",
    command: "explain, who-can, can-i, audit",
    title: "`--at` is not an ISO 8601 date and time with a zone.",
  },
  {
    code: "AUD013",
    command: "explain, who-can, can-i, audit",
    title:
      "`--session-name` is not a valid role session name, contradicts the session of an assumed-role ARN, or has no effect (warning).",
  },
  { code: "AUD014", command: "snapshot", title: "`--context` was renamed to `--kube-context`." },
  {
    code: "AUD015",
    command: "audit commands",
    title:
      "`--account` is not `ACCOUNT_ID=PROFILE` or `ACCOUNT_ID=ROLE_ARN` (12-digit id, each account once).",
  },
  {
    code: "kubeconfig-input",
    command: "kubeconfig",
    title: "The cluster or team given does not fit the config (unknown, no access, ambiguous).",
  },
  {
    code: "kubeconfig-describe-cluster",
    command: "kubeconfig",
    title: "DescribeCluster failed, was denied (also as the team role), or the cluster has no endpoint yet.",
  },
  {
    code: "kubeconfig-caller-identity",
    command: "kubeconfig",
    title: "Your identity (GetCallerIdentity) gives no usable role session name: pass --session-name.",
  },
  { code: "kubeconfig-unreadable", command: "kubeconfig", title: "The kubeconfig file cannot be read." },
  {
    code: "kubeconfig-not-a-config",
    command: "kubeconfig",
    title: "The kubeconfig file is not a kubeconfig (not YAML, or not a mapping).",
  },
  {
    code: "kubeconfig-bad-list",
    command: "kubeconfig",
    title: "A list in the kubeconfig (clusters, users, contexts) is not a list of named entries.",
  },
  {
    code: "aws-profile-conflict",
    command: "kubeconfig --exec aws",
    title: "The AWS config profile exists with other settings: eksgate never overwrites it.",
  },
];
