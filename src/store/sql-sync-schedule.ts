import type { LicenceLeaseHolder, ScheduleEntry, SyncSchedule } from "./sync-schedule.ts";
import type { SqlSession } from "./sql-driver.ts";

interface ScheduleRow {
  account: number | string;
  last_success_at: string | null;
  last_full_at: string | null;
  failures: number | string;
  retry_at: string | null;
  due_reason: string | null;
  without_reaid: number | string | null;
}

/** SyncSchedule over the `sync_schedule` table; the same SQL in SQLite and PostgreSQL. */
export class SqlSyncSchedule implements SyncSchedule {
  readonly #sql: SqlSession;

  constructor(sql: SqlSession) {
    this.#sql = sql;
  }

  async recordSuccess(
    account: number,
    run: { at: string; full: boolean; skipped: number; rejectionsLeft: number },
  ): Promise<void> {
    // An incremental run sees only what changed: profiles without an e-mail are known from the last
    // full read, rejections from the store.
    await this.#sql.run(
      `INSERT INTO sync_schedule (account, last_success_at, last_full_at, failures, retry_at, due_reason,
         without_reaid, skipped_at_full, updated_at)
       VALUES (?, ?, ?, 0, NULL, NULL, ?, ?, ?)
       ON CONFLICT (account) DO UPDATE SET last_success_at = excluded.last_success_at,
         last_full_at = COALESCE(excluded.last_full_at, sync_schedule.last_full_at),
         failures = 0, retry_at = NULL, due_reason = NULL,
         skipped_at_full = COALESCE(excluded.skipped_at_full, sync_schedule.skipped_at_full),
         without_reaid = COALESCE(excluded.skipped_at_full, sync_schedule.skipped_at_full, 0) + ?,
         updated_at = excluded.updated_at`,
      [
        account,
        run.at,
        run.full ? run.at : null,
        (run.full ? run.skipped : 0) + run.rejectionsLeft,
        run.full ? run.skipped : null,
        run.at,
        run.rejectionsLeft,
      ],
    );
  }

  async recordFailure(account: number, at: string): Promise<number> {
    const [row] = await this.#sql.all<{ failures: number | string }>(
      `INSERT INTO sync_schedule (account, failures, updated_at) VALUES (?, 1, ?)
       ON CONFLICT (account) DO UPDATE SET failures = sync_schedule.failures + 1, updated_at = excluded.updated_at
       RETURNING failures`,
      [account, at],
    );
    return Number(row?.failures ?? 1);
  }

  async setRetryAt(account: number, retryAt: string): Promise<void> {
    await this.#sql.run("UPDATE sync_schedule SET retry_at = ? WHERE account = ?", [retryAt, account]);
  }

  async markDue(account: number, reason: string, at: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO sync_schedule (account, due_reason, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (account) DO UPDATE SET due_reason = excluded.due_reason, updated_at = excluded.updated_at`,
      [account, reason, at],
    );
  }

  async licenceLeases(): Promise<LicenceLeaseHolder[]> {
    const rows = await this.#sql.all<{
      name: string;
      owner: string;
      acquired_at: string;
      expires_at: number | string;
    }>(
      "SELECT name, owner, acquired_at, expires_at FROM locks WHERE name LIKE 'licence:%' AND expires_at > 0 ORDER BY name",
    );
    return rows.map((r) => ({
      licence: r.name.slice("licence:".length),
      owner: r.owner,
      since: r.acquired_at,
      expiresAt: new Date(Number(r.expires_at)).toISOString(),
    }));
  }

  async listSchedule(): Promise<ScheduleEntry[]> {
    const rows = await this.#sql.all<ScheduleRow>(
      `SELECT account, last_success_at, last_full_at, failures, retry_at, due_reason, without_reaid
       FROM sync_schedule ORDER BY account`,
    );
    return rows.map((r) => ({
      account: Number(r.account),
      lastSuccessAt: r.last_success_at,
      lastFullAt: r.last_full_at,
      failures: Number(r.failures),
      retryAt: r.retry_at,
      dueReason: r.due_reason,
      withoutReaid: r.without_reaid === null ? null : Number(r.without_reaid),
    }));
  }
}
