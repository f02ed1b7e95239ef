import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { sqlDriverOf } from "../../src/store/sql-driver-of.ts";
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
    const probe = async () =>
      (
        await sqlDriverOf(store).all<{ value: string }>(
          "SELECT value FROM store_meta WHERE key = 'readiness-probe'",
        )
      )[0]?.value;
    expect(await ready()).toEqual({ ok: true });
    expect(await probe()).toBe("2026-12-01T10:00:00.000Z");
    clock += 2_000;
    expect(await ready()).toEqual({ ok: true });
    expect(await probe()).toBe("2026-12-01T10:00:00.000Z");
    clock += 1_000;
    await ready();
    expect(await probe()).toBe("2026-12-01T10:00:03.000Z");

    await sqlDriverOf(store).exec(
      "CREATE TRIGGER no_writes BEFORE UPDATE ON store_meta BEGIN SELECT RAISE(ABORT, 'read-only'); END",
    );
    clock += 3_000;
    const refused = await ready();
    expect(refused.ok).toBe(false);
    expect(refused.why).toMatch(/^SQLite store: /);
    await store.close();
  });
});
