import type { SyncRunCounts } from "./sync-events.ts";
import { healthOf, type SyncOutcome, type SyncRunHealth } from "./sync-outcome.ts";

/** What one integration's sync came to. */
export interface SyncResult {
  account: number;
  /** How it ended, as data: switch on `outcome.kind`, never on the words of `reason`. */
  outcome: SyncOutcome;
  /** `healthOf(outcome)`. */
  health: SyncRunHealth;
  /** Why, when not in sync; a note (e.g. about profiles sharing an e-mail) when in sync. */
  reason: string | null;
  counts: SyncRunCounts;
  /** `outcome.kind === "failed"`: the run stopped on an operational error (`emi sync` exits 1). */
  failed: boolean;
  /**
   * The integration's webhook inbox after the run: events its read covered and removed, and events
   * still waiting (received while it ran, or left because it did not end in sync). Absent when the
   * store keeps no inbox or the run did not start.
   */
  inbox?: { drained: number; waiting: number };
}

/** A SyncResult whose `health` and `failed` agree with its outcome. */
export function syncResult(
  account: number,
  outcome: SyncOutcome,
  reason: string | null,
  counts: SyncRunCounts,
): SyncResult {
  return { account, outcome, health: healthOf(outcome), reason, counts, failed: outcome.kind === "failed" };
}
