import Database from "better-sqlite3";
import type { AddressHasher } from "./address-hasher.ts";
import type { LeaseFence, SqlDriver, SqlSession, SqlStatement } from "./sql-driver.ts";
import { SqliteCheckpointer } from "./sqlite-checkpointer.ts";
import type { ReaidBatch } from "./sqlite-get-or-create.ts";
import { bindable } from "./sqlite-bindable.ts";
import { SqliteWriteQueue } from "./sqlite-write-queue.ts";
import { prepareWriteTransaction, type WriteJob, type WriteTransaction } from "./sqlite-write-transaction.ts";
import { SqliteWriteWorker } from "./sqlite-write-worker.ts";
import { AddressHashThread } from "./address-hash-thread-client.ts";
import type { HashedBatch } from "./hash-batch.ts";
import {
  setAutocheckpoint,
  tuneSqliteConnection,
  WAL_AUTOCHECKPOINT_PAGES,
} from "./tune-sqlite-connection.ts";

type Statement = Database.Statement<unknown[], unknown>;

/**
 * The smallest batch hashed in the address-hash thread outside a service: below it the HMACs take
 * a few milliseconds, and a second thread would cost a `--watch` worker tens of MB for nothing
 * (bench/fleet.md: 212 MB at most over 100 idle cycles with every batch there, against 187 MB).
 */
const HASH_THREAD_FROM = 5_000;

/** A write worker with nothing to do this long gives its memory back (a service keeps it). */
const WRITE_WORKER_IDLE_STOP_MS = 30_000;

