/** Account references in a config: an account is named by its 12-digit id or its alias. */
import type { Account } from "../model/access-config.js";

/** The account an id or alias names, if any. */
export function findAccount(accounts: readonly Account[], ref: string): Account | undefined {
  return accounts.find((a) => a.id === ref) ?? accounts.find((a) => a.alias === ref);
}
