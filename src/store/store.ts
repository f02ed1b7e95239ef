import type { ApplyJournal } from "../apply/apply-journal.ts";
import type { RegistryWriter } from "../apply/registry-writer.ts";
import type { KeyFingerprints, RegistryReader } from "../plan/registry-reader.ts";
import type { ErasureStore } from "../sync/erasure-store.ts";
import type { ServiceKeys } from "../plan/service-keys.ts";
import type { ApiKeyStore } from "../serve/api-key-store.ts";
import type { ReaidLookupStore } from "../serve/reaid-lookup-store.ts";
import type { WriteProbe } from "./store-readiness.ts";
import type {
  ImportQuota,
  ReaidStore,
  RejectionStore,
  SyncCheckpoints,
  SyncHealthRecorder,
} from "../sync/sync-store.ts";
import type { Leases } from "./leases.ts";
import type { Lease } from "./store-records.ts";
import type { LinkFindingsStore } from "../plan/link-findings-store.ts";
import type { RealtimeAccounts } from "./realtime-accounts.ts";
import type { ReaidOwnershipStore } from "./reaid-ownership.ts";
import type { SyncSchedule } from "./sync-schedule.ts";
import type { WebhookInbox } from "./webhook-inbox.ts";

export type {
  IntegrationStatus,
  JournalEntry,
  Lease,
  RegistryEntry,
  RegistryWrite,
  Rejection,
  SyncCheckpoint,
  SyncCounts,
  SyncHealth,
} from "./store-records.ts";

/**
 * Durable state that git must not hold, implemented by SqliteStore and PostgresStore: the union of
 * the roles its users own (ADR 0002), and of the roles several users share (the sync schedule, the
 * webhook inbox, the realtime accounts), which src/store owns. Every user depends on the roles it
 * uses and reaches them through this interface only; a new capability is a new role (an interface,
 * its SQL in a new file of src/store, delegated to by SqlStore) added here.
 */
export interface Store
  extends RegistryReader,
    KeyFingerprints,
    RegistryWriter,
    SyncHealthRecorder,
    ReaidStore,
    ReaidOwnershipStore,
    ErasureStore,
    ApplyJournal,
    SyncCheckpoints,
    RejectionStore,
    ImportQuota,
    Leases,
    SyncSchedule,
    WebhookInbox,
    RealtimeAccounts,
    ReaidLookupStore,
    ApiKeyStore,
    LinkFindingsStore,
    ServiceKeys,
    WriteProbe {
  /**
   * Readies the store for a long-running service (`emi serve`, before it listens): on SQLite, starts
   * the REAID write thread and the checkpoint thread; nothing on PostgreSQL.
   */
  prepareForService(): Promise<void>;
  /**
   * The same store for the holder of `lease`: every write it makes commits only if the lease still
   * carries this holder's fencing token, checked in the write's own transaction (LeaseLostError
   * otherwise). Closing it leaves this store open.
   */
  fenced(lease: Lease): Store;
  close(): Promise<void>;
}
