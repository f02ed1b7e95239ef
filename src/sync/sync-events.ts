import type { MassImportState } from "../actito/types.ts";
import type { SyncCounts } from "../store/store.ts";

/** How one integration's sync ended. */
export type SyncOutcome = "in sync" | "degraded" | "waiting for quota" | "skipped";

/**
 * Progress of a sync as typed events: the CLI turns them into bars, plain lines or NDJSON. No event
 * carries a key, a token or an e-mail address.
 */
export type SyncEvent =
  | {
      type: "sync-started";
      account: number;
      /** `<entity>/<table name>`, for people. */
      table: string;
      full: boolean;
      /** The run picks up where a killed or stopped one left off. */
      resumed: boolean;
      /** Rows expected (the namespace's REAID count), null when unknown. */
      expected: number | null;
    }
  | { type: "rows-read"; account: number; read: number; expected: number | null; ratePerSecond: number }
  | { type: "reading-done"; account: number; read: number; seconds: number }
  | {
      type: "reaids-ready";
      account: number;
      ready: number;
      created: number;
      toWrite: number;
      withoutEmail: number;
    }
  | { type: "import-submitted"; account: number; index: number; id: string; rows: number; bytes: number }
  | {
      type: "import-finished";
      account: number;
      id: string;
      status: MassImportState;
      updated: number;
      rejected: number;
    }
  | { type: "import-resumed"; account: number; id: string }
  | { type: "import-outcome-unknown"; account: number; rows: number; detail: string }
  | { type: "rows-patched"; account: number; written: number; total: number }
  | {
      type: "sync-finished";
      account: number;
      health: SyncOutcome;
      reason: string | null;
      counts: SyncCounts;
      importsUsedToday: number | null;
      importsPerDay: number | null;
      seconds: number;
      /** True when the run ended on an operational error. */
      failed: boolean;
    };
