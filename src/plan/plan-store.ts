import type { ReaidOwnershipStore } from "../store/reaid-ownership.ts";
import type { RealtimeAccounts } from "../store/realtime-accounts.ts";
import type { SyncSchedule } from "../store/sync-schedule.ts";
import type { SyncCheckpoints, SyncStore } from "../sync/sync-store.ts";
import type { KeyFingerprints, RegistryReader } from "./registry-reader.ts";
import type { ServiceKeys } from "./service-keys.ts";

/**
 * What refresh and plan need of the store: the registry, key fingerprints, the last sync's findings
 * (its checkpoint), which values in Actito emi wrote, which accounts have realtime webhooks,
 * which syncs failed last (the schedule) and the service keys a change would revoke.
 */
export type PlanStore = RegistryReader &
  KeyFingerprints &
  Pick<SyncCheckpoints, "getCheckpoint"> &
  Pick<SyncStore, "countImports" | "countReaids"> &
  ReaidOwnershipStore &
  Pick<RealtimeAccounts, "realtimeAccounts"> &
  Pick<SyncSchedule, "listSchedule"> &
  Pick<ServiceKeys, "workingServiceKeys">;
