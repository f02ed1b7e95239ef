import type { SyncSchedule } from "../store/sync-schedule.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { retryBackoffMs } from "./retry-backoff.ts";
import type { SyncResult } from "./sync-result.ts";

/**
 * Writes a run's result to the sync schedule: a run that read its listing to the end is a success
 * (last synced, profiles without a REAID); a failed or quota-stopped run counts a failure and backs
 * off; an integration whose licence was busy is marked due. Skipped integrations (`emailSync: false`,
 * not active) leave no trace. Best effort: the result was already reported to the registry.
 */
export async function recordScheduled(
  options: { store: SyncSchedule; full?: boolean; now?: () => Date; random?: () => number },
  integration: DesiredIntegration,
  result: SyncResult,
): Promise<void> {
  const schedule = options.store;
  const now = (options.now ?? (() => new Date()))();
  const at = now.toISOString();
  const account = integration.account;
  try {
    if (result.outcome.kind === "skipped-busy") {
      await schedule.markDue(account, `licence busy (${result.outcome.holder})`, at);
      return;
    }
    if (result.health === "skipped") return;
    if (result.failed || result.health === "waiting for quota") {
      const failures = await schedule.recordFailure(account, at);
      const wait = retryBackoffMs(failures, options.random);
      await schedule.setRetryAt(account, new Date(now.getTime() + wait).toISOString());
      return;
    }
    await schedule.recordSuccess(account, {
      at,
      full: options.full ?? false,
      skipped: result.counts.skipped,
      rejectionsLeft: result.counts.rejected,
    });
  } catch {
    // The registry already has the outcome; the schedule catches up on the next run.
  }
}
