import { workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { runWriteGroup, type WriteJobResult } from "./run-write-group.ts";
import { serialisable, serveThreadRequests } from "./serve-thread-requests.ts";
import { prepareWriteTransaction, type WriteJob, type WriteTransaction } from "./sqlite-write-transaction.ts";
import { setAutocheckpoint, tuneSqliteConnection } from "./tune-sqlite-connection.ts";

/** What SqliteWriteWorker passes the thread. */
export interface WriteWorkerData {
  path: string;
  busyTimeoutMs: number;
}

/**
 * A group of jobs to commit together (none: only start the thread), and the WAL auto-checkpoint
 * this connection should use (0 once a checkpoint thread does that work, see SqliteCheckpointer).
 */
export interface WriteWorkerRequest {
  jobs: readonly WriteJob[];
  walAutocheckpoint: number;
}

/**
 * The body of the write worker thread (see SqliteWriteWorker): its own connection to the store's
 * file, the same transaction as the main connection would run (sqlite-write-transaction.ts), one
 * request (a group of jobs, committed together) at a time in the order posted. Bundled as its own
 * entry (scripts/build.mjs) and run from the sources through tsx when the bundle is stale, like
 * the CLI.
 */
function serveWriteRequests(): void {
  const { path, busyTimeoutMs } = workerData as WriteWorkerData;
  const db = new Database(path);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // 16 MB of page cache: the process also carries the main connection's cache and the sync's pages,
  // and pages missed here are still in the OS's file cache. A 1M back-fill took 12.7-15.9 s with
  // 64 MB and 13.8-17.1 s with 16 MB (within this machine's noise), but 64 MB peaked over 300 MB.
  let walAutocheckpoint = tuneSqliteConnection(db, 16_384);
  let transaction: WriteTransaction | undefined;
  serveThreadRequests(
    (request: WriteWorkerRequest): WriteJobResult[] => {
      try {
        if (request.walAutocheckpoint !== walAutocheckpoint) {
          setAutocheckpoint(db, request.walAutocheckpoint);
          walAutocheckpoint = request.walAutocheckpoint;
        }
        transaction ??= prepareWriteTransaction(db);
        // An empty request only starts the thread: no transaction, no write lock.
        return request.jobs.length === 0 ? [] : runWriteGroup(transaction, request.jobs);
      } catch (error) {
        return request.jobs.map(() => ({ error: serialisable(error) }));
      }
    },
    () => db.close(),
  );
}

serveWriteRequests();
