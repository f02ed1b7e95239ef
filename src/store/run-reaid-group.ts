import { serialisable, type ThreadError } from "./serve-thread-requests.ts";
import type { ReaidBatch, ReaidTransaction } from "./sqlite-reaid-transaction.ts";

/** One batch's outcome: its REAIDs in the order of its e-mails, or its own error. */
export type ReaidBatchResult = { reaids: string[] } | { error: ThreadError };

/**
 * Commits a group of batches in one transaction (group commit). If that fails, each batch runs
 * alone, so one batch's failure (a constraint, say) fails its own caller only and the others still
 * get their REAIDs. A busy store fails them all at once: alone, each would wait out the same busy
 * timeout again.
 */
export function runReaidGroup(
  transaction: ReaidTransaction,
  batches: readonly ReaidBatch[],
): ReaidBatchResult[] {
  try {
    return transaction(batches).map((reaids) => ({ reaids }));
  } catch (error) {
    if (batches.length === 1 || isBusy(error)) return batches.map(() => ({ error: serialisable(error) }));
  }
  return batches.map((batch) => {
    try {
      return { reaids: transaction([batch])[0]! };
    } catch (error) {
      return { error: serialisable(error) };
    }
  });
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
