import type { ReaidOwnershipStore } from "../store/reaid-ownership.ts";
import type { SyncCheckpoints, SyncStore } from "../sync/sync-store.ts";
import type { KeyFingerprints, RegistryReader } from "./registry-reader.ts";

/**
 * What refresh and plan need of the store: the registry, key fingerprints, the last sync's findings
 * (its checkpoint) and which values in Actito emi wrote.
 */
export type PlanStore = RegistryReader &
  KeyFingerprints &
  Pick<SyncCheckpoints, "getCheckpoint"> &
  Pick<SyncStore, "countImports" | "countReaids"> &
  ReaidOwnershipStore;
