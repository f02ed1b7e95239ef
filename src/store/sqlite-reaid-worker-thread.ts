import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { type ReaidBatchResult, runReaidGroup, serialisable } from "./run-reaid-group.ts";
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

/** A request from the main thread: a group of batches to commit together; or the request to stop. */
export type ReaidWorkerRequest = { id: number; batches: readonly ReaidBatch[] } | { close: true };

/** The answer: per batch of the request, its REAIDs or its own error. */
export interface ReaidWorkerReply {
  id: number;
  results: ReaidBatchResult[];
}

/**
 * The body of the REAID worker thread (see SqliteReaidWorker): its own connection to the store's
 * file, the same transaction as the main connection would run (sqlite-reaid-transaction.ts), one
 * request (a group of batches, committed together) at a time in the order posted. Bundled as its own entry (scripts/build.mjs) and run from
 * the sources through tsx when the bundle is stale, like the CLI.
 */
function serveReaidRequests(): void {
  const port = parentPort;
  if (!port) throw new Error("sqlite-reaid-worker-thread runs only as a worker thread");
  const { path, busyTimeoutMs } = workerData as ReaidWorkerData;
  const db = new Database(path);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // 16 MB of page cache: the process also carries the main connection's cache and the sync's pages,
  // and pages missed here are still in the OS's file cache. A 1M back-fill took 12.7-15.9 s with
  // 64 MB and 13.8-17.1 s with 16 MB (within this machine's noise), but 64 MB peaked over 300 MB.
  tuneSqliteConnection(db, 16_384);
  let transaction: ReaidTransaction | undefined;
  port.on("message", (request: ReaidWorkerRequest) => {
    if ("close" in request) {
      db.close();
      port.close();
      return;
    }
    let results: ReaidBatchResult[];
    try {
      transaction ??= prepareReaidTransaction(db);
      // An empty request only starts the thread (SqliteDriver.warmUp): no transaction, no write lock.
      results = request.batches.length === 0 ? [] : runReaidGroup(transaction, request.batches);
    } catch (error) {
      results = request.batches.map(() => ({ error: serialisable(error) }));
    }
    port.postMessage({ id: request.id, results } satisfies ReaidWorkerReply);
  });
}

serveReaidRequests();
