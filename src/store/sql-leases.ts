import { randomBytes } from "node:crypto";
import { LockHeldError, StoreError } from "./errors.ts";
import type { Leases } from "./leases.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { nowIso } from "./sql-placeholders.ts";
import type { Lease } from "./store-records.ts";

interface LockRow {
  id: string;
  name: string;
  owner: string;
  purpose: string;
  expires_at: number | string;
  token: number | string;
}

const COLUMNS = "id, name, owner, purpose, expires_at, token";

/**
 * Leases in SQL. Expiry uses the database's clock, so runners with skewed clocks still agree. Every
 * acquisition takes the next fencing token of its name; a released or broken lease keeps its row
 * with `expires_at` 0 (free), so tokens never go back.
 */
export class SqlLeases implements Leases {
  readonly #driver: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
  }

  async acquireLock(name: string, owner: string, purpose: string, ttlMs: number): Promise<Lease> {
    for (let attempt = 0; ; attempt++) {
      const id = randomBytes(8).toString("hex");
      const now = this.#driver.nowMsSql;
      // One statement: insert, or take over only an expired lease. A live lease is left alone and
      // nothing is returned, so two processes racing for it cannot both win.
      const [taken] = await this.#driver.all<LockRow>(
        `INSERT INTO locks (name, id, owner, purpose, expires_at, acquired_at, token)
         VALUES (?, ?, ?, ?, ${now} + ?, ?, 1)
         ON CONFLICT (name) DO UPDATE SET id = excluded.id, owner = excluded.owner, purpose = excluded.purpose,
           expires_at = excluded.expires_at, acquired_at = excluded.acquired_at, token = locks.token + 1
         WHERE locks.expires_at <= ${now}
         RETURNING ${COLUMNS}`,
        [name, id, owner, purpose, Math.max(1, Math.round(ttlMs)), nowIso()],
      );
      if (taken) return toLease(taken);
      const [holder] = await this.#driver.all<LockRow>(
        `SELECT ${COLUMNS} FROM locks WHERE name = ? AND expires_at > 0`,
        [name],
      );
      if (holder) throw new LockHeldError(toLease(holder));
      // Released between the two statements: try again, a few times.
      if (attempt === 3) {
        throw new StoreError(
          "unavailable",
          `the "${name}" lock changed hands too often to take it; try again`,
        );
      }
    }
  }

  async renewLock(lease: Lease, ttlMs: number): Promise<Lease> {
    const [row] = await this.#driver.all<LockRow>(
      `UPDATE locks SET expires_at = ${this.#driver.nowMsSql} + ?
       WHERE name = ? AND id = ? AND token = ? AND expires_at > 0
       RETURNING ${COLUMNS}`,
      [Math.max(1, Math.round(ttlMs)), lease.name, lease.id, lease.token],
    );
    if (!row) {
      throw new StoreError(
        "lock-lost",
        `the "${lease.name}" lock ${lease.id} is no longer held by ${lease.owner}: it was broken or taken over after expiring`,
      );
    }
    return toLease(row);
  }

  async releaseLock(lease: Lease): Promise<void> {
    await this.#driver.run("UPDATE locks SET expires_at = 0 WHERE name = ? AND id = ?", [
      lease.name,
      lease.id,
    ]);
  }

  async listLocks(): Promise<Lease[]> {
    const rows = await this.#driver.all<LockRow>(
      `SELECT ${COLUMNS} FROM locks WHERE expires_at > 0 ORDER BY name`,
    );
    return rows.map(toLease);
  }

  async breakLock(id: string): Promise<boolean> {
    return (
      (await this.#driver.run("UPDATE locks SET expires_at = 0 WHERE id = ? AND expires_at > 0", [id])) > 0
    );
  }
}

function toLease(row: LockRow): Lease {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    purpose: row.purpose,
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
    token: Number(row.token),
  };
}
