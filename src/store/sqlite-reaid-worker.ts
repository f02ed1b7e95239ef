import { readdirSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { ReaidBatch } from "./sqlite-reaid-transaction.ts";
import type { ReaidWorkerData, ReaidWorkerReply, ReaidWorkerRequest } from "./sqlite-reaid-worker-thread.ts";

interface Pending {
  resolve: (results: (string[] | Error)[]) => void;
  reject: (error: Error) => void;
}

/** Where the compiled worker is, relative to this module's own folder (src/store/ or dist/cli/). */
const compiledWorker = "../../dist/store/sqlite-reaid-worker-thread.mjs";

/**
 * Whether the compiled worker is at least as new as every file of src/store/, the only folder its
 * code comes from (test/architecture checks that): bin/emi.js's rule, for the worker alone.
 */
function compiledWorkerIsFresh(): boolean {
  try {
    const built = statSync(new URL(compiledWorker, import.meta.url)).mtimeMs;
    const sources = new URL(".", import.meta.url);
    return readdirSync(sources).every((name) => statSync(new URL(name, sources)).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * Where the thread's code is. From the bundle (dist/cli/*.mjs), the worker's own bundle entry
 * (dist/store/, scripts/build.mjs). From the sources (tests, benchmarks, a stale bundle), the same
 * compiled worker while it is fresh, since tsx's loader costs a thread hundreds of milliseconds to
 * start; otherwise the TypeScript module through tsx, so an edited checkout never runs stale code.
 */
function workerEntry(data: ReaidWorkerData): { url: URL; workerData: object } {
  if (import.meta.url.endsWith(".ts") && (process.env.EMI_NO_BUNDLE === "1" || !compiledWorkerIsFresh())) {
    const typescriptEntry = new URL("./sqlite-reaid-worker-thread.ts", import.meta.url).href;
    return {
      url: new URL("./run-typescript-worker.mjs", import.meta.url),
      workerData: { ...data, typescriptEntry },
    };
  }
  const url = import.meta.url.endsWith(".ts")
    ? new URL(compiledWorker, import.meta.url)
    : new URL("../store/sqlite-reaid-worker-thread.mjs", import.meta.url);
  return { url, workerData: data };
}

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
 *
 * The thread is started on first use and keeps the process alive only while a request is pending.
 */
export class SqliteReaidWorker {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 0;
  /** Set when the thread stopped on its own (it could not open the file, or crashed). */
  #failure: Error | undefined;

  constructor(path: string, busyTimeoutMs: number) {
    this.#path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * Per batch, the REAIDs of its e-mails in the same order, created if missing, or the error that
   * batch failed with; all batches in one transaction unless that fails (see runReaidGroup).
   * Rejects only when the thread cannot be used at all.
   */
  getOrCreate(batches: readonly ReaidBatch[]): Promise<(string[] | Error)[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<(string[] | Error)[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      const request: ReaidWorkerRequest = { id, batches };
      worker.postMessage(request);
    });
  }

  /** Lets the thread finish what it was asked, closes its connection and waits for it to stop. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    this.#failure ??= new Error("the SQLite store is closed");
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref();
    // Requests are served in order, so the close request comes after every pending one.
    worker.postMessage({ close: true } satisfies ReaidWorkerRequest);
    await exited;
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const entry = workerEntry({ path: this.#path, busyTimeoutMs: this.#busyTimeoutMs });
    const worker = new Worker(entry.url, {
      // The thread holds little (one call's e-mails and REAIDs): a small young generation keeps its
      // heap from adding tens of MB to the process (a 1M back-fill peaked at 313 MB without it).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      workerData: entry.workerData,
    });
    worker.unref();
    worker.on("message", (reply: ReaidWorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      // Errors are rebuilt with their code, so callers tell SQLITE_BUSY and constraint errors apart.
      pending.resolve(
        reply.results.map((result) =>
          "error" in result
            ? Object.assign(new Error(result.error.message), { code: result.error.code })
            : result.reaids,
        ),
      );
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(this.#failure);
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", () => fail(new Error("the SQLite REAID worker stopped")));
    this.#worker = worker;
    return worker;
  }
}
