import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { describeStoreContract } from "./store-contract.ts";
import { sqliteHarness } from "./store-harness.ts";

describeStoreContract(sqliteHarness());

describe("SqliteStore pages", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "emi-sqlite-pages-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pageSize = (path: string): unknown => {
    const db = new Database(path, { readonly: true });
    try {
      return db.pragma("page_size", { simple: true });
    } finally {
      db.close();
    }
  };

  it("creates a new store with 64 KiB pages", async () => {
    const path = join(dir, "state.db");
    await (await SqliteStore.open(path)).close();
    expect(pageSize(path)).toBe(65_536);
  });

  it("opens and uses a store made with 4 KiB pages without changing them", async () => {
    const path = join(dir, "state.db");
    const old = new Database(path);
    old.pragma("page_size = 4096");
    old.pragma("journal_mode = WAL");
    old.exec("CREATE TABLE before_emi (x INTEGER)");
    old.close();
    const store = await SqliteStore.open(path);
    try {
      const reaids = await store.getOrCreateReaids("1042", ["a@example.com", "b@example.com"]);
      expect(await store.getReaid("1042", "a@example.com")).toBe(reaids.get("a@example.com"));
    } finally {
      await store.close();
    }
    expect(pageSize(path)).toBe(4096);
  });
});
