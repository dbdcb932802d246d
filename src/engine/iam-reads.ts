/**
 * The IAM reads observe makes, answered from one batch read of the account
 * (GetAccountAuthorizationDetails: a few paginated calls however many teams there are)
 * when the identity may make it, and by the per-role and per-group calls otherwise.
 */
import type { PolicyDocument } from "../core/model/policy-document.js";
import { isPortError } from "../ports/errors.js";
import type { AccountIam, IamPort } from "../ports/iam.js";
import type { EventSink } from "./events.js";

export type IamReads = Pick<
  IamPort,
  | "getRole"
  | "listRolesTagged"
  | "listRolesByPath"
  | "listRolePolicies"
  | "getRolePolicy"
  | "groupExists"
  | "getGroupPolicy"
>;

/** Answers the reads from a batch read of the account, with no further calls. */
export function accountReads(account: AccountIam): IamReads {
  const roles = new Map(account.roles.map((r) => [r.name, r]));
  const groups = new Map(account.groups.map((g) => [g.name, g.policies]));
  const plain = <T>(value: T): Promise<T> => Promise.resolve(structuredClone(value));
  const role = (name: string) => {
    const found = roles.get(name);
    if (found === undefined) return undefined;
    const { inlinePolicies: _policies, ...observed } = found;
    return observed;
  };
  return {
    getRole: (name) => plain(role(name)),
    listRolesTagged: (prefix, tags) =>
      plain(
        account.roles
          .filter((r) => r.name.startsWith(prefix))
          .filter((r) => tags.every((w) => r.tags.some((t) => t.Key === w.Key && t.Value === w.Value)))
          .flatMap((r) => role(r.name) ?? []),
      ),
    listRolesByPath: (pathPrefix) =>
      plain(
        account.roles
          .filter((r) => r.path.startsWith(pathPrefix))
          .flatMap((r) => {
            const found = role(r.name);
            return found === undefined ? [] : [{ ...found, tags: [] }];
          }),
      ),
    listRolePolicies: (name) => plain(Object.keys(roles.get(name)?.inlinePolicies ?? {}).sort()),
    getRolePolicy: (name, policy) =>
      plain<PolicyDocument | undefined>(roles.get(name)?.inlinePolicies[policy]),
    groupExists: (name) => Promise.resolve(groups.has(name)),
    getGroupPolicy: (name, policy) => plain<PolicyDocument | undefined>(groups.get(name)?.[policy]),
  };
}

/**
 * The batch read when allowed; on access-denied, says so (an observe event) and reads
 * through the per-role calls.
 */
export async function iamReads(iam: IamPort, events: EventSink): Promise<IamReads> {
  try {
    return accountReads(await iam.readAccount());
  } catch (error) {
    if (!isPortError(error, "access-denied")) throw error;
    events({
      type: "observe",
      what: `IAM one role and group at a time: the identity may not call iam:GetAccountAuthorizationDetails, which reads them all in a few calls (${error.message})`,
    });
    return iam;
  }
}
