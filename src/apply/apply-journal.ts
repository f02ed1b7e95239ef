import type { JournalEntry } from "../store/store-records.ts";

/** The apply journal: each step `pending` before its effect, `succeeded`/`failed` after. */
export interface ApplyJournal {
  journalBegin(step: {
    applyId: string;
    account: number;
    step: string;
    detail: Record<string, unknown>;
  }): Promise<number>;
  journalEnd(id: number, outcome: "succeeded" | "failed", error?: string): Promise<void>;
  /** Steps started and never ended: their outcome is unknown. */
  journalPending(): Promise<JournalEntry[]>;
  journalFor(applyId: string): Promise<JournalEntry[]>;
}
