import pLimit from "p-limit";
import { ActitoApiError } from "../actito/errors.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import type { ReaidWrite } from "./reaid-write.ts";
import { type Refusal, settleRefusals, splitDuplicates } from "./settle-refusals.ts";
import { countCall, countWritten, type RunState } from "./sync-run-state.ts";
import { patchEtaSeconds } from "./write-strategy.ts";

/**
 * Writes a few rows one profile at a time, within the client's call budget (see choosePatchThreshold
 * for when this beats a mass import). Rows Actito refuses are recorded like an import's rejections; any
 * other failure stops the step after the calls under way and is thrown, so the run resumes from the
 * last checkpoint and writes the same values again.
 */
export async function patchRows(
  ctx: IntegrationSyncContext,
  run: RunState,
  rows: readonly ReaidWrite[],
  retryRefs: ReadonlySet<string>,
): Promise<void> {
  const { api, target } = ctx;
  const limit = pLimit(4);
  const rejected: Refusal[] = [];
  const done: string[] = [];
  let stop: unknown = null;
  await Promise.all(
    rows.map((row) =>
      limit(async () => {
        if (stop !== null) return;
        try {
          countCall(run, "patch");
          await api.patchProfile(target.entity, target.tableId, row.ref, {
            // An empty REAID clears the attribute (see diffPage: swapped e-mails).
            [target.reaidAttribute]: row.reaid === "" ? null : row.reaid,
          });
          countWritten(run, 1);
          done.push(row.ref);
          if (done.length % 50 === 0) ctx.emit(patched(ctx, done.length, rows.length));
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
  await settleRefusals(
    ctx,
    run,
    split,
    done.filter((ref) => retryRefs.has(ref)),
  );
  if (rows.length > 0) ctx.emit(patched(ctx, done.length, rows.length));
  if (stop !== null) throw stop;
}

/** Progress of the PATCHes: rows left and, at the licence's calls per minute, when they will be done. */
function patched(ctx: IntegrationSyncContext, written: number, total: number) {
  const left = total - written;
  return {
    type: "rows-patched" as const,
    account: ctx.account,
    written,
    total,
    left,
    etaSeconds: patchEtaSeconds(left, ctx.limits.callsPerMinute),
  };
}
