import { workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { type ReaidBatchResult, runReaidGroup } from "./run-reaid-group.ts";
import { serialisable, serveThreadRequests } from "./serve-thread-requests.ts";
import {
  prepareReaidTransaction,
  type ReaidBatch,
  type ReaidTransaction,
  tuneSqliteConnection,
} from "./sqlite-reaid-transaction.ts";

/** What SqliteReaidWorker passes the thread. */
export interface ReaidWorkerData {
  path: string;
  busyTimeoutMs: number;
}

/**
 * A group of batches to commit together (none: only start the thread), and the WAL auto-checkpoint
 * this connection should use (0 once a checkpoint thread does that work, see SqliteCheckpointer).
 */
export interface ReaidWorkerRequest {
  batches: readonly ReaidBatch[];
  walAutocheckpoint: number;
}

/**
 * The body of the REAID worker thread (see SqliteReaidWorker): its own connection to the store's
 * file, the same transaction as the main connection would run (sqlite-reaid-transaction.ts), one
 * request (a group of batches, committed together) at a time in the order posted. Bundled as its
 * own entry (scripts/build.mjs) and run from the sources through tsx when the bundle is stale, like
 * the CLI.
 */
function serveReaidRequests(): void {
  const { path, busyTimeoutMs } = workerData as ReaidWorkerData;
  const db = new Database(path);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // 16 MB of page cache: the process also carries the main connection's cache and the sync's pages,
  // and pages missed here are still in the OS's file cache. A 1M back-fill took 12.7-15.9 s with
  // 64 MB and 13.8-17.1 s with 16 MB (within this machine's noise), but 64 MB peaked over 300 MB.
  let walAutocheckpoint = tuneSqliteConnection(db, 16_384);
  let transaction: ReaidTransaction | undefined;
  serveThreadRequests(
    (request: ReaidWorkerRequest): ReaidBatchResult[] => {
      try {
        if (request.walAutocheckpoint !== walAutocheckpoint) {
          db.pragma(`wal_autocheckpoint = ${request.walAutocheckpoint}`);
          walAutocheckpoint = request.walAutocheckpoint;
        }
        transaction ??= prepareReaidTransaction(db);
        // An empty request only starts the thread: no transaction, no write lock.
        return request.batches.length === 0 ? [] : runReaidGroup(transaction, request.batches);
      } catch (error) {
        return request.batches.map(() => ({ error: serialisable(error) }));
      }
    },
    () => db.close(),
  );
}

serveReaidRequests();
