import Database from "better-sqlite3";
import type { SqlDriver, SqlSession } from "./sql-driver.ts";
import {
  prepareReaidTransaction,
  type ReaidTransaction,
  tuneSqliteConnection,
} from "./sqlite-reaid-transaction.ts";
import { SqliteReaidWorker } from "./sqlite-reaid-worker.ts";

type Statement = Database.Statement<unknown[], unknown>;

/** How long a writer waits for another process's write transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * better-sqlite3 behind the async SqlDriver interface. better-sqlite3 is synchronous, so the only
 * interleaving is between awaits: every top-level call and transaction goes through one queue so an
 * open transaction never sees another caller's statements.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  readonly migrationLockSql = null;
  readonly nowMsSql = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
  // New e-mails land at random places in two indexes, and WAL rewrites every page a transaction
  // touches: fewer, larger transactions rewrite each page fewer times (measured in bench/store.md).
  readonly reaidBatchSize = 50_000;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Statement>();
  #queue: Promise<unknown> = Promise.resolve();
  #reaidTransaction: ReaidTransaction | undefined;
  /** Where REAIDs are created; undefined for an in-memory database, which a second connection cannot see. */
  readonly #reaidWorker: SqliteReaidWorker | undefined;

  constructor(path: string) {
    this.#db = new Database(path);
    if (path !== ":memory:") {
      this.#reaidWorker = new SqliteReaidWorker(path, BUSY_TIMEOUT_MS);
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
    tuneSqliteConnection(this.#db, this.#reaidWorker ? 4_096 : 65_536);
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
    return this.#exclusive(() => this.#session.all<T>(sql, params));
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#exclusive(() => this.#session.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#exclusive(() => this.#session.exec(sql));
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
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

  getOrCreateReaidBatch(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
  ): Promise<void> {
    // Still in the queue, so the store does one thing at a time as before; but the queue only
    // waits (asynchronously) while the worker works, and the main thread stays free to list pages.
    return this.#exclusive(async () => {
      let reaids: string[];
      if (this.#reaidWorker) reaids = await this.#reaidWorker.getOrCreate(namespace, emails, now);
      else {
        this.#reaidTransaction ??= prepareReaidTransaction(this.#db);
        reaids = this.#reaidTransaction(namespace, emails, now);
      }
      for (let i = 0; i < emails.length; i++) out.set(emails[i]!, reaids[i]!);
    });
  }

  isUniqueViolation(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
  }

  close(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#reaidWorker?.close();
      this.#db.close();
    });
  }
}

// better-sqlite3 refuses booleans and undefined; the schema stores flags as 0/1.
function bindable(params: readonly unknown[]): unknown[] {
  return params.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : (value ?? null)));
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
