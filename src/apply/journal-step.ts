import type { ApplyJournal } from "./apply-journal.ts";
import { EmiError } from "../types/errors.ts";
import type { ApplyEvent } from "./apply-types.ts";
import type { JournalStepName } from "./journal-step-name.ts";

/** What every journalled step needs: where to write, and who to tell. */
export interface StepContext {
  store: ApplyJournal;
  applyId: string;
  onEvent?: ((event: ApplyEvent) => void) | undefined;
  /**
   * Called after a step's effect and before its journal entry is closed: the window in which a
   * crash leaves the outcome unknown. Tests use it to kill the process there.
   */
  afterStep?: ((step: string, account: number) => void) | undefined;
}

/** A message safe to store and print: EmiError messages are written to be; anything else is not shown. */
export function safeMessage(error: unknown): string {
  return error instanceof EmiError ? error.message : "unexpected failure (this is a bug in emi)";
}

/**
 * Runs one step through the journal: pending before it starts, succeeded or failed after. A
 * crash in between leaves it pending, and the next apply checks it instead of redoing it.
 * `detail` must say enough to check the outcome later, and never hold a secret.
 */
export async function journalStep<T>(
  ctx: StepContext,
  account: number,
  step: JournalStepName,
  detail: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const id = await ctx.store.journalBegin({ applyId: ctx.applyId, account, step, detail });
  ctx.onEvent?.({ type: "step", account, step, outcome: "started" });
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await ctx.store.journalEnd(id, "failed", safeMessage(error));
    ctx.onEvent?.({ type: "step", account, step, outcome: "failed" });
    throw error;
  }
  ctx.afterStep?.(step, account);
  await ctx.store.journalEnd(id, "succeeded");
  ctx.onEvent?.({ type: "step", account, step, outcome: "succeeded" });
  return result;
}
