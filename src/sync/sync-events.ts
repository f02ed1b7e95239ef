import type { MassImportState } from "../actito/types.ts";
import type { SyncCounts } from "../store/store.ts";
import type { SyncOutcome, SyncRunHealth } from "./sync-outcome.ts";

/**
 * A run's counts: the registry's four, plus the profiles left without a REAID because another
 * profile with the same e-mail holds it (also counted in `skipped`).
 */
export interface SyncRunCounts extends SyncCounts {
  duplicates: number;
}

/** What every event carries: whose sync it is, for people and for columns that line up. */
interface EventBase {
  account: number;
  /** `<entity>/<table name>` (the declared table name until Actito has been asked). */
  table: string;
}

/**
 * Progress of a sync as typed events: the CLI turns them into bars, plain lines or NDJSON. No event
 * carries a key, a token or an e-mail address. Fields are only ever added, so NDJSON consumers keep
 * working.
 */
export type SyncEvent = EventBase &
  (
    | {
        type: "sync-started";
        full: boolean;
        /** The run picks up where a killed or stopped one left off. */
        resumed: boolean;
        /** Rows expected (the namespace's REAID count), null when unknown. */
        expected: number | null;
      }
    | { type: "rows-read"; read: number; expected: number | null; ratePerSecond: number }
    | { type: "reading-done"; read: number; seconds: number }
    | {
        type: "reaids-ready";
        /** Profiles with an e-mail, each with its REAID ready in the store. */
        ready: number;
        created: number;
        toWrite: number;
        withoutEmail: number;
        /** Profiles not written because another profile with the same e-mail holds its REAID. */
        duplicates: number;
      }
    | {
        type: "import-submitted";
        index: number;
        id: string;
        rows: number;
        bytes: number;
        /** The file reaches the end of the listing: no further import follows in this run. */
        last: boolean;
      }
    | {
        type: "import-finished";
        id: string;
        status: MassImportState;
        updated: number;
        rejected: number;
        /** Of `rejected`, rows Actito refused because another profile with that e-mail holds the REAID. */
        duplicates: number;
      }
    | { type: "import-resumed"; id: string }
    | { type: "import-outcome-unknown"; rows: number; detail: string }
    | {
        type: "rows-patched";
        written: number;
        total: number;
        /** Rows still to PATCH, and the seconds that takes at the licence's calls per minute. */
        left: number;
        etaSeconds: number;
      }
    | {
        type: "sync-finished";
        /** How it ended, as data (e.g. which process holds a busy licence). */
        outcome: SyncOutcome;
        /** `healthOf(outcome)`, kept for readers of the NDJSON stream. */
        health: SyncRunHealth;
        /** Why, when not in sync; a note (e.g. about duplicates) when in sync. */
        reason: string | null;
        counts: SyncRunCounts;
        importsUsedToday: number | null;
        importsPerDay: number | null;
        /** The calls the run made (null when it did not run), to set beside the plan's estimate. */
        actual?: { listCalls: number; writeCalls: number; imports: number } | null;
        seconds: number;
        /** True when the run ended on an operational error. */
        failed: boolean;
      }
  );

/** A sync event before runSync stamps the table on it. */
export type SyncEventBody = WithoutTable<SyncEvent>;

type WithoutTable<E> = E extends unknown ? Omit<E, "table"> : never;

/** `4 profiles share an e-mail with another profile: only one of each can carry the REAID` */
export function duplicatesNote(duplicates: number): string {
  const n = duplicates.toLocaleString("en-US");
  return duplicates === 1
    ? `${n} profile shares an e-mail with another profile: only one of each can carry the REAID`
    : `${n} profiles share an e-mail with another profile: only one of each can carry the REAID`;
}
