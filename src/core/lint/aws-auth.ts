/**
 * `eksgate lint aws-auth`: everything in an aws-auth ConfigMap manifest that makes the
 * cluster do something other than what its author probably meant. Pure: the CLI reads
 * the file and prints the diagnostics.
 */
import { RESERVED_USERNAME_PREFIXES } from "../model/access-entry.js";
import { editDistance } from "../config/names.js";
import { sortDiagnostics, type Diagnostic, type SourcePosition } from "../diagnostics.js";
import {
  accountIdProblem,
  iamPrincipalArnProblem,
  parsePrincipalArn,
  type IamArnProblemKind,
} from "../model/arn.js";
import {
  AWS_AUTH_CODE_TABLE,
  AWS_AUTH_KEYS,
  findTemplateVariables,
  matchingRoleEntries,
  parseAwsAuthData,
  readAwsAuthManifest,
  type AwsAuthCodeInfo,
  type AwsAuthCodeName,
  type AwsAuthMapping,
  type AwsAuthMappings,
  type ManifestDataValue,
} from "../model/aws-auth.js";
import { diagnostic } from "../model/aws-auth/parse.js";

/** The lint codes with one-line descriptions, for docs and `--help`. */
export const AWS_AUTH_LINT_CODES: readonly AwsAuthCodeInfo[] = AWS_AUTH_CODE_TABLE.filter(
  (c) => c.code < "AA030",
);

/** Username prefixes reserved for Kubernetes and AWS components. */

export interface AwsAuthLintReport {
  readonly diagnostics: Diagnostic[];
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value);
  } catch {
    // A YAML node that cannot be built (a YAML 1.1 merge key of a scalar, say).
    return "a value that cannot be read";
  }
}

