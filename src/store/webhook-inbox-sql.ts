import type { RealtimeAccounts } from "./realtime-accounts.ts";
import type { SqlDriver, SqlStatement } from "./sql-driver.ts";
import type { InboxEvent, WebhookInbox } from "./webhook-inbox.ts";

/** How long a replaced webhook secret is still accepted. */
const PREVIOUS_SECRET_GRACE_MS = 10 * 60_000;

// Rows per INSERT: few distinct statements for SQLite's statement cache, few round trips for PostgreSQL.
const ROWS_PER_INSERT = 100;

/** The insert of `rows` events, built once per size: deliveries arrive hundreds a second. */
const insertSql: string[] = [];
function insertOf(rows: number): string {
  insertSql[rows] ??= `INSERT INTO webhook_inbox (account, profile_id, event_type, seq, received_at)
     VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, 1, ?)").join(", ")}
     ON CONFLICT (account, profile_id) DO UPDATE SET seq = webhook_inbox.seq + 1,
       event_type = excluded.event_type, received_at = excluded.received_at`;
  return insertSql[rows];
}

interface InboxRow {
  account: number | string;
  profile_id: string;
  event_type: string;
  seq: number | string;
  received_at: string;
}

/** WebhookInbox and RealtimeAccounts over the store's SQL connection (tables of migration 5). */
export class WebhookInboxSql implements WebhookInbox, RealtimeAccounts {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async addInboxEvents(
    account: number,
    events: readonly { profileId: string; eventType: string }[],
    at: string,
  ): Promise<void> {
    // One row per profile per statement: PostgreSQL refuses to update a row twice in one statement.
    const latest = new Map<string, string>();
    for (const event of events) latest.set(event.profileId, event.eventType);
    const rows = [...latest];
    if (rows.length === 0) return;
    const statements: SqlStatement[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (const [profileId, eventType] of chunk) params.push(account, profileId, eventType, at);
      statements.push({ sql: insertOf(chunk.length), params });
    }
    // One transaction, perhaps shared with other deliveries' (group commit): committed, so
    // durable, when it resolves, before the route acknowledges the delivery.
    await this.#db.runGrouped(statements);
  }

  async accountsWithInbox(): Promise<number[]> {
    const rows = await this.#db.all<{ account: number | string }>(
      "SELECT account, MIN(id) AS first FROM webhook_inbox GROUP BY account ORDER BY first",
    );
    return rows.map((row) => Number(row.account));
  }

  async peekInbox(account: number, limit: number): Promise<InboxEvent[]> {
    const rows = await this.#db.all<InboxRow>(
      "SELECT account, profile_id, event_type, seq, received_at FROM webhook_inbox WHERE account = ? ORDER BY id LIMIT ?",
      [account, limit],
    );
    return rows.map((row) => ({
      account: Number(row.account),
      profileId: row.profile_id,
      eventType: row.event_type,
      seq: Number(row.seq),
      receivedAt: row.received_at,
    }));
  }

  async removeInboxEvents(events: readonly InboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const event of events) {
        await tx.run("DELETE FROM webhook_inbox WHERE account = ? AND profile_id = ? AND seq = ?", [
          event.account,
          event.profileId,
          event.seq,
        ]);
      }
    });
  }

  async removeInboxEventsBefore(account: number, at: string): Promise<number> {
    return this.#db.run("DELETE FROM webhook_inbox WHERE account = ? AND received_at < ?", [account, at]);
  }

  async countInboxOf(account: number): Promise<number> {
    const [row] = await this.#db.all<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM webhook_inbox WHERE account = ?",
      [account],
    );
    return Number(row?.n ?? 0);
  }

  /** Events waiting, per account with any. */
  async countInboxByAccount(): Promise<Map<number, number>> {
    const rows = await this.#db.all<{ account: number | string; n: number | string }>(
      "SELECT account, COUNT(*) AS n FROM webhook_inbox GROUP BY account",
    );
    return new Map(rows.map((row) => [Number(row.account), Number(row.n)]));
  }

  async countInbox(): Promise<number> {
    const [row] = await this.#db.all<{ n: number | string }>("SELECT COUNT(*) AS n FROM webhook_inbox");
    return Number(row?.n ?? 0);
  }

  async putWebhookSecret(account: number, secretHash: string, secretRef: string, at: string): Promise<void> {
    // The secret it replaces stays valid a few minutes: deliveries Actito sends while its
    // subscriptions are being switched to the new one are still accepted.
    const until = new Date(Date.parse(at) + PREVIOUS_SECRET_GRACE_MS).toISOString();
    await this.#db.run(
      `INSERT INTO webhook_secrets (account, secret_hash, secret_ref, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account) DO UPDATE SET previous_hash = webhook_secrets.secret_hash, previous_until = ?,
         secret_hash = excluded.secret_hash, secret_ref = excluded.secret_ref, created_at = excluded.created_at`,
      [account, secretHash, secretRef, at, until],
    );
  }

  async realtimeAccounts(): Promise<Map<number, { secretRef: string; secretHash: string }>> {
    const rows = await this.#db.all<{ account: number | string; secret_ref: string; secret_hash: string }>(
      "SELECT account, secret_ref, secret_hash FROM webhook_secrets ORDER BY account",
    );
    return new Map(
      rows.map((row) => [Number(row.account), { secretRef: row.secret_ref, secretHash: row.secret_hash }]),
    );
  }

  async deleteWebhookSecret(account: number): Promise<void> {
    await this.#db.run("DELETE FROM webhook_secrets WHERE account = ?", [account]);
  }

  async webhookSecretHashes(account: number, at: string): Promise<string[]> {
    const [row] = await this.#db.all<{
      secret_hash: string;
      previous_hash: string | null;
      previous_until: string | null;
    }>("SELECT secret_hash, previous_hash, previous_until FROM webhook_secrets WHERE account = ?", [account]);
    if (!row) return [];
    const previous =
      row.previous_hash !== null && row.previous_until !== null && row.previous_until > at
        ? [row.previous_hash]
        : [];
    return [row.secret_hash, ...previous];
  }
}
