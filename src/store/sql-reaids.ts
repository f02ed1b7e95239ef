import type { ReaidStore } from "../sync/sync-store.ts";
import { StoreError } from "./errors.ts";
import { normaliseEmail } from "./normalise-email.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { nowIso } from "./sql-placeholders.ts";

const EXPORT_PAGE = 1_000;

/** REAIDs in SQL: created in batches by the driver's hot path, never changed. */
export class SqlReaids implements ReaidStore {
  readonly #driver: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
  }

  async getOrCreateReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>> {
    const unique = new Set<string>();
    for (const email of emails) unique.add(normalised(email));
    // Sorted: neighbouring e-mails share index pages, and two processes take row locks in one order.
    const sorted = [...unique].sort();
    const result = new Map<string, string>();
    const now = nowIso();
    const size = this.#driver.reaidBatchSize;
    for (let start = 0; start < sorted.length; start += size) {
      const batch = sorted.length <= size ? sorted : sorted.slice(start, start + size);
      await this.#driver.getOrCreateReaidBatch(namespace, batch, now, result);
    }
    return result;
  }

  async getReaid(namespace: string, email: string): Promise<string | null> {
    const [row] = await this.#driver.all<{ reaid: string }>(
      "SELECT reaid FROM reaids WHERE namespace = ? AND email = ?",
      [namespace, normaliseEmail(email)],
    );
    return row?.reaid ?? null;
  }

  async *exportReaids(namespace: string): AsyncIterable<{ email: string; reaid: string }> {
    // Keyset pages rather than one open cursor: memory stays flat and the connection stays free
    // for other work between pages.
    let after: string | null = null;
    for (;;) {
      const rows: { email: string; reaid: string }[] =
        after === null
          ? await this.#driver.all(
              "SELECT email, reaid FROM reaids WHERE namespace = ? ORDER BY email LIMIT ?",
              [namespace, EXPORT_PAGE],
            )
          : await this.#driver.all(
              "SELECT email, reaid FROM reaids WHERE namespace = ? AND email > ? ORDER BY email LIMIT ?",
              [namespace, after, EXPORT_PAGE],
            );
      for (const row of rows) yield { email: row.email, reaid: row.reaid };
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)!.email;
    }
  }

  async countReaids(namespace: string): Promise<number> {
    const [row] = await this.#driver.all<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM reaids WHERE namespace = ?",
      [namespace],
    );
    return Number(row?.n ?? 0);
  }
}

function normalised(email: string): string {
  const result = normaliseEmail(email);
  if (result === "") throw new StoreError("invalid-email", "an e-mail address is empty");
  return result;
}
