/**
 * eksgate's own diagnostic codes (EGnnn), one line each. docs/diagnostics.md is generated
 * from this table and the model's tables (`npm run docs:diagnostics`), and a test checks
 * that every EG code used in the source is listed here.
 */
export interface CodeInfo {
  readonly code: string;
  readonly area: string;
  readonly title: string;
}

export const EKSGATE_CODES: readonly CodeInfo[] = [
  { code: "EG100", area: "input", title: "A file could not be read (missing, a directory, no permission)." },
  { code: "EG101", area: "config", title: "The config file is empty." },
  {
    code: "EG102",
    area: "input",
    title: "The file (or standard input) is larger than the limit (1 MiB for configs and manifests).",
  },
  { code: "EG103", area: "input", title: "The file is binary or not UTF-8 text." },
  { code: "EG104", area: "config", title: "YAML syntax error." },
  { code: "EG105", area: "config", title: "A YAML mapping repeats a key." },
  { code: "EG107", area: "config", title: "A YAML mapping key is a list or a mapping." },
  {
    code: "EG106",
    area: "input",
    title: "Not a regular file (a FIFO, a device such as /dev/zero, a socket): refused unread.",
  },
  { code: "EG110", area: "config", title: "Unknown field (with a suggestion when one is close)." },
  { code: "EG111", area: "config", title: "A field has the wrong type." },
  { code: "EG112", area: "config", title: "A required field is missing." },
  { code: "EG113", area: "config", title: "A value is not one of those allowed." },
  { code: "EG119", area: "config", title: "Any other schema problem." },
  { code: "EG120", area: "config", title: "A team's access names a cluster that is not defined." },
  {
    code: "EG121",
    area: "config",
    title: "A team's access names a cluster role that is neither built in nor custom.",
  },
  {
    code: "EG122",
    area: "config",
    title: "cluster-admin, a role as strong, or system:masters without allowClusterAdmin: true.",
  },
  { code: "EG123", area: "config", title: "An IAM name (group, role) is invalid or too long." },
  { code: "EG124", area: "config", title: "A Kubernetes name (team, namespace, ClusterRole) is invalid." },
  {
    code: "EG125",
    area: "config",
    title: "A Kubernetes group uses a reserved prefix (system:, eks:, aws:, amazon:, iam:).",
  },
  {
    code: "EG126",
    area: "config",
    title: "Something is defined twice (team, cluster, role name, namespace, access).",
  },
  { code: "EG128", area: "config", title: "Not an AWS region name." },
  {
    code: "EG129",
    area: "config",
    title: "The account id is not 12 digits (often: an unquoted number lost its zeros).",
  },
  { code: "EG131", area: "config", title: "Not a valid EKS cluster name." },
  {
    code: "EG132",
    area: "config",
    title: "A custom role's rule is invalid (no verbs, mixed resources and URLs, ...).",
  },
  {
    code: "EG134",
    area: "config",
    title: "A custom role takes a reserved name (a built-in role or a system: name).",
  },
  { code: "EG135", area: "config", title: "Warning: no clusters, or a team with no access." },
  { code: "EG136", area: "config", title: "The IAM group ARN belongs to another account." },
  { code: "EG137", area: "config", title: "Warning: cluster-admin bound inside namespaces." },
  {
    code: "EG138",
    area: "config",
    title: "An access names both or neither of clusterRole and accessPolicy.",
  },
  { code: "EG139", area: "config", title: "accessPolicy on a cluster configured for aws-auth." },
  {
    code: "EG141",
    area: "config",
    title:
      "A cluster, identityAccount or identityCenter.account names an account that accounts does not list.",
  },
  {
    code: "EG142",
    area: "config",
    title: "An account entry is invalid (alias, both profile and roleArn, a roleArn of another account).",
  },
  {
    code: "EG143",
    area: "config",
    title: "Several accounts, IAM-group teams, and no identityAccount saying where the IAM groups are.",
  },
  { code: "EG144", area: "config", title: "A team names neither or both of iamGroup and identityCenter." },
  {
    code: "EG145",
    area: "config",
    title: "An identityCenter team names neither or both of group and groupId.",
  },
  {
    code: "EG146",
    area: "config",
    title: "An invalid permission set name or session duration (PT1H to PT12H).",
  },
  {
    code: "EG147",
    area: "config",
    title: "An IAM-role option (sessionName: caller, requireMfa, roleName) on an Identity Center team.",
  },
  { code: "EG140", area: "cli", title: "--cluster or --team names something the config does not define." },
  {
    code: "EG201",
    area: "plan",
    title: "The team's IAM role exists but is not eksgate's: it is never taken over.",
  },
  { code: "EG202", area: "plan", title: "The team's IAM group does not exist." },
  { code: "EG210", area: "plan", title: "The EKS cluster was not found in its region." },
  {
    code: "EG211",
    area: "plan",
    title: "The config's authentication does not fit the cluster's authentication mode.",
  },
  {
    code: "EG212",
    area: "plan",
    title: "A team asks for an access policy on a cluster that authenticates through aws-auth.",
  },
  {
    code: "EG213",
    area: "plan",
    title: "The live aws-auth has a key the authenticator cannot parse: eksgate writes nothing to it.",
  },
  {
    code: "EG220",
    area: "plan",
    title: "An RBAC object with a name eksgate needs exists and is not eksgate's.",
  },
  { code: "EG221", area: "plan", title: "A namespace the config binds a team in does not exist." },
  { code: "EG230", area: "plan", title: "Warning: the scoped team has no access to the scoped cluster." },
  { code: "EG300", area: "apply", title: "A step failed; run apply again after fixing the cause." },
  {
    code: "EG301",
    area: "apply",
    title: "Permission denied: names the missing permission and the identity.",
  },
  {
    code: "EG302",
    area: "apply",
    title: "Kubernetes refused a binding the applying identity may not grant (RBAC escalation check).",
  },
  {
    code: "EG303",
    area: "apply",
    title: "No usable AWS credentials (none, expired, or an expired SSO session).",
  },
  { code: "EG304", area: "plan", title: "Reading live state failed (network, cluster connection)." },
  { code: "EG310", area: "apply", title: "A saved plan has a format this eksgate does not read." },
  {
    code: "EG311",
    area: "apply",
    title: "A saved plan is out of date: the config or live state changed since.",
  },
  { code: "EG312", area: "apply", title: "The file is not an eksgate plan, or it is damaged." },
  { code: "EG320", area: "apply", title: "apply/destroy without a terminal and without --auto-approve." },
];
