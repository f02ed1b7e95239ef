import type Database from "better-sqlite3";
import { newReaids } from "./new-reaids.ts";

/** One caller's e-mails (normalised, unique, sorted) in one namespace, and its creation time. */
export interface ReaidBatch {
  namespace: string;
  emails: readonly string[];
  now: string;
}

/**
 * The REAIDs of `emails` (normalised, unique, sorted) in `namespace`, in the same order, created if
 * missing: the SQLite store's REAID hot path, run inside a write transaction (see
 * prepareWriteTransaction), by the write worker for a file and on the main connection for an
 * in-memory store. Prepared on first use: the table does not exist before the migrations ran.
 *
 * The transaction is IMMEDIATE: it holds the write lock, so a racing process waits instead of
 * failing later; inserts never overwrite, and whatever is stored wins. Fresh REAIDs are drawn by
 * `newReaids`.
 */
export function prepareGetOrCreate(
  db: Database.Database,
): (namespace: string, emails: readonly string[], now: string) => string[] {
  const select = db.prepare<[string, string], string>(
    "SELECT reaid FROM reaids WHERE namespace = ? AND email = ?",
  );
  select.pluck();
  const insert = db.prepare<[string, string, string, string]>(
    "INSERT INTO reaids (namespace, email, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  return (namespace, emails, now) => {
    const out = new Array<string>(emails.length);
    let fresh: string[] = [];
    let next = 0;
    // Calls are nearly all-new (a back-fill) or nearly all-known (a re-run), so guess from the
    // previous e-mail: a new one is inserted straight away (its unique index is probed once, by
    // the insert), a known one is looked up first (no REAID drawn and thrown away).
    let lastWasNew = true;
    for (let i = 0; i < emails.length; i++) {
      const email = emails[i]!;
      let reaid: string | undefined = lastWasNew ? undefined : select.get(namespace, email);
      lastWasNew = reaid === undefined;
      while (reaid === undefined) {
        if (next === fresh.length) {
          fresh = newReaids(Math.min(4096, emails.length));
          next = 0;
        }
        const candidate = fresh[next++]!;
        // We hold the write lock, so no other process inserts this e-mail meanwhile: nothing
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
