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
}

/** Leases in SQL. Expiry uses the database's clock, so runners with skewed clocks still agree. */
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
        `INSERT INTO locks (name, id, owner, purpose, expires_at, acquired_at)
         VALUES (?, ?, ?, ?, ${now} + ?, ?)
         ON CONFLICT (name) DO UPDATE SET id = excluded.id, owner = excluded.owner, purpose = excluded.purpose,
           expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
         WHERE locks.expires_at <= ${now}
         RETURNING id, name, owner, purpose, expires_at`,
        [name, id, owner, purpose, Math.max(1, Math.round(ttlMs)), nowIso()],
      );
      if (taken) return toLease(taken);
      const [holder] = await this.#driver.all<LockRow>(
        "SELECT id, name, owner, purpose, expires_at FROM locks WHERE name = ?",
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
      `UPDATE locks SET expires_at = ${this.#driver.nowMsSql} + ? WHERE name = ? AND id = ?
       RETURNING id, name, owner, purpose, expires_at`,
      [Math.max(1, Math.round(ttlMs)), lease.name, lease.id],
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
    await this.#driver.run("DELETE FROM locks WHERE name = ? AND id = ?", [lease.name, lease.id]);
  }

  async listLocks(): Promise<Lease[]> {
    const rows = await this.#driver.all<LockRow>(
      "SELECT id, name, owner, purpose, expires_at FROM locks ORDER BY name",
    );
    return rows.map(toLease);
  }

  async breakLock(id: string): Promise<boolean> {
    return (await this.#driver.run("DELETE FROM locks WHERE id = ?", [id])) > 0;
  }
}

function toLease(row: LockRow): Lease {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    purpose: row.purpose,
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
  };
}
