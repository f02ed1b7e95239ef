import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/store/errors.ts";
import { openStore } from "../../src/store/open-store.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

describe("openStore", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "emi-open-store-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("opens a SQLite file relative to cwd and creates its folders when they are missing", async () => {
    const store = await openStore("sqlite:.emi/deep/state.db", { cwd: dir });
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect(existsSync(join(dir, ".emi", "deep", "state.db"))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("keeps a sqlite::memory: store in memory, creating REAIDs without a file or a worker", async () => {
    const store = await openStore("sqlite::memory:", { cwd: dir });
    try {
      const first = await store.getOrCreateReaids("1042", ["a@example.com", "b@example.com"]);
      const again = await store.getOrCreateReaids("1042", ["b@example.com", "c@example.com"]);
      expect(first.size).toBe(2);
      expect(again.get("b@example.com")).toBe(first.get("b@example.com"));
      expect(await store.countReaids("1042")).toBe(3);
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(":memory:")).toBe(false);
    } finally {
      await store.close();
    }
    const fresh = await openStore("sqlite::memory:");
    try {
      expect(await fresh.countReaids("1042")).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("refuses an unknown scheme with a message naming the accepted ones and not the URL", async () => {
    const error = await openStore("mysql://root:hunter2@db/emi").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "invalid-url" });
    expect((error as Error).message).toContain("mysql:");
    expect((error as Error).message).toContain("sqlite:PATH");
    expect((error as Error).message).toContain("postgres://");
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("refuses sqlite: without a path and a bare path without a scheme", async () => {
    await expect(openStore("sqlite:")).rejects.toMatchObject({ code: "invalid-url" });
    await expect(openStore(".emi/state.db")).rejects.toMatchObject({ code: "invalid-url" });
  });

  it("refuses a PostgreSQL schema name that is not a plain identifier", async () => {
    await expect(openStore("postgres://u@127.0.0.1:1/db?schema=x;drop")).rejects.toMatchObject({
      code: "invalid-url",
    });
  });

  it("reports an unreachable PostgreSQL server without its password", async () => {
    const error = await openStore("postgresql://emi:pw-Secret-42@127.0.0.1:1/emi").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect((error as Error).message).toContain("127.0.0.1:1/emi");
    expect((error as Error).message).not.toContain("pw-Secret-42");
  });
});
