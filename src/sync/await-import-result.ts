import { waitForMassImport } from "../actito/wait-for-mass-import.ts";
import { pauseForTest } from "./pause-for-test.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { profileRef } from "./reaid-write.ts";
import { settleRefusals, splitDuplicates } from "./settle-refusals.ts";
import { countWritten, importEnded, type RunState } from "./sync-run-state.ts";

/**
 * Waits for mass import `id` (submitted by this run or by a killed one) and records its result:
 * updated rows are counted written, refused rows recorded as rejections or duplicates, and the
 * rejection records of `retriedRefs` that went through are cleared. Returns why the whole file
 * failed, or null; a failed file is not recorded row by row, because its rows are read again.
 */
export async function awaitImportResult(
  ctx: IntegrationSyncContext,
  run: RunState,
  id: string,
  retriedRefs: ReadonlySet<string>,
): Promise<string | null> {
  const { api, account, target } = ctx;
  pauseForTest("import-wait");
  // A run asked to stop (SIGTERM, a lost lease) stops polling at once: the import's id is in the
  // checkpoint, so the next run waits for it by id and records its result.
  const status = await waitForMassImport(api, target.entity, id, {
    pollMs: ctx.pollMs,
    timeoutMs: ctx.importTimeoutMs,
    now: () => ctx.now().getTime(),
    sleep: (ms) => {
      if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason);
      return ctx.sleep(ms, ctx.signal);
    },
  });
  // The answer that reported the end came after every row the import wrote; its Date is to the
  // second, so the rows were all written before that second ended.
  const reportedAt = api.actitoTime?.() ?? null;
  importEnded(run, reportedAt === null ? null : reportedAt + 1000);
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
  // Actito names a rejected row by its key-column value; records are kept by profile ref.
  const refused = status.errors.map((e) => ({ key: profileRef(target, e.key), reason: e.message }));
  const split = await splitDuplicates(ctx, refused);
  finished(split.duplicates.length);
  countWritten(run, status.updated);
  await settleRefusals(ctx, run, split, retriedRefs);
  return null;
}
