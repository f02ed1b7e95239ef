import { FileFlusher } from "./file-flusher.ts";
import type { CheckpointReply, CheckpointRequest, CheckpointThreadData } from "./sqlite-checkpoint-thread.ts";
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
 * committed while it copied. A turn of the write queue then ends it (see SqliteCheckpointer).
 */
const WAL_LIMIT_PAGES = 32_768;

/** What one checkpoint found: the WAL's pages and how many of them are copied back. */
interface WalState {
  log: number;
  checkpointed: number;
}

/**
 * Checkpoints the WAL from a thread of its own (sqlite-checkpoint-thread.ts) for a long-running
 * service, instead of in whichever commit crosses the auto-checkpoint size: that commit, on the
 * main thread or in the write worker, would wait for the checkpoint's copy and fsyncs (80-200 ms
 * for 10,000 pages here) and every request behind it with it. Each connection of the process then
 * runs with wal_autocheckpoint = 0, and SqliteDriver calls `committed()` after each write.
 *
 * Checkpoints are PASSIVE: writers and readers go on meanwhile. SQLite syncs the database file only
 * in a checkpoint that copies the whole WAL, and only then may the next writer start the WAL over;
 * under steady writes none does, so the copied pages pile up unsynced and the WAL grows. Three
 * things keep that from stopping writers for long (bench/serve.md):
 *
 * - After each checkpoint, a FileFlusher syncs the database file and the WAL from Node's thread
 *   pool, beside the copying rather than after it, so little is left for any one sync.
 * - Past WAL_LIMIT_PAGES, one checkpoint takes a turn of the write queue: with nothing committed
 *   while it copies, it copies everything and syncs, and the next writer starts the WAL over. Just
 *   before the turn, the thread catches up ("catch-up": sync, then copy what was committed
 *   meanwhile, until a round takes under 10 ms), so the turn copies and syncs only what a few
 *   milliseconds of commits wrote. Under 40,000 new REAIDs a second, turns went from 100-180 ms
 *   to mostly under 60 ms.
 * - The connections never cut the WAL file after it started over (setAutocheckpoint): that cut, in
 *   the first commit after a turn, held writers up to 200 ms.
 *
 * If the thread or a sync fails, `onFailure` puts the connections back to checkpointing in their
 * own commits.
 */
export class SqliteCheckpointer {
  readonly #thread: SqliteThread<CheckpointRequest, CheckpointReply>;
  readonly #flusher: FileFlusher;
  readonly #writes: SqliteWriteQueue;
  readonly #onFailure: (error: Error) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Something was committed that no checkpoint has started copying yet. */
  #dirty = false;
  #lastStart = 0;
  /** What the last checkpoint found: a checkpoint that finds the same copied nothing. */
  #last: WalState = { log: 0, checkpointed: 0 };
  /** The WAL's length at the last turn: until a writer starts it over, checkpoints see it. */
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
    this.#flusher = new FileFlusher(path);
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
    await this.#flusher.close();
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
    this.#running = this.#checkpoint()
      .catch((error: Error) => this.#fail(error))
      .finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
  }

  /** One background checkpoint, and the turn that starts the WAL over when it has grown too long. */
  async #checkpoint(): Promise<void> {
    const wal = await this.#copy();
    // `log` counts the WAL's pages when the checkpoint began, those committed meanwhile not
    // included: a WAL this long has not been started over since it was this long. A turn copied
    // everything, and the next writer starts the WAL over: until then checkpoints still see the
    // length the turn saw, which asks for no other turn.
    if (wal.log < this.#walLimitPages || wal.log === this.#turnLog) return;
    await this.#copy({ catchUp: await this.#flusher.descriptors() });
    if (this.#stopped) return;
    this.#turnLog = (await this.#writes.write(() => this.#copy("copy"))).log;
  }

  /**
   * A PASSIVE checkpoint in the thread, or the catch-up before a turn; pages copied are synced in
   * the background.
   */
  async #copy(request: CheckpointRequest = "copy"): Promise<WalState> {
    const outcome = await this.#thread.request(request);
    if ("error" in outcome) {
      throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    }
    // Pages left over (a reader still needed them, or another connection was checkpointing).
    if (outcome.busy || outcome.log > outcome.checkpointed) this.#dirty = true;
    const { log, checkpointed } = outcome;
    if (log !== this.#last.log || checkpointed !== this.#last.checkpointed) {
      this.#flusher.flush().catch((error: Error) => this.#fail(error));
    }
    this.#last = { log, checkpointed };
    return this.#last;
  }

  #fail(error: Error): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#onFailure(error);
  }
}
