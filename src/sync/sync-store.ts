import type { ReaidOwnershipStore } from "../store/reaid-ownership.ts";
import type { RegistryEntry, Rejection, SyncCheckpoint, SyncStatus } from "../store/store-records.ts";

/** REAIDs by namespace: created once, never changed. */
export interface ReaidStore {
  /**
   * REAIDs for the given e-mails in a namespace, creating the missing ones. E-mails are normalised
   * first (see `normaliseEmail`) and the map is keyed by the normalised e-mail.
   */
  getOrCreateReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>>;
  getReaid(namespace: string, email: string): Promise<string | null>;
  /** Streams every (email, reaid) pair of a namespace, ordered by e-mail. */
  exportReaids(namespace: string): AsyncIterable<{ email: string; reaid: string }>;
  countReaids(namespace: string): Promise<number>;
}

/** A sync's health and counts, kept with the integration in the registry (bumps no revision). */
export interface SyncHealthRecorder {
  setSyncStatus(account: number, status: Partial<SyncStatus>): Promise<void>;
}

/** Where each integration's sync stopped. */
export interface SyncCheckpoints {
  getCheckpoint(account: number): Promise<SyncCheckpoint | null>;
  putCheckpoint(account: number, checkpoint: SyncCheckpoint | null): Promise<void>;
}

/** Rows Actito refused, by profile key. */
export interface RejectionStore {
  /** Records rejected rows; attempts count up when the same key is rejected again. */
  recordRejections(account: number, rows: readonly { key: string; reason: string }[]): Promise<void>;
  listRejections(account: number): Promise<Rejection[]>;
  clearRejections(account: number, keys: readonly string[]): Promise<void>;
}

/** Mass imports submitted per table and UTC day, to keep within Actito's daily quota. */
export interface ImportQuota {
  /** Mass imports submitted for a table on a UTC day (YYYY-MM-DD). */
  countImports(table: string, day: string): Promise<number>;
  recordImport(table: string, day: string, importId: string): Promise<void>;
}

/** The sync's look-up of its integration in the registry (the plan reads the registry through RegistryReader). */
interface RegistryLookup {
  /** The integration whose owner or sister is `account`, if any. */
  findByAccount(account: number): Promise<RegistryEntry | null>;
}

/** What one integration's sync needs of the store (its lease is taken by runSync). */
export type SyncStore = RegistryLookup &
  ReaidOwnershipStore &
  SyncHealthRecorder &
  ReaidStore &
  SyncCheckpoints &
  RejectionStore &
  ImportQuota;

/**
 * The webhook inbox as a sync drains it: a run that read the table's changes covers every event
 * received before its listing began, and what still waits is reported.
 */
export interface InboxBacklog {
  /** Removes an account's events received before `at`; returns how many. */
  removeInboxEventsBefore(account: number, at: string): Promise<number>;
  /** Events of an account still waiting. */
  countInboxOf(account: number): Promise<number>;
}
