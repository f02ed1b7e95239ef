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
  // 4 MB of page cache: a batch reaches this thread in index order (hashBatch) with its new REAIDs
  // sorted, so each index is swept once per batch and needs only the pages along the sweep; pages
  // missed here are still in the OS's file cache. A 1M back-fill took the same time with 16 MB
  // (15.7 s both) and peaked ~30 MB lower with 4 MB (bench/sync.md).
  let walAutocheckpoint = tuneSqliteConnection(db, 4_096);
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