export function lintAwsAuth(manifestText: string, fileName: string): AwsAuthLintReport {
  const read = readAwsAuthManifest(manifestText, fileName);
  if (!read.ok) return { diagnostics: [...read.diagnostics] };
  const m = read.value;
  const out: Diagnostic[] = [];
  const push = (d: Diagnostic): void => {
    out.push(d);
  };

  if (m.kind !== "ConfigMap") {
    push(
      diagnostic(
        "notAwsAuth",
        `kind is '${show(m.kind)}', not ConfigMap`,
        "Lint the ConfigMap itself: kubectl get cm aws-auth -n kube-system -o yaml.",
        "kind",
        m.kindSource ?? m.source,
      ),
    );
  }
  if (m.name !== "aws-auth") {
    push(
      diagnostic(
        "notAwsAuth",
        `metadata.name is '${show(m.name)}': the authenticator only reads a ConfigMap named aws-auth`,
        "Name it aws-auth.",
        "metadata.name",
        m.nameSource ?? m.source,
      ),
    );
  }
  if (m.namespace !== "kube-system") {
    push(
      diagnostic(
        "notAwsAuth",
        m.namespace === undefined
          ? "metadata.namespace is missing: applied as is, it lands in the current namespace"
          : `metadata.namespace is '${show(m.namespace)}': the authenticator only reads kube-system`,
        "Set metadata.namespace: kube-system.",
        "metadata.namespace",
        m.namespaceSource ?? m.source,
      ),
    );
  }
  for (const k of m.misplacedKeys) {
    push(
      diagnostic(
        "outsideData",
        `${k.path} is outside data: it is not part of the ConfigMap's data, so the authenticator never sees these mappings (kubectl rejects or drops the field)`,
        `Indent ${k.key} under data: (two spaces), as kubectl get cm aws-auth -n kube-system -o yaml prints it.`,
        k.path,
        k.source,
      ),
    );
  }
  for (const v of m.nonStringValues) {
    push(
      diagnostic(
        "valueNotString",
        `data.${v.key} is a ${v.type}, not a string: the API server rejects the ConfigMap`,
        `Write it as a block string: ${v.key}: |  followed by the YAML, indented.`,
        `data.${v.key}`,
        v.source,
      ),
    );
  }
  for (const key of Object.keys(m.data)) {
    if ((AWS_AUTH_KEYS as readonly string[]).includes(key)) continue;
    const near = AWS_AUTH_KEYS.find(
      (k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2,
    );
    if (near !== undefined) {
      const value = m.data[key];
      push(
        diagnostic(
          "unknownKey",
          `data.${key} is ignored by the authenticator (keys are case-sensitive)`,
          `Did you mean ${near}?`,
          `data.${key}`,
          value?.keySource,
        ),
      );
    }
  }

  const parsed = parseAwsAuthData(m.data);
  const mappings = parsed.ok ? parsed.value : undefined;
  out.push(...parsed.diagnostics);
  if (mappings !== undefined) lintMappings(mappings, m.data, m.source, m.misplacedKeys.length > 0, push);
  return { diagnostics: sortDiagnostics(out) };
}

function fieldSource(
  e: AwsAuthMapping,
  field: "rolearn" | "userarn" | "username" | "groups" | "sso",
): SourcePosition | undefined {
  return e.fields[field]?.source ?? e.source;
}

function lintMappings(
  mappings: AwsAuthMappings,
  data: Readonly<Record<string, ManifestDataValue>>,
  fallback: SourcePosition,
  misplaced: boolean,
  push: (d: Diagnostic) => void,
): void {
  const entries: AwsAuthMapping[] = [...mappings.roles, ...mappings.users];
  for (const e of entries) {
    const arnField = e.kind === "role" ? "rolearn" : "userarn";
    const arn = e.kind === "role" ? e.rolearn : e.userarn;
    const arnPath = `${e.path}.${e.fields[arnField]?.name ?? arnField}`;
    if (arn !== "") lintArn(e, arn, arnPath, fieldSource(e, arnField), push);
    if (e.kind === "role" && e.sso !== undefined) {
      push(
        diagnostic(
          "ssoIgnored",
          `${e.path} is an sso entry: the authenticator honours sso entries only behind its SSORoleMatch feature gate, which EKS does not enable, so on EKS it maps nobody`,
          `Map the role by its ARN instead, without the role path: rolearn: arn:${e.sso.partition || "aws"}:iam::${e.sso.accountId}:role/AWSReservedSSO_${e.sso.permissionSetName}_<suffix> (the role's name in IAM; the aws-reserved/sso.amazonaws.com/REGION/ path must not be written).`,
          `${e.path}.${e.fields.sso?.name ?? "sso"}`,
          fieldSource(e, "sso"),
        ),
      );
    }
    if (e.kind === "role" && e.sso?.partition !== undefined && e.sso.partition !== "") {
      push(
        diagnostic(
          "ssoPartition",
          `${e.path}.sso.partition is set to '${e.sso.partition}': some authenticator versions then build the match pattern with an empty partition and the entry never matches`,
          e.sso.partition === "aws"
            ? "Leave partition out; aws is the default."
            : "Map the role with rolearn instead, or check the authenticator version.",
          `${e.path}.sso`,
          fieldSource(e, "sso"),
        ),
      );
    }
    const usernamePath = `${e.path}.${e.fields.username?.name ?? "username"}`;
    if (e.username === "") {
      push(
        diagnostic(
          "emptyUsername",
          `${e.path} has no username`,
          "Add username, e.g. team-a:{{SessionName}}.",
          usernamePath,
          fieldSource(e, "username"),
        ),
      );
    }
    lintTemplates(e, e.username, usernamePath, fieldSource(e, "username"), push);
    e.groups.forEach((g, i) => {
      lintTemplates(
        e,
        g,
        `${e.path}.${e.fields.groups?.name ?? "groups"}[${i}]`,
        e.groupSources[i] ?? fieldSource(e, "groups"),
        push,
      );
    });
    const nodeLike = e.groups.includes("system:nodes");
    const lowerName = e.username.toLowerCase();
    const prefix = RESERVED_USERNAME_PREFIXES.find((p) => lowerName.startsWith(p));
    if (
      prefix !== undefined &&
      !(nodeLike && /^system:node:\{\{(EC2PrivateDNSName|SessionName)\}\}$/.test(e.username))
    ) {
      const isSystem = prefix === "system:";
      push(
        diagnostic(
          "reservedUsername",
          isSystem
            ? `${usernamePath} '${e.username}' uses the system: prefix: the caller is treated like a Kubernetes component and gets its built-in permissions`
            : `${usernamePath} '${e.username}' uses the reserved prefix '${prefix}': EKS reserves it (access entries reject it) and it can collide with EKS identities`,
          "Use your own prefix, e.g. team-a:{{SessionName}}.",
          usernamePath,
          fieldSource(e, "username"),
        ),
      );
    }
    if (e.username.includes("{{EC2PrivateDNSName}}") && !nodeLike) {
      push(
        diagnostic(
          "ec2DnsTemplate",
          `${usernamePath} uses {{EC2PrivateDNSName}} but the entry is not a node role (no system:nodes group)`,
          "Callers whose session name is not an EC2 instance ID are denied; use {{SessionName}} for people.",
          usernamePath,
          fieldSource(e, "username"),
        ),
      );
    }
    e.groups.forEach((g, i) => {
      if (g === "system:masters") {
        push(
          diagnostic(
            "systemMasters",
            `${e.path} grants system:masters to ${e.kind === "role" ? e.rolearn || "an sso pattern" : e.userarn}`,
            "system:masters bypasses RBAC and cannot be revoked by it; bind a ClusterRole (e.g. cluster-admin) to a group of your own instead.",
            `${e.path}.${e.fields.groups?.name ?? "groups"}[${i}]`,
            e.groupSources[i] ?? fieldSource(e, "groups"),
          ),
        );
      }
    });
  }

  // An sso pattern and an exact rolearn that match the same role: Go map order decides.
  for (const r of mappings.effectiveRoles) {
    if (r.sso !== undefined || r.rolearn === "") continue;
    const p = parsePrincipalArn(r.rolearn);
    if (!p.ok) continue;
    // Only where the SSORoleMatch gate is on can an sso entry match too.
    const matches = matchingRoleEntries(mappings, r.rolearn, { ssoRoleMatch: true });
    const other = matches.find((x) => x !== r);
    if (other !== undefined) {
      push(
        diagnostic(
          "ambiguousMatch",
          `${r.path} and ${other.path} both match ${r.rolearn} where the SSORoleMatch gate is on: the authenticator then picks either one`,
          "Keep only one of them.",
          r.path,
          r.source,
        ),
      );
    }
  }
  const usersByLower = new Map<string, AwsAuthMapping[]>();
  for (const u of mappings.effectiveUsers) {
    const k = u.userarn.toLowerCase();
    usersByLower.set(k, [...(usersByLower.get(k) ?? []), u]);
  }
  for (const list of usersByLower.values()) {
    const [first, second] = list;
    if (first === undefined || second === undefined) continue;
    push(
      diagnostic(
        "ambiguousMatch",
        `${first.path} and ${second.path} differ only in letter case: both match the same caller and the authenticator picks either one`,
        "Keep one entry per user.",
        second.path,
        second.source,
      ),
    );
  }

  for (const a of mappings.accounts) {
    const why = accountIdProblem(a.accountId);
    if (why !== undefined) {
      push(
        diagnostic(
          "invalidAccount",
          `${a.path} ${why.startsWith("'") ? why : `'${a.accountId}' ${why}`}: the authenticator keeps it, but it never matches`,
          'Quote the ID so leading zeros survive: - "012345678901".',
          a.path,
          a.source,
        ),
      );
    } else {
      push(
        diagnostic(
          "mapAccounts",
          `${a.path} maps every IAM principal of account ${a.accountId} (username = its ARN, no groups)`,
          "Map specific roles in mapRoles instead; any role or user in that account can now authenticate.",
          a.path,
          a.source,
        ),
      );
    }
  }

  const hasNodeRole = mappings.effectiveRoles.some((r) => r.groups.includes("system:nodes"));
  if (!hasNodeRole) {
    const where = data.mapRoles;
    push(
      diagnostic(
        "noNodeRole",
        mappings.status.mapRoles === "dropped"
          ? "no usable entry maps to group system:nodes (mapRoles is ignored)"
          : misplaced && mappings.status.mapRoles === "absent"
            ? "no entry under data maps to group system:nodes (the mappings written outside data count for nothing): EC2 nodes cannot join the cluster"
            : "no entry maps to group system:nodes: EC2 nodes cannot join the cluster",
        "Keep the node role entry: rolearn of the node instance role, username system:node:{{EC2PrivateDNSName}}, groups system:bootstrappers and system:nodes (ignore if all nodes use access entries or Fargate profiles you map elsewhere).",
        "mapRoles",
        where?.keySource ?? fallback,
      ),
    );
  }
}

const ARN_PROBLEM_CODES: Readonly<Record<IamArnProblemKind, AwsAuthCodeName>> = {
  whitespace: "arnWhitespace",
  malformed: "invalidArn",
  account: "invalidAccount",
  group: "groupArn",
  "assumed-role": "stsArn",
  "role-path": "rolePath",
};

/** A rolearn / userarn that can never match (a warning: the entry is kept), or a misplaced one. */
function lintArn(
  e: AwsAuthMapping,
  arn: string,
  arnPath: string,
  source: SourcePosition | undefined,
  push: (d: Diagnostic) => void,
): void {
  const problem = iamPrincipalArnProblem(arn);
  if (problem !== undefined) {
    const ends = problem.kind === "assumed-role" || problem.kind === "role-path";
    push(
      diagnostic(
        ARN_PROBLEM_CODES[problem.kind],
        `${arnPath} '${arn}' ${problem.why}${ends ? "" : ": the authenticator keeps the entry, but it never matches"}`,
        problem.fix ??
          `Write the ARN of the IAM ${e.kind} exactly, e.g. arn:aws:iam::111122223333:${e.kind}/NAME.`,
        arnPath,
        source,
      ),
    );
    return;
  }
  const p = parsePrincipalArn(arn.toLowerCase());
  if (!p.ok) return;
  const kind = p.value.kind;
  if ((e.kind === "role") !== (kind === "role")) {
    push(
      diagnostic(
        "kindMismatch",
        `${arnPath} is a ${kind} ARN in ${e.kind === "role" ? "mapRoles" : "mapUsers"}: it works (both lists are searched) but misleads readers`,
        `Move the entry to ${kind === "role" ? "mapRoles (rolearn)" : "mapUsers (userarn)"}.`,
        arnPath,
        source,
      ),
    );
  }
}

function lintTemplates(
  e: AwsAuthMapping,
  template: string,
  path: string,
  source: SourcePosition | undefined,
  push: (d: Diagnostic) => void,
): void {
  for (const v of findTemplateVariables(template)) {
    if (v.known) continue;
    const near = ["AccountID", "AccessKeyID", "SessionName", "SessionNameRaw", "EC2PrivateDNSName"].find(
      (k) => k.toLowerCase() === v.name.trim().toLowerCase(),
    );
    push(
      diagnostic(
        "unknownTemplate",
        `${path} uses {{${v.name}}}, which the authenticator does not know: it stays in the name literally`,
        near !== undefined
          ? `Did you mean {{${near}}}? Variables are case-sensitive and take no spaces.`
          : "Known variables: {{AccountID}}, {{AccessKeyID}}, {{SessionName}}, {{SessionNameRaw}}, {{EC2PrivateDNSName}}.",
        path,
        source ?? e.source,
      ),
    );
  }
}
