/**
 * who-can: every subject a request is allowed for, with its paths. Unlike
 * kubectl-who-can and rbac-tool it counts `system:masters`, matches subresources and
 * non-resource URL prefixes exactly as the API server does, does not count
 * name-restricted rules for requests without that name, and can follow one
 * impersonation hop.
 */
import type { AccessPolicyGrant, BindingGrant, Grant } from "./authorize.js";
import { accessPolicyGrants, bindingRef, resolvedRole } from "./authorize.js";
import type { EscalationCapability } from "./escalation.js";
import { escalationCapabilities } from "./escalation.js";
import { ruleAllows } from "./match.js";
import type { RequestAttributes } from "./model.js";
import { isNonResource, parseServiceAccountUser, SUPERUSER_GROUP } from "./model.js";
import type { BindingRecord, RbacSnapshot } from "./rbac-snapshot.js";
import { subjectKey } from "./rbac-snapshot.js";

export type WhoCanSubjectKind = "User" | "Group" | "ServiceAccount" | "AccessEntry";

export interface WhoCanSubject {
  readonly kind: WhoCanSubjectKind;
  /** User or group name; for a ServiceAccount the bare name; for an AccessEntry the username, if any. */
  readonly name: string;
  readonly namespace?: string;
  /** The Kubernetes user name (User, ServiceAccount). */
  readonly user?: string;
  readonly principalArn?: string;
}

/** How a subject gets to act as a direct holder: one impersonation hop. */
export interface ImpersonationHop {
  readonly as: WhoCanSubject;
  readonly capability: BindingGrant;
}

export interface WhoCanEntry {
  readonly subject: WhoCanSubject;
  readonly grants: readonly Grant[];
  /** Set when the subject can only do it by impersonating `as`. */
  readonly impersonates?: ImpersonationHop;
}

export interface WhoCanOptions {
  /** Add subjects that can impersonate a direct holder (one hop). Default false. */
  readonly includeImpersonation?: boolean;
}

export interface WhoCanResult {
  readonly request: RequestAttributes;
  /** Direct holders first (superuser group, then by kind and name), then impersonators. */
  readonly entries: readonly WhoCanEntry[];
}

function subjectFor(kind: "user" | "group", name: string): WhoCanSubject {
  if (kind === "group") return { kind: "Group", name };
  const sa = parseServiceAccountUser(name);
  if (sa) return { kind: "ServiceAccount", name: sa.name, namespace: sa.namespace, user: name };
  return { kind: "User", name, user: name };
}

const KIND_ORDER: Readonly<Record<WhoCanSubjectKind, number>> = {
  Group: 0,
  User: 1,
  ServiceAccount: 2,
  AccessEntry: 3,
};

