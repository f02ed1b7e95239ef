import type { ReaidStore } from "../sync/sync-store.ts";
import type { AddressHasher } from "./address-hasher.ts";
import { StoreError } from "./errors.ts";
import { normaliseEmail } from "./normalise-email.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { nowIso } from "./sql-placeholders.ts";

const EXPORT_PAGE = 1_000;

/**
 * REAIDs in SQL: created in batches by the driver's hot path, never changed. Rows are keyed by the
 * address's keyed hash (AddressHasher); the addresses themselves stay in the caller's memory.
 */
export class SqlReaids implements ReaidStore {
  readonly #driver: SqlDriver;
  readonly #hasher: AddressHasher | null;

  constructor(driver: SqlDriver, hasher: AddressHasher | null) {
    this.#driver = driver;
    this.#hasher = hasher;
  }

  async getOrCreateReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>> {
    const hasher = requireHasher(this.#hasher);
    const unique = new Set<string>();
    for (const email of emails) unique.add(normalised(email));
    const all = [...unique];
    const result = new Map<string, string>();
    const now = nowIso();
    const size = this.#driver.reaidBatchSize;
    // The driver hashes (the SQLite store in its address-hash thread) and orders each batch by hash.
    for (let start = 0; start < all.length; start += size) {
      const batch = all.length <= size ? all : all.slice(start, start + size);
      await this.#driver.getOrCreateReaidBatch(namespace, batch, now, result, hasher);
    }
    return result;
  }

  async getReaid(namespace: string, email: string): Promise<string | null> {
    const [row] = await this.#driver.all<{ reaid: string }>(
      "SELECT reaid FROM reaids WHERE namespace = ? AND email_hash = ?",
      [namespace, requireHasher(this.#hasher).hash(normaliseEmail(email))],
    );
    return row?.reaid ?? null;
  }

  async *exportReaids(namespace: string): AsyncIterable<{ emailHash: string; reaid: string }> {
    // Keyset pages rather than one open cursor: memory stays flat and the connection stays free
    // for other work between pages.
    let after: string | null = null;
    for (;;) {
      const rows: { email_hash: string; reaid: string }[] =
        after === null
          ? await this.#driver.all(
              "SELECT email_hash, reaid FROM reaids WHERE namespace = ? ORDER BY email_hash LIMIT ?",
              [namespace, EXPORT_PAGE],
            )
          : await this.#driver.all(
              "SELECT email_hash, reaid FROM reaids WHERE namespace = ? AND email_hash > ? ORDER BY email_hash LIMIT ?",
              [namespace, after, EXPORT_PAGE],
            );
      for (const row of rows) yield { emailHash: row.email_hash, reaid: row.reaid };
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)!.email_hash;
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

/** The hasher, or the error of a store opened without its key (`plan` on a pull request). */
export function requireHasher(hasher: AddressHasher | null): AddressHasher {
  if (hasher) return hasher;
  throw new StoreError(
    "no-store-key",
    "this store was opened without its store key, which identifying an e-mail address needs: run this where the key is (see docs/privacy.md)",
  );
}

function normalised(email: string): string {
  const result = normaliseEmail(email);
  if (result === "") throw new StoreError("invalid-email", "an e-mail address is empty");
  return result;
}
