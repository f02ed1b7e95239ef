import type { AddressHasher } from "./address-hasher.ts";
import { LeaseLostError } from "./errors.ts";
import type { SqlDriver, SqlSession, SqlStatement } from "./sql-driver.ts";
import type { Lease } from "./store-records.ts";

/**
 * A driver whose writes commit only while `lease` is current: each write runs in a transaction that
 * first checks, in the same transaction, that the lease row still carries this holder's id and
 * fencing token and was not released (LeaseLostError otherwise, and nothing is written). On
 * PostgreSQL the check locks the lease row (FOR SHARE), so a takeover waits for the write to commit;
 * SQLite lets one writer in at a time. Reads go straight through.
 *
 * REAID creation (`getOrCreateReaidBatch`) runs in the driver's own transaction, so its token is
 * confirmed just before each batch rather than inside it: a pause between the two can still create
 * REAIDs, which only inserts and never changes a stored REAID (docs/leases.md).
 */
export class FencedDriver implements SqlDriver {
  readonly #inner: SqlDriver;
  readonly #lease: Lease;
  readonly #guardSql: string;
  readonly #checkSql = "SELECT token FROM locks WHERE name = ? AND id = ? AND token = ? AND expires_at > 0";

  constructor(inner: SqlDriver, lease: Lease) {
    this.#inner = inner;
    this.#lease = lease;
    this.#guardSql = `SELECT token FROM locks WHERE name = ? AND id = ? AND token = ? AND expires_at > 0${
      inner.dialect === "postgres" ? " FOR SHARE" : ""
    }`;
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
    // The batch runs in the driver's own transaction (SQLite's write thread): its token is confirmed
    // just before, as before an Actito write, so a holder resumed after losing its lease creates none.
    const { name, id, token } = this.#lease;
    const rows = await this.#inner.all(this.#checkSql, [name, id, token]);
    if (rows.length === 0) throw new LeaseLostError(this.#lease);
    return this.#inner.getOrCreateReaidBatch(namespace, emails, now, out, hasher);
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
