import { createHmac } from "node:crypto";
import { recordLinkFindingsSql, reportedLinkFindingsSql } from "./link-findings-sql.ts";
import type { ApplyJournal } from "../apply/apply-journal.ts";
import type { WorkingServiceKey } from "../plan/service-keys.ts";
import type { ApiKeyRecord, BoundServiceKey, ListedApiKey } from "../serve/api-key-store.ts";
import { ApiKeySql } from "./api-key-sql.ts";
import type { AddressHasher } from "./address-hasher.ts";
import { prepareStore } from "./prepare-store.ts";
import type { StoreKeyring } from "./store-key.ts";
import type { Dialect } from "./migrations.ts";
import type { SqlDriver } from "./sql-driver.ts";
import type { ErasureReason } from "../sync/erasure-store.ts";
import { SqlErasures } from "./sql-erasures.ts";
import { FencedDriver } from "./fenced-driver.ts";
import { SqlJournal } from "./sql-journal.ts";
import { SqlLeases } from "./sql-leases.ts";
import { normaliseEmail } from "./normalise-email.ts";
import { SqlReaids } from "./sql-reaids.ts";
import { SqlRegistry } from "./sql-registry.ts";
import { SqlSyncSchedule } from "./sql-sync-schedule.ts";
import { SqlSyncState } from "./sql-sync-state.ts";
import type { Store } from "./store.ts";
import { ReaidLookupSql } from "./reaid-lookup-sql.ts";
import type { AdoptionOutcome, AdoptionRequest, ReaidHolder } from "./reaid-ownership.ts";
import {
  adoptReaidsSql,
  findReaidsSql,
  holdersOfReaidsSql,
  rekeyReaidsSql,
  takeOverReaidsSql,
} from "./reaid-ownership-sql.ts";
import type {
  IntegrationStatus,
  JournalEntry,
  Lease,
  RegistryEntry,
  RegistryWrite,
  Rejection,
  SyncCheckpoint,
  SyncStatus,
} from "./store-records.ts";
import type { LicenceLeaseHolder, ScheduleEntry } from "./sync-schedule.ts";
import type { InboxEvent } from "./webhook-inbox.ts";
import { WebhookInboxSql } from "./webhook-inbox-sql.ts";

/**
 * The Store over SQL, written once for both dialects; SqliteStore and PostgresStore only choose the
 * driver. Whatever must be atomic runs in one transaction; whatever must be unique has a constraint.
 */
export class SqlStore implements Store {
  readonly #driver: SqlDriver;
  readonly #secret: string;
  readonly #registry: SqlRegistry;
  readonly #reaids: SqlReaids;
  readonly #journal: SqlJournal;
  readonly #syncState: SqlSyncState;
  readonly #leases: SqlLeases;
  readonly #schedule: SqlSyncSchedule;
  readonly #inbox: WebhookInboxSql;
  readonly #lookup: ReaidLookupSql;
  readonly #keys: ApiKeySql;

  readonly #hasher: AddressHasher | null;
  readonly #erasures: SqlErasures;

  protected constructor(driver: SqlDriver, prepared: { secret: string; hasher: AddressHasher | null }) {
    this.#driver = driver;
    this.#secret = prepared.secret;
    this.#hasher = prepared.hasher;
    this.#registry = new SqlRegistry(driver);
    this.#reaids = new SqlReaids(driver, prepared.hasher);
    this.#erasures = new SqlErasures(driver);
    this.#journal = new SqlJournal(driver);
    this.#syncState = new SqlSyncState(driver);
    this.#leases = new SqlLeases(driver);
    this.#schedule = new SqlSyncSchedule(driver);
    this.#inbox = new WebhookInboxSql(driver);
    this.#lookup = new ReaidLookupSql(driver);
    this.#keys = new ApiKeySql(driver);
  }

  /** Checks the key and migrates (see prepareStore). */
  protected static prepare(
    driver: SqlDriver,
    keyring: StoreKeyring,
  ): Promise<{ secret: string; hasher: AddressHasher | null }> {
    return prepareStore(driver, keyring);
  }

