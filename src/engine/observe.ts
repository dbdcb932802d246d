/**
 * Reads, through the ports, everything the planner needs to compare: the teams' roles
 * and eksgate's other roles, the groups' policies, and per cluster its authentication
 * mode, aws-auth, access entries and eksgate's RBAC objects. Read-only.
 */
import { isIdentityCenterTeam, teamRoleArnIn, type AccessConfig } from "../core/model/access-config.js";
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
import type { RbacObject } from "../core/model/rbac.js";
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
import type { IamPort, ObservedRole } from "../ports/iam.js";
import type { KubePort, RbacKind } from "../ports/kube.js";
import { eksFor, iamFor, type EngineDeps } from "./deps.js";

const RBAC_KINDS: readonly RbacKind[] = ["ClusterRole", "ClusterRoleBinding", "RoleBinding"];

export interface Observation {
  readonly state: ObservedState;
  /** Kubernetes connections opened while observing, reused by apply. */
  readonly kube: ReadonlyMap<string, KubePort>;
}

function iso(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/**
 * Observes the config's teams' roles and groups (and eksgate's other roles), and the
 * clusters of the desired state, looking for its RBAC objects by name.
 */
export async function observe(
  config: AccessConfig,
  desired: DesiredState,
  deps: EngineDeps,
): Promise<Observation> {
  const { iam } = deps;
  const identity = config.accountId;

  // IAM roles: the teams' roles by name in each of their accounts, and every role eksgate
  // tagged (for removed teams), each account read with its own credentials.
  deps.events({ type: "observe", what: "IAM roles" });
  const roles: Record<string, ObservedIamRole | null> = {};
  const readRole = async (account: IamPort, role: ObservedRole): Promise<ObservedIamRole> => {
    const names = (await account.listRolePolicies(role.name)).filter(isEksgatePolicyName);
    const inlinePolicies: Record<string, PolicyDocument> = {};
    for (const name of names) {
      const doc = await account.getRolePolicy(role.name, name);
      if (doc !== undefined) inlinePolicies[name] = doc;
    }
    return { ...role, createDate: iso(role.createDate), inlinePolicies };
  };
  const iamTeams = config.teams.filter((t) => !isIdentityCenterTeam(t));
  const roleAccounts = new Set<string>(
    config.accounts.length > 1 ? config.accounts.map((a) => a.id) : [identity],
  );
  for (const accountId of [...roleAccounts].sort()) {
    const account = iamFor(deps, identity, accountId);
    for (const team of iamTeams.filter((t) => teamRoleAccounts(config, t).includes(accountId))) {
      const role = await account.getRole(team.roleName);
      roles[roleKey(identity, accountId, team.roleName)] =
        role === undefined ? null : await readRole(account, role);
    }
    const tagged = await account.listRolesTagged("", [MANAGED_ROLE_TAG]);
    for (const role of tagged) {
      const key = roleKey(identity, accountId, role.name);
      if (!(key in roles)) roles[key] = await readRole(account, role);
    }
  }

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
  for (const [name, policyNames] of wantedGroupPolicies) {
    const exists = await iam.groupExists(name);
    const policies: Record<string, PolicyDocument> = {};
    if (exists) {
      for (const policy of policyNames) {
        const doc = await iam.getGroupPolicy(name, policy);
        if (doc !== undefined) policies[policy] = doc;
      }
    }
    groups[name] = { name, exists, policies };
  }

  // Clusters.
  const clusters: Record<string, ObservedClusterState> = {};
  const kube = new Map<string, KubePort>();
  const ourArns = new Set(
    [
      ...iamTeams.flatMap((t) => teamRoleAccounts(config, t).map((a) => teamRoleArnIn(t, a))),
      ...Object.values(roles).flatMap((r) => (r ? [r.arn] : [])),
    ].map((a) => a.toLowerCase()),
  );
  for (const { cluster, rbacObjects } of desired.clusters) {
    deps.events({ type: "observe", what: `cluster ${cluster.name}` });
    const eks = eksFor(deps, identity, cluster.accountId, cluster.region);
    const described = await eks.describeCluster(cluster.name);
    if (described === undefined) {
      clusters[cluster.name] = {
        name: cluster.name,
        authenticationMode: undefined,
        awsAuth: undefined,
        awsAuthRead: false,
        accessEntries: [],
        managedRbac: [],
        foreignRbac: [],
        namespaces: {},
      };
      continue;
    }
    const port = await deps.kube(cluster, described);
    kube.set(cluster.name, port);
    const mode = described.authenticationMode;

    const awsAuth = mode === "API" ? undefined : await port.readConfigMap("kube-system", "aws-auth");
    const accessEntries: ObservedAccessEntryState[] = [];
    if (mode !== "CONFIG_MAP") {
      const principals = await eks.listAccessEntries(cluster.name);
      // eksgate's roles, and entries of roles named like eksgate's default (eksgate-<team>):
      // those may be left over from a team whose role is already gone; the planner deletes
      // them only when they carry eksgate's tag.
      const candidates = principals.filter((p) => ourArns.has(p.toLowerCase()) || hasDefaultRoleName(p));
      for (const principal of candidates) {
        const entry = await eks.describeAccessEntry(cluster.name, principal);
        if (entry === undefined) continue;
        const policies = await eks.listAssociatedAccessPolicies(cluster.name, principal);
        accessEntries.push({ ...entry, createdAt: iso(entry.createdAt), policies });
      }
    }

    const managedRbac: RbacObject[] = [];
    for (const kind of RBAC_KINDS) managedRbac.push(...(await port.listRbac(kind, MANAGED_LABELS)));
    const managedKeys = new Set(managedRbac.map(rbacKey));
    const foreignRbac: RbacObject[] = [];
    const namespaces: Record<string, boolean> = {};
    for (const object of rbacObjects) {
      if (!managedKeys.has(rbacKey(object))) {
        const existing = await port.getRbac(object.kind, object.metadata.name, object.metadata.namespace);
        if (existing !== undefined) foreignRbac.push(existing);
      }
      const ns = object.metadata.namespace;
      if (ns !== undefined && !(ns in namespaces)) namespaces[ns] = await port.namespaceExists(ns);
    }
    clusters[cluster.name] = {
      name: cluster.name,
      authenticationMode: mode,
      awsAuth,
      awsAuthRead: mode !== "API",
      accessEntries,
      managedRbac,
      foreignRbac,
      namespaces,
    };
  }
  return { state: { roles, groups, clusters }, kube };
}