/** How long a writer waits for another process's write transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * better-sqlite3 behind the async SqlDriver interface. better-sqlite3 is synchronous, so the only
 * interleaving is between awaits: every top-level call and transaction on the main connection goes
 * through one queue so an open transaction never sees another caller's statements.
 *
 * REAIDs are created, and grouped writes run, on the write worker's connection, and take no place in
 * that queue: reads (a service key's lookup, a sync's next page of REAIDs) go on while the worker
 * commits. Writes, on either connection, take turns in SqliteWriteQueue, which also groups the
 * worker's jobs into one transaction.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  readonly file: string | null;
  readonly migrationLockSql = null;
  readonly nowMsSql = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
  // New e-mails land at random places in two indexes, and WAL rewrites every page a transaction
  // touches: fewer, larger transactions rewrite each page fewer times (measured in bench/store.md).
  readonly reaidBatchSize = 50_000;
  readonly #path: string;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Statement>();
  #queue: Promise<unknown> = Promise.resolve();
  /** The worker's transaction, run here for an in-memory database. */
  #writeTransaction: WriteTransaction | undefined;
  /** Where REAIDs are created; undefined for an in-memory database, which a second connection cannot see. */
  readonly #worker: SqliteWriteWorker | undefined;
  /** Where a file's REAID batches are hashed; undefined for an in-memory database. */
  readonly #hashes: AddressHashThread | undefined;
  /** Batches being hashed: close lets them reach the write queue first. */
  readonly #hashing = new Set<Promise<unknown>>();
  /** Batches this large or larger go to the address-hash thread (1 for a service: all of them). */
  #hashThreadFrom = HASH_THREAD_FROM;
  /** Turns at writing between the two connections; undefined when there is only one. */
  readonly #writes: SqliteWriteQueue | undefined;
  /** Checkpoints off the writers' path, for a service (prepareForService); else commits do it. */
  #checkpointer: SqliteCheckpointer | undefined;
  /** The auto-checkpoint of both connections: 0 while the checkpointer does that work. */
  #walAutocheckpoint = WAL_AUTOCHECKPOINT_PAGES;

  constructor(path: string) {
    this.#path = path;
    this.file = path === ":memory:" ? null : path;
    this.#db = new Database(path);
    if (path !== ":memory:") {
      const worker = new SqliteWriteWorker(path, BUSY_TIMEOUT_MS);
      worker.stopWhenIdle(WRITE_WORKER_IDLE_STOP_MS);
      this.#worker = worker;
      this.#hashes = new AddressHashThread();
      this.#hashes.stopWhenIdle(WRITE_WORKER_IDLE_STOP_MS);
      this.#writes = new SqliteWriteQueue(
        (jobs) => worker.run(jobs, this.#walAutocheckpoint),
        this.reaidBatchSize,
      );
    }
    // WAL: readers never block the writer and a killed process leaves only whole transactions.
    // The busy timeout first: switching a new file to WAL needs a lock that another process
    // opening the same file at the same moment may hold.
    this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    setWalMode(this.#db);
    // 64 MB of page cache is for the REAID inserts (random pages of two indexes). They run in the
    // worker's connection when there is one, which has its own cache: this one then only reads and
    // small writes, which the OS's file cache serves as well, so it keeps 4 MB (16 MB made a
    // `--watch` worker over 500 integrations ~12 MB larger for nothing: bench/fleet.md).
    tuneSqliteConnection(this.#db, this.#worker ? 4_096 : 65_536);
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#queue.then(fn);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** A main-connection call that writes: in the queue, once it is this connection's turn to write. */
  #exclusiveWrite<T>(fn: () => T | Promise<T>): Promise<T> {
    if (!this.#writes) return this.#exclusive(fn);
    return this.#writes.write(() => this.#exclusive(fn)).finally(() => this.#checkpointer?.committed());
  }

  /** Whether a statement only reads; one that cannot be prepared (yet) counts as a write. */
  #readsOnly(sql: string): boolean {
    try {
      return this.#prepare(sql).readonly;
    } catch {
      return false;
    }
  }

  readonly #session: SqlSession = {
    all: async <T extends object>(sql: string, params: readonly unknown[] = []) =>
      this.#prepare(sql).all(...bindable(params)) as T[],
    run: async (sql: string, params: readonly unknown[] = []) =>
      this.#prepare(sql).run(...bindable(params)).changes,
    exec: async (sql: string) => {
      this.#db.exec(sql);
    },
  };

  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    // `all` also runs statements with RETURNING, which write.
    const call = () => this.#session.all<T>(sql, params);
    return this.#readsOnly(sql) ? this.#exclusive(call) : this.#exclusiveWrite(call);
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#exclusiveWrite(() => this.#session.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#exclusiveWrite(() => this.#session.exec(sql));
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#exclusiveWrite(async () => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(this.#session);
        this.#db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async getOrCreateReaidBatch(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
    hasher: AddressHasher,
    fence?: LeaseFence,
  ): Promise<void> {
    const fenced = fence ? { fence } : {};
    // A large batch (a sync's) is hashed in a thread of its own while the write thread works on the
    // batch before; a small one (a scheduled run's, a `--watch` worker's) in the write thread, as is
    // any batch of an in-memory store, which has no threads.
    if (!this.#hashes || emails.length < this.#hashThreadFrom) {
      const batch: ReaidBatch = { namespace, now, emails, key: hasher.key, ...fenced };
      const reaids = await this.#writeBatch(batch);
      for (let i = 0; i < emails.length; i++) out.set(emails[i]!, reaids[i]!);
      return;
    }
    const hashing = this.#hashes.hash(hasher.key, emails);
    this.#hashing.add(hashing);
    let hashed: HashedBatch;
    try {
      hashed = await hashing;
    } finally {
      this.#hashing.delete(hashing);
    }
    const { hashes, positions } = hashed;
    const reaids = await this.#writeBatch({ namespace, now, hashes, ...fenced });
    for (let k = 0; k < positions.length; k++) out.set(emails[positions[k]!]!, reaids[k]!);
  }

  /** A REAID batch's transaction: in the write worker for a file, here for an in-memory store. */
  async #writeBatch(batch: ReaidBatch): Promise<string[]> {
    return this.#writes
      ? await this.#writes.getOrCreate(batch).finally(() => this.#checkpointer?.committed())
      : ((await this.#runHere({ reaids: batch })) as string[]);
  }

  async runGrouped(statements: readonly SqlStatement[]): Promise<void> {
    if (this.#writes) {
      await this.#writes.runGrouped(statements).finally(() => this.#checkpointer?.committed());
    } else await this.#runHere({ statements });
  }

  /** A worker's job on this connection, for an in-memory database. */
  #runHere(job: WriteJob) {
    return this.#exclusive(() => {
      this.#writeTransaction ??= prepareWriteTransaction(this.#db);
      return this.#writeTransaction([job])[0]!;
    });
  }

  async prepareForService(): Promise<void> {
    const worker = this.#worker;
    if (!worker || !this.#writes || this.#checkpointer) return;
    worker.stopWhenIdle(null);
    this.#hashes?.stopWhenIdle(null);
    // A service's many small requests: their HMACs off the write thread too (existing addresses
    // went from 215,000 to 272,000 a second, bench/serve.md).
    this.#hashThreadFrom = 1;
    this.#checkpointer = new SqliteCheckpointer(this.#path, BUSY_TIMEOUT_MS, this.#writes, () => {
      // The thread failed: each connection checkpoints in its own commits again, as by default.
      this.#checkpointer = undefined;
      this.#setAutocheckpoint(WAL_AUTOCHECKPOINT_PAGES);
    });
    this.#setAutocheckpoint(0);
    await Promise.all([worker.run([], this.#walAutocheckpoint), this.#checkpointer.start()]);
  }

  /** Sets both connections' auto-checkpoint: this one now, the worker's with its next request. */
  #setAutocheckpoint(pages: number): void {
    this.#walAutocheckpoint = pages;
    if (this.#db.open) setAutocheckpoint(this.#db, pages);
  }

  isUniqueViolation(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
  }

  async close(): Promise<void> {
    // First, outside the write queue: a checkpoint may be waiting there for its turn.
    await this.#checkpointer?.close();
    this.#checkpointer = undefined;
    // Batches asked for before close and still being hashed join the write queue first.
    while (this.#hashing.size > 0) await Promise.allSettled([...this.#hashing]);
    // A write turn: REAID groups and writes asked for before close still commit.
    return this.#exclusiveWrite(async () => {
      await Promise.all([this.#worker?.close(), this.#hashes?.close()]);
      this.#db.close();
    });
  }
}

/**
 * Switches to WAL, retrying on SQLITE_BUSY: SQLite does not call the busy handler for the lock a
 * journal-mode change needs, so two processes opening a new store at the same moment would
 * otherwise fail at random.
 */
function setWalMode(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}
