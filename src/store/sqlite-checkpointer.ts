import type { CheckpointReply, CheckpointThreadData } from "./sqlite-checkpoint-thread.ts";
import { SqliteThread } from "./sqlite-thread.ts";
import type { SqliteWriteQueue } from "./sqlite-write-queue.ts";

/**
 * At most one background checkpoint per this many milliseconds: a page rewritten by several commits
 * in between is copied back once.
 */
const CHECKPOINT_EVERY_MS = 200;

/**
 * A WAL this long (128 MB of 4 KiB pages) is not being started over: a writer starts it over only
 * when it finds every page copied back, and under steady writes each checkpoint ends with pages
 * committed while it copied. The next checkpoint then takes a write turn: with nothing committed
 * while it copies, it copies everything, and the next writer starts the WAL over. Writers wait for
 * that one (50-100 ms under a GetOrCreate flood here, bench/serve.md), so it should be rare; the
 * old auto-checkpoint let the WAL reach about as much (10,000 pages plus a 50,000-e-mail commit).
 */
const WAL_LIMIT_PAGES = 32_768;

/**
 * Checkpoints the WAL from a thread of its own (sqlite-checkpoint-thread.ts) for a long-running
 * service, instead of in whichever commit crosses the auto-checkpoint size: that commit, on the
 * main thread or in the write worker, would wait for the checkpoint's copy and fsyncs (80-200 ms
 * for 10,000 pages here) and every request behind it with it. Each connection of the process then
 * runs with wal_autocheckpoint = 0, and SqliteDriver calls `committed()` after each write.
 *
 * Checkpoints are PASSIVE: writers and readers go on meanwhile. Only past WAL_LIMIT_PAGES does one
 * take a turn of the write queue (see there). If the thread fails, `onFailure` puts the
 * connections back to checkpointing in their own commits.
 */
export class SqliteCheckpointer {
  readonly #thread: SqliteThread<null, CheckpointReply>;
  readonly #writes: SqliteWriteQueue;
  readonly #onFailure: (error: Error) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Something was committed that no checkpoint has started copying yet. */
  #dirty = false;
  #lastStart = 0;
  /** The next checkpoint must run alone (the WAL reached WAL_LIMIT_PAGES without starting over). */
  #inTurn = false;
  /** The WAL's length when the last turn began: until a writer starts it over, checkpoints see it. */
  #turnLog = -1;
  #stopped = false;
  readonly #everyMs: number;
  readonly #walLimitPages: number;

  /** `options` exist for tests: the defaults are CHECKPOINT_EVERY_MS and WAL_LIMIT_PAGES. */
  constructor(
    path: string,
    busyTimeoutMs: number,
    writes: SqliteWriteQueue,
    onFailure: (error: Error) => void,
    options: { everyMs?: number; walLimitPages?: number } = {},
  ) {
    const data: CheckpointThreadData = { path, busyTimeoutMs };
    this.#thread = new SqliteThread("sqlite-checkpoint-thread", data);
    this.#writes = writes;
    this.#onFailure = onFailure;
    this.#everyMs = options.everyMs ?? CHECKPOINT_EVERY_MS;
    this.#walLimitPages = options.walLimitPages ?? WAL_LIMIT_PAGES;
  }

  /** Starts the thread and checkpoints once (whatever a previous process left in the WAL). */
  async start(): Promise<void> {
    this.#dirty = true;
    this.#begin();
    await this.#running;
  }

  /** A write was committed: a checkpoint follows within CHECKPOINT_EVERY_MS. */
  committed(): void {
    this.#dirty = true;
    this.#schedule();
  }

  /** Waits for the checkpoint under way and stops the thread. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#thread.close();
  }

  #schedule(): void {
    if (this.#stopped || this.#running || this.#timer || !this.#dirty) return;
    const wait = Math.max(0, this.#lastStart + this.#everyMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#begin();
    }, wait);
    // A pending checkpoint never keeps the process alive: the last connection to close checkpoints.
    this.#timer.unref();
  }

  #begin(): void {
    if (this.#stopped) return;
    this.#dirty = false;
    this.#lastStart = Date.now();
    const inTurn = this.#inTurn;
    const checkpoint = () => this.#thread.request(null);
    const reply = inTurn ? this.#writes.write(checkpoint) : checkpoint();
    this.#running = reply
      .then((outcome) => {
        if ("error" in outcome) {
          throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
        }
        // Pages left over (a reader still needed them, or another connection was checkpointing).
        if (outcome.busy || outcome.log > outcome.checkpointed) this.#dirty = true;
        // `log` counts the WAL's pages when the checkpoint began, those committed meanwhile not
        // included: a WAL this long has not been started over since it was this long. A turn
        // copied everything, and the next writer starts the WAL over: until then checkpoints still
        // see the length the turn saw, which asks for no other turn.
        if (inTurn) this.#turnLog = outcome.log;
        this.#inTurn = !inTurn && outcome.log >= this.#walLimitPages && outcome.log !== this.#turnLog;
      })
      .catch((error: Error) => {
        this.#stopped = true;
        this.#onFailure(error);
      })
      .finally(() => {
        this.#running = undefined;
        // A turn follows at once: until it runs, the WAL keeps growing.
        if (this.#inTurn) this.#begin();
        else this.#schedule();
      });
  }
}
