import type { SecretSource } from "../config/resolve-secret.ts";
import type { Store } from "../store/store.ts";
import type { DesiredIntegration } from "../types/declared.ts";

/** Progress of a sync, as typed events; the CLI turns them into bars, lines or NDJSON. */
export type SyncEvent = { type: string; account: number; [field: string]: unknown };

export interface SyncResult {
  account: number;
  health: "in sync" | "degraded" | "waiting for quota" | "skipped";
  reason: string | null;
  counts: { seen: number; written: number; skipped: number; rejected: number };
}

export interface RunSyncOptions {
  store: Store;
  integrations: DesiredIntegration[];
  secrets: SecretSource;
  full?: boolean;
  onEvent?: (event: SyncEvent) => void;
  signal?: AbortSignal;
}

/** Placeholder until the sync issue lands (src/sync owns this file): syncs nothing. */
export async function runSync(options: RunSyncOptions): Promise<SyncResult[]> {
  return options.integrations.map((i) => ({
    account: i.account,
    health: "skipped",
    reason: "sync not implemented yet",
    counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
  }));
}