function compareSubjects(a: WhoCanSubject, b: WhoCanSubject): number {
  const k = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (k !== 0) return k;
  const an = `${a.namespace ?? ""}/${a.name}/${a.principalArn ?? ""}`;
  const bn = `${b.namespace ?? ""}/${b.name}/${b.principalArn ?? ""}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** Every subject that may do `request`, each with all its paths. */
export function whoCan(
  snapshot: RbacSnapshot,
  request: RequestAttributes,
  options: WhoCanOptions = {},
): WhoCanResult {
  const namespace = isNonResource(request) ? "" : (request.namespace ?? "");
  const direct = new Map<string, { subject: WhoCanSubject; grants: Grant[] }>();
  const entryFor = (key: string, subject: () => WhoCanSubject): Grant[] => {
    let e = direct.get(key);
    if (!e) {
      e = { subject: subject(), grants: [] };
      direct.set(key, e);
    }
    return e.grants;
  };

  entryFor(`group\0${SUPERUSER_GROUP}`, () => ({ kind: "Group", name: SUPERUSER_GROUP })).push({
    kind: "superuser",
    group: SUPERUSER_GROUP,
  });

  // Many bindings share a role: evaluate each distinct rule list once per request.
  const ruleMatch = new Map<readonly unknown[], number>();
  const visit = (b: BindingRecord): void => {
    if (b.rules === undefined) return;
    let ruleIndex = ruleMatch.get(b.rules);
    if (ruleIndex === undefined) {
      ruleIndex = b.rules.findIndex((r) => ruleAllows(r.rule, request));
      ruleMatch.set(b.rules, ruleIndex);
    }
    const effective = b.rules[ruleIndex];
    if (effective === undefined) return;
    for (const [subjectIndex, subject] of b.subjects.entries()) {
      const key = subjectKey(subject, b.namespace);
      if ("never" in key) continue;
      entryFor(`${key.kind}\0${key.name}`, () => subjectFor(key.kind, key.name)).push({
        kind: "binding",
        binding: bindingRef(b),
        subject,
        subjectIndex,
        role: resolvedRole(b),
        ruleIndex,
        rule: effective.rule,
        aggregatedVia: effective.via,
        scope: b.namespace,
      });
    }
  };
  for (const b of snapshot.clusterBindings) visit(b);
  if (namespace !== "") for (const b of snapshot.bindingsByNamespace.get(namespace) ?? []) visit(b);

  for (const entry of snapshot.accessEntries.values()) {
    const grants: AccessPolicyGrant[] = accessPolicyGrants(
      entry.principalArn,
      entry.associations,
      request,
      false,
    );
    if (grants.length === 0) continue;
    entryFor(`arn\0${entry.principalArn}`, () => ({
      kind: "AccessEntry",
      name: entry.username ?? "",
      principalArn: entry.principalArn,
    })).push(...grants);
  }

  const entries: WhoCanEntry[] = [...direct.values()]
    .map((e) => ({ subject: e.subject, grants: e.grants }))
    .sort((a, b) => compareSubjects(a.subject, b.subject));

  if (options.includeImpersonation) entries.push(...impersonators(snapshot, entries, new Set(direct.keys())));
  return { request, entries };
}

interface ImpersonationIndex {
  /** `resource\0name` -> capabilities limited to that name. */
  readonly named: ReadonlyMap<string, readonly EscalationCapability[]>;
  /** Capabilities for any name, by resource. */
  readonly any: ReadonlyMap<string, readonly EscalationCapability[]>;
}

const impersonationIndexes = new WeakMap<RbacSnapshot, ImpersonationIndex>();

function impersonationIndex(snapshot: RbacSnapshot): ImpersonationIndex {
  const cached = impersonationIndexes.get(snapshot);
  if (cached) return cached;
  const named = new Map<string, EscalationCapability[]>();
  const any = new Map<string, EscalationCapability[]>();
  const push = (map: Map<string, EscalationCapability[]>, key: string, c: EscalationCapability): void => {
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  };
  for (const c of escalationCapabilities(snapshot)) {
    if (c.verb !== "impersonate") continue;
    if (c.target.names.length === 0) push(any, c.target.resource, c);
    else for (const n of c.target.names) push(named, `${c.target.resource}\0${n}`, c);
  }
  const index = { named, any };
  impersonationIndexes.set(snapshot, index);
  return index;
}

/**
 * Subjects that can act as one of `entries` by impersonating it, each attached to the
 * first entry it can impersonate. Capabilities for any name are taken once, by the
 * first entry they reach, so the work is linear in entries plus capabilities.
 */
function impersonators(
  snapshot: RbacSnapshot,
  entries: readonly WhoCanEntry[],
  seen: Set<string>,
): WhoCanEntry[] {
  const index = impersonationIndex(snapshot);
  const hops: WhoCanEntry[] = [];
  const usedAny = new Set<EscalationCapability>();
  for (const e of entries) {
    const t = e.subject;
    const candidates: EscalationCapability[] = [];
    const take = (resource: string, name: string): void => {
      candidates.push(...(index.named.get(`${resource}\0${name}`) ?? []));
      for (const c of index.any.get(resource) ?? []) if (!usedAny.has(c)) candidates.push(c);
    };
    if (t.kind === "Group") take("groups", t.name);
    else if (t.kind === "User") take("users", t.name);
    else if (t.kind === "ServiceAccount") {
      take("serviceaccounts", t.name);
      take("users", t.user ?? "");
    }
    for (const c of candidates) {
      if (!canImpersonate(c, t)) continue;
      if (c.target.names.length === 0) usedAny.add(c);
      for (const [subjectIndex, holder] of c.holders.entries()) {
        const key = subjectKey(holder, c.binding.namespace);
        if ("never" in key) continue;
        const id = `${key.kind}\0${key.name}`;
        if (seen.has(id)) continue;
        seen.add(id);
        hops.push({
          subject: subjectFor(key.kind, key.name),
          grants: e.grants,
          impersonates: { as: t, capability: { ...c.grant, subject: holder, subjectIndex } },
        });
      }
    }
  }
  return hops.sort((a, b) => compareSubjects(a.subject, b.subject));
}

/**
 * Whether an impersonation capability reaches `target`. Users and groups are cluster
 * scoped (a RoleBinding cannot grant impersonating them); a service account can be
 * impersonated as a `serviceaccounts` object in its namespace or as its user name.
 */
export function canImpersonate(c: EscalationCapability, target: WhoCanSubject): boolean {
  const named = (name: string): boolean => c.target.names.length === 0 || c.target.names.includes(name);
  switch (target.kind) {
    case "Group":
      return c.target.resource === "groups" && c.namespace === "" && named(target.name);
    case "User":
      return c.target.resource === "users" && c.namespace === "" && named(target.name);
    case "ServiceAccount":
      return (
        (c.target.resource === "serviceaccounts" &&
          (c.namespace === "" || c.namespace === target.namespace) &&
          named(target.name)) ||
        (c.target.resource === "users" && c.namespace === "" && named(target.user ?? ""))
      );
    case "AccessEntry":
      return false;
  }
}
