import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { sqliteHarness } from "./store-harness.ts";
import { describeStoreContract } from "./store-contract.ts";
import { describeStoreRolesContract } from "./store-roles-contract.ts";

describeStoreContract(sqliteHarness());
describeStoreRolesContract(sqliteHarness());

describe("SqliteStore write worker", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-sqlite-worker-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the main thread free while it creates REAIDs when a call is large", async () => {
    const store = await openStore(`sqlite:${join(dir, "free.db")}`);
    try {
      const emails = Array.from({ length: 100_000 }, (_, i) => `user${i}@example.com`);
      // On the main thread, one synchronous transaction per 50,000 e-mails would let the timer fire
      // at most between the two transactions.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 2);
      const reaids = await store.getOrCreateReaids("ns", emails);
      clearInterval(timer);
      expect(reaids.size).toBe(100_000);
      expect(ticks).toBeGreaterThan(5);
      // Written through the worker's connection, read back through the main one.
      expect(await store.getReaid("ns", "user99999@example.com")).toBe(reaids.get("user99999@example.com"));
      expect(await store.countReaids("ns")).toBe(100_000);
    } finally {
      await store.close();
    }
  });

  it("gives every e-mail one REAID when calls overlap on one store", async () => {
    const store = await openStore(`sqlite:${join(dir, "overlap.db")}`);
    try {
      const a = Array.from({ length: 3_000 }, (_, i) => `p${i}@example.com`);
      const b = Array.from({ length: 3_000 }, (_, i) => `p${i + 1_500}@example.com`);
      const [ra, rb] = await Promise.all([
        store.getOrCreateReaids("ns", a),
        store.getOrCreateReaids("ns", b),
      ]);
      for (let i = 1_500; i < 3_000; i++)
        expect(rb.get(`p${i}@example.com`)).toBe(ra.get(`p${i}@example.com`));
      expect(await store.countReaids("ns")).toBe(4_500);
      expect(new Set([...ra.values(), ...rb.values()]).size).toBe(4_500);
    } finally {
      await store.close();
    }
  });

  // 1,000 addresses are hashed in the write thread, 5,000 in the address-hash thread: same order.
  it.each([1_000, 5_000])(
    "hands a batch's new REAIDs out in the order of the addresses' hashes, so both indexes fill in order (%i)",
    async (count) => {
      const path = join(dir, `ordered-${count}.db`);
      const store = await openStore(`sqlite:${path}`);
      const emails = Array.from({ length: count }, (_, i) => `ordered${i}@example.com`);
      try {
        const reaids = await store.getOrCreateReaids("ns", emails);
        expect(new Set(reaids.values()).size).toBe(count);
        // Each e-mail got its own REAID back, whichever thread hashed it.
        for (const email of emails.slice(0, 50))
          expect(await store.getReaid("ns", email)).toBe(reaids.get(email));
      } finally {
        await store.close();
      }
      const db = new Database(path, { readonly: true });
      try {
        const byHash = db
          .prepare("SELECT reaid FROM reaids WHERE namespace = 'ns' ORDER BY email_hash")
          .pluck()
          .all() as string[];
        expect(byHash).toHaveLength(count);
        // Ordered by their first characters (prefixOrder), so only hashes sharing those can swap
        // neighbours: a handful of descents, where a random pairing would give about half the rows.
        let descents = 0;
        for (let k = 1; k < byHash.length; k++) {
          if (Buffer.compare(Buffer.from(byHash[k - 1]!), Buffer.from(byHash[k]!)) > 0) descents++;
        }
        expect(descents).toBeLessThan(10);
      } finally {
        db.close();
      }
    },
  );

  it("refuses REAID calls after close when the store is closed", async () => {
    const store = await openStore(`sqlite:${join(dir, "closed.db")}`);
    await store.getOrCreateReaids("ns", ["a@example.com"]);
    await store.close();
    await expect(store.getOrCreateReaids("ns", ["b@example.com"])).rejects.toThrow();
  });
});
