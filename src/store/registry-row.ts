import type { Endpoint } from "../types/declared.ts";
import type { IntegrationStatus, RegistryEntry, SyncHealth } from "./store.ts";

/**
 * An `integrations` row as either driver returns it: PostgreSQL gives BIGINT as strings and flags as
 * booleans, SQLite gives numbers for both, hence the loose field types.
 */
export interface RegistryRow {
  account: number | string;
  provider: string;
  endpoint: string;
  entity: string;
  profile_table: string | null;
  profile_table_id: string | null;
  reaid_attribute: string;
  email: string;
  key_fingerprint: string | null;
  email_sync: number | boolean;
  status: string;
  managed_by: string | null;
  revision: number | string;
  updated_at: string;
  sync_health: string;
  sync_reason: string | null;
  sync_last_run: string | null;
  sync_seen: number | string;
  sync_written: number | string;
  sync_skipped: number | string;
  sync_rejected: number | string;
}

/** A registry entry from its row and its sister accounts. */
export function toRegistryEntry(row: RegistryRow, sisterAccounts: number[]): RegistryEntry {
  return {
    account: Number(row.account),
    sisterAccounts: [...sisterAccounts].sort((a, b) => a - b),
    provider: "actito",
    endpoint: row.endpoint as Endpoint,
    entity: row.entity,
    profileTable: row.profile_table,
    profileTableId: row.profile_table_id,
    reaidAttribute: row.reaid_attribute,
    email: row.email,
    keyFingerprint: row.key_fingerprint,
    emailSync: Boolean(row.email_sync),
    status: row.status as IntegrationStatus,
    managedBy: row.managed_by,
    revision: Number(row.revision),
    updatedAt: row.updated_at,
    sync: {
      health: row.sync_health as SyncHealth,
      reason: row.sync_reason,
      lastRun: row.sync_last_run,
      counts: {
        seen: Number(row.sync_seen),
        written: Number(row.sync_written),
        skipped: Number(row.sync_skipped),
        rejected: Number(row.sync_rejected),
      },
    },
  };
}
