import type { ApplyJournal } from "../apply/apply-journal.ts";
import type { RegistryWriter } from "../apply/registry-writer.ts";
import type { KeyFingerprints, RegistryReader } from "../plan/registry-reader.ts";
import type { ServiceKeys } from "../plan/service-keys.ts";
import type {
  ImportQuota,
  ReaidStore,
  RejectionStore,
  SyncCheckpoints,
  SyncHealthRecorder,
} from "../sync/sync-store.ts";
import type { Leases } from "./leases.ts";
import type { LinkFindingsStore } from "../plan/link-findings-store.ts";
import type { ReaidOwnershipStore } from "./reaid-ownership.ts";

export type {
  IntegrationStatus,
  JournalEntry,
  JournalOutcome,
  Lease,
  RegistryEntry,
  RegistryWrite,
  Rejection,
  SyncCheckpoint,
  SyncCounts,
  SyncHealth,
  SyncStatus,
} from "./store-records.ts";

/**
 * Durable state that git must not hold, implemented by SqliteStore and PostgresStore: the union of
 * the roles its users own (ADR 0002). Plan, apply and sync each depend on the roles they use; a new
 * capability is a new role (an interface owned by its user, its SQL in a new file) added here.
 */
export interface Store
  extends RegistryReader,
    KeyFingerprints,
    RegistryWriter,
    SyncHealthRecorder,
    ReaidStore,
    ReaidOwnershipStore,
    ApplyJournal,
    SyncCheckpoints,
    RejectionStore,
    ImportQuota,
    Leases,
    LinkFindingsStore,
    ServiceKeys {
  close(): Promise<void>;
}
