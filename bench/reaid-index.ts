/**
 * What a REAID table's address key costs SQLite on its own, apart from emi: 1,000,000 inserts in
 * transactions of 25,000 (a sync's batch, sorted by key as emi sorts it) into a table laid out like
 * emi's (`reaids`: a rowid table with a unique index on the address key and one on the REAID), with
 * three kinds of key:
 *
 * - `sequential`: the address itself, in the order the sandbox lists its profiles (`user0000001@…`
 *   in profile order): every batch lands at the end of the index;
 * - `shuffled`: the same addresses in a random order, as a real table's addresses are against its
 *   profile ids;
 * - `hashed`: the HMAC-SHA-256 of each address (base64url, 43 characters), as the store keeps them
 *   since issue 28, hashed in the timed loop as emi's write thread does.
 *
 * Then `layout`: emi's rows as they are written today (22-character hashes in index order, fresh
 * REAIDs sorted and paired with them: prepareGetOrCreate), hashes drawn outside the timed loop, in
 * four settings that bound what any change to batching could win:
 *
 * - `25k-4MB`: transactions of 25,000 and a 4 MB page cache, as the write thread runs a back-fill;
 * - `100k-4MB`: transactions of 100,000 (four batches per commit);
 * - `one-256MB`: the whole million in one transaction with a 256 MB cache: SQLite's floor for this
 *   layout, no commit to speak of and every page in memory;
 * - `no-reaid-index`: 25,000 and 4 MB without the REAID's unique index (what that index costs).
 *
 * Usage: `npx tsx bench/reaid-index.ts [count] [keys|layout|all]`. Checks that every row is there;
 * exits 1 if not.
 */
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { newReaids } from "../src/store/new-reaids.ts";

const count = Number(process.argv[2] ?? 1_000_000);
const which = process.argv[3] ?? "all";
const batch = 25_000;
const key = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), "emi-bench-reaid-index-"));

function run(mode: "sequential" | "shuffled" | "hashed"): void {
  const path = join(dir, `${mode}.db`);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -16384");
  db.exec(`CREATE TABLE reaids (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, address_key TEXT NOT NULL,
    reaid TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE UNIQUE INDEX reaids_key ON reaids (namespace, address_key);
    CREATE UNIQUE INDEX reaids_reaid ON reaids (reaid);`);
  const insert = db.prepare(
    "INSERT INTO reaids (namespace, address_key, reaid, created_at) VALUES (?, ?, ?, ?)",
  );
  const order = Array.from({ length: count }, (_, i) => i);
  if (mode === "shuffled") {
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const now = new Date().toISOString();
  const write = db.transaction((keys: string[]) => {
    const fresh = randomBytes(16 * keys.length);
    for (let i = 0; i < keys.length; i++) {
      insert.run("1042", keys[i]!, fresh.toString("base64url", i * 16, i * 16 + 16), now);
    }
  });
  const started = performance.now();
  for (let start = 0; start < count; start += batch) {
    const keys: string[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const address = `user${String(order[i]).padStart(7, "0")}@example.com`;
      keys.push(mode === "hashed" ? createHmac("sha256", key).update(address).digest("base64url") : address);
    }
    keys.sort();
    write.immediate(keys);
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = db.prepare("SELECT count(*) FROM reaids").pluck().get() as number;
  db.close();
  if (rows !== count) {
    console.error(`${mode}: ${rows} rows of ${count}: the run did not do its work`);
    process.exit(1);
  }
  const mb = statSync(path).size / 1e6;
  console.log(
    `${mode.padEnd(10)} ${seconds.toFixed(1)} s for ${count.toLocaleString("en")} rows (${mb.toFixed(0)} MB file)`,
  );
}

function layout(name: string, perCommit: number, cacheKib: number, reaidIndex: boolean): void {
  const path = join(dir, `${name}.db`);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`cache_size = ${-cacheKib}`);
  db.pragma("wal_autocheckpoint = 100000");
  db.exec(`CREATE TABLE reaids (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, reaid TEXT NOT NULL,
    created_at TEXT NOT NULL, email_hash TEXT, seen_at TEXT);
    CREATE UNIQUE INDEX reaids_email_hash ON reaids (namespace, email_hash);
    ${reaidIndex ? "CREATE UNIQUE INDEX reaids_reaid ON reaids (reaid);" : ""}`);
  const insert = db.prepare(
    "INSERT INTO reaids (namespace, email_hash, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const now = new Date().toISOString();
  // Drawn and sorted before the clock starts: only SQLite's work is timed.
  const batches: { hashes: string[]; reaids: string[] }[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    batches.push({ hashes: newReaids(size).sort(), reaids: newReaids(size).sort() });
  }
  const write = db.transaction((group: typeof batches) => {
    let inserted = 0;
    for (const { hashes, reaids } of group) {
      for (let i = 0; i < hashes.length; i++)
        inserted += insert.run("1042", hashes[i]!, reaids[i]!, now).changes;
    }
    return inserted;
  });
  const started = performance.now();
  let inserted = 0;
  const step = Math.max(1, Math.round(perCommit / batch));
  for (let at = 0; at < batches.length; at += step) inserted += write.immediate(batches.slice(at, at + step));
  const seconds = (performance.now() - started) / 1000;
  const rows = db.prepare("SELECT count(*) FROM reaids").pluck().get() as number;
  db.close();
  if (rows !== count || inserted !== count) {
    console.error(`${name}: ${rows} rows (${inserted} inserted) of ${count}: the run did not do its work`);
    process.exit(1);
  }
  console.log(`${name.padEnd(15)} ${seconds.toFixed(1)} s for ${count.toLocaleString("en")} rows`);
}

try {
  if (which === "keys" || which === "all") {
    for (const mode of ["sequential", "shuffled", "hashed"] as const) run(mode);
  }
  if (which === "layout" || which === "all") {
    layout("25k-4MB", 25_000, 4_096, true);
    layout("100k-4MB", 100_000, 4_096, true);
    layout("one-256MB", count, 262_144, true);
    layout("no-reaid-index", 25_000, 4_096, false);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
