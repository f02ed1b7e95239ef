import type { WriteJobResult } from "./run-write-group.ts";
import type { WriteWorkerData, WriteWorkerRequest } from "./sqlite-write-worker-thread.ts";
import { SqliteThread } from "./sqlite-thread.ts";
import type { WriteJob, WriteJobOutput } from "./sqlite-write-transaction.ts";

/**
 * A worker thread with its own better-sqlite3 connection to the store's file, where SqliteDriver
 * creates REAIDs and runs grouped writes (the webhook inbox). better-sqlite3 is synchronous: on the
 * main thread a 50,000-e-mail transaction stops everything else for the whole call, so a sync could
 * not list its next pages meanwhile, nor a service answer. In the worker, the main thread goes on
 * while the worker commits (bench/sync.md, bench/serve.md).
 *
 * Guarantees are SQLite's, as before: the worker's transaction is IMMEDIATE on the same WAL file, so
 * it is one writer among the others (the main connection, other processes) and waits for the lock
 * (busy timeout) like them; a killed process loses only the uncommitted transaction. Requests run
 * one at a time, in the order they were posted; one request is one transaction for all its jobs
 * (SqliteWriteQueue groups them).
 */
export class SqliteWriteWorker {
  readonly #thread: SqliteThread<WriteWorkerRequest, WriteJobResult[]>;

  constructor(path: string, busyTimeoutMs: number) {
    const data: WriteWorkerData = { path, busyTimeoutMs };
    this.#thread = new SqliteThread("sqlite-write-worker-thread", data);
  }

  /**
   * Per job, what it gave (a REAID batch its REAIDs) or the error that job failed with; all jobs in
   * one transaction unless that fails (see runWriteGroup). No jobs: only starts the thread.
   * Rejects only when the thread cannot be used at all.
   */
  async run(jobs: readonly WriteJob[], walAutocheckpoint: number): Promise<(WriteJobOutput | Error)[]> {
    const results = await this.#thread.request({ jobs, walAutocheckpoint });
    // Errors are rebuilt with their code, so callers tell SQLITE_BUSY and constraint errors apart.
    return results.map((result) =>
      "error" in result
        ? Object.assign(new Error(result.error.message), { code: result.error.code })
        : result.output,
    );
  }

  get running(): boolean {
    return this.#thread.running;
  }

  /** See SqliteThread.stopWhenIdle. */
  stopWhenIdle(ms: number | null): void {
    this.#thread.stopWhenIdle(ms);
  }

  /** Lets the thread finish what it was asked, closes its connection and waits for it to stop. */
  close(): Promise<void> {
    return this.#thread.close();
  }
}
