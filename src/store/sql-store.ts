import { createHmac, randomBytes } from "node:crypto";
import { LockHeldError, StoreError } from "./errors.ts";
import { migrations, migrationsTableSql } from "./migrations.ts";
import { normaliseEmail } from "./normalise-email.ts";
import type { AdoptionOutcome, AdoptionRequest, ReaidHolder } from "./reaid-ownership.ts";
import {
  adoptReaidsSql,
  findReaidsSql,
  holdersOfReaidsSql,
  rekeyReaidsSql,
  takeOverReaidsSql,
} from "./reaid-ownership-sql.ts";
import { type RegistryRow, toRegistryEntry } from "./registry-row.ts";
import type { SqlDriver, SqlSession } from "./sql-driver.ts";
import type {
  IntegrationStatus,
  JournalEntry,
  JournalOutcome,
  Lease,
  RegistryEntry,
  RegistryWrite,
  Rejection,
  Store,
  SyncCheckpoint,
  SyncStatus,
} from "./store.ts";

const EXPORT_PAGE = 1_000;
const IN_LIST = 500;
const SECRET_KEY = "fingerprint-secret";

interface JournalRow {
  id: number | string;
  apply_id: string;
  account: number | string;
  step: string;
  detail: string;
  outcome: JournalOutcome;
  started_at: string;
  ended_at: string | null;
  error: string | null;
}

interface LockRow {
  id: string;
  name: string;
  owner: string;
  purpose: string;
  expires_at: number | string;
}

/**
 * The Store over SQL, written once for both dialects; SqliteStore and PostgresStore only choose the
 * driver. Whatever must be atomic runs in one transaction; whatever must be unique has a constraint.
 */
export class SqlStore implements Store {
  readonly #driver: SqlDriver;
  readonly #secret: string;

  protected constructor(driver: SqlDriver, secret: string) {
    this.#driver = driver;
    this.#secret = secret;
  }

  /** The database, for role stores kept in their own files (e.g. sql-sync-schedule.ts). */
  get sql(): SqlDriver {
    return this.#driver;
  }

