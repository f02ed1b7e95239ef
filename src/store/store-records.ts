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
  /** Fencing token: grows at every acquisition of this lease name, so a newer holder has a larger one. */
  token: number;
}
