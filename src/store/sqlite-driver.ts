import Database from "better-sqlite3";
import { newReaids } from "./new-reaids.ts";
import type { SqlDriver, SqlSession } from "./sql-driver.ts";
import { SqliteReaidWorker } from "./sqlite-reaid-worker.ts";

type Statement = Database.Statement<unknown[], unknown>;
type ReaidTransaction = (
  namespace: string,
  emails: readonly string[],
  now: string,
  out: Map<string, string>,
) => void;

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
  /** Where REAIDs are created; undefined for an in-memory database (or a `file:` URI), which a second connection may not see. */
  readonly #reaidWorker: SqliteReaidWorker | undefined;

  constructor(path: string) {
    this.#db = new Database(path);
    if (path !== "" && path !== ":memory:" && !path.startsWith("file:")) {
      this.#reaidWorker = new SqliteReaidWorker(path, BUSY_TIMEOUT_MS);
    }
    // WAL: readers never block the writer and a killed process leaves only whole transactions.
    // synchronous=NORMAL is durable against a process crash (not a power cut), which is what we face.
    // The busy timeout first: switching a new file to WAL needs a lock that another process
    // opening the same file at the same moment may hold.
    this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    setWalMode(this.#db);
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("foreign_keys = ON");
    // 64 MB of page cache is for the REAID inserts (random pages of two indexes). They run in the
    // worker's connection when there is one, which has its own cache: this one then keeps 16 MB,
    // or the process would carry both (the back-fill's peak RSS went from ~290 to ~360 MB).
    this.#db.pragma(`cache_size = ${this.#reaidWorker ? -16384 : -65536}`);
    this.#db.pragma("wal_autocheckpoint = 10000");
    // Big REAID transactions grow the WAL file; give the space back after each checkpoint.
    this.#db.pragma("journal_size_limit = 67108864");
  }

  // Prepared on first use: the table does not exist before the migrations ran.
  #prepareReaidTransaction(): ReaidTransaction {
    const select = this.#db.prepare("SELECT reaid FROM reaids WHERE namespace = ? AND email = ?").pluck();
    const insert = this.#db.prepare(
      "INSERT INTO reaids (namespace, email, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    const reaidTransaction = this.#db.transaction(
      (namespace: string, emails: readonly string[], now: string, out: Map<string, string>) => {
        let fresh: string[] = [];
        let next = 0;
        // Calls are nearly all-new (a back-fill) or nearly all-known (a re-run), so guess from the
        // previous e-mail: a new one is inserted straight away (its unique index is probed once, by
        // the insert), a known one is looked up first (no REAID drawn and thrown away).
        let lastWasNew = true;
        for (const email of emails) {
          let reaid: string | undefined = lastWasNew
            ? undefined
            : (select.get(namespace, email) as string | undefined);
          lastWasNew = reaid === undefined;
          while (reaid === undefined) {
            if (next === fresh.length) {
              fresh = newReaids(Math.min(4096, emails.length));
              next = 0;
            }
            const candidate = fresh[next++]!;
            // We hold the write lock, so no other process inserts this e-mail meanwhile: nothing
            // inserted means the e-mail is already there, or, at 2^-128, the REAID collided and the
            // loop draws again.
            if (insert.run(namespace, email, candidate, now).changes === 1) reaid = candidate;
            else {
              reaid = select.get(namespace, email) as string | undefined;
              if (reaid !== undefined) lastWasNew = false;
            }
          }
          out.set(email, reaid);
        }
      },
    );
    // IMMEDIATE takes the write lock up front, so a racing process waits instead of failing later.
    return reaidTransaction.immediate;
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
      if (this.#reaidWorker) {
        const reaids = await this.#reaidWorker.getOrCreate(namespace, emails, now);
        for (let i = 0; i < emails.length; i++) out.set(emails[i]!, reaids[i]!);
        return;
      }
      this.#reaidTransaction ??= this.#prepareReaidTransaction();
      this.#reaidTransaction(namespace, emails, now, out);
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
