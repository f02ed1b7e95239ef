import type { SyncCounts } from "../store/store-records.ts";
import type { SyncCheckpoints } from "./sync-store.ts";
import type { PageTally } from "./diff-page.ts";
import type { FullReadFacts } from "./full-read-facts.ts";
import { copyOwnership, type OwnershipTally } from "./ownership-tally.ts";

/** A mass import between "about to submit" and "result recorded". */
export interface InFlight {
  /** Quota slot recorded before posting, so a submission whose answer was lost still counts. */
  reservation: string;
  /** Listing cursor where the import's rows begin: re-read from here if the outcome is unknown. */
  startCursor: string | null;
  /** Listing cursor after the import's last page, known once the file is complete. */
  endCursor: string | null;
  /** The import's rows reach the end of the listing. */
  listingDone: boolean;
  complete: boolean;
  rows: number;
  /** Actito's id, once the submission was answered. */
  id: string | null;
  startedAt: string;
  /** When the file was complete and about to be posted: the grace for a lost answer counts from here. */
  completedAt: string | null;
}

/**
 * The checkpoint's `data` while a run is under way. Its shape is stored, so a run killed by an
 * older build resumes under a newer one: fields are only added, and optional when added late.
 */
export interface RunState {
  kind: "emi-sync-run/1";
  full: boolean;
  updatedSince: string | null;
  /** Becomes the watermark when the run completes. */
  nextWatermark: string;
  /** The listing has been read to the end and every row before `cursor` is committed. */
  listingDone: boolean;
  counts: SyncCounts;
  withoutEmail: number;
  toWrite: number;
  emails: number;
  /**
   * Profiles left without a REAID because another profile with the same e-mail holds it (also in
   * `counts.skipped`). Absent in checkpoints written before it existed.
   */
  duplicates?: number;
  reaidsBefore: number;
  imports: number;
  inFlight: InFlight | null;
  /** Tallies as they were where the uncommitted rows begin, restored when those rows are read again. */
  chunkBase: Tallies;
  /** What the ownership check found in the REAID attribute (absent in older checkpoints). */
  ownership?: OwnershipTally;
  /** Actito's reason for the last row it rejected this run, for the health message. */
  lastRejection?: string;
  /** The last complete full read before this run (absent when none, and in older checkpoints). */
  lastFullRead?: FullReadFacts;
  /**
   * When the run's listing began (this machine's clock; absent in older checkpoints): every
   * inbox event received before it is covered by the run's read.
   */
  startedAt?: string;
  /**
   * A full read of this run ended short of the last full read's count at this many profiles
   * (no count from Actito): the next try accepts reaching it, two reads in a row having agreed.
   */
  shortRead?: number;
  /**
   * When the run's latest mass import was seen finished, on Actito's clock (ISO): the rows emi
   * imported were all updated before it, so the next incremental run reads from here (absent in
   * older checkpoints, and while no import finished).
   */
  importsEndedAt?: string;
  /** Listing and PATCH calls this run made, for the figures beside the plan's estimate (absent in older checkpoints). */
  calls?: { list: number; patch: number };
}

/** The counters a run keeps, saved at each committed step so re-read rows are not counted twice. */
export type Tallies = Pick<
  RunState,
  "counts" | "withoutEmail" | "toWrite" | "emails" | "duplicates" | "ownership"
>;

/** Writes the run state and the cursor where its uncommitted rows begin. */
export type SaveRunState = (run: RunState, cursor: string | null) => Promise<void>;

/** A copy of the run's counters as they are now. */
export function tallies(run: RunState): Tallies {
  return {
    counts: { ...run.counts },
    withoutEmail: run.withoutEmail,
    toWrite: run.toWrite,
    emails: run.emails,
    duplicates: run.duplicates ?? 0,
    ownership: copyOwnership(run.ownership),
  };
}

function emptyTallies(): Tallies {
  return {
    counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
    withoutEmail: 0,
    toWrite: 0,
    emails: 0,
    duplicates: 0,
    ownership: copyOwnership(undefined),
  };
}

/** A run that reads from the start: everything for a full run, else what changed since `watermark`. */
export function startRunState(options: {
  full: boolean;
  watermark: string | null;
  nextWatermark: string;
  reaidsBefore: number;
  startedAt?: string;
}): RunState {
  return {
    kind: "emi-sync-run/1",
    ...(options.startedAt ? { startedAt: options.startedAt } : {}),
    full: options.full,
    updatedSince: options.full ? null : options.watermark,
    nextWatermark: options.nextWatermark,
    listingDone: false,
    ...emptyTallies(),
    reaidsBefore: options.reaidsBefore,
    imports: 0,
    inFlight: null,
    chunkBase: emptyTallies(),
  };
}

/** Forgets what was read past the last committed step: it will be read again. */
export function rewind(run: RunState): void {
  Object.assign(run, tallies({ ...run, ...run.chunkBase }));
  run.listingDone = false;
  run.inFlight = null;
}

/**
 * Saves a running run's checkpoint. The watermark stays the previous run's until this run completes,
 * so a run killed halfway never lets the next incremental run skip what this one had not read.
 */
