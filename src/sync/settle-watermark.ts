import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { nextWatermarkOf, type RunState } from "./sync-run-state.ts";

/**
 * Milliseconds added to a wait for Actito's clock: a timer may fire a millisecond early, and the
 * confirming answer must be stamped at or past the watermark.
 */
const WAIT_MARGIN_MS = 10;

/**
 * The watermark a completed run leaves for the next incremental run (nextWatermarkOf), checked
 * against Actito's clock. After an import the watermark is the second after Actito reported it
 * finished; it is only kept once an answer from Actito is dated at or past it, so it is never in
 * Actito's future (a sign-up in between would be skipped). The wait lasts until Actito's clock gets
 * there (`actitoTimeNow`: what its answers prove of it, moved on by this machine's time), not a whole
 * second; then one call reads the clock to confirm. When Actito's clock cannot be read past it, the
 * latest moment read is kept instead (the rows imported in that last second are then listed again:
 * safe, a page or so).
 */
export async function settledWatermark(ctx: IntegrationSyncContext, run: RunState): Promise<string> {
  const wanted = nextWatermarkOf(run);
  if (wanted === run.nextWatermark || run.importsEndedAt === undefined) return wanted;
  const target = Date.parse(wanted);
  let seen = ctx.api.actitoTime?.() ?? null;
  for (let attempt = 0; attempt < 2 && seen !== null && seen < target; attempt++) {
    // A second try no longer trusts the estimate the first one disproved (this machine's clock
    // jumped, say): it waits from the Date read, as long as the second takes.
    const reached = attempt === 0 ? Math.max(seen, ctx.api.actitoTimeNow?.() ?? seen) : seen;
    await ctx.sleep(Math.min(1000, Math.max(0, target - reached) + WAIT_MARGIN_MS), ctx.signal);
    await ctx.api.getProfileTable(ctx.target.entity, ctx.target.tableId);
    seen = ctx.api.actitoTime?.() ?? null;
  }
  if (seen === null) return run.nextWatermark;
  if (seen >= target) return wanted;
  return new Date(Math.max(seen, Date.parse(run.nextWatermark))).toISOString();
}
