import { readdirSync, statSync } from "node:fs";
import { type ResourceLimits, Worker } from "node:worker_threads";
import type { ThreadMessage, ThreadReply } from "./serve-thread-requests.ts";

/** The store's worker-thread modules: each is an esbuild entry of its own (scripts/build.mjs). */
export type SqliteThreadName =
  | "sqlite-write-worker-thread"
  | "sqlite-checkpoint-thread"
  | "address-hash-thread";

interface Pending<Reply> {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/**
 * A thread's heap limits unless its owner says otherwise: it holds little (one request's e-mails
 * and REAIDs), and a small young generation keeps its heap from adding tens of MB to the process (a
 * 1M back-fill peaked at 313 MB without it).
 */
const THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

/** Where a compiled thread is, relative to this module's own folder (src/store/ or dist/cli/). */
const compiled = (name: SqliteThreadName) => `../../dist/store/${name}.mjs`;

/**
 * Whether a compiled thread is at least as new as every file of src/store/, the only folder its
 * code comes from (test/architecture checks that): bin/emi.js's rule, for the threads alone.
 */
function compiledIsFresh(name: SqliteThreadName): boolean {
  try {
    const built = statSync(new URL(compiled(name), import.meta.url)).mtimeMs;
    const sources = new URL(".", import.meta.url);
    return readdirSync(sources).every((file) => statSync(new URL(file, sources)).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * Where a thread's code is. From the bundle (dist/cli/*.mjs), the thread's own bundle entry
 * (dist/store/). From the sources (tests, benchmarks, a stale bundle), the same compiled thread
 * while it is fresh, since tsx's loader costs a thread hundreds of milliseconds to start; otherwise
 * the TypeScript module through tsx, so an edited checkout never runs stale code.
 */
function threadEntry(name: SqliteThreadName, data: object): { url: URL; workerData: object } {
  if (import.meta.url.endsWith(".ts") && (process.env.EMI_NO_BUNDLE === "1" || !compiledIsFresh(name))) {
    const typescriptEntry = new URL(`./${name}.ts`, import.meta.url).href;
    return {
      url: new URL("./run-typescript-worker.mjs", import.meta.url),
      workerData: { ...data, typescriptEntry },
    };
  }
  const url = import.meta.url.endsWith(".ts")
    ? new URL(compiled(name), import.meta.url)
    : new URL(`../store/${name}.mjs`, import.meta.url);
  return { url, workerData: data };
}

/**
 * A worker thread of the SQLite store (its body calls serveThreadRequests): requests are answered
 * one at a time, in the order they were posted. The thread is started on first use and keeps the
 * process alive only while a request is pending.
 */
export class SqliteThread<Request, Reply> {
  readonly #name: SqliteThreadName;
  readonly #data: object;
  readonly #limits: ResourceLimits;
  readonly #pending = new Map<number, Pending<Reply>>();
  #worker: Worker | undefined;
  #nextId = 0;
  /** Set when the thread stopped on its own (it could not open the file, or crashed), or was closed. */
  #failure: Error | undefined;
  /** Stop the thread after this long without a request (null: keep it). */
  #idleStopMs: number | null = null;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(name: SqliteThreadName, data: object, limits: ResourceLimits = THREAD_LIMITS) {
    this.#name = name;
    this.#data = data;
    this.#limits = limits;
  }

  /**
   * Stops the thread (its heap, its connection and page cache) after `ms` without a request; the
   * next request starts a new one. For long-lived processes that write in bursts (`sync --watch`:
   * a new thread costs tens of milliseconds once a burst, an idle one ~20 MB all the time); null
   * keeps the thread for good (a service, whose requests should not wait for a start).
   */
  stopWhenIdle(ms: number | null): void {
    this.#idleStopMs = ms;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#pending.size === 0) this.#armIdleStop();
  }

  #armIdleStop(): void {
    if (this.#idleStopMs === null || !this.#worker) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.#stopIdle(), this.#idleStopMs);
    this.#idleTimer.unref();
  }

  #stopIdle(): void {
    const worker = this.#worker;
    if (!worker || this.#pending.size > 0) return;
    this.#worker = undefined;
    // Detached first: this stop is not a failure, and the next request starts a new thread.
    worker.removeAllListeners("exit");
    worker.removeAllListeners("error");
    worker.on("error", () => {});
    worker.postMessage({ close: true } satisfies ThreadMessage<Request>);
  }

  /** Whether a thread is running now (tests of the idle stop). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  request(request: Request): Promise<Reply> {
    if (this.#failure) return Promise.reject(this.#failure);
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, request } satisfies ThreadMessage<Request>);
    });
  }

  /** Lets the thread finish what it was asked, closes its connection and waits for it to stop. */
  async close(): Promise<void> {
    this.#failure ??= new Error("the SQLite store is closed");
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref();
    // Requests are served in order, so the close request comes after every pending one.
    worker.postMessage({ close: true } satisfies ThreadMessage<Request>);
    await exited;
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const entry = threadEntry(this.#name, this.#data);
    const worker = new Worker(entry.url, {
      resourceLimits: this.#limits,
      workerData: entry.workerData,
    });
    worker.unref();
    worker.on("message", (message: ThreadReply<Reply>) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) {
        worker.unref();
        if (this.#worker === worker) this.#armIdleStop();
      }
      pending.resolve(message.reply);
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(this.#failure);
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", () => fail(new Error(`the SQLite thread ${this.#name} stopped`)));
    this.#worker = worker;
    return worker;
  }
}
