import type { ReaidBatchResult } from "./run-reaid-group.ts";
import type { ReaidBatch } from "./sqlite-reaid-transaction.ts";
import type { ReaidWorkerData, ReaidWorkerRequest } from "./sqlite-reaid-worker-thread.ts";
import { SqliteThread } from "./sqlite-thread.ts";

/**
 * A worker thread with its own better-sqlite3 connection to the store's file, where SqliteDriver
 * creates REAIDs. better-sqlite3 is synchronous: on the main thread a 25,000-e-mail transaction
 * stops everything else for the whole call, so a sync could not list its next pages meanwhile. In
 * the worker, the main thread keeps listing while the worker commits (bench/sync.md).
 *
 * Guarantees are SQLite's, as before: the worker's transaction is IMMEDIATE on the same WAL file, so
 * it is one writer among the others (the main connection, other processes) and waits for the lock
 * (busy timeout) like them; a killed process loses only the uncommitted transaction. Requests run
 * one at a time, in the order they were posted; one request is one transaction for all its batches
 * (SqliteWriteQueue groups them).
 */
export class SqliteReaidWorker {
  readonly #thread: SqliteThread<ReaidWorkerRequest, ReaidBatchResult[]>;

  constructor(path: string, busyTimeoutMs: number) {
    const data: ReaidWorkerData = { path, busyTimeoutMs };
    this.#thread = new SqliteThread("sqlite-reaid-worker-thread", data);
  }

  /**
   * Per batch, the REAIDs of its e-mails in the same order, created if missing, or the error that
   * batch failed with; all batches in one transaction unless that fails (see runReaidGroup). No
   * batches: only starts the thread. Rejects only when the thread cannot be used at all.
   */
  async getOrCreate(
    batches: readonly ReaidBatch[],
    walAutocheckpoint: number,
  ): Promise<(string[] | Error)[]> {
    const results = await this.#thread.request({ batches, walAutocheckpoint });
    // Errors are rebuilt with their code, so callers tell SQLITE_BUSY and constraint errors apart.
    return results.map((result) =>
      "error" in result
        ? Object.assign(new Error(result.error.message), { code: result.error.code })
        : result.reaids,
    );
  }

  /** Lets the thread finish what it was asked, closes its connection and waits for it to stop. */
  close(): Promise<void> {
    return this.#thread.close();
  }
}
