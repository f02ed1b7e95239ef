import type Database from "better-sqlite3";
import { hashAddress } from "./address-hasher.ts";
import { newReaids } from "./new-reaids.ts";
import type { LeaseFence } from "./sql-driver.ts";

/**
 * One caller's e-mails (normalised, unique) in one namespace, its creation time and the store key
 * that hashes them (here, in the write thread, off the main thread: an HMAC costs microseconds,
 * which a service's main thread would pay per address).
 */
export interface ReaidBatch {
  namespace: string;
  emails: readonly string[];
  now: string;
  key: Uint8Array;
  /** The lease this batch is written under: checked inside the batch's own transaction. */
  fence?: LeaseFence;
}

/**
 * The REAIDs of `emails` (normalised, unique) in `namespace`, in the same order, created if
 * missing, each row keyed by the address's hash under `key`: the SQLite store's REAID hot path, run inside a write transaction (see
 * prepareWriteTransaction), by the write worker for a file and on the main connection for an
 * in-memory store. Prepared on first use: the table does not exist before the migrations ran.
 *
 * The transaction is IMMEDIATE: it holds the write lock, so a racing process waits instead of
 * failing later; inserts never overwrite, and whatever is stored wins. Fresh REAIDs are drawn by
 * `newReaids`.
 */
export function prepareGetOrCreate(
  db: Database.Database,
): (namespace: string, emails: readonly string[], now: string, key: Uint8Array) => string[] {
  const select = db.prepare<[string, string], string>(
    "SELECT reaid FROM reaids WHERE namespace = ? AND email_hash = ?",
  );
  select.pluck();
  const insert = db.prepare<[string, string, string, string]>(
    "INSERT INTO reaids (namespace, email_hash, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  return (namespace, emails, now, key) => {
    const hashes = emails.map((email) => hashAddress(key, email));
    // In hash order: neighbouring rows share index pages.
    const order = hashes.map((_, i) => i).sort((a, b) => (hashes[a]! < hashes[b]! ? -1 : 1));
    const out = new Array<string>(emails.length);
    let fresh: string[] = [];
    let next = 0;
    // Calls are nearly all-new (a back-fill) or nearly all-known (a re-run), so guess from the
    // previous e-mail: a new one is inserted straight away (its unique index is probed once, by
    // the insert), a known one is looked up first (no REAID drawn and thrown away).
    let lastWasNew = true;
    for (const i of order) {
      const email = hashes[i]!;
      let reaid: string | undefined = lastWasNew ? undefined : select.get(namespace, email);
      lastWasNew = reaid === undefined;
      while (reaid === undefined) {
        if (next === fresh.length) {
          fresh = newReaids(Math.min(4096, emails.length));
          next = 0;
        }
        const candidate = fresh[next++]!;
        // We hold the write lock, so no other process inserts this address meanwhile: nothing
        // inserted means the e-mail is already there, or, at 2^-128, the REAID collided and the
        // loop draws again.
        if (insert.run(namespace, email, candidate, now).changes === 1) reaid = candidate;
        else {
          reaid = select.get(namespace, email);
          if (reaid !== undefined) lastWasNew = false;
        }
      }
      out[i] = reaid;
    }
    return out;
  };
}
