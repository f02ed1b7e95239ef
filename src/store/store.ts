import type { Endpoint } from "../types/declared.ts";

export type IntegrationStatus = "active" | "deactivated" | "failed";
export type SyncHealth = "never" | "due" | "syncing" | "in sync" | "degraded" | "waiting for quota";

export interface SyncCounts {
  seen: number;
  written: number;
  skipped: number;
  rejected: number;
}

/** Health of an integration's REAID synchronisation, kept in the registry. */
export interface SyncStatus {
  health: SyncHealth;
  /** Why the health is `degraded` or `waiting for quota`. */
  reason: string | null;
  lastRun: string | null;
  counts: SyncCounts;
}

/** What apply writes about one integration. */
export interface RegistryWrite {
  account: number;
  sisterAccounts: number[];
  provider: "actito";
  endpoint: Endpoint;
  entity: string;
  profileTable: string | null;
  profileTableId: string | null;
  reaidAttribute: string;
  email: string;
  /** HMAC fingerprint from `fingerprintKey`, never the key. */
  keyFingerprint: string | null;
  emailSync: boolean;
  status: IntegrationStatus;
  /** The repository that manages this integration, e.g. `acme/integrations`; null if created elsewhere. */
  managedBy: string | null;
}

/** One integration in the registry. */
export interface RegistryEntry extends RegistryWrite {
  /** Changes on every write to this integration. */
  revision: number;
  updatedAt: string;
  sync: SyncStatus;
}

export type JournalOutcome = "pending" | "succeeded" | "failed";

export interface JournalEntry {
  id: number;
  applyId: string;
  account: number;
  /** What the step does, e.g. `add-attribute`, `write-registry`, `deactivate`. */
  step: string;
  /** JSON-serialisable detail needed to check the step's outcome after a crash. Never a secret. */
  detail: Record<string, unknown>;
  outcome: JournalOutcome;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
}

/** Where a sync stopped: opaque to the store, owned by src/sync. */
export interface SyncCheckpoint {
  phase: string;
  /** Listing cursor of the last committed page, or null at the start. */
  cursor: string | null;
  /** `updatedSince` watermark for the next incremental run. */
  watermark: string | null;
  /** Mass imports submitted and not yet finished. */
  importsInFlight: string[];
  /** Anything else the sync needs to resume. */
  data: Record<string, unknown>;
}

export interface Rejection {
  key: string;
  reason: string;
  attempts: number;
  lastSeen: string;
}

export interface Lease {
  id: string;
  name: string;
  owner: string;
  purpose: string;
  expiresAt: string;
}

/** Durable state that git must not hold. Implemented by SqliteStore and PostgresStore. */
export interface Store {
  close(): Promise<void>;

  /**
   * A keyed fingerprint of an API key (`hmac-sha256:<hex>`), to notice a rotated key without storing
   * it. The HMAC secret is random, created when the store is first opened and kept in the store, so
   * fingerprints compare across runs against the same store.
   */
  fingerprintKey(apiKey: string): Promise<string>;

  /** Registry, ordered by owner account. */
  listIntegrations(): Promise<RegistryEntry[]>;
  /** The integration whose owner or sister is `account`, if any. */
  findByAccount(account: number): Promise<RegistryEntry | null>;
  /** Changes whenever any integration is written (a stale-plan check). */
  registryRevision(): Promise<number>;
  /**
   * Creates or replaces the integration owned by `write.account`, sisters included.
   * Throws StoreError (code `account-taken`) if an account belongs to another integration.
   */
  putIntegration(write: RegistryWrite): Promise<RegistryEntry>;
  setStatus(account: number, status: IntegrationStatus): Promise<void>;
  setSyncStatus(account: number, status: Partial<SyncStatus>): Promise<void>;

  /**
   * REAIDs for the given e-mails in a namespace, creating the missing ones. E-mails are normalised
   * first (see `normaliseEmail`) and the map is keyed by the normalised e-mail.
   */
  getOrCreateReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>>;
  getReaid(namespace: string, email: string): Promise<string | null>;
  /** Streams every (email, reaid) pair of a namespace, ordered by e-mail. */
  exportReaids(namespace: string): AsyncIterable<{ email: string; reaid: string }>;
  countReaids(namespace: string): Promise<number>;

  journalBegin(step: {
    applyId: string;
    account: number;
    step: string;
    detail: Record<string, unknown>;
  }): Promise<number>;
  journalEnd(id: number, outcome: "succeeded" | "failed", error?: string): Promise<void>;
  /** Steps started and never ended: their outcome is unknown. */
  journalPending(): Promise<JournalEntry[]>;
  journalFor(applyId: string): Promise<JournalEntry[]>;

  getCheckpoint(account: number): Promise<SyncCheckpoint | null>;
  putCheckpoint(account: number, checkpoint: SyncCheckpoint | null): Promise<void>;
  /** Records rejected rows; attempts count up when the same key is rejected again. */
  recordRejections(account: number, rows: readonly { key: string; reason: string }[]): Promise<void>;
  listRejections(account: number): Promise<Rejection[]>;
  clearRejections(account: number, keys: readonly string[]): Promise<void>;
  /** Mass imports submitted for a table on a UTC day (YYYY-MM-DD), to track Actito's daily quota. */
  countImports(table: string, day: string): Promise<number>;
  recordImport(table: string, day: string, importId: string): Promise<void>;

  /** Takes the named lease or throws LockHeldError naming the holder; an expired lease is taken over. */
  acquireLock(name: string, owner: string, purpose: string, ttlMs: number): Promise<Lease>;
  renewLock(lease: Lease, ttlMs: number): Promise<Lease>;
  releaseLock(lease: Lease): Promise<void>;
  listLocks(): Promise<Lease[]>;
  breakLock(id: string): Promise<boolean>;
}
