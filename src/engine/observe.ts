/**
 * Reads, through the ports, everything the planner needs to compare: the teams' roles
 * and eksgate's other roles, the groups' policies, and per cluster its authentication
 * mode, aws-auth, access entries and eksgate's RBAC objects. Read-only.
 */
import {
  isIdentityCenterTeam,
  teamAccounts,
  teamRoleArnIn,
  type AccessConfig,
} from "../core/model/access-config.js";
import { identityCenterRoleOf } from "../core/model/arn.js";
import { RESERVED_ROLE_PATH_PREFIX } from "../core/model/identity-center.js";
import { teamRoleAccounts } from "../core/model/iam-documents.js";
import {
  GROUP_TAG_KEY,
  groupPolicyName,
  hasDefaultRoleName,
  isEksgatePolicyName,
  MANAGED_LABELS,
  MANAGED_ROLE_TAG,
  TEAM_TAG_KEY,
  tagValue,
} from "../core/model/ownership.js";
import type { Diagnostic } from "../core/diagnostics.js";
import type { ObservedRbacObject } from "../core/model/rbac.js";
import type { DesiredState } from "../core/plan/desired.js";
import { roleKey } from "../core/plan/observed.js";
import type {
  ObservedAccessEntryState,
  ObservedClusterState,
  ObservedIamGroup,
  ObservedIamRole,
  ObservedState,
} from "../core/plan/observed.js";
import { rbacKey } from "../core/plan/rbac-steps.js";
import type { PolicyDocument } from "../core/model/policy-document.js";
import type { ObservedRole } from "../ports/iam.js";
import type { KubePort, RbacKind } from "../ports/kube.js";
import { eksFor, iamFor, type EngineDeps } from "./deps.js";
import { createLimiter, DEFAULT_PARALLELISM } from "./executor.js";
import { retryThrottled } from "./throttle.js";
import { iamReads, type IamReads } from "./iam-reads.js";
import { observeIdentityCenter } from "./observe-identity-center.js";
import { inAccount } from "../ports/errors.js";

const RBAC_KINDS: readonly RbacKind[] = ["ClusterRole", "ClusterRoleBinding", "RoleBinding"];

export interface Observation {
  readonly state: ObservedState;
  /** Kubernetes connections opened while observing, reused by apply. */
  readonly kube: ReadonlyMap<string, KubePort>;
  /**
   * What connecting to the clusters said: warnings (a kubeconfig context skipped, several
   * that fit), and errors for clusters that could not be reached (their state is not read).
   */
  readonly diagnostics: readonly Diagnostic[];
}

