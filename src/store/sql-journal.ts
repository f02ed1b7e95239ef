import type { ApplyJournal } from "../apply/apply-journal.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { nowIso } from "./sql-placeholders.ts";
import type { JournalEntry, JournalOutcome } from "./store-records.ts";

interface JournalRow {
  id: number | string;
  apply_id: string;
  account: number | string;
  step: string;
  detail: string;
  outcome: JournalOutcome;
  started_at: string;
  ended_at: string | null;
  error: string | null;
}

/** The apply journal in SQL. */
export class SqlJournal implements ApplyJournal {
  readonly #driver: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
  }

  async journalBegin(step: {
    applyId: string;
    account: number;
    step: string;
    detail: Record<string, unknown>;
  }): Promise<number> {
    const [row] = await this.#driver.all<{ id: number | string }>(
      `INSERT INTO journal (apply_id, account, step, detail, outcome, started_at)
       VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id`,
      [step.applyId, step.account, step.step, JSON.stringify(step.detail), nowIso()],
    );
    return Number(row!.id);
  }

  async journalEnd(id: number, outcome: "succeeded" | "failed", error?: string): Promise<void> {
    await this.#driver.run("UPDATE journal SET outcome = ?, ended_at = ?, error = ? WHERE id = ?", [
      outcome,
      nowIso(),
      error ?? null,
      id,
    ]);
  }

  async journalPending(): Promise<JournalEntry[]> {
    const rows = await this.#driver.all<JournalRow>(
      "SELECT * FROM journal WHERE outcome = 'pending' ORDER BY id",
    );
    return rows.map(toJournalEntry);
  }

  async journalFor(applyId: string): Promise<JournalEntry[]> {
    const rows = await this.#driver.all<JournalRow>("SELECT * FROM journal WHERE apply_id = ? ORDER BY id", [
      applyId,
    ]);
    return rows.map(toJournalEntry);
  }
}

function toJournalEntry(row: JournalRow): JournalEntry {
  return {
    id: Number(row.id),
    applyId: row.apply_id,
    account: Number(row.account),
    step: row.step,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    outcome: row.outcome,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
  };
}
