import type { RegistryEntry } from "../store/store.ts";
import type { Change } from "./plan-types.ts";
import type { PlanProblemCode } from "../types/diagnostic-code.ts";

/** Code of the error on a change whose claim apply could not honour in this plan's order. */
export const CLAIM_ORDER = "claim-order" satisfies PlanProblemCode;

const hasError = (c: Change) => c.problems.some((p) => p.severity === "error");
const claims = (c: Change) =>
  c.action !== "deactivate" && c.action !== "no-op" && c.action !== "sync" && c.after !== null;

/**
 * Plays the plan in apply's order on the registry's account holders — releases and deactivations of
 * the changes that will run, then every claim — and marks each claim that would meet an account still
 * held as a `claim-order` error (pure). A change in error releases nothing, so its claimants fail in
 * turn: repeated until nothing changes. Apply refuses a plan with such an error as a whole.
 */
export function planClaimOrder(changes: readonly Change[], registry: readonly RegistryEntry[]): void {
  const byAccount = new Map(changes.map((c) => [c.account, c]));
  for (let round = 0; round <= changes.length; round++) {
    const holder = new Map<number, number>();
    for (const e of registry) {
      holder.set(e.account, e.account);
      for (const s of e.sisterAccounts) holder.set(s, e.account);
    }
    const runs = (c: Change) => !hasError(c) && !c.blocked;
    for (const c of changes) {
      if (!runs(c)) continue;
      // A deactivated integration keeps its own account; it lets go of its sisters.
      const released = c.action === "deactivate" ? (c.before?.sisterAccounts ?? []) : c.sisters.released;
      for (const a of released) if (holder.get(a) === c.account) holder.delete(a);
    }
    let added = false;
    for (const c of changes) {
      if (!runs(c) || !claims(c)) continue;
      for (const a of [c.account, ...(c.after?.sisterAccounts ?? [])]) {
        const h = holder.get(a);
        if (h === undefined || h === c.account) {
          holder.set(a, c.account);
          continue;
        }
        c.problems.push({ severity: "error", code: CLAIM_ORDER, message: why(a, h, byAccount.get(h)) });
        added = true;
        break;
      }
    }
    if (!added) return;
  }
}

function why(account: number, holder: number, change: Change | undefined): string {
  if (account === holder) {
    return (
      `account ${account} owns an integration in the registry${change?.action === "deactivate" ? " (deactivated by this plan)" : ""}, ` +
      "and an owner account can never become another integration's sister: leave it out of sisterAccounts"
    );
  }
  if (change?.blocked) {
    return `account ${account} is still held by ${holder}, whose deactivation is blocked: apply with --allow-deactivate`;
  }
  if (change && hasError(change)) {
    return `account ${account} is released by ${holder}'s change in this plan, which cannot be applied (it has an error): fix that first`;
  }
  return `account ${account} is still held by ${holder}, which this plan does not release: remove it from ${holder}'s sisterAccounts in the same change`;
}
