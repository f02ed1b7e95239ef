import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { describeForeign, describeLeft, describeMismatched, foreignAdvice } from "./ownership-tally.ts";
import { duplicatesNote, type SyncRunCounts } from "./sync-events.ts";
import type { RanHealth } from "./sync-outcome.ts";
import type { RunState } from "./sync-run-state.ts";
import { utcDay } from "./write-strategy.ts";

/** How one run of one integration ended, before runSync turns it into a SyncResult. */
/** Calls one run made, as the plan's `sync.estimate` counts them. */
interface ActualCalls {
  listCalls: number;
  writeCalls: number;
  imports: number;
}

export interface IntegrationRunOutcome {
  health: RanHealth;
  reason: string | null;
  counts: SyncRunCounts;
  importsUsedToday: number;
  /** The calls the run made, beside the plan's estimate (listing pages, PATCHes and uploads, imports). */
  actual: ActualCalls;
}

/** The run's outcome with its counts and the table's imports used today (UTC), for the registry. */
export async function reportRun(
  ctx: IntegrationSyncContext,
  run: RunState,
  health: IntegrationRunOutcome["health"],
  reason: string | null,
): Promise<IntegrationRunOutcome> {
  const importsUsedToday = await ctx.store.countImports(ctx.target.quotaKey, utcDay(ctx.now()));
  return {
    health,
    reason,
    counts: { ...run.counts, duplicates: run.duplicates ?? 0 },
    importsUsedToday,
    actual: {
      listCalls: run.calls?.list ?? 0,
      writeCalls: (run.calls?.patch ?? 0) + run.imports,
      imports: run.imports,
    },
  };
}

/**
 * The health of a run that read and wrote the whole listing. Rejections make it `degraded`, with
 * the reason a person needs: rows given up on say so first, as only a person can fix them.
 * Profiles sharing an e-mail are a fact of the table, not a fault: the run is `in sync`, with a note.
 */
export async function reportCompletedRun(
  ctx: IntegrationSyncContext,
  run: RunState,
): Promise<IntegrationRunOutcome> {
  const own = run.ownership;
  if (own && own.foreign > 0 && !ctx.adopt) {
    return reportRun(
      ctx,
      run,
      "degraded",
      `refused: ${describeForeign(ctx.target.reaidAttribute, own)}. ${foreignAdvice(ctx.file ?? null)}`,
    );
  }
  const left = own ? describeLeft(own) : null;
  if (left !== null) {
    const adopted = own && own.adopted > 0 ? `${own.adopted} existing REAIDs adopted; ` : "";
    return reportRun(ctx, run, "degraded", `${adopted}${left}: needs a person`);
  }
  const stillGivenUp = (await ctx.store.listRejections(ctx.account)).filter((r) => r.attempts >= 3);
  if (stillGivenUp.length > 0) {
    return reportRun(
      ctx,
      run,
      "degraded",
      `${stillGivenUp.length} profile(s) rejected 3 times and no longer retried (${stillGivenUp[0]?.reason}): needs a person`,
    );
  }
  if (run.counts.rejected > 0) {
    return reportRun(
      ctx,
      run,
      "degraded",
      `${run.counts.rejected} profile(s) rejected by Actito this run${run.lastRejection ? ` (${run.lastRejection})` : ""}; retried on the next run`,
    );
  }
  const duplicates = run.duplicates ?? 0;
  const notes: string[] = [];
  if (own && own.adopted > 0) notes.push(`${own.adopted} existing REAIDs adopted`);
  const mismatched = own ? describeMismatched(own) : null;
  if (mismatched) notes.push(`${mismatched}: cleared, set on the next run`);
  if (duplicates > 0) notes.push(duplicatesNote(duplicates));
  return reportRun(ctx, run, "in sync", notes.length > 0 ? notes.join("; ") : null);
}

/** Why the run waits: the table's mass imports for the UTC day are used up. */
export function quotaReason(used: number, perDay: number): string {
  return `${used} of ${perDay} mass imports used today (UTC) for this table; the sync resumes from its checkpoint after 00:00 UTC`;
}