  /** Applies pending migrations and reads (or creates) the fingerprint secret. */
  protected static async prepare(driver: SqlDriver): Promise<string> {
    await driver.transaction(async (tx) => {
      if (driver.migrationLockSql) await tx.all(driver.migrationLockSql);
      await tx.exec(migrationsTableSql);
      const [row] = await tx.all<{ version: number | string | null }>(
        "SELECT MAX(version) AS version FROM schema_migrations",
      );
      const applied = Number(row?.version ?? 0);
      const latest = migrations.at(-1)?.version ?? 0;
      if (applied > latest) {
        throw new StoreError(
          "newer-schema",
          `the store has schema version ${applied} but this emi knows only up to ${latest}: upgrade emi`,
        );
      }
      for (const migration of migrations) {
        if (migration.version <= applied) continue;
        await tx.exec(migration[driver.dialect]);
        await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
          migration.version,
          migration.name,
          nowIso(),
        ]);
      }
    });
    // Insert-if-absent then read: two processes opening a fresh store agree on one secret.
    await driver.run("INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [
      SECRET_KEY,
      randomBytes(32).toString("base64url"),
    ]);
    const [secret] = await driver.all<{ value: string }>("SELECT value FROM store_meta WHERE key = ?", [
      SECRET_KEY,
    ]);
    return secret!.value;
  }

  /** The connection under this store, for role stores kept in their own files (see sql-driver-of.ts). */
  get sqlDriver(): SqlDriver {
    return this.#driver;
  }

  /** The schema version this store is at (for tests and diagnostics). */
  async schemaVersion(): Promise<number> {
    const [row] = await this.#driver.all<{ version: number | string }>(
      "SELECT MAX(version) AS version FROM schema_migrations",
    );
    return Number(row?.version ?? 0);
  }

  close(): Promise<void> {
    return this.#driver.close();
  }

  async fingerprintKey(apiKey: string): Promise<string> {
    return `hmac-sha256:${createHmac("sha256", this.#secret).update(apiKey).digest("hex")}`;
  }

  // Registry

  async listIntegrations(): Promise<RegistryEntry[]> {
    const rows = await this.#driver.all<RegistryRow>("SELECT * FROM integrations ORDER BY account");
    const sisters = await this.#driver.all<{ account: number | string; owner: number | string }>(
      "SELECT account, owner FROM integration_accounts WHERE account <> owner",
    );
    const byOwner = new Map<number, number[]>();
    for (const { account, owner } of sisters) {
      const list = byOwner.get(Number(owner)) ?? [];
      list.push(Number(account));
      byOwner.set(Number(owner), list);
    }
    return rows.map((row) => toRegistryEntry(row, byOwner.get(Number(row.account)) ?? []));
  }

  findByAccount(account: number): Promise<RegistryEntry | null> {
    return this.#findByAccount(this.#driver, account);
  }

  async #findByAccount(db: SqlSession, account: number): Promise<RegistryEntry | null> {
    const owner = await this.#ownerOf(db, account);
    if (owner === null) return null;
    const [row] = await db.all<RegistryRow>("SELECT * FROM integrations WHERE account = ?", [owner]);
    if (!row) return null;
    const sisters = await db.all<{ account: number | string }>(
      "SELECT account FROM integration_accounts WHERE owner = ? AND account <> owner",
      [owner],
    );
    return toRegistryEntry(
      row,
      sisters.map((s) => Number(s.account)),
    );
  }

  async #ownerOf(db: SqlSession, account: number): Promise<number | null> {
    const [row] = await db.all<{ owner: number | string }>(
      "SELECT owner FROM integration_accounts WHERE account = ?",
      [account],
    );
    return row ? Number(row.owner) : null;
  }

  async registryRevision(): Promise<number> {
    const [row] = await this.#driver.all<{ revision: number | string }>(
      "SELECT revision FROM registry_revision WHERE id = 1",
    );
    return Number(row?.revision ?? 0);
  }

  async putIntegration(write: RegistryWrite): Promise<RegistryEntry> {
    const sisters = [...new Set(write.sisterAccounts)].filter((a) => a !== write.account);
    const accounts = [write.account, ...sisters];
    try {
      return await this.#driver.transaction(async (tx) => {
        const holders = await tx.all<{ account: number | string; owner: number | string }>(
          `SELECT account, owner FROM integration_accounts WHERE account IN (${placeholders(accounts.length)})`,
          accounts,
        );
        const taken = holders.find((h) => Number(h.owner) !== write.account);
        if (taken) throw await this.#accountTaken(tx, Number(taken.account), Number(taken.owner));
        const [current] = await tx.all<{ revision: number | string }>(
          "SELECT revision FROM integrations WHERE account = ?",
          [write.account],
        );
        const revision = Number(current?.revision ?? 0) + 1;
        await tx.run(
          `INSERT INTO integrations (account, provider, endpoint, entity, profile_table, profile_table_id,
             reaid_attribute, email, key_fingerprint, email_sync, status, managed_by, revision, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (account) DO UPDATE SET provider = excluded.provider, endpoint = excluded.endpoint,
             entity = excluded.entity, profile_table = excluded.profile_table,
             profile_table_id = excluded.profile_table_id, reaid_attribute = excluded.reaid_attribute,
             email = excluded.email, key_fingerprint = excluded.key_fingerprint,
             email_sync = excluded.email_sync, status = excluded.status, managed_by = excluded.managed_by,
             revision = excluded.revision, updated_at = excluded.updated_at`,
          [
            write.account,
            write.provider,
            write.endpoint,
            write.entity,
            write.profileTable,
            write.profileTableId,
            write.reaidAttribute,
            write.email,
            write.keyFingerprint,
            write.emailSync,
            write.status,
            write.managedBy,
            revision,
            nowIso(),
          ],
        );
        await tx.run("DELETE FROM integration_accounts WHERE owner = ?", [write.account]);
        for (const account of accounts) {
          await tx.run("INSERT INTO integration_accounts (account, owner) VALUES (?, ?)", [
            account,
            write.account,
          ]);
        }
        await tx.run("UPDATE registry_revision SET revision = revision + 1 WHERE id = 1");
        return (await this.#findByAccount(tx, write.account))!;
      });
    } catch (error) {
      // The check above is for a readable message; the UNIQUE constraint is what actually holds
      // when two processes register the same account at once.
      if (!this.#driver.isUniqueViolation(error)) throw error;
      for (const account of accounts) {
        const owner = await this.#ownerOf(this.#driver, account);
        if (owner !== null && owner !== write.account) {
          throw await this.#accountTaken(this.#driver, account, owner, error);
        }
      }
      throw error;
    }
  }

  async #accountTaken(db: SqlSession, account: number, owner: number, cause?: unknown): Promise<StoreError> {
    const [row] = await db.all<{ managed_by: string | null }>(
      "SELECT managed_by FROM integrations WHERE account = ?",
      [owner],
    );
    const where = row?.managed_by ? `managed by ${row.managed_by}` : "not managed by any repository";
    const role = account === owner ? "" : ` (as a sister account of ${owner})`;
    return new StoreError(
      "account-taken",
      `account ${account} already belongs to the integration of account ${owner}${role}, ${where}`,
      { cause },
    );
  }

  async setStatus(account: number, status: IntegrationStatus): Promise<void> {
    await this.#driver.transaction(async (tx) => {
      const owner = await this.#requireOwner(tx, account);
      await tx.run(
        "UPDATE integrations SET status = ?, revision = revision + 1, updated_at = ? WHERE account = ?",
        [status, nowIso(), owner],
      );
      await tx.run("UPDATE registry_revision SET revision = revision + 1 WHERE id = 1");
    });
  }

  // Sync health is operational, not declared state: writing it bumps no revision, or every plan
  // would go stale while a sync runs.
  async setSyncStatus(account: number, status: Partial<SyncStatus>): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (status.health !== undefined) set("sync_health", status.health);
    if (status.reason !== undefined) set("sync_reason", status.reason);
    if (status.lastRun !== undefined) set("sync_last_run", status.lastRun);
    if (status.counts !== undefined) {
      set("sync_seen", status.counts.seen);
      set("sync_written", status.counts.written);
      set("sync_skipped", status.counts.skipped);
      set("sync_rejected", status.counts.rejected);
    }
    if (sets.length === 0) return;
    await this.#driver.transaction(async (tx) => {
      const owner = await this.#requireOwner(tx, account);
      await tx.run(`UPDATE integrations SET ${sets.join(", ")} WHERE account = ?`, [...params, owner]);
    });
  }

  async #requireOwner(db: SqlSession, account: number): Promise<number> {
    const owner = await this.#ownerOf(db, account);
    if (owner === null) {
      throw new StoreError("unknown-integration", `account ${account} has no integration in the store`);
    }
    return owner;
  }

  // REAIDs

  async getOrCreateReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>> {
    const unique = new Set<string>();
    for (const email of emails) unique.add(normalised(email));
    // Sorted: neighbouring e-mails share index pages, and two processes take row locks in one order.
    const sorted = [...unique].sort();
    const result = new Map<string, string>();
    const now = nowIso();
    const size = this.#driver.reaidBatchSize;
    for (let start = 0; start < sorted.length; start += size) {
      const batch = sorted.length <= size ? sorted : sorted.slice(start, start + size);
      await this.#driver.getOrCreateReaidBatch(namespace, batch, now, result);
    }
    return result;
  }

  async getReaid(namespace: string, email: string): Promise<string | null> {
    const [row] = await this.#driver.all<{ reaid: string }>(
      "SELECT reaid FROM reaids WHERE namespace = ? AND email = ?",
      [namespace, normaliseEmail(email)],
    );
    return row?.reaid ?? null;
  }

  async *exportReaids(namespace: string): AsyncIterable<{ email: string; reaid: string }> {
    // Keyset pages rather than one open cursor: memory stays flat and the connection stays free
    // for other work between pages.
    let after: string | null = null;
    for (;;) {
      const rows: { email: string; reaid: string }[] =
        after === null
          ? await this.#driver.all(
              "SELECT email, reaid FROM reaids WHERE namespace = ? ORDER BY email LIMIT ?",
              [namespace, EXPORT_PAGE],
            )
          : await this.#driver.all(
              "SELECT email, reaid FROM reaids WHERE namespace = ? AND email > ? ORDER BY email LIMIT ?",
              [namespace, after, EXPORT_PAGE],
            );
      for (const row of rows) yield { email: row.email, reaid: row.reaid };
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)!.email;
    }
  }

  // Value ownership and adoption (ReaidOwnershipStore; SQL in reaid-ownership-sql.ts)

  holdersOfReaids(values: readonly string[]): Promise<Map<string, ReaidHolder>> {
    return holdersOfReaidsSql(this.#driver, values);
  }

  findReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>> {
    return findReaidsSql(this.#driver, namespace, emails);
  }

  adoptReaids(namespace: string, pairs: readonly AdoptionRequest[]): Promise<AdoptionOutcome[]> {
    return adoptReaidsSql(this.#driver, namespace, pairs);
  }

  takeOverReaids(from: string, to: string): Promise<{ moved: number; kept: number }> {
    return takeOverReaidsSql(this.#driver, from, to);
  }

  rekeyReaids(
    namespace: string,
    moves: readonly { from: string; to: string; reaid: string }[],
  ): Promise<boolean[]> {
    return rekeyReaidsSql(this.#driver, namespace, moves);
  }

  async countReaids(namespace: string): Promise<number> {
    const [row] = await this.#driver.all<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM reaids WHERE namespace = ?",
      [namespace],
    );
    return Number(row?.n ?? 0);
  }

  // Journal

  async journalBegin(step: {
    applyId: string;
    account: number;
    step: string;
    detail: Record<string, unknown>;
  }): Promise<number> {
    const [row] = await this.#driver.all<{ id: number | string }>(
      `INSERT INTO journal (apply_id, account, step, detail, outcome, started_at)
       VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id`,
      [step.applyId, step.account, step.step, JSON.stringify(step.detail), nowIso()],
    );
    return Number(row!.id);
  }

  async journalEnd(id: number, outcome: "succeeded" | "failed", error?: string): Promise<void> {
    await this.#driver.run("UPDATE journal SET outcome = ?, ended_at = ?, error = ? WHERE id = ?", [
      outcome,
      nowIso(),
      error ?? null,
      id,
    ]);
  }

  async journalPending(): Promise<JournalEntry[]> {
    const rows = await this.#driver.all<JournalRow>(
      "SELECT * FROM journal WHERE outcome = 'pending' ORDER BY id",
    );
    return rows.map(toJournalEntry);
  }

  async journalFor(applyId: string): Promise<JournalEntry[]> {
    const rows = await this.#driver.all<JournalRow>("SELECT * FROM journal WHERE apply_id = ? ORDER BY id", [
      applyId,
    ]);
    return rows.map(toJournalEntry);
  }

  // Sync checkpoints, rejections, import quota

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

  // Lease lock. Expiry uses the database's clock, so runners with skewed clocks still agree.

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

function normalised(email: string): string {
  const result = normaliseEmail(email);
  if (result === "") throw new StoreError("invalid-email", "an e-mail address is empty");
  return result;
}

function toJournalEntry(row: JournalRow): JournalEntry {
  return {
    id: Number(row.id),
    applyId: row.apply_id,
    account: Number(row.account),
    step: row.step,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    outcome: row.outcome,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
  };
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

function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

function nowIso(): string {
  return new Date().toISOString();
}
