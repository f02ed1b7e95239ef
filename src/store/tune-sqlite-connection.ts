import type Database from "better-sqlite3";

/**
 * WAL pages after which a connection's commit also checkpoints, unless a checkpoint thread does:
 * about 400 MB of 4 KiB pages. A back-fill's REAID batches rewrite most pages of the random address
 * index each time, and a checkpoint copies each page once however often it was rewritten since the
 * last one: 1M REAIDs took 13.2 s with this against 15.1 s with 10,000 pages (bench/sync.md). The
 * file is cut back to 64 MB after (setAutocheckpoint).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 100_000;

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
  setAutocheckpoint(db, WAL_AUTOCHECKPOINT_PAGES);
  return WAL_AUTOCHECKPOINT_PAGES;
}

/**
 * How a connection's commits treat the WAL: with `pages` > 0 the commit that makes the WAL this
 * long checkpoints it, and the first commit after the WAL started over cuts the file back to
 * 64 MB (disk given back after a big back-fill). With 0 a checkpoint thread does that work (see
 * SqliteCheckpointer), and the file is never cut: a service reuses it from its start, and a cut
 * of a few hundred MB in a commit held writers up to 200 ms under a GetOrCreate flood
 * (bench/serve.md). The last connection to close deletes the WAL file either way.
 */
export function setAutocheckpoint(db: Database.Database, pages: number): void {
  db.pragma(`wal_autocheckpoint = ${pages}`);
  db.pragma(`journal_size_limit = ${pages > 0 ? 67_108_864 : -1}`);
}
