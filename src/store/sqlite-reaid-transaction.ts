import type Database from "better-sqlite3";
import { newReaids } from "./new-reaids.ts";

/** One caller's e-mails (normalised, unique, sorted) in one namespace, and its creation time. */
export interface ReaidBatch {
  namespace: string;
  emails: readonly string[];
  now: string;
}

/**
 * The REAIDs of each batch, in the order of its e-mails, created if missing: all batches in one
 * transaction (group commit), which commits them all or none.
 */
export type ReaidTransaction = (batches: readonly ReaidBatch[]) => string[][];

/** WAL pages after which a connection's commit also checkpoints, unless a checkpoint thread does. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Settings every emi connection to a SQLite store shares (the main one and the REAID worker's):
 * synchronous=NORMAL is durable against a process crash (not a power cut), which is what we face;
 * big REAID transactions grow the WAL file, so it is checkpointed less often and given back after.
 * `cacheKib` is the page cache (see SqliteDriver for why it differs between connections). Returns
 * the auto-checkpoint it set.
 */
export function tuneSqliteConnection(db: Database.Database, cacheKib: number): number {
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma(`cache_size = ${-cacheKib}`);
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma("journal_size_limit = 67108864");
  return WAL_AUTOCHECKPOINT_PAGES;
}

/**
 * The one REAID transaction of the SQLite store, run by the worker thread (SqliteReaidWorker) for a
 * file and on the main connection for an in-memory store. Prepared on first use: the table does not
 * exist before the migrations ran.
 *
 * IMMEDIATE takes the write lock up front, so a racing process waits instead of failing later;
 * inserts never overwrite, and whatever is stored wins. Fresh REAIDs are drawn by `newReaids`.
 */
export function prepareReaidTransaction(db: Database.Database): ReaidTransaction {
  const select = db.prepare<[string, string], string>(
    "SELECT reaid FROM reaids WHERE namespace = ? AND email = ?",
  );
  select.pluck();
  const insert = db.prepare<[string, string, string, string]>(
    "INSERT INTO reaids (namespace, email, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const getOrCreate = (namespace: string, emails: readonly string[], now: string): string[] => {
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
  // Batches of one group keep their own order and their own created_at; they are not merged into
  // one sorted list, since SQLite has a single writer (no lock order to keep across processes).
  const transaction = db.transaction((batches: readonly ReaidBatch[]) =>
    batches.map((batch) => getOrCreate(batch.namespace, batch.emails, batch.now)),
  );
  return transaction.immediate;
}
