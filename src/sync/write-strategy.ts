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
 * Cut a mass-import file before this many uncompressed CSV bytes. The limit applies to the file as
 * uploaded; the file is gzipped, so counting uncompressed bytes with 5% to spare can never pass it.
 */
export function importFileCap(limits: SyncLimits): number {
  return Math.floor(limits.maxImportBytes * 0.95);
}

/**
 * Profiles listed before one store call creates their REAIDs: 50 pages of 1,000. Bigger calls commit
 * less often, and SQLite rewrites every random index page a commit touched, which costs more as the
 * table grows: a 3M back-fill took 64.3 s with 25,000 and 56.0 s with 50,000 (bench/sync.md). What a
 * bigger call costs is memory, and most of it is garbage: with a full collection after each batch
 * (open-listing) a 1M back-fill peaked at 240–252 MB with 50,000, against 288–296 MB with 25,000 and
 * no collection (the target is under 300 MB). The SQLite store takes up to 50,000 in one
 * transaction (SqliteDriver.reaidBatchSize).
 */
export const reaidBatchProfiles = 50_000;

/**
 * The first wait before asking how a mass import went (it then grows ×1.5 up to 15 s, see
 * waitForMassImport): polling may take at most a tenth of the licence's calls, and never waits more
 * than a second to start. At Actito's 90 calls a minute that is 1 s, as it always was; with the call
 * budget lifted (a sandbox, a benchmark) 50 ms, so the run learns of an import's end when it
 * happens instead of up to half the import's time later.
 */
export function importPollMs(limits: SyncLimits): number {
  return Math.min(1000, Math.max(50, Math.ceil(600_000 / Math.max(1, limits.callsPerMinute))));
}

/** The UTC day Actito counts imports in, `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

/**
 * How many rows this run writes one PATCH at a time before it uses a mass import instead, chosen
 * from what each costs now. PATCHes cost time (`rows / callsPerMinute` minutes); an import costs
 * one of the table's `importsPerDay`, which must last the UTC day, so imports are spent no faster
 * than evenly: by a fraction f of the day at most ⌈f × importsPerDay⌉ of them (at least 1), the rest
 * kept in reserve (a worker syncing every few minutes never spends the day's quota by noon).
 * - a first sync (no completed run yet) imports, unless the day's quota is gone;
 * - an import is affordable now: PATCH only what takes a minute or less;
 * - not affordable: PATCH what finishes before the next import becomes affordable (for the rest of
 *   the day when the quota is gone); more than that waits for the import.
 */
export function choosePatchThreshold(input: {
  limits: SyncLimits;
  importsUsedToday: number;
  now: Date;
  firstSync: boolean;
}): number {
  const { callsPerMinute, importsPerDay } = input.limits;
  const used = input.importsUsedToday;
  const midnight = Date.parse(`${utcDay(input.now)}T00:00:00.000Z`);
  const elapsed = input.now.getTime() - midnight;
  const minutes = (ms: number) => Math.max(0, ms) / 60_000;
  if (used >= importsPerDay) return Math.floor(callsPerMinute * minutes(DAY_MS - elapsed));
  if (input.firstSync) return 0;
  const allowedByNow = Math.max(1, Math.ceil((importsPerDay * elapsed) / DAY_MS));
  if (used < allowedByNow) return Math.max(1, Math.floor(callsPerMinute));
  const nextSlot = (used * DAY_MS) / importsPerDay;
  return Math.max(1, Math.floor(callsPerMinute * minutes(nextSlot - elapsed)));
}

/** Seconds left to write `rows` one PATCH at a time at `callsPerMinute`. */
export function patchEtaSeconds(rows: number, callsPerMinute: number): number {
  return Math.ceil((rows * 60) / callsPerMinute);
}
