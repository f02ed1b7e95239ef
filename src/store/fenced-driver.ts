import type { AddressHasher } from "./address-hasher.ts";
import { LeaseLostError } from "./errors.ts";
import {
  FENCE_CHECK_SQL,
  LEASE_LOST_CODE,
  type SqlDriver,
  type SqlSession,
  type SqlStatement,
} from "./sql-driver.ts";
import type { Lease } from "./store-records.ts";

/**
 * A driver whose writes commit only while `lease` is current: each write runs in a transaction that
 * first checks, in the same transaction, that the lease row still carries this holder's id and
 * fencing token and was not released (LeaseLostError otherwise, and nothing is written). On
 * PostgreSQL the check locks the lease row (FOR SHARE), so a takeover waits for the write to commit;
 * SQLite lets one writer in at a time. Reads go straight through.
 *
 * REAID creation (`getOrCreateReaidBatch`) runs in the driver's own transaction (SQLite's write
 * thread; PostgreSQL's insert statements): the driver checks the lease inside that transaction.
 */
export class FencedDriver implements SqlDriver {
  readonly #inner: SqlDriver;
  readonly #lease: Lease;
  readonly #guardSql: string;

  constructor(inner: SqlDriver, lease: Lease) {
    this.#inner = inner;
    this.#lease = lease;
    this.#guardSql = `${FENCE_CHECK_SQL}${inner.dialect === "postgres" ? " FOR SHARE" : ""}`;
  }

  get dialect() {
    return this.#inner.dialect;
  }
  get file() {
    return this.#inner.file;
  }
  get migrationLockSql() {
    return this.#inner.migrationLockSql;
  }
  get nowMsSql() {
    return this.#inner.nowMsSql;
  }
  get reaidBatchSize() {
    return this.#inner.reaidBatchSize;
  }

  async #guard(tx: SqlSession): Promise<void> {
    const { name, id, token } = this.#lease;
    const rows = await tx.all(this.#guardSql, [name, id, token]);
    if (rows.length === 0) throw new LeaseLostError(this.#lease);
  }

  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    if (/^\s*SELECT\b/i.test(sql) && !/\bFOR\s+UPDATE\b/i.test(sql)) return this.#inner.all<T>(sql, params);
    return this.transaction((tx) => tx.all<T>(sql, params));
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.transaction((tx) => tx.exec(sql));
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#inner.transaction(async (tx) => {
      await this.#guard(tx);
      return fn(tx);
    });
  }

  async getOrCreateReaidBatch(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
    hasher: AddressHasher,
  ): Promise<void> {
    // The batch runs in the driver's own transaction (SQLite's write thread, PostgreSQL's insert
    // statements), which checks the lease first: a holder that lost it creates no REAID.
    const { name, id, token } = this.#lease;
    try {
      await this.#inner.getOrCreateReaidBatch(namespace, emails, now, out, hasher, { name, id, token });
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === LEASE_LOST_CODE) {
        throw new LeaseLostError(this.#lease, { cause: error });
      }
      throw error;
    }
  }

  async runGrouped(statements: readonly SqlStatement[]): Promise<void> {
    await this.transaction(async (tx) => {
      for (const statement of statements) await tx.run(statement.sql, statement.params);
    });
  }

  prepareForService(): Promise<void> {
    return this.#inner.prepareForService();
  }

  isUniqueViolation(error: unknown): boolean {
    return this.#inner.isUniqueViolation(error);
  }

  /** The store it fences stays open: its owner closes it. */
  async close(): Promise<void> {}
}
