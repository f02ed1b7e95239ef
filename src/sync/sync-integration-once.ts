import { type ExpectedCount, ShortListingError } from "./complete-listing.ts";
import { runStateOf } from "./decode-run-state.ts";
import { type FullReadFacts, fullReadOf } from "./full-read-facts.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { openListing } from "./open-listing.ts";
import { ReaidClaims } from "./reaid-claims.ts";
import { type IntegrationRunOutcome, reportCompletedRun, reportRun } from "./report-run.ts";
import { lastRunFacts } from "./last-run-facts.ts";
import { resumeInFlight } from "./resume-in-flight.ts";
import { reviewRejections } from "./review-rejections.ts";
import { expectedRows, type RunState, rewind, runStateSaver, startRunState } from "./sync-run-state.ts";
import { settledWatermark } from "./settle-watermark.ts";
import { writeListing } from "./write-listing.ts";

/**
 * One run of one integration's REAID sync, resumable from its checkpoint at any point:
 * resume the import in flight → review earlier rejections → read the listing and write what it
 * needs → commit the watermark → report health.
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
  const { store, account } = ctx;
  const checkpoint = await store.getCheckpoint(account);
  const previousWatermark = checkpoint?.watermark ?? null;
  const save = runStateSaver(store, account, previousWatermark);
  let state = runStateOf(checkpoint, account, ctx.full);
  let cursor = checkpoint?.cursor ?? null;
  // REAIDs on a profile or promised to one in this run: a second profile with the same e-mail is a
  // duplicate and is never sent (see diffPage).
  const claims = new ReaidClaims();

  // Stops the run where its uncommitted rows begin: the next run reads them again.
  const stop = async (
    run: RunState,
    at: string | null,
    health: IntegrationRunOutcome["health"],
    why: string,
  ) => {
    rewind(run);
    await save(run, at);
    return reportRun(ctx, run, health, why);
  };

  // An import this run or a killed one submitted: wait for it by id, never submit its rows again.
  if (state?.inFlight) {
    const resumedFlight = await resumeInFlight(ctx, state, state.inFlight, save);
    if (resumedFlight.kind === "failed") {
      return stop(state, resumedFlight.cursor, "degraded", resumedFlight.reason);
    }
    cursor = resumedFlight.cursor;
  }

  // --full asks for every profile; an incremental run under way reads only what changed since its
  // watermark, so a --full run starts over rather than resume it.
  const resumed = state !== null && !(ctx.full && !state.full);
  if (!state || !resumed) {
    // This machine's clock, as the inbox's received times are: events received before it are covered.
    const startedAt = ctx.now();
    // Actito's clock (the Date of its latest answer: resolving the table just called it), never this
    // machine's: a host whose clock runs ahead would otherwise skip the sign-ups of the difference.
    // The margin never takes it back past the previous watermark: this run reads everything since
    // that one, so a back-fill's rows are not listed again by the run after the next.
    const actitoNow = ctx.api.actitoTime?.() ?? startedAt.getTime();
    const previousMs = previousWatermark === null ? Number.NEGATIVE_INFINITY : Date.parse(previousWatermark);
    const nextWatermark = new Date(Math.max(actitoNow - ctx.watermarkMarginMs, previousMs)).toISOString();
    state = startRunState({
      full: ctx.full,
      watermark: previousWatermark,
      nextWatermark,
      reaidsBefore: await store.countReaids(ctx.namespace),
      startedAt: startedAt.toISOString(),
    });
    const lastFullRead = fullReadOf(checkpoint);
    if (lastFullRead) state.lastFullRead = lastFullRead;
    cursor = null;
    await save(state, cursor);
  }
  const run: RunState = state;

  ctx.emit({
    type: "sync-started",
    account,
    full: run.updatedSince === null,
    resumed,
    expected: expectedRows(run),
  });

  // Rows rejected before: retried (unless rejected three times, then reported and left alone), or
  // settled as duplicates when another profile with the same e-mail holds the REAID.
  const { givenUp, retry, settled } = await reviewRejections(
    ctx,
    run,
    claims,
    await store.listRejections(account),
  );
  const retryRefs = new Set(retry.map((r) => r.ref));

  const expected = expectedCount(ctx, run);
  const listing = openListing(ctx, run, cursor, { givenUp, retryRefs, settled, claims }, expected);
  try {
    const written = await writeListing(ctx, run, listing, { cursor, retry, retryRefs }, save);
    if (written.kind === "stopped") return await stop(run, written.at, written.health, written.reason);
  } catch (error) {
    if (error instanceof ShortListingError && error.source === "last full read") {
      await rememberShortRead(ctx, error.profiles);
    }
    throw error;
  } finally {
    await listing.close();
    claims.close();
  }

  // Committed: the next incremental run reads what changed since this one began, or since its last
  // import finished when it imported (nextWatermarkOf) — unless the table holds values emi did not
  // write: then nothing past them was written, and the next run reads all.
  const refused = (run.ownership?.foreign ?? 0) > 0 && !ctx.adopt;
  const watermark = refused ? previousWatermark : await settledWatermark(ctx, run);
  await store.putCheckpoint(account, {
    phase: "idle",
    cursor: null,
    watermark,
    importsInFlight: [],
    data: lastRunFacts(run, fullReadFacts(ctx, run, expected)),
  });
  return reportCompletedRun(ctx, run);
}

/** What a full read must reach: Actito's count of the table, else the last full read's; null for neither. */
function expectedCount(ctx: IntegrationSyncContext, run: RunState): ExpectedCount | null {
  if (run.updatedSince !== null) return null;
  if (ctx.target.profileCount !== undefined) return { profiles: ctx.target.profileCount, source: "actito" };
  const last = run.lastFullRead;
  if (!last) return null;
  // Profiles deleted in Actito (emi sees no deletions): a read that ended short of the last count,
  // then a read that reaches the same point, are taken as the table's size. The first one failed.
  const profiles = run.shortRead !== undefined ? Math.min(run.shortRead, last.profiles) : last.profiles;
  return { profiles, source: "last full read" };
}

/** Notes in the running checkpoint where a full read ended short of the last full read's count. */
async function rememberShortRead(ctx: IntegrationSyncContext, profiles: number): Promise<void> {
  const checkpoint = await ctx.store.getCheckpoint(ctx.account);
  if (checkpoint?.phase !== "running") return;
  await ctx.store.putCheckpoint(ctx.account, {
    ...checkpoint,
    data: { ...checkpoint.data, shortRead: profiles },
  });
}

/** This run's full read, checked against `expected`; an incremental run keeps the last one. */
function fullReadFacts(
  ctx: IntegrationSyncContext,
  run: RunState,
  expected: ExpectedCount | null,
): FullReadFacts | undefined {
  if (run.updatedSince !== null) return run.lastFullRead;
  return { at: ctx.now().toISOString(), profiles: run.counts.seen, checkedAgainst: expected?.source ?? null };
}
