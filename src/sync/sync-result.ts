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
}