export function runStateSaver(
  store: SyncCheckpoints,
  account: number,
  previousWatermark: string | null,
): SaveRunState {
  return (run, cursor) =>
    store.putCheckpoint(account, {
      phase: "running",
      cursor,
      watermark: previousWatermark,
      importsInFlight: run.inFlight?.id ? [run.inFlight.id] : [],
      data: run as unknown as Record<string, unknown>,
    });
}

// The run's named transitions: every change to a RunState outside this module goes through one.

/** Rows Actito confirmed written (a PATCH, or an import's updated rows). */
export function countWritten(run: RunState, rows: number): void {
  run.counts.written += rows;
}

/** Rows Actito refused for good this run, and its reason for the last of them. */
export function countRejected(run: RunState, rejected: readonly { reason: string }[]): void {
  if (rejected.length === 0) return;
  run.counts.rejected += rejected.length;
  run.lastRejection = rejected[0]?.reason;
}

/** Rows retried from earlier rejections, written in this run's first chunk. */
export function countRetried(run: RunState, rows: number): void {
  run.toWrite += rows;
}

/** The listing has been read to the end. */
export function finishListing(run: RunState): void {
  run.listingDone = true;
}

/**
 * Everything read so far is committed: a later rewind comes back to here. `carried` rows (the
 * overflow of a file that was full) are left out, to be counted with the file that takes them.
 */
export function commitTallies(run: RunState, carried = 0): void {
  run.chunkBase = tallies(run);
  run.chunkBase.toWrite -= carried;
}

/** A mass import is about to be posted: the checkpoint announces it before it can reach Actito. */
export function announceImport(run: RunState, flight: InFlight): void {
  run.inFlight = flight;
}

/** Rows added to the import file being built. */
export function addImportRows(flight: InFlight, rows: number): void {
  flight.rows += rows;
}

/** The import file is complete up to `endCursor`, about to be posted at `at`. */
export function completeImportFile(
  run: RunState,
  flight: InFlight,
  endCursor: string | null,
  at: Date,
): void {
  flight.endCursor = endCursor;
  flight.listingDone = run.listingDone;
  flight.complete = true;
  flight.completedAt = at.toISOString();
}

/** Actito answered the submission with an id: one more of the day's imports used. */
export function importSubmitted(run: RunState, flight: InFlight, id: string): void {
  flight.id = id;
  run.imports += 1;
}

/** The announced import is settled (recorded, refused before reaching Actito, or failed). */
export function importSettled(run: RunState): void {
  run.inFlight = null;
}

/** One listing or PATCH call made. */
export function countCall(run: RunState, kind: "list" | "patch"): void {
  run.calls ??= { list: 0, patch: 0 };
  run.calls[kind] += 1;
}

/** Actito reported an import of this run finished, at `at` on Actito's clock (ms; null: unknown). */
export function importEnded(run: RunState, at: number | null): void {
  if (at === null) return;
  const iso = new Date(at).toISOString();
  if (run.importsEndedAt === undefined || iso > run.importsEndedAt) run.importsEndedAt = iso;
}

/** A resumed run found its import finished: carry on from where its rows ended. */
export function resumeAfterImport(run: RunState, flight: InFlight): void {
  run.inFlight = null;
  run.listingDone = flight.listingDone;
}

/** The run's ownership tally, created when the first page is checked. */
export function ownershipOf(run: RunState): OwnershipTally {
  run.ownership ??= copyOwnership(undefined);
  return run.ownership;
}

/** Adds what one page counted (diffPage) to the run. */
export function countPage(run: RunState, page: PageTally): void {
  run.counts.seen += page.seen;
  run.counts.skipped += page.skipped;
  run.withoutEmail += page.withoutEmail;
  run.emails += page.emails;
  run.toWrite += page.toWrite;
  countDuplicates(run, page.duplicates);
}

/** Duplicates are skipped profiles too: the registry keeps only the four counts. */
export function countDuplicates(run: RunState, n: number): void {
  run.duplicates = (run.duplicates ?? 0) + n;
  run.counts.skipped += n;
}

/**
 * Where the next incremental run starts reading, on Actito's clock. A run that imported starts the
 * next one where its last import was seen finished: every row it imported was updated before that,
 * so a back-fill's million rows are not listed again. The cost is a window: a profile someone else
 * changed after this run's listing had read it and before that moment is not listed by the next
 * incremental run; the next full read (`--full-every`) catches it (docs/scale.md). A run that only
 * PATCHed (or wrote nothing) starts the next one at its own start, less the margin: its few PATCHed
 * rows are listed again, which costs a page, and nothing is left to the full read.
 */
export function nextWatermarkOf(run: RunState): string {
  const ended = run.importsEndedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(run.importsEndedAt);
  return new Date(Math.max(ended, Date.parse(run.nextWatermark))).toISOString();
}

/** Rows a full run expects to read (the namespace's REAIDs before it), null when unknown. */
export function expectedRows(run: RunState): number | null {
  return run.updatedSince === null && run.reaidsBefore > 0 ? run.reaidsBefore : null;
}
