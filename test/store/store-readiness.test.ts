import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import Database from "better-sqlite3";
import { storeReadiness } from "../../src/store/store-readiness.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("storeReadiness", () => {
  it("writes a probe row, keeps the answer for the cache time, and says why when the store cannot be written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-ready-"));
    dirs.push(dir);
    const store = await openStore(`sqlite:${join(dir, "state.db")}`);
    let clock = Date.parse("2026-12-01T10:00:00Z");
    const ready = storeReadiness(store, { cacheMs: 3_000, now: () => clock });
    const raw = <T>(fn: (db: Database.Database) => T): T => {
      const db = new Database(join(dir, "state.db"));
      try {
        return fn(db);
      } finally {
        db.close();
      }
    };
    const probe = async () =>
      raw(
        (db) =>
          (
            db.prepare("SELECT value FROM store_meta WHERE key = 'readiness-probe'").get() as {
              value: string;
            }
          ).value,
      );
    expect(await ready()).toEqual({ ok: true });
    expect(await probe()).toBe("2026-12-01T10:00:00.000Z");
    clock += 2_000;
    expect(await ready()).toEqual({ ok: true });
    expect(await probe()).toBe("2026-12-01T10:00:00.000Z");
    clock += 1_000;
    await ready();
    expect(await probe()).toBe("2026-12-01T10:00:03.000Z");

    raw((db) =>
      db.exec(
        "CREATE TRIGGER no_writes BEFORE UPDATE ON store_meta BEGIN SELECT RAISE(ABORT, 'read-only'); END",
      ),
    );
    clock += 3_000;
    const refused = await ready();
    expect(refused.ok).toBe(false);
    expect(refused.why).toMatch(/^SQLite store: /);
    await store.close();
  });
});
