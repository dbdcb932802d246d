/** Builders for the hops of access paths, from the evaluators' explanations. */
import type { AssumeRoleDecision, StatementMatch } from "../iam/index.js";
import type { MappedIdentity, ClusterMapping } from "../mapping/index.js";
import type { Grant, PolicyRule } from "../rbac/index.js";
import { describeBinding } from "../rbac/index.js";
import { accountIdOf, parsePrincipalArn, arnResourceName, classifyPrincipalArn } from "../../model/arn.js";
import type { Hop, HopStatement, RuleSummary } from "./model.js";

export function statementOf(role: HopStatement["role"], m: StatementMatch): HopStatement {
  return {
    role,
    policyKind: m.source.kind,
    policyName: m.source.policyName,
    ...(m.source.policyArn !== undefined ? { policyArn: m.source.policyArn } : {}),
    ...(m.source.attachedTo !== undefined ? { attachedTo: m.source.attachedTo } : {}),
    ...(m.sid !== undefined ? { sid: m.sid } : {}),
    statementIndex: m.statementIndex,
    why: m.why,
  };
}

/** What a policy is attached to: a group, a user, otherwise a role. */
function ownerKind(arn: string): "group" | "user" | "role" {
  const kind = classifyPrincipalArn(arn).kind;
  return kind === "group" || kind === "user" ? kind : "role";
}

/** `group-inline policy AssumeRnd Sid "AssumeTeamRole" of group rnd` */
export function describeStatement(s: HopStatement): string {
  const sid = s.sid !== undefined ? ` Sid ${JSON.stringify(s.sid)}` : ` statement ${s.statementIndex}`;
  const owner =
    s.attachedTo === undefined || s.policyKind === "trust"
      ? ""
      : ` of ${ownerKind(s.attachedTo)} ${arnResourceName(s.attachedTo)}`;
  const name = s.policyKind === "trust" ? "trust policy" : `${s.policyKind} policy ${s.policyName}`;
  return `${name}${sid}${owner}`;
}

/**
 * The hop of a principal that uses its own credentials: an IAM user, the account root user
 * or a federated-user session (the last two cannot assume roles).
 */
export function userHop(arn: string, why?: string): Hop {
  if (classifyPrincipalArn(arn).kind === "user") {
    return {
      kind: "iam-user",
      id: `iam:${arn.toLowerCase()}`,
      what: `IAM user ${arnResourceName(arn)}`,
      why: why ?? "the IAM user asked about",
      source: arn,
    };
  }
  const parsed = parsePrincipalArn(arn);
  const kind = parsed.ok ? parsed.value.kind : "user";
  const account = parsed.ok ? parsed.value.accountId : "";
  const what =
    kind === "root"
      ? `root user of account ${account}`
      : kind === "federated-user"
        ? `federated user ${arnResourceName(arn)}`
        : `IAM user ${arnResourceName(arn)}`;
  const asked =
    kind === "root"
      ? "the account root user asked about; it cannot call sts:AssumeRole, so only its own credentials count"
      : kind === "federated-user"
        ? "the federated-user session asked about; it cannot call sts:AssumeRole, so only its own credentials count"
        : "the IAM user asked about";
  return { kind: "iam-user", id: `iam:${arn.toLowerCase()}`, what, why: why ?? asked, source: arn };
}

export function groupHop(groupArn: string, userName: string, statement: HopStatement): Hop {
  return {
    kind: "iam-group",
    id: `iam:${groupArn.toLowerCase()}`,
    what: `IAM group ${arnResourceName(groupArn)}`,
    why: `${userName} is a member; its ${describeStatement(statement)} allows sts:AssumeRole`,
    source: groupArn,
    statements: [statement],
  };
}

/** The hop into a role assumed with `decision`. */
export function assumeHop(decision: AssumeRoleDecision, sessionReason: string): Hop {
  const statements: HopStatement[] = [];
  if (decision.identityStatement !== undefined)
    statements.push(statementOf("identity", decision.identityStatement));
  if (decision.trustStatement !== undefined) statements.push(statementOf("trust", decision.trustStatement));
  const callerAccount = accountIdOf(decision.principalArn) ?? "";
  const roleAccount = accountIdOf(decision.roleArn) ?? "";
  const crossAccount = callerAccount !== "" && roleAccount !== "" && callerAccount !== roleAccount;
  const parts = statements.map((s) =>
    crossAccount
      ? s.role === "identity"
        ? `identity side in account ${callerAccount}: allowed by ${describeStatement(s)}`
        : `trust side in account ${roleAccount}: trusted by ${describeStatement(s)}`
      : `${s.role === "identity" ? "allowed by" : "trusted by"} ${describeStatement(s)}`,
  );
  if (crossAccount) parts.push("across accounts both sides must allow");
  if (!decision.identityPolicyRequired && decision.identityStatement === undefined)
    parts.push("the trust policy names the caller itself, so no identity policy is needed");
  return {
    kind: "iam-role",
    id: `iam:${decision.roleArn.toLowerCase()}`,
    what: `IAM role ${arnResourceName(decision.roleArn)}`,
    why: `sts:AssumeRole with session name ${JSON.stringify(decision.sessionName)} (${sessionReason}): ${parts.join("; ")}`,
    source: decision.roleArn,
    statements,
  };
}

