/** The Actito limits a sync plans its writes around. */
export interface SyncLimits {
  /** Calls a minute the client allows itself (Actito's limit is 100; the client keeps 90). */
  callsPerMinute: number;
  /** Mass imports per table per UTC day (Actito: 12). */
  importsPerDay: number;
  /** Largest mass-import file in bytes (Actito: 100 MB). */
  maxImportBytes: number;
  /** Largest listing page (Actito: 1000). */
  pageSize: number;
}

export const actitoSyncLimits: SyncLimits = {
  callsPerMinute: 90,
  importsPerDay: 12,
  maxImportBytes: 100 * 1024 * 1024,
  pageSize: 1000,
};

/**
 * How many rows a sync writes with single-profile PATCHes before it switches to a mass import.
 *
 * A mass import costs a handful of calls (submit and a few polls) but one of only 12 a day per
 * table: with an hourly schedule that is fewer than one a run, so the import quota is the scarcer
 * resource and small deltas must not spend it. A PATCH costs one call, and calls come at
 * `callsPerMinute`. Spending up to five minutes of the call budget on PATCHes (450 rows at 90 calls a
 * minute) keeps a scheduled run short while leaving imports for back-fills and bursts.
 */
export function patchThreshold(limits: SyncLimits): number {
  return Math.max(1, Math.floor(limits.callsPerMinute * 5));
}

/**
 * Cut a mass-import file before this many uncompressed CSV bytes. The limit applies to the file as
 * uploaded; the file is gzipped, so counting uncompressed bytes with 5% to spare can never pass it.
 */
export function importFileCap(limits: SyncLimits): number {
  return Math.floor(limits.maxImportBytes * 0.95);
}

/**
 * Profiles listed before one store call creates their REAIDs: 25 pages of 1,000. Bigger calls commit
 * less often, and SQLite rewrites every random index page a commit touched, so calls of one page's
 * 1,000 e-mails cost about twice the time per million of calls of 20,000 or more (bench/store.md).
 * Past ~25,000 the time hardly moves while the memory a call holds does: a 1M back-fill peaked at
 * 282–296 MB with 25,000 and 306–320 MB with 50,000 (bench/sync.md; the target is under 300 MB).
 */
export const reaidBatchProfiles = 25_000;

/** The UTC day Actito counts imports in, `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