  /** The schema version this store is at (for tests and diagnostics). */
  async schemaVersion(): Promise<number> {
    const [row] = await this.#driver.all<{ version: number | string }>(
      "SELECT MAX(version) AS version FROM schema_migrations",
    );
    return Number(row?.version ?? 0);
  }

  prepareForService(): Promise<void> {
    return this.#driver.prepareForService();
  }

  close(): Promise<void> {
    return this.#driver.close();
  }

  // Readiness (WriteProbe)

  get dialect(): Dialect {
    return this.#driver.dialect;
  }
  get storeFile(): string | null {
    return this.#driver.file;
  }
  async probeWrite(at: string): Promise<void> {
    await this.#driver.run(
      "INSERT INTO store_meta (key, value) VALUES ('readiness-probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [at],
    );
  }

  /** This store for a lease holder: its writes commit only while `lease` is current (see FencedDriver). */
  fenced(lease: Lease): Store {
    return new SqlStore(new FencedDriver(this.#driver, lease), {
      secret: this.#secret,
      hasher: this.#hasher,
    });
  }

  async fingerprintKey(apiKey: string): Promise<string> {
    return `hmac-sha256:${createHmac("sha256", this.#secret).update(apiKey).digest("hex")}`;
  }

  // Each role's SQL lives in its own module (sql-registry.ts, sql-reaids.ts, …); the store is their union.

  listIntegrations(): Promise<RegistryEntry[]> {
    return this.#registry.listIntegrations();
  }
  findByAccount(account: number): Promise<RegistryEntry | null> {
    return this.#registry.findByAccount(account);
  }
  registryRevision(): Promise<number> {
    return this.#registry.registryRevision();
  }
  putIntegration(write: RegistryWrite): Promise<RegistryEntry> {
    return this.#registry.putIntegration(write);
  }
  setStatus(account: number, status: IntegrationStatus): Promise<void> {
    return this.#registry.setStatus(account, status);
  }
  setSyncStatus(account: number, status: Partial<SyncStatus>): Promise<void> {
    return this.#registry.setSyncStatus(account, status);
  }

  getOrCreateReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>> {
    return this.#reaids.getOrCreateReaids(namespace, emails);
  }
  getReaid(namespace: string, email: string): Promise<string | null> {
    return this.#reaids.getReaid(namespace, email);
  }
  exportReaids(namespace: string): AsyncIterable<{ emailHash: string; reaid: string }> {
    return this.#reaids.exportReaids(namespace);
  }
  countReaids(namespace: string): Promise<number> {
    return this.#reaids.countReaids(namespace);
  }

  // Erasure and retention (ErasureStore; SQL in sql-erasures.ts)

  eraseReaids(
    namespace: string,
    reaids: readonly string[],
    reason: ErasureReason,
    account: number,
  ): Promise<number> {
    return this.#erasures.eraseReaids(namespace, reaids, reason, account);
  }
  listErasures(account: number): Promise<{ reason: string; erased: number; erasedAt: string }[]> {
    return this.#erasures.listErasures(account);
  }
  markSeen(namespace: string, hashes: readonly string[], at: string): Promise<void> {
    return this.#erasures.markSeen(namespace, hashes, at);
  }
  unseenReaids(namespace: string, before: string): Promise<string[]> {
    return this.#erasures.unseenReaids(namespace, before);
  }

  // Value ownership and adoption (ReaidOwnershipStore; SQL in reaid-ownership-sql.ts)

  addressHash(email: string, asStored = false): string | null {
    return this.#hasher ? this.#hasher.hash(asStored ? email : normaliseEmail(email)) : null;
  }
  holdersOfReaids(values: readonly string[]): Promise<Map<string, ReaidHolder>> {
    return holdersOfReaidsSql(this.#driver, values);
  }
  findReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>> {
    return findReaidsSql(this.#driver, this.#hasher, namespace, emails);
  }
  adoptReaids(namespace: string, pairs: readonly AdoptionRequest[]): Promise<AdoptionOutcome[]> {
    return adoptReaidsSql(this.#driver, this.#hasher, namespace, pairs);
  }
  takeOverReaids(from: string, to: string): Promise<{ moved: number; kept: number }> {
    return takeOverReaidsSql(this.#driver, from, to);
  }
  rekeyReaids(
    namespace: string,
    moves: readonly { from: string; to: string; reaid: string }[],
  ): Promise<boolean[]> {
    return rekeyReaidsSql(this.#driver, this.#hasher, namespace, moves);
  }

  journalBegin(step: Parameters<ApplyJournal["journalBegin"]>[0]): Promise<number> {
    return this.#journal.journalBegin(step);
  }
  journalEnd(id: number, outcome: "succeeded" | "failed", error?: string): Promise<void> {
    return this.#journal.journalEnd(id, outcome, error);
  }
  journalPending(): Promise<JournalEntry[]> {
    return this.#journal.journalPending();
  }
  journalFor(applyId: string): Promise<JournalEntry[]> {
    return this.#journal.journalFor(applyId);
  }

  getCheckpoint(account: number): Promise<SyncCheckpoint | null> {
    return this.#syncState.getCheckpoint(account);
  }
  putCheckpoint(account: number, checkpoint: SyncCheckpoint | null): Promise<void> {
    return this.#syncState.putCheckpoint(account, checkpoint);
  }
  recordRejections(account: number, rows: readonly { key: string; reason: string }[]): Promise<void> {
    return this.#syncState.recordRejections(account, rows);
  }
  listRejections(account: number): Promise<Rejection[]> {
    return this.#syncState.listRejections(account);
  }
  clearRejections(account: number, keys: readonly string[]): Promise<void> {
    return this.#syncState.clearRejections(account, keys);
  }
  countImports(table: string, day: string): Promise<number> {
    return this.#syncState.countImports(table, day);
  }
  recordImport(table: string, day: string, importId: string): Promise<void> {
    return this.#syncState.recordImport(table, day, importId);
  }

  // Service keys (ServiceKeys; SQL in api-key-sql.ts)

  workingServiceKeys(accounts: readonly number[]): Promise<WorkingServiceKey[]> {
    return this.#keys.workingServiceKeys(accounts);
  }
  revokeServiceKeys(owner: number, accounts: readonly number[] | null, at: string): Promise<string[]> {
    return this.#keys.revokeServiceKeys(owner, accounts, at);
  }

  acquireLock(name: string, owner: string, purpose: string, ttlMs: number): Promise<Lease> {
    return this.#leases.acquireLock(name, owner, purpose, ttlMs);
  }
  renewLock(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.#leases.renewLock(lease, ttlMs);
  }
  releaseLock(lease: Lease): Promise<void> {
    return this.#leases.releaseLock(lease);
  }
  listLocks(): Promise<Lease[]> {
    return this.#leases.listLocks();
  }
  breakLock(id: string): Promise<boolean> {
    return this.#leases.breakLock(id);
  }

  // The sync schedule (sql-sync-schedule.ts)

  recordSuccess(
    account: number,
    run: { at: string; full: boolean; skipped: number; rejectionsLeft: number },
  ): Promise<void> {
    return this.#schedule.recordSuccess(account, run);
  }
  recordFailure(account: number, at: string): Promise<number> {
    return this.#schedule.recordFailure(account, at);
  }
  setRetryAt(account: number, retryAt: string): Promise<void> {
    return this.#schedule.setRetryAt(account, retryAt);
  }
  markDue(account: number, reason: string, at: string): Promise<void> {
    return this.#schedule.markDue(account, reason, at);
  }
  listSchedule(): Promise<ScheduleEntry[]> {
    return this.#schedule.listSchedule();
  }
  licenceLeases(): Promise<LicenceLeaseHolder[]> {
    return this.#schedule.licenceLeases();
  }

  // The webhook inbox and the realtime accounts (webhook-inbox-sql.ts)

  addInboxEvents(
    account: number,
    events: readonly { profileId: string; eventType: string }[],
    at: string,
  ): Promise<void> {
    return this.#inbox.addInboxEvents(account, events, at);
  }
  accountsWithInbox(): Promise<number[]> {
    return this.#inbox.accountsWithInbox();
  }
  peekInbox(account: number, limit: number): Promise<InboxEvent[]> {
    return this.#inbox.peekInbox(account, limit);
  }
  removeInboxEvents(events: readonly InboxEvent[]): Promise<void> {
    return this.#inbox.removeInboxEvents(events);
  }
  removeInboxEventsBefore(account: number, at: string): Promise<number> {
    return this.#inbox.removeInboxEventsBefore(account, at);
  }
  countInbox(): Promise<number> {
    return this.#inbox.countInbox();
  }
  countInboxOf(account: number): Promise<number> {
    return this.#inbox.countInboxOf(account);
  }
  countInboxByAccount(): Promise<Map<number, number>> {
    return this.#inbox.countInboxByAccount();
  }
  putWebhookSecret(account: number, secretHash: string, secretRef: string, at: string): Promise<void> {
    return this.#inbox.putWebhookSecret(account, secretHash, secretRef, at);
  }
  webhookSecretHashes(account: number, at: string): Promise<string[]> {
    return this.#inbox.webhookSecretHashes(account, at);
  }
  realtimeAccounts(): Promise<Map<number, { secretRef: string; secretHash: string }>> {
    return this.#inbox.realtimeAccounts();
  }
  deleteWebhookSecret(account: number): Promise<void> {
    return this.#inbox.deleteWebhookSecret(account);
  }

  // REAID lookup (reaid-lookup-sql.ts) and service keys (api-key-sql.ts), for emi serve

  findReaid(reaid: string): Promise<{ namespace: string } | null> {
    return this.#lookup.findReaid(reaid);
  }
  insertApiKey(record: Omit<ApiKeyRecord, "integrationId">, keyHash: string): Promise<string | null> {
    return this.#keys.insertApiKey(record, keyHash);
  }
  listApiKeys(): Promise<ListedApiKey[]> {
    return this.#keys.listApiKeys();
  }
  revokeApiKey(id: string, at: string): Promise<boolean> {
    return this.#keys.revokeApiKey(id, at);
  }
  findServiceKey(keyHash: string): Promise<BoundServiceKey | null> {
    return this.#keys.findServiceKey(keyHash);
  }
  touchApiKey(id: string, at: string): Promise<void> {
    return this.#keys.touchApiKey(id, at);
  }

  // What drift last reported of the campaign link check (LinkFindingsStore; SQL in link-findings-sql.ts)

  reportedLinkFindings(): Promise<string[]> {
    return reportedLinkFindingsSql(this.#driver);
  }
  recordLinkFindings(keys: readonly string[]): Promise<void> {
    return recordLinkFindingsSql(this.#driver, keys);
  }
}
