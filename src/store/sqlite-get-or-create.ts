import type Database from "better-sqlite3";
import { newReaids } from "./new-reaids.ts";
import { prefixOrder } from "./prefix-order.ts";
import type { LeaseFence } from "./sql-driver.ts";

/**
 * One caller's addresses in one namespace and its creation time: either already hashed, in index
 * order (hashBatch, in the address-hash thread), or the normalised addresses and the store key, for
 * the write thread to hash (a small batch, which a second thread would cost more memory than time).
 * An HMAC costs microseconds: never on the main thread of a file store.
 */
export type ReaidBatch = {
  namespace: string;
  now: string;
  /** The lease this batch is written under: checked inside the batch's own transaction. */
  fence?: LeaseFence;
} & ({ hashes: readonly string[] } | { emails: readonly string[]; key: Uint8Array });

/** How many addresses a batch holds, hashed or not. */
export function batchSize(batch: ReaidBatch): number {
  return "hashes" in batch ? batch.hashes.length : batch.emails.length;
}

/**
 * The REAIDs of the addresses whose hashes are `hashes` (unique, in index order: see hashBatch) in
 * `namespace`, in the same order, created if missing: the SQLite store's REAID hot path, run inside
 * a write transaction (see prepareWriteTransaction), by the write worker for a file and on the main
 * connection for an in-memory store. Prepared on first use: the table does not exist before the
 * migrations ran.
 *
 * The transaction is IMMEDIATE: it holds the write lock, so a racing process waits instead of
 * failing later; inserts never overwrite, and whatever is stored wins. Fresh REAIDs are drawn by
 * `newReaids` and handed out in sorted order to the hashes in their order: which random REAID an
 * address gets then follows its keyed hash, which tells nothing to anyone without the store key
 * (and the store holds the pairs anyway), while both unique indexes are filled in their own order.
 */
export function prepareGetOrCreate(
  db: Database.Database,
): (namespace: string, hashes: readonly string[], now: string) => string[] {
  const select = db.prepare<[string, string], string>(
    "SELECT reaid FROM reaids WHERE namespace = ? AND email_hash = ?",
  );
  select.pluck();
  const insert = db.prepare<[string, string, string, string]>(
    "INSERT INTO reaids (namespace, email_hash, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  return (namespace, hashes, now) => {
    const out = new Array<string>(hashes.length);
    let fresh: string[] = [];
    let next = 0;
    let drawn = 0;
    let known = 0;
    // Calls are nearly all-new (a back-fill) or nearly all-known (a re-run), so guess from the
    // previous e-mail: a new one is inserted straight away (its unique index is probed once, by
    // the insert), a known one is looked up first (no REAID drawn and thrown away).
    let lastWasNew = true;
    for (let position = 0; position < hashes.length; position++) {
      const hash = hashes[position]!;
      let reaid: string | undefined = lastWasNew ? undefined : select.get(namespace, hash);
      lastWasNew = reaid === undefined;
      if (!lastWasNew) known++;
      while (reaid === undefined) {
        if (next === fresh.length) {
          // Sorted, and handed out in hash order: the batch's rows then reach the REAID index in
          // its order too, one sweep instead of a random page per row. While every e-mail so far
          // was new (a back-fill), one draw for all that is left; once one was known, draws that
          // double from 256, so a batch of known e-mails with a few new ones draws few.
          const left = hashes.length - position;
          drawn = known === 0 ? left : Math.min(Math.max(256, drawn * 2), left);
          const reaids = newReaids(drawn);
          fresh = prefixOrder(reaids).map((at) => reaids[at]!);
          next = 0;
        }
        const candidate = fresh[next++]!;
        // We hold the write lock, so no other process inserts this address meanwhile: nothing
        // inserted means the e-mail is already there, or, at 2^-128, the REAID collided and the
        // loop draws again.
        if (insert.run(namespace, hash, candidate, now).changes === 1) reaid = candidate;
        else {
          reaid = select.get(namespace, hash);
          if (reaid !== undefined) {
            lastWasNew = false;
            known++;
          }
        }
      }
      out[position] = reaid;
    }
    return out;
  };
}
