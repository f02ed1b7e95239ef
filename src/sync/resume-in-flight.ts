import { awaitImportResult } from "./await-import-result.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import {
  commitTallies,
  type InFlight,
  resumeAfterImport,
  rewind,
  type RunState,
  type SaveRunState,
} from "./sync-run-state.ts";

/** Where the run goes on after the import it found in flight, or why that import failed. */
export type ResumeOutcome =
  | { kind: "resumed"; cursor: string | null }
  /** The import failed as a whole: rewind to `cursor`, its start, and report `reason`. */
  | { kind: "failed"; cursor: string | null; reason: string };

/**
 * Settles the mass import a killed or failed run left in flight before anything else is read, so
 * its rows are never submitted twice: an import with an id is waited for; one without an id is
 * recovered by re-reading its rows (see recoverLostAnswer). The checkpoint is saved at the cursor
 * where the run goes on.
 */
export async function resumeInFlight(
  ctx: IntegrationSyncContext,
  run: RunState,
  flight: InFlight,
  save: SaveRunState,
): Promise<ResumeOutcome> {
  let cursor: string | null;
  if (flight.id !== null) {
    ctx.emit({ type: "import-resumed", account: ctx.account, id: flight.id });
    // Which of its rows were retries is not checkpointed, so no rejection record is cleared here:
    // the next review finds those rows carrying their REAID and clears them then.
    const failed = await awaitImportResult(ctx, run, flight.id, new Set());
    if (failed) return { kind: "failed", cursor: flight.startCursor, reason: failed };
    resumeAfterImport(run, flight);
    cursor = flight.endCursor;
  } else {
    await recoverLostAnswer(ctx, flight);
    rewind(run);
    cursor = flight.startCursor;
  }
  commitTallies(run);
  await save(run, cursor);
  return { kind: "resumed", cursor };
}

/**
 * No id: either the file was never complete (so never posted), or the answer to the post was lost.
 * In the second case let an import that may have started finish before its rows are read again:
 * those that now carry their REAID need no write, so nothing is written twice, and the re-read
 * writes only what the import did not. The grace counts from when the file was complete, not from
 * the kill, so a resume long after waits no longer.
 */
async function recoverLostAnswer(ctx: IntegrationSyncContext, flight: InFlight): Promise<void> {
  const waitMs =
    flight.complete && flight.completedAt
      ? Date.parse(flight.completedAt) + ctx.uncertainGraceMs - ctx.now().getTime()
      : 0;
  if (waitMs > 0) await ctx.sleep(waitMs, ctx.signal);
}
