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
      hint: "Check the path, and that the user running eksgate may read the file.",
    },
    EG101: {
      severity: "error",
      where: "config",
      meaning: "The config file is empty.",
      hint: "Write the config (examples/eksgate.yaml is a starting point), or point -c at the right file.",
    },
    EG102: {
      severity: "error",
      where: "input",
      meaning: "The file (or standard input) is larger than the limit (1 MiB for configs and manifests).",
      hint: "Remove what the file does not need, or split it; the limit is in the message.",
    },
    EG103: {
      severity: "error",
      where: "input",
      meaning: "The file is binary or not UTF-8 text.",
      hint: "Save the file as UTF-8 text.",
    },
    EG104: {
      severity: "error",
      where: "config",
      meaning: "YAML syntax error.",
      hint: "Fix the YAML at the position shown; indentation and unclosed quotes are the usual causes.",
    },
    EG105: {
      severity: "error",
      where: "config",
      meaning: "A YAML mapping repeats a key.",
      hint: "Keep one of the two keys: YAML readers disagree about which one a repeated key keeps.",
    },
    EG106: {
      severity: "error",
      where: "input",
      meaning: "Not a regular file (a FIFO, a device such as /dev/zero, a socket): refused unread.",
      hint: "Copy the data into a regular file and pass that.",
    },
    EG107: {
      severity: "error",
      where: "config",
      meaning: "A YAML mapping key is a list or a mapping.",
      hint: "Write the key as a plain string.",
    },
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
      hint: "Fix the spelling (the message suggests the closest field) or remove the field; schema/eksgate.schema.json lists the fields.",
    },
    EG111: {
      severity: "error",
      where: "config",
      meaning: "A field has the wrong type.",
      hint: "Write the value with the type the message names; quote strings that YAML would read as numbers or booleans.",
    },
    EG112: {
      severity: "error",
      where: "config",
      meaning: "A required field is missing.",
      hint: "Add the field; schema/eksgate.schema.json says what it holds.",
    },
    EG113: {
      severity: "error",
      where: "config",
      meaning: "A value is not one of those allowed.",
      hint: "Use one of the values the message lists.",
    },
    EG119: {
      severity: "error",
      where: "config",
      meaning: "Any other schema problem.",
      hint: "Compare the field with schema/eksgate.schema.json.",
    },
    EG120: {
      severity: "error",
      where: "config",
      meaning: "A team's access names a cluster that is not defined.",
      hint: "Define the cluster under clusters:, or correct the name in the team's access.",
    },
    EG121: {
      severity: "error",
      where: "config",
      meaning: "A team's access names a cluster role that is neither built in nor custom.",
      hint: "Use a built-in role (view, edit, admin, cluster-admin) or define the role under customRoles.",
    },
    EG122: {
      severity: "error",
      where: "config",
      meaning: "cluster-admin, a role as strong, or system:masters without allowClusterAdmin: true.",
      hint: "If full control is meant, set allowClusterAdmin: true on that access; otherwise choose a weaker role.",
    },
    EG123: {
      severity: "error",
      where: "config",
      meaning: "An IAM name (group, role) is invalid or too long.",
      hint: "Rename it: IAM takes letters, digits and +=,.@_- up to the length the message gives.",
    },
    EG124: {
      severity: "error",
      where: "config",
      meaning: "A Kubernetes name (team, namespace, ClusterRole) is invalid.",
      hint: "Rename it to a name Kubernetes accepts: lower-case letters, digits and '-', starting and ending with a letter or digit.",
    },
    EG125: {
      severity: "error",
      where: "config",
      meaning: "A Kubernetes group uses a reserved prefix (system:, eks:, aws:, amazon:, iam:).",
      hint: "Choose a group name without those prefixes: Kubernetes and EKS keep them for themselves.",
    },
    EG126: {
      severity: "error",
      where: "config",
      meaning: "Something is defined twice (team, cluster, role name, namespace, access).",
      hint: "Keep one definition, or give one of them another name.",
    },
    EG128: {
      severity: "error",
      where: "config",
      meaning: "Not an AWS region name.",
      hint: "Write a region code such as us-east-1 or eu-central-1.",
    },
    EG129: {
      severity: "error",
      where: "config",
      meaning: "The account id is not 12 digits (often: an unquoted number lost its zeros).",
      hint: 'Quote the account id (accountId: "012345678901") so that YAML keeps its leading zeros.',
    },
    EG131: {
      severity: "error",
      where: "config",
      meaning: "Not a valid EKS cluster name.",
      hint: "Use the name EKS lists (aws eks list-clusters): up to 100 letters, digits, '-' and '_', starting with a letter or digit.",
    },
    EG132: {
      severity: "error",
      where: "config",
      meaning: "A custom role's rule is invalid (no verbs, mixed resources and URLs, ...).",
      hint: "Give each rule its verbs and either resources (with apiGroups) or nonResourceURLs, not both.",
    },
    EG134: {
      severity: "error",
      where: "config",
      meaning: "A custom role takes a reserved name (a built-in role or a system: name).",
      hint: "Give the custom role a name of its own.",
    },
    EG135: {
      severity: "warning",
      where: "config",
      meaning: "no clusters, or a team with no access.",
      hint: "Add a cluster and give each team at least one access, or remove the team.",
    },
    EG136: {
      severity: "error",
      where: "config",
      meaning: "The IAM group ARN belongs to another account.",
      hint: "Name a group of the account that holds the IAM groups (accountId, or identityAccount with several accounts).",
    },
    EG137: {
      severity: "warning",
      where: "config",
      meaning: "cluster-admin bound inside namespaces.",
      hint: "In a namespace, admin or edit is usually what is meant; keep cluster-admin only if full control of those namespaces is intended.",
    },
    EG138: {
      severity: "error",
      where: "config",
      meaning: "An access names both or neither of clusterRole and accessPolicy.",
      hint: "Give the access exactly one of clusterRole (Kubernetes RBAC) and accessPolicy (an EKS access policy).",
    },
    EG139: {
      severity: "error",
      where: "config",
      meaning: "accessPolicy on a cluster configured for aws-auth.",
      hint: "Use clusterRole on that cluster, or set its authentication to access-entries (or auto on a cluster whose mode reads access entries).",
    },
    EG140: {
      severity: "error",
      where: "cli",
      meaning: "--cluster or --team names something the config does not define.",
      hint: "Name a cluster or team the config defines, or leave the flag out.",
    },
    EG141: {
      severity: "error",
      where: "cli",
      meaning:
        "Unknown command or option, a missing argument, or an option value it does not take (with a suggestion or hint).",
      hint: "Run `eksgate --help` (or `eksgate COMMAND --help`) for the commands and options.",
    },
    EG150: {
      severity: "error",
      where: "config",
      meaning:
        "A cluster, identityAccount or identityCenter.account names an account that accounts does not list.",
      hint: "List the account under accounts:, or correct the id.",
    },
    EG151: {
      severity: "error",
      where: "config",
      meaning: "An account entry is invalid (alias, both profile and roleArn, a roleArn of another account).",
      hint: "Give each account its 12-digit id and at most one of profile and roleArn; a roleArn must be a role of that account.",
    },
    EG152: {
      severity: "error",
      where: "config",
      meaning: "Several accounts, IAM-group teams, and no identityAccount saying where the IAM groups are.",
      hint: "Set identityAccount to the account that holds the IAM groups.",
    },
    EG153: {
      severity: "error",
      where: "config",
      meaning: "A team names neither or both of iamGroup and identityCenter.",
      hint: "Give the team exactly one of iamGroup and identityCenter.",
    },
    EG154: {
      severity: "error",
      where: "config",
      meaning: "An identityCenter team names neither or both of group and groupId.",
      hint: "Give identityCenter exactly one of group (the display name) and groupId.",
    },
    EG155: {
      severity: "error",
      where: "config",
      meaning:
        "An invalid permission set name or session duration (PT1H to PT12H); a warning for a duration on an unmanaged one.",
      hint: "Use a permission set name Identity Center accepts and a session duration from PT1H to PT12H.",
    },
    EG156: {
      severity: "error",
      where: "config",
      meaning: "An IAM-role option (sessionName: caller, requireMfa, roleName) on an Identity Center team.",
      hint: "Remove the option: Identity Center makes the team's role and its sessions.",
    },
    EG201: {
      severity: "error",
      where: "plan",
      meaning: "The team's IAM role exists but is not eksgate's: it is never taken over.",
      hint: "Give the team another roleName, or delete the existing role if it is no longer used; eksgate never takes over a role it did not make.",
    },
    EG202: {
      severity: "error",
      where: "plan",
      meaning: "The team's IAM group does not exist.",
      hint: "Create the IAM group, or correct the team's iamGroup.",
    },
    EG210: {
      severity: "error",
      where: "plan, migrate",
      meaning: "The EKS cluster was not found in its region.",
      hint: "Check the cluster's name and region in the config (aws eks list-clusters --region REGION).",
    },
    EG211: {
      severity: "error",
      where: "plan",
      meaning: "The config's authentication does not fit the cluster's authentication mode.",
      hint: "Set the cluster's authentication to one its mode reads (auto fits every mode), or change the mode (aws eks update-cluster-config --access-config).",
    },
    EG212: {
      severity: "error",
      where: "plan",
      meaning: "A team asks for an access policy on a cluster that authenticates through aws-auth.",
      hint: "Use clusterRole for that cluster, or move the cluster to a mode that reads access entries first (eksgate migrate).",
    },
    EG213: {
      severity: "error",
      where: "plan",
      meaning: "The live aws-auth has a key the authenticator cannot parse: eksgate writes nothing to it.",
      hint: "Run eksgate lint aws-auth on the live ConfigMap (kubectl get cm -n kube-system aws-auth -o yaml), fix the key it reports, and plan again.",
    },
    EG220: {
      severity: "error",
      where: "plan",
      meaning: "An RBAC object with a name eksgate needs exists and is not eksgate's.",
      hint: "Rename or delete the existing object, or ask whoever made it; eksgate takes over no object without its label.",
    },
    EG221: {
      severity: "error",
      where: "plan",
      meaning: "A namespace the config binds a team in does not exist.",
      hint: "Create the namespace (kubectl create namespace NAME), or remove it from the team's access.",
    },
    EG230: {
      severity: "warning",
      where: "plan",
      meaning: "the scoped team has no access to the scoped cluster.",
      hint: "Check --team and --cluster: together they leave only that team's access on that cluster.",
    },
    EG240: {
      severity: "error",
      where: "plan",
      meaning:
        "No IAM Identity Center instance can be chosen: none found, the one named not found, or several and none named.",
      hint: "Set identityCenter.instanceArn (and region and account: the management or delegated administrator account).",
    },
    EG241: {
      severity: "error",
      where: "plan",
      meaning: "An Identity Center team's group was not found in the identity store (by display name or id).",
    },
    EG242: {
      severity: "error",
      where: "plan",
      meaning:
        "An Identity Center team's permission set does not exist (manage: false), or exists and is not eksgate's (manage: true).",
    },
    EG243: {
      severity: "error",
      where: "plan",
      meaning:
        "With manage: false, the team's group has no assignment of the permission set in an account of the team's clusters.",
    },
    EG244: {
      severity: "warning",
      where: "plan",
      meaning:
        "IAM Identity Center has not made the team's role in an account yet (the assignment is new or still provisioning): the team is mapped there at a later plan.",
    },
    EG245: {
      severity: "warning",
      where: "plan",
      meaning:
        "The team's permission set is assigned to other principals in the same account, who share its role and so the team's access (on destroy: the permission set is kept).",
    },
    EG300: {
      severity: "error",
      where: "apply",
      meaning: "A step failed; run apply again after fixing the cause.",
      hint: "Fix the cause the message names and run apply again: what is done already is not repeated.",
    },
    EG301: {
      severity: "error",
      where: "plan, apply, snapshot",
      meaning: "Permission denied: names the missing permission and the identity.",
      hint: "Grant the permission the message names to the identity it names, or run eksgate with credentials that have it.",
    },
    EG302: {
      severity: "error",
      where: "plan, apply",
      meaning: "Kubernetes refused a binding the applying identity may not grant (RBAC escalation check).",
      hint: "Apply as an identity that holds every permission the binding grants (e.g. cluster-admin), or give it bind on the role.",
    },
    EG303: {
      severity: "error",
      where: "plan, apply, snapshot",
      meaning:
        "No usable credentials: none, expired, or an expired SSO session for AWS; 401 Unauthorized from Kubernetes.",
      hint: "Refresh the credentials (aws sso login, AWS_PROFILE, access keys, or the kubeconfig user's) and run again.",
    },
    EG304: {
      severity: "error",
      where: "plan, snapshot",
      meaning: "Reading live state failed (network, cluster connection).",
      hint: "Check that AWS and the cluster's API server are reachable from here, then run again.",
    },
    EG310: {
      severity: "error",
      where: "apply",
      meaning: "A saved plan has a format this eksgate does not read.",
      hint: "Make the plan again with this version of eksgate.",
    },
    EG311: {
      severity: "error",
      where: "apply",
      meaning: "A saved plan is out of date: the config file changed since it was made.",
      hint: "Run eksgate plan again, review it, and apply the new plan.",
    },
    EG312: {
      severity: "error",
      where: "apply",
      meaning: "The file is not an eksgate plan, or it is damaged.",
      hint: "Pass a file written by eksgate plan --out, or make the plan again.",
    },
    EG313: {
      severity: "error",
      where: "apply",
      meaning:
        "A step of a saved plan was refused: what it is about changed since the plan was made (read again just before writing).",
      hint: "Run eksgate plan again, review the new plan, and apply it.",
    },
    EG320: {
      severity: "error",
      where: "apply",
      meaning: "apply/destroy without a terminal and without --auto-approve.",
      hint: "Review the plan, then run again with --auto-approve.",
    },
    EG401: {
      severity: "error",
      where: "migrate",
      meaning: "mapAccounts: every principal of an account has no access-entry form.",
      hint: "Map the account's principals that need access one by one before the switch, or accept losing the rest with --accept-loss EG401.",
    },
    EG402: {
      severity: "error",
      where: "migrate",
      meaning: "The principal an aws-auth entry names does not exist in IAM.",
      hint: "Remove the entry, or recreate the principal if it is still needed; or accept with --accept-loss EG402.",
    },
    EG403: {
      severity: "error",
      where: "migrate",
      meaning: "A service-linked role, which access entries refuse.",
      hint: "Leave it to the service that owns the role (EKS maps service-linked roles itself), or accept with --accept-loss EG403.",
    },
    EG404: {
      severity: "error",
      where: "migrate",
      meaning:
        "The username starts with a prefix access entries reserve (system:, eks:, aws:, amazon:, iam:).",
      hint: "Choose a username without the reserved prefix before the switch, or accept with --accept-loss EG404.",
    },
    EG405: {
      severity: "error",
      where: "migrate",
      meaning: 'The username has {{SessionName}} with no ":" before it.',
      hint: "Put a ':' before {{SessionName}} in the username (e.g. team:{{SessionName}}), or accept with --accept-loss EG405.",
    },
    EG406: {
      severity: "error",
      where: "migrate",
      meaning: "A system: group other than system:masters, which access entries refuse.",
      hint: "Bind the permissions that group gives to a group of your own, or accept with --accept-loss EG406.",
    },
    EG407: {
      severity: "error",
      where: "migrate",
      meaning: "A node or Fargate entry with groups (or an account) the node entry types do not keep.",
      hint: "Move the extra groups to an entry of their own before the switch, or accept with --accept-loss EG407.",
    },
    EG408: {
      severity: "error",
      where: "migrate",
      meaning: "A template in a group, or a template access entries do not render.",
      hint: "Replace the template with a fixed name, or accept with --accept-loss EG408.",
    },
    EG409: {
      severity: "error",
      where: "migrate",
      meaning: "The account root or another principal access entries do not take.",
      hint: "Map a role instead of the account root, or accept with --accept-loss EG409.",
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
      hint: "Read the proof's hop-by-hop difference, change the plan or the RBAC so that access stays the same, or accept with --accept-loss EG414.",
    },
    EG415: {
      severity: "error",
      where: "migrate",
      meaning: "A key of aws-auth does not parse: no migration is planned.",
      hint: "Run eksgate lint aws-auth on the live ConfigMap and fix the key it reports.",
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
      hint: "Resolve the blocking items, or name each code you accept with --accept-loss.",
    },
    EG420: {
      severity: "error",
      where: "migrate",
      meaning:
        "Apply: a principal's access through the live cluster is not what the plan expects; aws-auth stays.",
      hint: "Look at the principal named in the detail (its access entry and policies), fix it, and run migrate --apply again: it continues.",
    },
    EG421: {
      severity: "error",
      where: "migrate",
      meaning: "The migration plan could not be written, or a file is not a migration plan.",
      hint: "Check that --out points at a writable place, or pass a file eksgate migrate --out wrote.",
    },
    EG430: {
      severity: "error",
      where: "doctor",
      meaning: "An access entry older than its role: it is bound to a deleted role.",
      hint: "Delete the access entry and create it again for the current role (eksgate apply does this for its own roles).",
    },
    EG431: {
      severity: "info",
      where: "doctor",
      meaning: "An aws-auth entry shadowed by an access entry that maps the principal the same way.",
      hint: "Remove the aws-auth entry once you no longer switch back to CONFIG_MAP: the access entry already decides.",
    },
    EG432: {
      severity: "warning",
      where: "doctor",
      meaning: "An entry for a principal that does not exist.",
      hint: "Remove the entry, or recreate the principal if it is still meant to have access.",
    },
    EG433: {
      severity: "warning",
      where: "doctor",
      meaning: "aws-auth and the access entry map one principal differently.",
      hint: "Make both map the principal the same way; while both exist, the access entry decides.",
    },
    EG434: {
      severity: "info",
      where: "doctor",
      meaning: "A value the server fills in that a naive comparison would flap on.",
    },
  },
);
