import type { ImportQuota, RejectionStore, SyncCheckpoints } from "../sync/sync-store.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { nowIso, placeholders } from "./sql-placeholders.ts";
import type { Rejection, SyncCheckpoint } from "./store-records.ts";

const IN_LIST = 500;

/** What a sync keeps between runs, in SQL: checkpoints, rejected rows, the daily import count. */
export class SqlSyncState implements SyncCheckpoints, RejectionStore, ImportQuota {
  readonly #driver: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
  }

  async getCheckpoint(account: number): Promise<SyncCheckpoint | null> {
    const [row] = await this.#driver.all<{ checkpoint: string }>(
      "SELECT checkpoint FROM sync_checkpoints WHERE account = ?",
      [account],
    );
    return row ? (JSON.parse(row.checkpoint) as SyncCheckpoint) : null;
  }

  async putCheckpoint(account: number, checkpoint: SyncCheckpoint | null): Promise<void> {
    if (checkpoint === null) {
      await this.#driver.run("DELETE FROM sync_checkpoints WHERE account = ?", [account]);
      return;
    }
    await this.#driver.run(
      `INSERT INTO sync_checkpoints (account, checkpoint, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (account) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
      [account, JSON.stringify(checkpoint), nowIso()],
    );
  }

  // One row per rejected key: attempts count up while the reason stays the same and restart at 1
  // when the row fails for a new reason (a different problem deserves its own retries).
  async recordRejections(account: number, rows: readonly { key: string; reason: string }[]): Promise<void> {
    if (rows.length === 0) return;
    const now = nowIso();
    await this.#driver.transaction(async (tx) => {
      for (const row of rows) {
        await tx.run(
          `INSERT INTO rejections (account, row_key, reason, attempts, last_seen) VALUES (?, ?, ?, 1, ?)
           ON CONFLICT (account, row_key) DO UPDATE SET
             attempts = CASE WHEN rejections.reason = excluded.reason THEN rejections.attempts + 1 ELSE 1 END,
             reason = excluded.reason, last_seen = excluded.last_seen`,
          [account, row.key, row.reason, now],
        );
      }
    });
  }

  async listRejections(account: number): Promise<Rejection[]> {
    const rows = await this.#driver.all<{
      row_key: string;
      reason: string;
      attempts: number | string;
      last_seen: string;
    }>("SELECT row_key, reason, attempts, last_seen FROM rejections WHERE account = ? ORDER BY row_key", [
      account,
    ]);
    return rows.map((r) => ({
      key: r.row_key,
      reason: r.reason,
      attempts: Number(r.attempts),
      lastSeen: r.last_seen,
    }));
  }

  async clearRejections(account: number, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#driver.transaction(async (tx) => {
      for (let start = 0; start < keys.length; start += IN_LIST) {
        const chunk = keys.slice(start, start + IN_LIST);
        await tx.run(
          `DELETE FROM rejections WHERE account = ? AND row_key IN (${placeholders(chunk.length)})`,
          [account, ...chunk],
        );
      }
    });
  }

  async countImports(table: string, day: string): Promise<number> {
    const [row] = await this.#driver.all<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM import_quota WHERE table_name = ? AND day = ?",
      [table, day],
    );
    return Number(row?.n ?? 0);
  }

  async recordImport(table: string, day: string, importId: string): Promise<void> {
    await this.#driver.run(
      `INSERT INTO import_quota (table_name, day, import_id, recorded_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (table_name, day, import_id) DO NOTHING`,
      [table, day, importId, nowIso()],
    );
  }
}