export function directRoleHop(roleArn: string, sessionName: string, reason: string): Hop {
  return {
    kind: "iam-role",
    id: `iam:${roleArn.toLowerCase()}`,
    what: `IAM role ${arnResourceName(roleArn)}`,
    why: `a session of the role itself, session name ${JSON.stringify(sessionName)} (${reason})`,
    source: roleArn,
  };
}

export function mappingHop(m: MappedIdentity): Hop {
  const where =
    m.source.kind === "access-entry" ? m.source.entry.source : `${m.source.file} ${m.source.path}`;
  const what =
    m.source.kind === "access-entry"
      ? `access entry ${arnResourceName(m.source.entry.principalArn)}`
      : `aws-auth ${m.source.path}`;
  return {
    kind: "mapping",
    id: `${m.cluster}:mapping:${where}`,
    what: `${what} on ${m.cluster}`,
    why: m.why + (m.notes.length > 0 ? ` (${m.notes.join("; ")})` : ""),
    source: where,
  };
}

export function identityHop(m: MappedIdentity): Hop {
  const session =
    m.sessionName !== undefined && m.sessionDependent
      ? `; {{SessionName}} is ${JSON.stringify(m.sessionName)} (${m.sessionNameReason ?? "the session name"})`
      : "";
  return {
    kind: "kubernetes-identity",
    id: `${m.cluster}:user:${m.username}`,
    what: `Kubernetes user ${m.username}`,
    why: `groups ${m.identity.groups.join(", ")}${session}`,
  };
}

/** Hops up to the Kubernetes identity for a mapping, or none when unmapped. */
export function mappingHops(m: ClusterMapping): Hop[] {
  return m.mapped ? [mappingHop(m), identityHop(m)] : [];
}

function list(values: readonly string[] | undefined): string {
  return values === undefined || values.length === 0 ? "" : values.join(",");
}

export function summarizeRule(rule: PolicyRule): RuleSummary {
  const verbs = [...rule.verbs];
  const apiGroups = [...(rule.apiGroups ?? [])];
  const resources = [...(rule.resources ?? [])];
  const resourceNames = [...(rule.resourceNames ?? [])];
  const nonResourceURLs = [...(rule.nonResourceURLs ?? [])];
  let text: string;
  if (nonResourceURLs.length > 0 && resources.length === 0) {
    text = `${list(verbs)} ${list(nonResourceURLs)}`;
  } else {
    const groups = apiGroups.map((g) => (g === "" ? "core" : g));
    text = `${list(verbs)} ${list(resources)}${groups.length > 0 && !(groups.length === 1 && groups[0] === "core") ? ` (${groups.join(",")})` : ""}`;
    if (resourceNames.length > 0) text += ` named ${list(resourceNames)}`;
    if (nonResourceURLs.length > 0) text += `; ${list(nonResourceURLs)}`;
  }
  return { verbs, apiGroups, resources, resourceNames, nonResourceURLs, text };
}

/** The hops of one RBAC or access-policy grant. */
export function grantHops(cluster: string, grant: Grant): Hop[] {
  switch (grant.kind) {
    case "superuser":
      return [
        {
          kind: "superuser",
          id: `${cluster}:group:system:masters`,
          what: "group system:masters",
          why: "a member: the API server allows every request before RBAC is asked",
        },
      ];
    case "binding": {
      const b = grant.binding;
      const subject =
        grant.subject.kind === "ServiceAccount"
          ? `ServiceAccount ${grant.subject.namespace ?? b.namespace}/${grant.subject.name}`
          : `${grant.subject.kind} ${grant.subject.name}`;
      const role =
        grant.role.kind === "Role"
          ? `Role ${grant.role.namespace}/${grant.role.name}`
          : `ClusterRole ${grant.role.name}`;
      const scope = b.kind === "RoleBinding" ? ` (inside namespace ${b.namespace} only)` : " (cluster-wide)";
      const via =
        grant.aggregatedVia.length > 0 ? `, aggregated from ${grant.aggregatedVia.join(" <- ")}` : "";
      return [
        {
          kind: "binding",
          id: `${cluster}:binding:${b.kind}:${b.namespace}/${b.name}`,
          what: describeBinding(b),
          why: `subject ${subject} matches${scope}`,
          source: `${b.kind} ${b.namespace === "" ? "" : `${b.namespace}/`}${b.name} subjects[${grant.subjectIndex}]`,
        },
        {
          kind: "rule",
          id: `${cluster}:role:${grant.role.kind}:${grant.role.namespace}/${grant.role.name}`,
          what: role,
          why: `rule ${grant.ruleIndex}: ${summarizeRule(grant.rule).text}${via}`,
          source: `${role} rules[${grant.ruleIndex}]`,
        },
      ];
    }
    case "access-policy": {
      const scope =
        grant.accessScope.type === "cluster"
          ? "cluster"
          : `namespaces ${grant.accessScope.namespaces.join(",")}`;
      return [
        {
          kind: "access-policy",
          id: `${cluster}:access-policy:${grant.principalArn}:${grant.policyName}`,
          what: `access policy ${grant.policyName} (${scope})`,
          why: `associated with the access entry; rule ${grant.ruleIndex}: ${summarizeRule(grant.rule).text} (eksgate's table of what the policy allows)`,
          source: grant.policyArn,
        },
      ];
    }
  }
}
