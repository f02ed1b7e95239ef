import type Database from "better-sqlite3";

/** WAL pages after which a connection's commit also checkpoints, unless a checkpoint thread does. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Settings every emi connection to a SQLite store shares (the main one and the write worker's):
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
