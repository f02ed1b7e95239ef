import { workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { serialisable, serveThreadRequests, type ThreadError } from "./serve-thread-requests.ts";

/** What SqliteCheckpointer passes the thread. */
export interface CheckpointThreadData {
  path: string;
  busyTimeoutMs: number;
}

/**
 * One checkpoint's outcome, as SQLite reports it: pages in the WAL and pages copied back into the
 * database file (equal: the next writer starts the WAL over); busy when another connection was
 * checkpointing; or the error.
 */
export type CheckpointReply = { log: number; checkpointed: number; busy: boolean } | { error: ThreadError };

/**
 * The body of the checkpoint thread (see SqliteCheckpointer): its own connection, which copies the
 * WAL back into the database file when asked. A PASSIVE checkpoint takes no lock a writer or reader
 * waits for, so it runs while the other connections go on; its fsyncs, most of a checkpoint's time
 * (bench/serve.md), wait here instead of in a request.
 */
function serveCheckpointRequests(): void {
  const { path, busyTimeoutMs } = workerData as CheckpointThreadData;
  const db = new Database(path);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma("synchronous = NORMAL");
  // Pages are copied from the WAL, not read through this connection's cache: keep it small.
  db.pragma("cache_size = -1024");
  serveThreadRequests(
    (_request: null): CheckpointReply => {
      try {
        const [row] = db.pragma("wal_checkpoint(PASSIVE)") as {
          busy: number;
          log: number;
          checkpointed: number;
        }[];
        return { log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0, busy: row?.busy === 1 };
      } catch (error) {
        return { error: serialisable(error) };
      }
    },
    () => db.close(),
  );
}

serveCheckpointRequests();
