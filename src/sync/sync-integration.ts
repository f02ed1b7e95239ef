import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import { ActitoApiError, ImportOutcomeUnknownError, RateLimitedError } from "../actito/errors.ts";
import type { ActitoApi, MassImportStatus, ProfilePage } from "../actito/types.ts";
import { normaliseEmail } from "../store/normalise-email.ts";
import type { Rejection, Store, SyncCheckpoint, SyncCounts } from "../store/store.ts";
import { csvField } from "./csv-field.ts";
import { ReaidClaims } from "./reaid-claims.ts";
import { readAhead } from "./read-ahead.ts";
import type { SyncTarget } from "./resolve-sync-target.ts";
import { duplicatesNote, type SyncEventBody, type SyncOutcome, type SyncRunCounts } from "./sync-events.ts";
import { importFileCap, type SyncLimits, utcDay } from "./write-strategy.ts";

/** Everything one integration's sync needs; built by runSync. */
export interface IntegrationSyncContext {
  store: Store;
  api: ActitoApi;
  account: number;
  /** The REAID namespace: the owner account as a string. */
  namespace: string;
  target: SyncTarget;
  full: boolean;
  limits: SyncLimits;
  patchThreshold: number;
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

/** How one run of one integration ended, before runSync turns it into a SyncResult. */
export interface IntegrationRunOutcome {
  health: Exclude<SyncOutcome, "skipped">;
  reason: string | null;
  counts: SyncRunCounts;
  importsUsedToday: number;
}

/** A write the table needs: put `reaid` on the profile found by `key` in the key column. */
interface Row {
  key: string;
  reaid: string;
  /** The profile key for single-profile calls and rejection records: a profileId or `attr=value`. */
  ref: string;
  profileId: number;
}

/** A mass import between "about to submit" and "result recorded". */
interface InFlight {
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

/** The checkpoint's `data` while a run is under way. */
interface RunState {
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
  /** Actito's reason for the last row it rejected this run, for the health message. */
  lastRejection?: string;
}

type Tallies = Pick<RunState, "counts" | "withoutEmail" | "toWrite" | "emails" | "duplicates">;

function tallies(run: RunState): Tallies {
  return {
    counts: { ...run.counts },
    withoutEmail: run.withoutEmail,
    toWrite: run.toWrite,
    emails: run.emails,
    duplicates: run.duplicates ?? 0,
  };
}

/** Forgets what was read past the last committed step: it will be read again. */
function rewind(run: RunState): void {
  Object.assign(run, tallies({ ...run, ...run.chunkBase }));
  run.listingDone = false;
  run.inFlight = null;
}

/**
 * One run of one integration's REAID sync, resumable from its checkpoint at any point.
 *
 * The checkpoint's cursor always marks where uncommitted rows begin, so everything before it carries
 * the right REAID (or is recorded as rejected). A mass import is announced in the checkpoint before it
 * is posted; once Actito answers with an id, the id is checkpointed and a resumed run only waits for
 * that import. If the answer was lost, the resumed run lets the import finish, re-reads the rows from
 * the import's start and writes only those still wrong — it never re-posts a file blindly.
 *
 * Every value written is the store's REAID for the e-mail read in the same page; the store never
 * changes a REAID, so a retried or repeated write always writes the same value.
 */
export async function syncIntegrationOnce(ctx: IntegrationSyncContext): Promise<IntegrationRunOutcome> {
  const { store, api, target, account } = ctx;
  const checkpoint = await store.getCheckpoint(account);
  const previousWatermark = checkpoint?.watermark ?? null;
  let state = runStateOf(checkpoint);
  let cursor = checkpoint?.cursor ?? null;
  // REAIDs on a profile or promised to one in this run: a second profile with the same e-mail is a
  // duplicate and is never sent (see diffPage).
  const claims = new ReaidClaims();

  const save = (next: RunState, nextCursor: string | null) =>
    store.putCheckpoint(account, {
      phase: "running",
      cursor: nextCursor,
      watermark: previousWatermark,
      importsInFlight: next.inFlight?.id ? [next.inFlight.id] : [],
      data: next as unknown as Record<string, unknown>,
    });

  // An import this run or a killed one submitted: wait for it by id, never submit its rows again.
  if (state?.inFlight) {
    const flight = state.inFlight;
    if (flight.id !== null) {
      ctx.emit({ type: "import-resumed", account, id: flight.id });
      const status = await api.waitForMassImport(target.entity, flight.id, {
        pollMs: ctx.pollMs,
        timeoutMs: ctx.importTimeoutMs,
      });
      const failed = await recordImportResult(ctx, state, status, new Set());
      if (failed) {
        rewind(state);
        await save(state, flight.startCursor);
        return finish(ctx, state, "degraded", failed);
      }
      state.inFlight = null;
      state.listingDone = flight.listingDone;
      cursor = flight.endCursor;
    } else {
      // No id: either the file was never complete (so never posted), or the answer to the post was
      // lost. In the second case let an import that may have started finish, then re-read its rows:
      // those that now carry their REAID need no write.
      const waitMs =
        flight.complete && flight.completedAt
          ? Date.parse(flight.completedAt) + ctx.uncertainGraceMs - ctx.now().getTime()
          : 0;
      if (waitMs > 0) await ctx.sleep(waitMs, ctx.signal);
      rewind(state);
      cursor = flight.startCursor;
    }
    state.chunkBase = tallies(state);
    await save(state, cursor);
  }

  const resumed = state !== null && !(ctx.full && !state.full);
  if (!state || !resumed) {
    state = {
      kind: "emi-sync-run/1",
      full: ctx.full,
      updatedSince: ctx.full ? null : previousWatermark,
      nextWatermark: new Date(ctx.now().getTime() - ctx.watermarkMarginMs).toISOString(),
      listingDone: false,
      counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
      withoutEmail: 0,
      toWrite: 0,
      emails: 0,
      duplicates: 0,
      reaidsBefore: await store.countReaids(ctx.namespace),
      imports: 0,
      inFlight: null,
      chunkBase: {
        counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
        withoutEmail: 0,
        toWrite: 0,
        emails: 0,
        duplicates: 0,
      },
    };
    cursor = null;
    await save(state, cursor);
  }
  const run: RunState = state;

  ctx.emit({
    type: "sync-started",
    account,
    full: run.updatedSince === null,
    resumed,
    expected: run.updatedSince === null && run.reaidsBefore > 0 ? run.reaidsBefore : null,
  });

  // Rows rejected before: retried (unless rejected three times, then reported and left alone), or
  // settled as duplicates when another profile with the same e-mail holds the REAID.
  const review = await reviewRejections(ctx, run, claims, await store.listRejections(account));
  const { givenUp, retry, settled } = review;
  const retryRefs = new Set(retry.map((r) => r.ref));

  const readStarted = Date.now();
  let readThisRun = 0;
  const pages = readAhead(
    api.listProfiles(target.entity, target.tableId, {
      pageSize: ctx.limits.pageSize,
      ...(run.updatedSince ? { updatedSince: run.updatedSince } : {}),
      attributes: [target.emailAttribute, target.reaidAttribute],
      cursor,
    }),
  );

  /** Reads one page and turns it into the rows that need a write; null at the end of the listing. */
  const readPage = async (): Promise<{ rows: Row[]; after: string | null } | null> => {
    if (run.listingDone) return null;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const next = await pages.next();
    if (next.done) {
      run.listingDone = true;
      ctx.emit({
        type: "reading-done",
        account,
        read: run.counts.seen,
        seconds: (Date.now() - readStarted) / 1000,
      });
      const reaidsNow = await store.countReaids(ctx.namespace);
      ctx.emit({
        type: "reaids-ready",
        account,
        ready: run.emails,
        created: Math.max(0, reaidsNow - run.reaidsBefore),
        toWrite: run.toWrite,
        withoutEmail: run.withoutEmail,
        duplicates: run.duplicates ?? 0,
      });
      return null;
    }
    const rows = await diffPage(ctx, run, next.value, { givenUp, retryRefs, settled, claims });
    readThisRun += next.value.profiles.length;
    ctx.emit({
      type: "rows-read",
      account,
      read: run.counts.seen,
      expected: run.updatedSince === null && run.reaidsBefore > 0 ? run.reaidsBefore : null,
      ratePerSecond: Math.round(readThisRun / Math.max(0.001, (Date.now() - readStarted) / 1000)),
    });
    return { rows, after: next.value.nextCursor };
  };

  try {
    // Rows read but not yet written, and the cursor after the page they came from.
    let carry: Row[] = retry;
    let carryEnd = cursor;
    run.toWrite += retry.length;
    while (true) {
      const chunkStart = cursor;
      // Gather up to the PATCH threshold before choosing how to write.
      const buffer: Row[] = carry;
      let after = carryEnd;
      while (buffer.length <= ctx.patchThreshold) {
        const page = await readPage();
        if (!page) break;
        for (const row of page.rows) buffer.push(row);
        after = page.after;
      }
      carry = [];
      if (buffer.length === 0 && run.listingDone) break;

      if (run.listingDone && buffer.length <= ctx.patchThreshold) {
        await patchRows(ctx, run, buffer, retryRefs);
        cursor = after;
        run.chunkBase = tallies(run);
        await save(run, cursor);
        break;
      }

      const used = await store.countImports(target.quotaKey, utcDay(ctx.now()));
      if (used >= ctx.limits.importsPerDay) {
        rewind(run);
        await save(run, chunkStart);
        return finish(ctx, run, "waiting for quota", quotaReason(used, ctx.limits.importsPerDay));
      }
      const outcome = await importChunk(ctx, run, buffer, chunkStart, after, readPage, save, retryRefs);
      if (outcome.kind !== "committed") {
        rewind(run);
        await save(run, chunkStart);
        return finish(ctx, run, outcome.kind === "quota" ? "waiting for quota" : "degraded", outcome.reason);
      }
      // The rows of a page that did not fit belong to the next file: its chunk starts before that page.
      cursor = outcome.overflow.length > 0 ? outcome.overflowStart : outcome.cursor;
      carry = outcome.overflow;
      carryEnd = outcome.overflowEnd;
      run.chunkBase = tallies(run);
      if (carry.length > 0) {
        // Counted again when the overflow rows are committed with the next file.
        run.chunkBase.toWrite -= carry.length;
      }
      await save(run, cursor);
      if (run.listingDone && carry.length === 0) break;
    }
  } finally {
    await pages.close();
  }

  // Committed: the next incremental run reads what changed since this one began.
  await store.putCheckpoint(account, {
    phase: "idle",
    cursor: null,
    watermark: run.nextWatermark,
    importsInFlight: [],
    data: {},
  });
  const stillGivenUp = (await store.listRejections(account)).filter((r) => r.attempts >= 3);
  if (stillGivenUp.length > 0) {
    return finish(
      ctx,
      run,
      "degraded",
      `${stillGivenUp.length} profile(s) rejected 3 times and no longer retried (${stillGivenUp[0]?.reason}): needs a person`,
    );
  }
  if (run.counts.rejected > 0) {
    return finish(
      ctx,
      run,
      "degraded",
      `${run.counts.rejected} profile(s) rejected by Actito this run${run.lastRejection ? ` (${run.lastRejection})` : ""}; retried on the next run`,
    );
  }
  // Profiles sharing an e-mail are a fact of the table, not a fault: the run is complete.
  const duplicates = run.duplicates ?? 0;
  return finish(ctx, run, "in sync", duplicates > 0 ? duplicatesNote(duplicates) : null);
}

function runStateOf(checkpoint: SyncCheckpoint | null): RunState | null {
  if (checkpoint?.phase !== "running") return null;
  const data = checkpoint.data as Partial<RunState>;
  return data.kind === "emi-sync-run/1" ? (data as RunState) : null;
}

function quotaReason(used: number, perDay: number): string {
  return `${used} of ${perDay} mass imports used today (UTC) for this table; the sync resumes from its checkpoint after 00:00 UTC`;
}

async function finish(
  ctx: IntegrationSyncContext,
  run: RunState,
  health: IntegrationRunOutcome["health"],
  reason: string | null,
): Promise<IntegrationRunOutcome> {
  const importsUsedToday = await ctx.store.countImports(ctx.target.quotaKey, utcDay(ctx.now()));
  return { health, reason, counts: { ...run.counts, duplicates: run.duplicates ?? 0 }, importsUsedToday };
}

/** What diffPage needs besides the page: rows settled elsewhere and this run's claims. */
interface PageFilter {
  /** Rejected three times: reported, not retried (ref → Actito's reason). */
  givenUp: ReadonlyMap<string, string>;
  /** Rows being retried: already in the run's first chunk, from a fresh read. */
  retryRefs: ReadonlySet<string>;
  /** Duplicates found while reviewing rejections: already counted. */
  settled: ReadonlySet<string>;
  claims: ReaidClaims;
}

/**
 * Compares one page with the store's REAIDs; creates REAIDs for e-mails seen for the first time.
 *
 * A REAID is unique in Actito, so among profiles sharing a (normalised) e-mail only one can carry it:
 * the one that already does, else the lowest profileId. A profile holding its REAID claims it first,
 * then the others in profileId order; a profile whose REAID is claimed already is a duplicate, counted
 * and never sent. Claims last one run: a holder outside the run's view (an earlier run's, or on a
 * later page) makes Actito refuse the write, and the refusal is recognised as a duplicate too (see
 * splitDuplicates), so a REAID never moves from the profile that holds it.
 */
async function diffPage(
  ctx: IntegrationSyncContext,
  run: RunState,
  page: ProfilePage,
  filter: PageFilter,
): Promise<Row[]> {
  const { emailAttribute, reaidAttribute, keyColumn } = ctx.target;
  const emails: string[] = [];
  for (const profile of page.profiles) {
    const email = profile.attributes[emailAttribute];
    if (typeof email === "string" && email.trim() !== "") emails.push(email);
  }
  const reaids = emails.length > 0 ? await ctx.store.getOrCreateReaids(ctx.namespace, emails) : new Map();
  run.counts.seen += page.profiles.length;
  run.emails += emails.length;
  const candidates: { profileId: number; email: string; reaid: string; stale: boolean }[] = [];
  for (const profile of page.profiles) {
    const email = profile.attributes[emailAttribute];
    if (typeof email !== "string" || email.trim() === "") {
      run.withoutEmail += 1;
      run.counts.skipped += 1;
      continue;
    }
    const reaid = reaids.get(normaliseEmail(email));
    if (reaid === undefined)
      throw new Error(`the store returned no REAID for an e-mail of profile ${profile.profileId}`);
    const current = profile.attributes[reaidAttribute];
    if (current === reaid) filter.claims.add(reaid);
    else candidates.push({ profileId: profile.profileId, email, reaid, stale: carries(current) });
  }
  if (candidates.length > 1) candidates.sort((a, b) => a.profileId - b.profileId);
  const rows: Row[] = [];
  for (const { profileId, email, reaid, stale } of candidates) {
    const key = keyColumn === "profileId" ? String(profileId) : email;
    const ref = keyColumn === "profileId" ? key : `${emailAttribute}=${email}`;
    if (filter.givenUp.has(ref)) {
      run.counts.skipped += 1;
      continue;
    }
    if (filter.retryRefs.has(ref) || filter.settled.has(ref)) continue;
    // A duplicate that still carries another e-mail's REAID (its e-mail changed) is not left alone:
    // the write is sent, Actito refuses it, and the rejection says the profile needs a person.
    if (!filter.claims.add(reaid) && !stale) {
      countDuplicates(run, 1);
      continue;
    }
    rows.push({ key, reaid, ref, profileId });
  }
  run.toWrite += rows.length;
  return rows;
}

/** Rows rejected by earlier runs, sorted out before the listing is read. */
interface RejectionReview {
  retry: Row[];
  givenUp: Map<string, string>;
  settled: Set<string>;
}

/**
 * Reads every profile with a recorded rejection again (its e-mail may have changed): one that is gone
 * or now carries its REAID is cleared; one whose REAID another profile with the same e-mail holds is
 * a duplicate, cleared and counted; the rest is retried, or left alone after three rejections.
 */
async function reviewRejections(
  ctx: IntegrationSyncContext,
  run: RunState,
  claims: ReaidClaims,
  rejections: readonly Rejection[],
): Promise<RejectionReview> {
  const review: RejectionReview = { retry: [], givenUp: new Map(), settled: new Set() };
  if (rejections.length === 0) return review;
  const { store, target } = ctx;
  const limit = pLimit(4);
  const looked = await Promise.all(
    rejections.map((rejection) =>
      limit(async () => ({ rejection, found: await lookUpRefused(ctx, rejection.key) })),
    ),
  );
  // Decided in profileId order so the rule "lowest profileId first" holds here too.
  looked.sort((a, b) => (a.found?.profileId ?? 0) - (b.found?.profileId ?? 0));
  const clear: string[] = [];
  for (const { rejection, found } of looked) {
    if (found === null || found.holds) {
      clear.push(rejection.key);
      if (found) claims.add(found.reaid);
    } else if (found.twin || !claims.add(found.reaid)) {
      clear.push(rejection.key);
      review.settled.add(rejection.key);
      countDuplicates(run, 1);
    } else if (rejection.attempts >= 3) {
      review.givenUp.set(rejection.key, rejection.reason);
    } else {
      const key = target.keyColumn === "profileId" ? String(found.profileId) : found.email;
      review.retry.push({ key, reaid: found.reaid, ref: rejection.key, profileId: found.profileId });
    }
  }
  if (clear.length > 0) await store.clearRejections(ctx.account, clear);
  return review;
}

/** A refused or rejected profile as it is now, and whether another profile holds its REAID. */
interface RefusedProfile {
  profileId: number;
  email: string;
  reaid: string;
  /** It carries its e-mail's REAID now. */
  holds: boolean;
  /** Another profile with the same e-mail carries that REAID. */
  twin: boolean;
}

/**
 * Reads the profile `ref` and, if it lacks its e-mail's REAID, asks Actito which profile carries that
 * REAID (the attribute is unique, so it names one profile). Null when the profile is gone or has no
 * e-mail. Two calls at most, and only for rows Actito refused: never on the bulk path.
 */
async function lookUpRefused(ctx: IntegrationSyncContext, ref: string): Promise<RefusedProfile | null> {
  const { api, store, target, namespace } = ctx;
  const profile = await api.getProfile(target.entity, target.tableId, ref);
  const email = profile?.attributes[target.emailAttribute];
  if (!profile || typeof email !== "string" || email.trim() === "") return null;
  const reaid = (await store.getOrCreateReaids(namespace, [email])).get(normaliseEmail(email));
  if (reaid === undefined)
    throw new Error(`the store returned no REAID for an e-mail of profile ${profile.profileId}`);
  const base = { profileId: profile.profileId, email, reaid };
  if (profile.attributes[target.reaidAttribute] === reaid) return { ...base, holds: true, twin: false };
  const holder = await api.getProfile(target.entity, target.tableId, `${target.reaidAttribute}=${reaid}`);
  const holderEmail = holder?.attributes[target.emailAttribute];
  const twin =
    !carries(profile.attributes[target.reaidAttribute]) &&
    holder !== null &&
    holder.profileId !== profile.profileId &&
    typeof holderEmail === "string" &&
    normaliseEmail(holderEmail) === normaliseEmail(email);
  return { ...base, holds: false, twin };
}

/**
 * Splits rows Actito refused into duplicates (another profile with the same e-mail holds the REAID:
 * the rule's answer, not an error) and rejections to record and retry.
 */
async function splitDuplicates(
  ctx: IntegrationSyncContext,
  refused: readonly { key: string; reason: string }[],
): Promise<{ rejected: { key: string; reason: string }[]; duplicates: string[] }> {
  const rejected: { key: string; reason: string }[] = [];
  const duplicates: string[] = [];
  const limit = pLimit(4);
  await Promise.all(
    refused.map((row) =>
      limit(async () => {
        const found = await lookUpRefused(ctx, row.key);
        if (found?.twin) duplicates.push(row.key);
        else rejected.push(row);
      }),
    ),
  );
  return { rejected, duplicates };
}

/** Writes a few rows one profile at a time, within the client's call budget. */
async function patchRows(
  ctx: IntegrationSyncContext,
  run: RunState,
  rows: readonly Row[],
  retryRefs: ReadonlySet<string>,
): Promise<void> {
  const { api, target, account } = ctx;
  const limit = pLimit(4);
  const rejected: { key: string; reason: string }[] = [];
  const done: string[] = [];
  let stop: unknown = null;
  await Promise.all(
    rows.map((row) =>
      limit(async () => {
        if (stop !== null) return;
        try {
          await api.patchProfile(target.entity, target.tableId, row.ref, {
            [target.reaidAttribute]: row.reaid,
          });
          run.counts.written += 1;
          done.push(row.ref);
          if (done.length % 50 === 0) {
            ctx.emit({ type: "rows-patched", account, written: done.length, total: rows.length });
          }
        } catch (error) {
          if (error instanceof ActitoApiError && error.status === 404) {
            // Deleted since it was read: nothing to write, and never re-created.
            done.push(row.ref);
          } else if (error instanceof ActitoApiError && [400, 409, 422].includes(error.status)) {
            rejected.push({ key: row.ref, reason: error.body || `HTTP ${error.status}` });
          } else {
            stop = error;
          }
        }
      }),
    ),
  );
  const split = await splitDuplicates(ctx, rejected);
  if (split.rejected.length > 0) {
    await ctx.store.recordRejections(account, split.rejected);
    run.counts.rejected += split.rejected.length;
    run.lastRejection = split.rejected[0]?.reason;
  }
  countDuplicates(run, split.duplicates.length);
  const cleared = [...done.filter((ref) => retryRefs.has(ref)), ...split.duplicates];
  if (cleared.length > 0) await ctx.store.clearRejections(account, cleared);
  if (rows.length > 0) ctx.emit({ type: "rows-patched", account, written: done.length, total: rows.length });
  if (stop !== null) throw stop;
}

type ChunkOutcome =
  | {
      kind: "committed";
      cursor: string | null;
      overflow: Row[];
      overflowStart: string | null;
      overflowEnd: string | null;
    }
  | { kind: "quota"; reason: string }
  | { kind: "failed"; reason: string };

/**
 * Streams `buffer` and then further pages into one mass-import file (cut before the size limit),
 * submits it, waits for its result and records rejections. The checkpoint announces the import
 * before the file is posted and records its id as soon as Actito answers.
 */
async function importChunk(
  ctx: IntegrationSyncContext,
  run: RunState,
  buffer: Row[],
  chunkStart: string | null,
  bufferEnd: string | null,
  readPage: () => Promise<{ rows: Row[]; after: string | null } | null>,
  save: (state: RunState, cursor: string | null) => Promise<void>,
  retryRefs: ReadonlySet<string>,
): Promise<ChunkOutcome> {
  const { store, api, target, account } = ctx;
  const reservation = `reserved:${randomUUID()}`;
  await store.recordImport(target.quotaKey, utcDay(ctx.now()), reservation);
  const flight: InFlight = {
    reservation,
    startCursor: chunkStart,
    endCursor: null,
    listingDone: false,
    complete: false,
    rows: 0,
    id: null,
    startedAt: ctx.now().toISOString(),
    completedAt: null,
  };
  run.inFlight = flight;
  await save(run, chunkStart);

  const cap = importFileCap(ctx.limits);
  const separator = ";";
  const chunkRefs = new Set<string>();
  let overflow: Row[] = [];
  let overflowStart: string | null = null;
  let overflowEnd: string | null = null;
  const lines = (rows: readonly Row[]) => {
    let text = "";
    for (const row of rows) {
      text += `${csvField(row.key, separator)}${separator}${row.reaid}\n`;
      if (retryRefs.has(row.ref)) chunkRefs.add(row.ref);
    }
    return text;
  };
  async function* csv(): AsyncGenerator<string> {
    const header = `${csvField(target.keyColumn, separator)}${separator}${csvField(target.reaidAttribute, separator)}\n`;
    let bytes = Buffer.byteLength(header);
    yield header;
    const first = lines(buffer);
    bytes += Buffer.byteLength(first);
    flight.rows += buffer.length;
    yield first;
    let end = bufferEnd;
    while (true) {
      const page = await readPage();
      if (!page) break;
      const text = lines(page.rows);
      const size = Buffer.byteLength(text);
      if (bytes + size > cap) {
        // This page starts the next file; a crash re-reads it from the cursor before it.
        overflow = page.rows;
        overflowStart = end;
        overflowEnd = page.after;
        break;
      }
      bytes += size;
      flight.rows += page.rows.length;
      end = page.after;
      if (text !== "") yield text;
    }
    flight.endCursor = end;
    flight.listingDone = run.listingDone;
    flight.complete = true;
    flight.completedAt = ctx.now().toISOString();
    await save(run, chunkStart);
  }

  let submitted: { id: string; bytes: number };
  try {
    submitted = await api.startMassImport(
      target.entity,
      { mode: "UPDATE_ONLY", keyColumn: target.keyColumn, tableId: target.tableId, separator },
      csv(),
    );
  } catch (error) {
    if (error instanceof RateLimitedError) {
      // Actito counts imports we did not (another tool, another store): take its word for it.
      run.inFlight = null;
      return { kind: "quota", reason: `Actito refused a mass import with 429: ${error.message}` };
    }
    if (error instanceof ActitoApiError && error.status >= 400 && error.status < 500) {
      run.inFlight = null;
      return { kind: "failed", reason: `Actito refused the mass import: ${error.message}` };
    }
    // Outcome unknown (or the listing failed while the file was being built, so nothing was posted):
    // the checkpoint still announces the submission without an id, which the resumed run handles.
    if (error instanceof ImportOutcomeUnknownError) {
      ctx.emit({ type: "import-outcome-unknown", account, rows: flight.rows, detail: errorText(error) });
    }
    throw error;
  }
  flight.id = submitted.id;
  run.imports += 1;
  await save(run, chunkStart);
  ctx.emit({
    type: "import-submitted",
    account,
    index: run.imports,
    id: submitted.id,
    rows: flight.rows,
    bytes: submitted.bytes,
    last: flight.listingDone && overflow.length === 0,
  });

  const status = await api.waitForMassImport(target.entity, submitted.id, {
    pollMs: ctx.pollMs,
    timeoutMs: ctx.importTimeoutMs,
  });
  const failed = await recordImportResult(ctx, run, status, chunkRefs);
  run.inFlight = null;
  if (failed) return { kind: "failed", reason: failed };
  return { kind: "committed", cursor: flight.endCursor, overflow, overflowStart, overflowEnd };
}

/** Records an import's result; returns why the whole file failed, or null. */
async function recordImportResult(
  ctx: IntegrationSyncContext,
  run: RunState,
  status: MassImportStatus,
  retriedRefs: ReadonlySet<string>,
): Promise<string | null> {
  const { account, target } = ctx;
  const finished = (duplicates: number) =>
    ctx.emit({
      type: "import-finished",
      account,
      id: status.id,
      status: status.status,
      updated: status.updated,
      rejected: status.rejected,
      duplicates,
    });
  if (status.status === "FAILED") {
    finished(0);
    const why = status.errors[0]?.message ?? "no reason given";
    return `mass import ${status.id} FAILED (${why}); its rows are read and sent again on the next run`;
  }
  const refused = status.errors.map((e) => ({
    key: target.keyColumn === "profileId" ? e.key : `${target.emailAttribute}=${e.key}`,
    reason: e.message,
  }));
  const { rejected, duplicates } = await splitDuplicates(ctx, refused);
  finished(duplicates.length);
  run.counts.written += status.updated;
  countDuplicates(run, duplicates.length);
  if (duplicates.length > 0) await ctx.store.clearRejections(account, duplicates);
  if (rejected.length > 0) {
    await ctx.store.recordRejections(account, rejected);
    run.counts.rejected += rejected.length;
    run.lastRejection = rejected[0]?.reason;
  }
  const rejectedRefs = new Set(rejected.map((r) => r.key));
  const cleared = [...retriedRefs].filter((ref) => !rejectedRefs.has(ref));
  if (cleared.length > 0) await ctx.store.clearRejections(account, cleared);
  return null;
}

/** The profile carries some REAID (right or wrong). */
function carries(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

/** Duplicates are skipped profiles too: the registry keeps only the four counts. */
function countDuplicates(run: RunState, n: number): void {
  run.duplicates = (run.duplicates ?? 0) + n;
  run.counts.skipped += n;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
