import { randomBytes } from "node:crypto";
import type { RegistryWriter } from "../apply/registry-writer.ts";
import type { RegistryReader } from "../plan/registry-reader.ts";
import type { SyncHealthRecorder } from "../sync/sync-store.ts";
import { revokeKeysOfAccounts, revokeKeysOfIntegration } from "./api-key-sql.ts";
import { StoreError } from "./errors.ts";
import { type RegistryRow, toRegistryEntry } from "./registry-row.ts";
import type { SqlDriver, SqlSession } from "./sql-driver.ts";
import { nowIso, placeholders } from "./sql-placeholders.ts";
import type { IntegrationStatus, RegistryEntry, RegistryWrite, SyncStatus } from "./store-records.ts";

/**
 * The registry in SQL: integrations and the accounts they hold (`integration_accounts`, whose
 * primary key makes "an account belongs to at most one integration" a constraint).
 */
export class SqlRegistry implements RegistryReader, RegistryWriter, SyncHealthRecorder {
  readonly #driver: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
  }

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
        const [current] = await tx.all<{
          revision: number | string;
          status: IntegrationStatus;
          integration_id: string | null;
        }>("SELECT revision, status, integration_id FROM integrations WHERE account = ?", [write.account]);
        const revision = Number(current?.revision ?? 0) + 1;
        const integrationId = integrationIdFor(current ?? null, write.status);
        const held = (
          await tx.all<{ account: number | string }>(
            "SELECT account FROM integration_accounts WHERE owner = ?",
            [write.account],
          )
        ).map((h) => Number(h.account));
        if (current?.integration_id) {
          // The keys of accounts this write takes out of the integration (all of them when it is
          // deactivated or becomes a new integration) stop working in this very transaction.
          const leaving = held.filter((a) => !accounts.includes(a));
          const wholly = write.status === "deactivated" || integrationId !== current.integration_id;
          await revokeKeysOfIntegration(tx, current.integration_id, wholly ? null : leaving, nowIso());
        }
        // A key works only during the membership it was made in: an account that joins (or rejoins)
        // an integration brings no working key along, whatever a concurrent write left behind.
        await revokeKeysOfAccounts(
          tx,
          accounts.filter((a) => !held.includes(a)),
          nowIso(),
        );
        await tx.run(
          `INSERT INTO integrations (account, provider, endpoint, entity, profile_table, profile_table_id,
             reaid_attribute, email, key_fingerprint, email_sync, status, managed_by, revision, updated_at,
             integration_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (account) DO UPDATE SET provider = excluded.provider, endpoint = excluded.endpoint,
             entity = excluded.entity, profile_table = excluded.profile_table,
             profile_table_id = excluded.profile_table_id, reaid_attribute = excluded.reaid_attribute,
             email = excluded.email, key_fingerprint = excluded.key_fingerprint,
             email_sync = excluded.email_sync, status = excluded.status, managed_by = excluded.managed_by,
             revision = excluded.revision, updated_at = excluded.updated_at,
             integration_id = excluded.integration_id`,
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
            integrationId,
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
      if (status === "deactivated") {
        const [row] = await tx.all<{ integration_id: string | null }>(
          "SELECT integration_id FROM integrations WHERE account = ?",
          [owner],
        );
        if (row?.integration_id) await revokeKeysOfIntegration(tx, row.integration_id, null, nowIso());
      }
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
}

/**
 * The stable id of an integration: kept across every write, new when the account is first
 * activated and when a deactivated one is activated again (the owner's account number is reused
 * then; the integration, and the service keys bound to it, are not).
 */
function integrationIdFor(
  current: { status: IntegrationStatus; integration_id: string | null } | null,
  status: IntegrationStatus,
): string {
  const reborn = current?.status === "deactivated" && status !== "deactivated";
  if (current?.integration_id && !reborn) return current.integration_id;
  return `int_${randomBytes(8).toString("hex")}`;
}
