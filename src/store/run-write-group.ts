import { serialisable, type ThreadError } from "./serve-thread-requests.ts";
import type { WriteJob, WriteJobOutput, WriteTransaction } from "./sqlite-write-transaction.ts";

/** One job's outcome: what it gave, or its own error. */
export type WriteJobResult = { output: WriteJobOutput } | { error: ThreadError };

/**
 * Commits a group of jobs in one transaction (group commit). If that fails, each job runs alone, so
 * one job's failure (a constraint, say) fails its own caller only and the others still commit. A
 * busy store fails them all at once: alone, each would wait out the same busy timeout again.
 */
export function runWriteGroup(transaction: WriteTransaction, jobs: readonly WriteJob[]): WriteJobResult[] {
  try {
    return transaction(jobs).map((output) => ({ output }));
  } catch (error) {
    if (jobs.length === 1 || isBusy(error)) return jobs.map(() => ({ error: serialisable(error) }));
  }
  return jobs.map((job) => {
    try {
      return { output: transaction([job])[0] ?? null };
    } catch (error) {
      return { error: serialisable(error) };
    }
  });
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
