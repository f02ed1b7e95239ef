import type { SyncOutcome, SyncRunCounts } from "./sync-events.ts";

/** What one integration's sync came to. */
export interface SyncResult {
  account: number;
  health: SyncOutcome;
  /** Why, when not in sync; a note (e.g. about profiles sharing an e-mail) when in sync. */
  reason: string | null;
  counts: SyncRunCounts;
  /** The run stopped on an operational error (`emi sync` exits 1); `reason` says which. */
  failed: boolean;
  /**
   * The integration's webhook inbox after the run: events its read covered and removed, and events
   * still waiting (received while it ran, or left because it did not end in sync). Absent when the
   * store keeps no inbox or the run did not start.
   */
  inbox?: { drained: number; waiting: number };
  /** Skipped because another process holds the licence: since when it holds it (ISO). */
  busySince?: string;
}
