import type { DesiredIntegration } from "../types/declared.ts";
import type { Change } from "./plan-types.ts";
import { describeRealtime, planRealtime, realtimeNeedsWork } from "./realtime-plan.ts";

/**
 * Adds the realtime part to a declared integration's change. Webhook work on an integration that is
 * otherwise up to date (or only due a sync) makes the change an `update`, so the plan shows it and
 * apply carries it out.
 */
export function withRealtime(change: Change, desired: DesiredIntegration, publicUrl: string | null): Change {
  const { realtime, problems } = planRealtime({
    account: desired.account,
    wanted: desired.realtime === true,
    facts: change.live?.webhooks,
    publicUrl,
    replacing: change.action === "replace" || change.action === "create",
  });
  if (realtime === null) return change;
  const next: Change = { ...change, realtime, problems: [...change.problems, ...problems] };
  const work = realtimeNeedsWork(realtime);
  if (work && (change.action === "no-op" || change.action === "sync")) {
    next.action = "update";
    next.reason = `realtime webhook subscriptions: ${describeRealtime(realtime)}`;
  } else if (work && change.action === "update") {
    next.reason = `${change.reason}; realtime webhook subscriptions: ${describeRealtime(realtime)}`;
  }
  return next;
}
