import type { ActitoApi } from "../actito/types.ts";
import type { SyncTarget } from "./resolve-sync-target.ts";
import type { SyncEventBody } from "./sync-events.ts";
import type { ErasureStore } from "./erase-reaids.ts";
import type { SyncStore } from "./sync-store.ts";
import type { SyncLimits } from "./write-strategy.ts";

/** Everything one integration's sync needs; built by runSync. */
export interface IntegrationSyncContext {
  store: SyncStore & ErasureStore;
  api: ActitoApi;
  account: number;
  /** The REAID namespace: the owner account as a string. */
  namespace: string;
  target: SyncTarget;
  /** `actito.adoptExistingReaids`: values emi did not write become their e-mails' REAIDs. */
  adopt: boolean;
  /** The declaration file, for messages that say what to change. */
  file?: string;
  full: boolean;
  /** Days an address unseen by full reads keeps its REAID (docs/privacy.md); null: kept. */
  retentionDays: number | null;
  limits: SyncLimits;
  patchThreshold: number;
  /** Profiles read per store call that creates REAIDs (see assignReaids). */
  reaidBatchProfiles: number;
  /** How long to let an import whose submission outcome is unknown finish before re-reading its rows. */
  uncertainGraceMs: number;
  pollMs: number;
  importTimeoutMs: number;
  /** Re-read margin for clock skew between this machine and Actito's `updateMoment`. */
  watermarkMarginMs: number;
  emit: (event: SyncEventBody) => void;
  signal: AbortSignal;
  now: () => Date;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}
