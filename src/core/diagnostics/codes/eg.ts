/** eksgate (EG): input, config, command-line checks, plan and apply. */
import { defineFamily } from "./define.js";

export const EG_CODES = defineFamily(
  "EG",
  {
    title: "eksgate (EG): input, config, command-line checks, plan and apply",
    intro:
      "Reading a file, checking a config, the checks of the command line, planning and applying. `where` is the stage that reports it.",
  },
  {
    EG100: {
      severity: "error",
      where: "input",
      meaning: "A file could not be read (missing, a directory, no permission).",
    },
    EG101: { severity: "error", where: "config", meaning: "The config file is empty." },
    EG102: {
      severity: "error",
      where: "input",
      meaning: "The file (or standard input) is larger than the limit (1 MiB for configs and manifests).",
    },
    EG103: { severity: "error", where: "input", meaning: "The file is binary or not UTF-8 text." },
    EG104: { severity: "error", where: "config", meaning: "YAML syntax error." },
    EG105: { severity: "error", where: "config", meaning: "A YAML mapping repeats a key." },
    EG106: {
      severity: "error",
      where: "input",
      meaning: "Not a regular file (a FIFO, a device such as /dev/zero, a socket): refused unread.",
    },
    EG107: { severity: "error", where: "config", meaning: "A YAML mapping key is a list or a mapping." },
    EG109: {
      severity: "error",
      where: "output",
      meaning: "An output (--out directory, file) could not be written; nothing was written.",
      hint: "Check that the parent directory exists and is writable, or choose another path.",
    },
    EG110: {
      severity: "error",
      where: "config",
      meaning: "Unknown field (with a suggestion when one is close).",
    },
    EG111: { severity: "error", where: "config", meaning: "A field has the wrong type." },
    EG112: { severity: "error", where: "config", meaning: "A required field is missing." },
    EG113: { severity: "error", where: "config", meaning: "A value is not one of those allowed." },
    EG119: { severity: "error", where: "config", meaning: "Any other schema problem." },
    EG120: {
      severity: "error",
      where: "config",
      meaning: "A team's access names a cluster that is not defined.",
    },
    EG121: {
      severity: "error",
      where: "config",
      meaning: "A team's access names a cluster role that is neither built in nor custom.",
    },
    EG122: {
      severity: "error",
      where: "config",
      meaning: "cluster-admin, a role as strong, or system:masters without allowClusterAdmin: true.",
    },
    EG123: {
      severity: "error",
      where: "config",
      meaning: "An IAM name (group, role) is invalid or too long.",
    },
    EG124: {
      severity: "error",
      where: "config",
      meaning: "A Kubernetes name (team, namespace, ClusterRole) is invalid.",
    },
    EG125: {
      severity: "error",
      where: "config",
      meaning: "A Kubernetes group uses a reserved prefix (system:, eks:, aws:, amazon:, iam:).",
    },
    EG126: {
      severity: "error",
      where: "config",
      meaning: "Something is defined twice (team, cluster, role name, namespace, access).",
    },
    EG128: { severity: "error", where: "config", meaning: "Not an AWS region name." },
    EG129: {
      severity: "error",
      where: "config",
      meaning: "The account id is not 12 digits (often: an unquoted number lost its zeros).",
    },
    EG131: { severity: "error", where: "config", meaning: "Not a valid EKS cluster name." },
    EG132: {
      severity: "error",
      where: "config",
      meaning: "A custom role's rule is invalid (no verbs, mixed resources and URLs, ...).",
    },
    EG134: {
      severity: "error",
      where: "config",
      meaning: "A custom role takes a reserved name (a built-in role or a system: name).",
    },
    EG135: { severity: "warning", where: "config", meaning: "no clusters, or a team with no access." },
    EG136: { severity: "error", where: "config", meaning: "The IAM group ARN belongs to another account." },
    EG137: { severity: "warning", where: "config", meaning: "cluster-admin bound inside namespaces." },
    EG138: {
      severity: "error",
      where: "config",
      meaning: "An access names both or neither of clusterRole and accessPolicy.",
    },
    EG139: {
      severity: "error",
      where: "config",
      meaning: "accessPolicy on a cluster configured for aws-auth.",
    },
    EG140: {
      severity: "error",
      where: "cli",
      meaning: "--cluster or --team names something the config does not define.",
    },
    EG141: {
      severity: "error",
      where: "cli",
      meaning: "Unknown command or option, or a missing argument (with a suggestion when one is close).",
      hint: "Run `eksgate --help` (or `eksgate COMMAND --help`) for the commands and options.",
    },
    EG150: {
      severity: "error",
      where: "config",
      meaning:
        "A cluster, identityAccount or identityCenter.account names an account that accounts does not list.",
    },
    EG151: {
      severity: "error",
      where: "config",
      meaning: "An account entry is invalid (alias, both profile and roleArn, a roleArn of another account).",
    },
    EG152: {
      severity: "error",
      where: "config",
      meaning: "Several accounts, IAM-group teams, and no identityAccount saying where the IAM groups are.",
    },
    EG153: {
      severity: "error",
      where: "config",
      meaning: "A team names neither or both of iamGroup and identityCenter.",
    },
    EG154: {
      severity: "error",
      where: "config",
      meaning: "An identityCenter team names neither or both of group and groupId.",
    },
    EG155: {
      severity: "error",
      where: "config",
      meaning:
        "An invalid permission set name or session duration (PT1H to PT12H); a warning for a duration on an unmanaged one.",
    },
    EG156: {
      severity: "error",
      where: "config",
      meaning: "An IAM-role option (sessionName: caller, requireMfa, roleName) on an Identity Center team.",
    },
    EG201: {
      severity: "error",
      where: "plan",
      meaning: "The team's IAM role exists but is not eksgate's: it is never taken over.",
    },
    EG202: { severity: "error", where: "plan", meaning: "The team's IAM group does not exist." },
    EG210: { severity: "error", where: "plan", meaning: "The EKS cluster was not found in its region." },
    EG211: {
      severity: "error",
      where: "plan",
      meaning: "The config's authentication does not fit the cluster's authentication mode.",
    },
    EG212: {
      severity: "error",
      where: "plan",
      meaning: "A team asks for an access policy on a cluster that authenticates through aws-auth.",
    },
    EG213: {
      severity: "error",
      where: "plan",
      meaning: "The live aws-auth has a key the authenticator cannot parse: eksgate writes nothing to it.",
    },
    EG220: {
      severity: "error",
      where: "plan",
      meaning: "An RBAC object with a name eksgate needs exists and is not eksgate's.",
    },
    EG221: {
      severity: "error",
      where: "plan",
      meaning: "A namespace the config binds a team in does not exist.",
    },
    EG230: {
      severity: "warning",
      where: "plan",
      meaning: "the scoped team has no access to the scoped cluster.",
    },
    EG300: {
      severity: "error",
      where: "apply",
      meaning: "A step failed; run apply again after fixing the cause.",
    },
    EG301: {
      severity: "error",
      where: "apply",
      meaning: "Permission denied: names the missing permission and the identity.",
    },
    EG302: {
      severity: "error",
      where: "apply",
      meaning: "Kubernetes refused a binding the applying identity may not grant (RBAC escalation check).",
    },
    EG303: {
      severity: "error",
      where: "apply",
      meaning: "No usable AWS credentials (none, expired, or an expired SSO session).",
    },
    EG304: {
      severity: "error",
      where: "plan",
      meaning: "Reading live state failed (network, cluster connection).",
    },
    EG310: {
      severity: "error",
      where: "apply",
      meaning: "A saved plan has a format this eksgate does not read.",
    },
    EG311: {
      severity: "error",
      where: "apply",
      meaning: "A saved plan is out of date: the config or live state changed since.",
    },
    EG312: {
      severity: "error",
      where: "apply",
      meaning: "The file is not an eksgate plan, or it is damaged.",
    },
    EG320: {
      severity: "error",
      where: "apply",
      meaning: "apply/destroy without a terminal and without --auto-approve.",
    },
    EG401: {
      severity: "error",
      where: "migrate",
      meaning: "mapAccounts: every principal of an account has no access-entry form.",
    },
    EG402: {
      severity: "error",
      where: "migrate",
      meaning: "The principal an aws-auth entry names does not exist in IAM.",
    },
    EG403: {
      severity: "error",
      where: "migrate",
      meaning: "A service-linked role, which access entries refuse.",
    },
    EG404: {
      severity: "error",
      where: "migrate",
      meaning:
        "The username starts with a prefix access entries reserve (system:, eks:, aws:, amazon:, iam:).",
    },
    EG405: {
      severity: "error",
      where: "migrate",
      meaning: 'The username has {{SessionName}} with no ":" before it.',
    },
    EG406: {
      severity: "error",
      where: "migrate",
      meaning: "A system: group other than system:masters, which access entries refuse.",
    },
    EG407: {
      severity: "error",
      where: "migrate",
      meaning: "A node or Fargate entry with groups (or an account) the node entry types do not keep.",
    },
    EG408: {
      severity: "error",
      where: "migrate",
      meaning: "A template in a group, or a template access entries do not render.",
    },
    EG409: {
      severity: "error",
      where: "migrate",
      meaning: "The account root or another principal access entries do not take.",
    },
    EG410: {
      severity: "info",
      where: "migrate",
      meaning: "An sso entry, which EKS does not honour: nothing to convert.",
    },
    EG411: {
      severity: "info",
      where: "migrate",
      meaning: "An ARN that never matches today (role path, wrong user path): not converted.",
    },
    EG412: {
      severity: "info",
      where: "migrate",
      meaning: "A duplicate the authenticator already ignores (the last wins).",
    },
    EG413: {
      severity: "warning",
      where: "migrate",
      meaning: "A principal of an account whose IAM was not read: not checked.",
    },
    EG414: {
      severity: "error",
      where: "migrate",
      meaning: "The proof found a principal whose access differs after the migration.",
    },
    EG415: {
      severity: "error",
      where: "migrate",
      meaning: "A key of aws-auth does not parse: no migration is planned.",
    },
    EG416: {
      severity: "error",
      where: "migrate",
      meaning: 'The target mode cannot be reached from the cluster"s mode.',
    },
    EG417: {
      severity: "info",
      where: "migrate",
      meaning: "The principal already has an access entry, which wins today.",
    },
    EG418: {
      severity: "warning",
      where: "migrate",
      meaning: "ListAccessPolicies names a policy eksgate's versioned table does not know.",
    },
    EG419: {
      severity: "error",
      where: "migrate",
      meaning: "The switch is refused: blocking items --accept-loss does not name.",
    },
    EG420: {
      severity: "error",
      where: "migrate",
      meaning:
        'Apply: a principal"s access through the live cluster is not what the plan expects; aws-auth stays.',
    },
    EG421: {
      severity: "error",
      where: "migrate",
      meaning: "The migration plan could not be written, or a file is not a migration plan.",
    },
    EG430: {
      severity: "error",
      where: "doctor",
      meaning: "An access entry older than its role: it is bound to a deleted role.",
    },
    EG431: {
      severity: "info",
      where: "doctor",
      meaning: "An aws-auth entry shadowed by an access entry that maps the principal the same way.",
    },
    EG432: {
      severity: "warning",
      where: "doctor",
      meaning: "An entry for a principal that does not exist.",
    },
    EG433: {
      severity: "warning",
      where: "doctor",
      meaning: "aws-auth and the access entry map one principal differently.",
    },
    EG434: {
      severity: "info",
      where: "doctor",
      meaning: "A value the server fills in that a naive comparison would flap on.",
    },
  },
);
