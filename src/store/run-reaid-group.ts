import type { ReaidBatch, ReaidTransaction } from "./sqlite-reaid-transaction.ts";

/** A failure as it crosses the worker thread's boundary: its message and its SQLite code. */
export interface ReaidBatchError {
  message: string;
  code?: string;
}

/** One batch's outcome: its REAIDs in the order of its e-mails, or its own error. */
export type ReaidBatchResult = { reaids: string[] } | { error: ReaidBatchError };

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

/** The error a batch failed with, as plain data (a thread's message cannot carry an Error's code). */
export function serialisable(error: unknown): ReaidBatchError {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { message: String(message), ...(typeof code === "string" ? { code } : {}) };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
