import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { SqliteCheckpointer } from "../../src/store/sqlite-checkpointer.ts";
import { SqliteWriteQueue } from "../../src/store/sqlite-write-queue.ts";
import { setAutocheckpoint } from "../../src/store/tune-sqlite-connection.ts";

/** A WAL-mode file with one table, written by this thread's connection without auto-checkpoints. */
function walFile(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)");
  return db;
}

/** The WAL header's checkpoint sequence number: it grows by one each time a writer starts the WAL over. */
function walCheckpointSequence(path: string): number {
  const header = Buffer.alloc(32);
  const fd = openSync(`${path}-wal`, "r");
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

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
      // Event, not clock: the test's timeout bounds the wait, however slow the machine.
      while (statSync(path).size <= before + 400 * 1_000) await sleep(20);
      expect(statSync(path).size).toBeGreaterThan(before + 400 * 1_000);
      expect(failures).toEqual([]);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("starts the WAL over once it reaches its limit, though writes never pause", async () => {
    const path = join(dir, "bounded.db");
    const db = walFile(path);
    const queue = new SqliteWriteQueue(() => Promise.resolve([]), 1);
    // The checkpointer's own write turns (the test's writes go to the queue directly).
    let turns = 0;
    const writes = {
      write: async <T>(fn: () => Promise<T>) => {
        const result = await queue.write(fn);
        turns++;
        return result;
      },
    } as SqliteWriteQueue;
    const checkpointer = new SqliteCheckpointer(path, 5_000, writes, () => undefined, {
      everyMs: 5,
      walLimitPages: 300,
    });
    try {
      await checkpointer.start();
      const insert = db.prepare("INSERT INTO rows (body) VALUES (?)");
      insert.run("first");
      const startedOver = walCheckpointSequence(path);
      // Back-to-back write turns, each committing 10 rows of 1 KB: background checkpoints alone
      // never find the whole WAL copied, so without a turn no writer would ever start it over and
      // it would hold every page committed. Counted in events (the checkpointer's turns), never in
      // time: a slow or busy machine only takes longer.
      let commits = 0;
      while (turns < 3) {
        await queue.write(async () => {
          for (let i = 0; i < 10; i++) insert.run("y".repeat(1_000));
        });
        commits++;
        checkpointer.committed();
        // As a server does between requests: timers and the thread's replies get their turn.
        await new Promise(setImmediate);
      }
      // A turn comes only once the WAL holds 300 pages, and a commit of 10 KB adds at most 10 (its
      // data pages, the table's interior pages): so 30 commits or more go by before each turn.
      expect(commits).toBeGreaterThanOrEqual(3 * 30);
      // Each turn copied everything, and a writer after it started the WAL over (the WAL header's
      // checkpoint sequence counts those restarts).
      expect(walCheckpointSequence(path) - startedOver).toBeGreaterThanOrEqual(2);
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
      while (failures.length === 0) await sleep(10);
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
    await store.prepareForService();
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
