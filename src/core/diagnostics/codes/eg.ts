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
  },
);
