/** When one integration last synced, and what makes it due again. */
export interface ScheduleEntry {
  account: number;
  /** Last run that read its listing to the end (ISO), null if none yet. */
  lastSuccessAt: string | null;
  /** Last such run that read the whole table. */
  lastFullAt: string | null;
  /** Failed runs in a row since the last success. */
  failures: number;
  /** A failed integration is not retried before this (backoff), null when not failing. */
  retryAt: string | null;
  /** Set when something asked for a sync now (licence busy during apply, webhook inbox); cleared by a success. */
  dueReason: string | null;
  /** Profiles left without a REAID at the last successful run (no e-mail, duplicate, rejected). */
  withoutReaid: number | null;
}

/** The schedule of the REAID syncs, kept in the store; used by runSync, `--watch` and `state show`. */
export interface SyncSchedule {
  recordSuccess(
    account: number,
    run: { at: string; full: boolean; skipped: number; rejectionsLeft: number },
  ): Promise<void>;
  /** Counts a failure and returns the failures in a row, so the caller can set the backoff. */
  recordFailure(account: number, at: string): Promise<number>;
  setRetryAt(account: number, retryAt: string): Promise<void>;
  markDue(account: number, reason: string, at: string): Promise<void>;
  listSchedule(): Promise<ScheduleEntry[]>;
  /** Who holds each licence lease (`api3/nordlys`), since when: the syncs running now. */
  licenceLeases(): Promise<LicenceLeaseHolder[]>;
}

export interface LicenceLeaseHolder {
  /** `<endpoint>/<entity>`. */
  licence: string;
  owner: string;
  since: string;
  expiresAt: string;
}
