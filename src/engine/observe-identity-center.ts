/**
 * What observe reads of IAM Identity Center for the config's Identity Center teams, through
 * the Identity Center port (with the credentials of the account that administers it): the
 * instance, each team's group, the permission sets (the teams' inline policies when they are
 * eksgate's), and the assignments of the teams' permission sets in the teams' accounts.
 * Read-only. The roles Identity Center made are read from IAM of each account (observe.ts).
 */
import { isIdentityCenterTeam, teamAccounts, type AccessConfig } from "../core/model/access-config.js";
import { isManagedPermissionSet } from "../core/model/ownership.js";
import type { PolicyDocument } from "../core/model/policy-document.js";
import { chooseInstance } from "../core/plan/identity-center-steps.js";
import {
  assignmentKey,
  type ObservedIdentityCenter,
  type ObservedIdentityCenterInstance,
  type ObservedPermissionSetState,
} from "../core/plan/observed.js";
import { inAccount } from "../ports/errors.js";
import type { IdentityCenterPort } from "../ports/identity-center.js";
import type { EngineDeps } from "./deps.js";

type Limiter = <T>(call: () => Promise<T>) => Promise<T>;
type IdentityCenterTeam = AccessConfig["teams"][number] & {
  readonly identityCenter: NonNullable<AccessConfig["teams"][number]["identityCenter"]>;
};

function each<T, R>(items: Iterable<T>, fn: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all([...items].map(fn));
}

/** Undefined when the config has no Identity Center team. */
export async function observeIdentityCenter(
  config: AccessConfig,
  deps: EngineDeps,
  io: Limiter,
): Promise<ObservedIdentityCenter | undefined> {
  const teams = config.teams.filter(isIdentityCenterTeam);
  const settings = config.identityCenter;
  if (teams.length === 0 || settings === undefined) return undefined;
  const port = deps.identityCenter;
  if (port === undefined)
    throw new Error("the config has Identity Center teams and the engine has no Identity Center port");
  deps.events({ type: "observe", what: "IAM Identity Center" });
  return inAccount(settings.accountId, () => read(config, teams, port, io));
}

async function read(
  config: AccessConfig,
  teams: readonly IdentityCenterTeam[],
  port: IdentityCenterPort,
  io: Limiter,
): Promise<ObservedIdentityCenter> {
  const settings = config.identityCenter;
  const instances: readonly ObservedIdentityCenterInstance[] =
    settings?.instanceArn !== undefined && settings.identityStoreId !== undefined
      ? [{ instanceArn: settings.instanceArn, identityStoreId: settings.identityStoreId }]
      : await io(() => port.listInstances());
  const choice = chooseInstance(config, instances);
  if (!choice.ok) return { instances, groups: {}, permissionSets: {}, assignments: {} };
  const { instanceArn, identityStoreId } = choice.instance;

  const [foundGroups, sets] = await Promise.all([
    each(teams, (team) => {
      const { group, groupId } = team.identityCenter;
      return io(() =>
        groupId !== undefined
          ? port.describeGroup(identityStoreId, groupId)
          : port.findGroupByName(identityStoreId, group ?? ""),
      );
    }),
    io(() => port.listPermissionSets(instanceArn)),
  ]);
  const groups: Record<string, { groupId: string; displayName: string } | null> = {};
  teams.forEach((team, i) => {
    groups[team.name] = foundGroups[i] ?? null;
  });

  const wantedNames = [...new Set(teams.map((t) => t.identityCenter.permissionSet))];
  const permissionSets: Record<string, ObservedPermissionSetState | null> = {};
  const byName = new Map(sets.map((s) => [s.name, s]));
  const policies = await each(wantedNames, async (name) => {
    const set = byName.get(name);
    // Only an eksgate permission set's policy is compared; others are not read.
    return set !== undefined && isManagedPermissionSet(set)
      ? await io(() => port.getInlinePolicy(instanceArn, set.arn))
      : undefined;
  });
  wantedNames.forEach((name, i) => {
    const set = byName.get(name);
    const policy: PolicyDocument | undefined = policies[i];
    permissionSets[name] =
      set === undefined ? null : { ...set, ...(policy !== undefined ? { inlinePolicy: policy } : {}) };
  });

  const pairs = new Map<string, { permissionSetArn: string; accountId: string }>();
  for (const team of teams) {
    const set = byName.get(team.identityCenter.permissionSet);
    if (set === undefined) continue;
    for (const accountId of teamAccounts(config, team)) {
      pairs.set(assignmentKey(set.name, accountId), { permissionSetArn: set.arn, accountId });
    }
  }
  const lists = await each(pairs.values(), ({ permissionSetArn, accountId }) =>
    io(() => port.listAccountAssignments(instanceArn, accountId, permissionSetArn)),
  );
  const assignments: Record<string, readonly string[]> = {};
  [...pairs.keys()].forEach((key, i) => {
    assignments[key] = [...new Set((lists[i] ?? []).map((a) => a.principalId))].sort();
  });
  return { instances, groups, permissionSets, assignments };
}
