import type { Change, Plan } from "./plan-types.ts";
import type { KeyRevocation, ServiceKeys } from "./service-keys.ts";

/**
 * The accounts whose keys a change revokes, all bound to the integration `change.account` owns: every
 * account of an integration it deactivates, the sisters it releases otherwise. Apply revokes exactly
 * these, before the change's registry write.
 */
export function accountsLeaving(change: Change): number[] {
  if (change.action === "deactivate") {
    return [change.account, ...(change.before?.sisterAccounts ?? [])].sort((a, b) => a - b);
  }
  if (change.action === "create") return [];
  return [...change.sisters.released].sort((a, b) => a - b);
}

/**
 * Adds to each change the service keys it will revoke (`change.serviceKeys`), read from the store:
 * the keys of the accounts leaving the integration that are bound to it and work now.
 */
export async function planKeyRevocations(
  plan: Plan,
  keys: Pick<ServiceKeys, "workingServiceKeys">,
): Promise<Plan> {
  const leaving = plan.changes.flatMap((change) => accountsLeaving(change));
  if (leaving.length === 0) return plan;
  const working = await keys.workingServiceKeys([...new Set(leaving)]);
  const claimedBy = new Map<number, number>();
  for (const change of plan.changes) {
    if (change.action === "deactivate") continue;
    for (const account of change.sisters.claimed) claimedBy.set(account, change.account);
    if (change.action === "create") claimedBy.set(change.account, change.account);
  }
  const changes = plan.changes.map((change) => {
    const revocations: KeyRevocation[] = [];
    for (const account of accountsLeaving(change)) {
      const count = working.filter((k) => k.account === account && k.owner === change.account).length;
      if (count === 0) continue;
      const deactivated = change.action === "deactivate";
      const to = claimedBy.get(account);
      revocations.push({
        account,
        keys: count,
        movesTo: to !== undefined && to !== change.account ? to : null,
        deactivated,
      });
    }
    return revocations.length > 0 ? { ...change, serviceKeys: revocations } : change;
  });
  return { ...plan, changes };
}

/** E.g. "2 service keys of account 1043 stop working: it moves to 1050". */
export function describeKeyRevocation(revocation: KeyRevocation): string {
  const { account, keys } = revocation;
  const why = revocation.deactivated
    ? `its integration is deactivated`
    : revocation.movesTo !== null
      ? `it moves to ${revocation.movesTo}`
      : `it leaves the integration`;
  return `${keys} service key${keys === 1 ? "" : "s"} of account ${account} stop${keys === 1 ? "s" : ""} working: ${why}`;
}