/** A timestamp as ISO 8601 UTC text, the form the planner compares (observed.ts). */
export function iso(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** `fn` over every item, all started at once (the calls inside go through the limiter). */
function each<T, R>(items: Iterable<T>, fn: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all([...items].map(fn));
}

/**
 * Observes the config's teams' roles and groups (and eksgate's other roles), and the
 * clusters of the desired state, looking for its RBAC objects by name. Reads run
 * concurrently, at most `parallelism` calls in flight; the state comes out the same
 * whatever order the answers arrive in.
 */
export async function observe(
  config: AccessConfig,
  desired: DesiredState,
  deps: EngineDeps,
  parallelism: number = DEFAULT_PARALLELISM,
): Promise<Observation> {
  // Every read through the limiter; a read the server throttles waits (out of its slot)
  // and is made again, and the CLI hears of it.
  const limit = createLimiter(parallelism);
  const io = <T>(call: () => Promise<T>): Promise<T> =>
    retryThrottled(
      () => limit(call),
      deps.clock,
      (attempt, wait, error) => {
        deps.events({
          type: "read-retry",
          attempt,
          why: `the server asked to slow down (${error instanceof Error ? error.message : "throttled"}): reading again in ${wait} ms`,
        });
      },
    );
  const identity = config.accountId;

  // IAM roles: the teams' roles by name in each of their accounts, and every role eksgate
  // tagged (for removed teams), each account read with its own credentials.
  deps.events({ type: "observe", what: "IAM roles" });
  const iam = await io(() => iamReads(deps.iam, deps.events));
  const roles: Record<string, ObservedIamRole | null> = {};
  const readRole = async (account: IamReads, role: ObservedRole): Promise<ObservedIamRole> => {
    const names = (await io(() => account.listRolePolicies(role.name))).filter(isEksgatePolicyName);
    const inlinePolicies: Record<string, PolicyDocument> = {};
    const docs = await each(names, (name) => io(() => account.getRolePolicy(role.name, name)));
    names.forEach((name, i) => {
      const doc = docs[i];
      if (doc !== undefined) inlinePolicies[name] = doc;
    });
    return { ...role, createDate: iso(role.createDate), inlinePolicies };
  };
  const iamTeams = config.teams.filter((t) => !isIdentityCenterTeam(t));
  const roleAccounts = [
    ...new Set<string>(config.accounts.length > 1 ? config.accounts.map((a) => a.id) : [identity]),
  ].sort();
  // Each account's reads: one batch read where allowed; the accounts are read concurrently.
  const accountReads = await each(roleAccounts, (accountId) =>
    accountId === identity
      ? Promise.resolve(iam)
      : inAccount(accountId, () => io(() => iamReads(iamFor(deps, identity, accountId), deps.events))),
  );
  const readAccount = async (accountId: string): Promise<Record<string, ObservedIamRole | null>> => {
    const account = accountReads[roleAccounts.indexOf(accountId)] ?? iam;
    const teams = iamTeams.filter((t) => teamRoleAccounts(config, t).includes(accountId));
    const [teamRoles, tagged] = await Promise.all([
      each(teams, async (team) => {
        const role = await io(() => account.getRole(team.roleName));
        return role === undefined ? null : await readRole(account, role);
      }),
      io(() => account.listRolesTagged("", [MANAGED_ROLE_TAG])),
    ]);
    const found: Record<string, ObservedIamRole | null> = {};
    teams.forEach((team, i) => {
      found[roleKey(identity, accountId, team.roleName)] = teamRoles[i] ?? null;
    });
    const others = tagged.filter(
      (role, i, all) => !(roleKey(identity, accountId, role.name) in found) && all.indexOf(role) === i,
    );
    const otherRoles = await each(others, (role) => readRole(account, role));
    others.forEach((role, i) => {
      const read = otherRoles[i];
      if (read !== undefined) found[roleKey(identity, accountId, role.name)] = read;
    });
    return found;
  };
  // A failure names the account whose credentials made the call.
  const readAccounts = await each(roleAccounts, (accountId) =>
    inAccount(accountId, () => readAccount(accountId)),
  );
  for (const found of readAccounts) Object.assign(roles, found);

  // Identity Center teams: Identity Center itself, and the roles it made in each account of
  // their clusters (found by path, matched to a permission set by the planner).
  const idcTeams = config.teams.filter(isIdentityCenterTeam);
  const idcAccounts = [...new Set(idcTeams.flatMap((t) => teamAccounts(config, t)))].sort();
  const [identityCenter, reservedLists] = await Promise.all([
    observeIdentityCenter(config, deps, io),
    each(idcAccounts, (accountId) =>
      inAccount(accountId, () => {
        const account = accountReads[roleAccounts.indexOf(accountId)] ?? iam;
        return io(() => account.listRolesByPath(RESERVED_ROLE_PATH_PREFIX));
      }),
    ),
  ]);
  const reservedRoles: Record<string, ObservedIamRole[]> = {};
  idcAccounts.forEach((accountId, i) => {
    reservedRoles[accountId] = (reservedLists[i] ?? []).map((role) => ({
      ...role,
      createDate: iso(role.createDate),
      inlinePolicies: {},
    }));
  });
  // An access entry of a role Identity Center made: a team's, or one eksgate made for a team
  // since removed from the config (the planner deletes it only when it carries eksgate's tag).
  const isTeamReservedRole = (principal: string): boolean => identityCenterRoleOf(principal) !== undefined;

  // IAM groups: each team's group, and the groups recorded on eksgate's roles.
  deps.events({ type: "observe", what: "IAM groups" });
  const groups: Record<string, ObservedIamGroup> = {};
  const wantedGroupPolicies = new Map<string, Set<string>>();
  const want = (group: string, policy: string): void => {
    const set = wantedGroupPolicies.get(group) ?? new Set<string>();
    set.add(policy);
    wantedGroupPolicies.set(group, set);
  };
  for (const team of iamTeams) want(team.iamGroup, groupPolicyName(team));
  for (const role of Object.values(roles)) {
    if (role === null) continue;
    const group = tagValue(role.tags, GROUP_TAG_KEY);
    const team = tagValue(role.tags, TEAM_TAG_KEY);
    if (group !== undefined && team !== undefined) want(group, groupPolicyName({ name: team }));
  }
  const readGroups = await each(wantedGroupPolicies, async ([name, policyNames]) => {
    const exists = await io(() => iam.groupExists(name));
    const policies: Record<string, PolicyDocument> = {};
    if (exists) {
      const wanted = [...policyNames];
      const docs = await each(wanted, (policy) => io(() => iam.getGroupPolicy(name, policy)));
      wanted.forEach((policy, i) => {
        const doc = docs[i];
        if (doc !== undefined) policies[policy] = doc;
      });
    }
    return { name, exists, policies };
  });
  for (const group of readGroups) groups[group.name] = group;

  // Clusters.
  const clusters: Record<string, ObservedClusterState> = {};
  const kube = new Map<string, KubePort>();
  const ourArns = new Set(
    [
      ...iamTeams.flatMap((t) => teamRoleAccounts(config, t).map((a) => teamRoleArnIn(t, a))),
      ...Object.values(roles).flatMap((r) => (r ? [r.arn] : [])),
    ].map((a) => a.toLowerCase()),
  );
  for (const { cluster } of desired.clusters)
    deps.events({ type: "observe", what: `cluster ${cluster.name}` });
  const diagnostics: Diagnostic[] = [];
  const readCluster = async ({ cluster, rbacObjects }: DesiredState["clusters"][number]) => {
    const eks = eksFor(deps, identity, cluster.accountId, cluster.region);
    const described = await io(() => eks.describeCluster(cluster.name));
    const unread = {
      name: cluster.name,
      authenticationMode: undefined,
      awsAuth: undefined,
      awsAuthRead: false,
      accessEntries: [],
      managedRbac: [],
      foreignRbac: [],
      namespaces: {},
      port: undefined,
    };
    if (described === undefined) return unread;
    const connected = await deps.kube(cluster, described);
    diagnostics.push(...connected.diagnostics);
    // A cluster that cannot be reached is not read; the others still are, so that every
    // cluster's connection problem shows at once.
    if (!connected.ok) return unread;
    const port = connected.value;
    const mode = described.authenticationMode;

    const awsAuth =
      mode === "API" ? undefined : await io(() => port.readConfigMap("kube-system", "aws-auth"));
    const accessEntries: ObservedAccessEntryState[] = [];
    if (mode !== "CONFIG_MAP") {
      const principals = await io(() => eks.listAccessEntries(cluster.name));
      // eksgate's roles, and entries of roles named like eksgate's default (eksgate-<team>):
      // those may be left over from a team whose role is already gone; the planner deletes
      // them only when they carry eksgate's tag.
      const candidates = principals.filter(
        (p) => ourArns.has(p.toLowerCase()) || hasDefaultRoleName(p) || isTeamReservedRole(p),
      );
      const entries = await each(candidates, async (principal) => {
        const entry = await io(() => eks.describeAccessEntry(cluster.name, principal));
        if (entry === undefined) return undefined;
        const policies = await io(() => eks.listAssociatedAccessPolicies(cluster.name, principal));
        return { ...entry, createdAt: iso(entry.createdAt), policies };
      });
      for (const entry of entries) if (entry !== undefined) accessEntries.push(entry);
    }

    const lists = await each(RBAC_KINDS, (kind) => io(() => port.listRbac(kind, MANAGED_LABELS)));
    const managedRbac: ObservedRbacObject[] = lists.flat();
    const managedKeys = new Set(managedRbac.map(rbacKey));
    const unmanaged = rbacObjects.filter((object) => !managedKeys.has(rbacKey(object)));
    const wantedNamespaces = [
      ...new Set(
        rbacObjects.flatMap((o) => (o.metadata.namespace !== undefined ? [o.metadata.namespace] : [])),
      ),
    ];
    const [existing, present] = await Promise.all([
      each(unmanaged, (object) =>
        io(() => port.getRbac(object.kind, object.metadata.name, object.metadata.namespace)),
      ),
      each(wantedNamespaces, (ns) => io(() => port.namespaceExists(ns))),
    ]);
    const foreignRbac = existing.filter((o): o is ObservedRbacObject => o !== undefined);
    const namespaces: Record<string, boolean> = {};
    wantedNamespaces.forEach((ns, i) => {
      namespaces[ns] = present[i] ?? false;
    });
    return {
      name: cluster.name,
      authenticationMode: mode,
      awsAuth,
      awsAuthRead: mode !== "API",
      accessEntries,
      managedRbac,
      foreignRbac,
      namespaces,
      port,
    };
  };
  const readClusters = await each(desired.clusters, (wanted) =>
    inAccount(wanted.cluster.accountId, () => readCluster(wanted)),
  );
  for (const { port, ...state } of readClusters) {
    clusters[state.name] = state;
    if (port !== undefined) kube.set(state.name, port);
  }
  return {
    state: {
      roles,
      groups,
      clusters,
      ...(identityCenter !== undefined ? { identityCenter } : {}),
      ...(idcAccounts.length > 0 ? { reservedRoles } : {}),
    },
    kube,
    diagnostics,
  };
}
