import type { SyncRunHealth } from "../sync/sync-outcome.ts";

/** What a `--watch` worker reports: one record per line, text for people or NDJSON. */
export type WatchRecord =
  | {
      type: "started";
      time: string;
      worker: string;
      store: string;
      integrations: number;
      withEmailSync: number;
      metricsPort: number | null;
    }
  | {
      type: "run";
      /** When the run finished (its lease was still held). */
      time: string;
      /** When the run started under its lease, if it got that far. */
      startedAt: string | null;
      account: number;
      table: string;
      mode: "incremental" | "full";
      health: SyncRunHealth;
      failed: boolean;
      reason: string | null;
      read: number;
      written: number;
      rejected: number;
      /** How the rows were written: one PATCH each, a mass import, or nothing written. */
      write: "patch" | "import" | null;
      importsUsedToday: number | null;
      importsPerDay: number | null;
      calls: number;
      seconds: number;
      why: string;
    }
  | { type: "busy"; time: string; account: number; table: string; holder: string; nextTry: string }
  | {
      type: "waiting";
      time: string;
      nextDue: { account: number; inSeconds: number } | null;
      licencesHeld: number;
      inbox: number;
    }
  | { type: "invalid"; time: string; message: string }
  | { type: "error"; time: string; message: string; retryInSeconds: number }
  | { type: "stopping"; time: string; signal: string; running: { account: number; table: string }[] }
  | { type: "stopped"; time: string; clean: boolean };
