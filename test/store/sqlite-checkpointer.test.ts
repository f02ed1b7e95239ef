import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { sqlDriverOf } from "../../src/store/sql-driver-of.ts";
import { SqliteCheckpointer } from "../../src/store/sqlite-checkpointer.ts";
import { SqliteWriteQueue } from "../../src/store/sqlite-write-queue.ts";
import { setAutocheckpoint } from "../../src/store/tune-sqlite-connection.ts";

const PAGE = 4096;

/** A WAL-mode file with one table, written by this thread's connection without auto-checkpoints. */
function walFile(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)");
  return db;
}

const walPages = (path: string) => Math.ceil(statSync(`${path}-wal`).size / PAGE);

describe("SqliteCheckpointer", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-checkpointer-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("copies committed pages back into the database file when writes stop", async () => {
    const path = join(dir, "copies.db");
    const db = walFile(path);
    const writes = new SqliteWriteQueue(() => Promise.resolve([]), 1);
    const failures: Error[] = [];
    const checkpointer = new SqliteCheckpointer(path, 5_000, writes, (error) => failures.push(error), {
      everyMs: 20,
    });
    try {
      await checkpointer.start();
      const before = statSync(path).size;
      const insert = db.prepare("INSERT INTO rows (body) VALUES (?)");
      for (let i = 0; i < 500; i++) insert.run("x".repeat(1_000));
      checkpointer.committed();
      for (let wait = 0; wait < 100 && statSync(path).size < before + 400 * 1_000; wait++) await sleep(20);
      expect(statSync(path).size).toBeGreaterThan(before + 400 * 1_000);
      expect(failures).toEqual([]);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("keeps the WAL near its limit when writes never pause", async () => {
    const path = join(dir, "bounded.db");
    const db = walFile(path);
    const writes = new SqliteWriteQueue(() => Promise.resolve([]), 1);
    const checkpointer = new SqliteCheckpointer(path, 5_000, writes, () => undefined, {
      everyMs: 5,
      walLimitPages: 300,
    });
    try {
      await checkpointer.start();
      const insert = db.prepare("INSERT INTO rows (body) VALUES (?)");
      // Back-to-back write turns, each committing 10 rows of 1 KB (3 pages or more), for well over
      // what 300 pages hold: background checkpoints alone never catch up, so without the turn the
      // WAL would hold every page committed. How far it grows between turns depends on the
      // machine's speed (the catch-up before each turn), so the bound is relative. The writes go on
      // for 3 s: under a loaded CI run a catch-up took ~0.4 s of commits, which over 1.5 s of
      // writes left the WAL at the bound (2,017 pages for a bound of 2,008).
      let commits = 0;
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline) {
        await writes.write(async () => {
          for (let i = 0; i < 10; i++) insert.run("y".repeat(1_000));
        });
        commits++;
        checkpointer.committed();
        // As a server does between requests: timers and the thread's replies get their turn.
        await new Promise(setImmediate);
      }
      expect(commits * 3).toBeGreaterThan(10 * 300);
      expect(walPages(path)).toBeLessThan((commits * 3) / 4);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("hands checkpointing back (onFailure) when it cannot sync the files", async () => {
    // A database without a WAL file: the background sync and the catch-up cannot open it.
    const path = join(dir, "no-wal.db");
    const db = new Database(path);
    db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY)");
    db.close();
    const failures: Error[] = [];
    const writes = new SqliteWriteQueue(() => Promise.resolve([]), 1);
    const checkpointer = new SqliteCheckpointer(path, 5_000, writes, (error) => failures.push(error), {
      walLimitPages: 0,
    });
    try {
      await checkpointer.start();
      for (let wait = 0; wait < 100 && failures.length === 0; wait++) await sleep(10);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ code: "ENOENT" });
      expect(failures[0]?.message).toContain("no-wal.db-wal");
    } finally {
      await checkpointer.close();
    }
  });

  it("never cuts the WAL file in a commit once a thread checkpoints, and cuts it to 64 MB otherwise", () => {
    const db = new Database(join(dir, "pragmas.db"));
    try {
      setAutocheckpoint(db, 0);
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
      expect(db.pragma("journal_size_limit", { simple: true })).toBe(-1);
      setAutocheckpoint(db, 10_000);
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(10_000);
      expect(db.pragma("journal_size_limit", { simple: true })).toBe(64 * 1024 * 1024);
    } finally {
      db.close();
    }
  });

  it("leaves a store that serves checkpointing in its own thread readable after close", async () => {
    const url = `sqlite:${join(dir, "service.db")}`;
    const store = await openStore(url);
    await sqlDriverOf(store).prepareForService();
    const reaids = await store.getOrCreateReaids("ns", ["a@example.com", "b@example.com"]);
    await store.close();
    const again = await openStore(url);
    try {
      expect(await again.getReaid("ns", "b@example.com")).toBe(reaids.get("b@example.com"));
    } finally {
      await again.close();
    }
  });
});
