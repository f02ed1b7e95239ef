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
 * Usage: `npx tsx bench/reaid-index.ts [count]`. Checks that every row is there; exits 1 if not.
 */
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

const count = Number(process.argv[2] ?? 1_000_000);
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

try {
  for (const mode of ["sequential", "shuffled", "hashed"] as const) run(mode);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
