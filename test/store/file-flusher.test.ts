import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { FileFlusher } from "../../src/store/file-flusher.ts";

/** A database file and its WAL, as plain files. */
function files(path: string): string {
  writeFileSync(path, Buffer.alloc(64 * 1024, 1));
  writeFileSync(`${path}-wal`, Buffer.alloc(64 * 1024, 2));
  return path;
}

/** Whether this process holds a POSIX lock on the file (Linux's /proc/locks). */
function holdsLock(path: string): boolean {
  const inode = statSync(path).ino;
  return readFileSync("/proc/locks", "utf8")
    .split("\n")
    .some(
      (line) => line.includes(` POSIX `) && line.includes(` ${process.pid} `) && line.includes(`:${inode} `),
    );
}

/** A WAL-mode database with a table, and its connection. */
function walDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY)");
  db.prepare("INSERT INTO rows DEFAULT VALUES").run();
  return db;
}

describe("FileFlusher", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-flusher-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("syncs a database file and its WAL, and says how long it took", async () => {
    const flusher = new FileFlusher(files(join(dir, "one.db")));
    try {
      const ms = await flusher.flush();
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(ms)).toBe(true);
      expect(await flusher.descriptors()).toHaveLength(2);
    } finally {
      await flusher.close();
    }
  });

  it("runs one flush at a time: asks during a flush share the one that follows it", async () => {
    const flusher = new FileFlusher(files(join(dir, "shared.db")));
    try {
      const first = flusher.flush();
      const second = flusher.flush();
      const third = flusher.flush();
      expect(second).not.toBe(first);
      expect(third).toBe(second);
      await Promise.all([first, second, third]);
      // Once both ended, an ask starts a flush of its own.
      const fourth = flusher.flush();
      expect(fourth).not.toBe(second);
      await fourth;
    } finally {
      await flusher.close();
    }
  });

  it("rejects with the file system's error while the WAL is missing, and tries again later", async () => {
    const path = join(dir, "later.db");
    writeFileSync(path, "a database, no WAL yet");
    const flusher = new FileFlusher(path);
    try {
      await expect(flusher.flush()).rejects.toMatchObject({ code: "ENOENT", path: `${path}-wal` });
      writeFileSync(`${path}-wal`, "now it exists");
      await expect(flusher.flush()).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      await flusher.close();
    }
  });

  it("never drops SQLite's lock on the database file, even once closed", async () => {
    const path = join(dir, "locked.db");
    const db = walDatabase(path);
    try {
      expect(holdsLock(path)).toBe(true);
      const flusher = new FileFlusher(path);
      await flusher.flush();
      const [database] = await flusher.descriptors();
      await flusher.close();
      expect(holdsLock(path)).toBe(true);
      // A second flusher on the same file reuses the open descriptor, and closing it changes nothing.
      const again = new FileFlusher(path);
      expect((await again.descriptors())[0]).toBe(database);
      await again.close();
      expect(holdsLock(path)).toBe(true);
    } finally {
      db.close();
    }
  });

  it("(why) a descriptor of the database file closed elsewhere drops SQLite's lock", () => {
    const path = join(dir, "dropped.db");
    const db = walDatabase(path);
    try {
      expect(holdsLock(path)).toBe(true);
      closeSync(openSync(path, "r"));
      expect(holdsLock(path)).toBe(false);
    } finally {
      db.close();
    }
  });
});
