import { fdatasyncSync } from "node:fs";
import { workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { serialisable, serveThreadRequests, type ThreadError } from "./serve-thread-requests.ts";

/** What SqliteCheckpointer passes the thread. */
export interface CheckpointThreadData {
  path: string;
  busyTimeoutMs: number;
}

/**
 * What the thread is asked for: one PASSIVE checkpoint ("copy"), or rounds of "sync the files, then
 * copy" until one is quick, and a last sync (`catchUp`, before a turn: see SqliteCheckpointer). The
 * files are the descriptors of the database file and the WAL, which the main thread's FileFlusher
 * holds: a descriptor of the database file must never be closed while SQLite has it open, so the
 * thread opens none (file-flusher.ts).
 */
export type CheckpointRequest = "copy" | { catchUp: readonly number[] };

/**
 * One checkpoint's outcome, as SQLite reports it: pages in the WAL and pages copied back into the
 * database file (equal: the next writer starts the WAL over); busy when another connection was
 * checkpointing; or the error.
 */
export type CheckpointReply = { log: number; checkpointed: number; busy: boolean } | { error: ThreadError };

/** Catch-up rounds at most, and the round short enough to stop at. */
const CATCH_UP_ROUNDS = 8;
const CAUGHT_UP_MS = 10;

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
  const copy = (): CheckpointReply => {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)") as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    return { log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0, busy: row?.busy === 1 };
  };
  // Here rather than from the main thread: a round there waited for its event loop, behind
  // requests, and let commits pile up meanwhile.
  const catchUp = (files: readonly number[]): CheckpointReply => {
    const sync = () => {
      for (const fd of files) fdatasyncSync(fd);
    };
    let outcome: CheckpointReply;
    let round = 0;
    let started: number;
    do {
      started = performance.now();
      sync();
      outcome = copy();
      round++;
    } while (round < CATCH_UP_ROUNDS && performance.now() - started >= CAUGHT_UP_MS);
    sync();
    return outcome;
  };
  serveThreadRequests(
    (request: CheckpointRequest): CheckpointReply => {
      try {
        return request === "copy" ? copy() : catchUp(request.catchUp);
      } catch (error) {
        return { error: serialisable(error) };
      }
    },
    () => db.close(),
  );
}

serveCheckpointRequests();
