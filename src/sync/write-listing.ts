import { importChunk } from "./import-chunk.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import type { Listing } from "./open-listing.ts";
import { patchRows } from "./patch-rows.ts";
import type { ReaidWrite } from "./reaid-write.ts";
import { quotaReason } from "./report-run.ts";
import { commitTallies, countRetried, type RunState, type SaveRunState } from "./sync-run-state.ts";
import { utcDay } from "./write-strategy.ts";

/** How writing the listing ended: every row committed, or stopped with the run to rewind to `at`. */
export type WriteOutcome =
  | { kind: "done" }
  | { kind: "stopped"; at: string | null; health: "waiting for quota" | "degraded"; reason: string };

/**
 * Reads the listing from `cursor` and writes what it needs, one committed step at a time, starting
 * with the retried rows.
 *
 * Rows are gathered up to the PATCH threshold before choosing how to write, so a small delta (a
 * scheduled run, the tail of a back-fill) costs calls, not one of the day's few mass imports; more
 * rows go into mass-import files that keep reading the listing as they stream. Each step ends with a
 * checkpoint whose cursor is where the uncommitted rows begin, and whose tallies are what a re-read
 * from there starts from. The day's import quota is checked before each file, so the run stops
 * cleanly, resumable, instead of meeting 429 in a loop.
 */
export async function writeListing(
  ctx: IntegrationSyncContext,
  run: RunState,
  listing: Listing,
  from: { cursor: string | null; retry: ReaidWrite[]; retryRefs: ReadonlySet<string> },
  save: SaveRunState,
): Promise<WriteOutcome> {
  const { store, target } = ctx;
  let cursor = from.cursor;
  // Rows read but not yet written, and the cursor after the page they came from.
  let carry: ReaidWrite[] = from.retry;
  let carryEnd = cursor;
  countRetried(run, from.retry.length);
  while (true) {
    const chunkStart = cursor;
    const buffer: ReaidWrite[] = carry;
    let after = carryEnd;
    while (buffer.length <= ctx.patchThreshold) {
      const page = await listing.readPage();
      if (!page) break;
      for (const row of page.rows) buffer.push(row);
      after = page.after;
    }
    carry = [];
    if (buffer.length === 0 && run.listingDone) break;

    if (run.listingDone && buffer.length <= ctx.patchThreshold) {
      await patchRows(ctx, run, buffer, from.retryRefs);
      cursor = after;
      commitTallies(run);
      await save(run, cursor);
      break;
    }

    const used = await store.countImports(target.quotaKey, utcDay(ctx.now()));
    if (used >= ctx.limits.importsPerDay) {
      return {
        kind: "stopped",
        at: chunkStart,
        health: "waiting for quota",
        reason: quotaReason(used, ctx.limits.importsPerDay),
      };
    }
    const outcome = await importChunk(
      ctx,
      run,
      { buffer, start: chunkStart, bufferEnd: after, readPage: listing.readPage, retryRefs: from.retryRefs },
      save,
    );
    if (outcome.kind !== "committed") {
      const health = outcome.kind === "quota" ? "waiting for quota" : "degraded";
      return { kind: "stopped", at: chunkStart, health, reason: outcome.reason };
    }
    // The rows of a page that did not fit belong to the next file: its chunk starts before that page.
    cursor = outcome.overflow.length > 0 ? outcome.overflowStart : outcome.cursor;
    carry = outcome.overflow;
    carryEnd = outcome.overflowEnd;
    // Rows of a page that did not fit are counted again when committed with the next file.
    commitTallies(run, carry.length);
    await save(run, cursor);
    if (run.listingDone && carry.length === 0) break;
  }
  return { kind: "done" };
}
