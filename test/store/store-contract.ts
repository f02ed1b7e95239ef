import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { takeLease } from "../../src/store/lease-keeper.ts";
import { LeaseLostError, LockHeldError, StoreError } from "../../src/store/errors.ts";
import { migrations, migrationsTableSql } from "../../src/store/migrations.ts";
import { REAID_PATTERN } from "../../src/store/new-reaids.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { spawnFixture } from "./child-process.ts";
import { registryWrite } from "./registry-write.ts";
import type { StoreHarness } from "./store-harness.ts";

export { registryWrite };

/** The behaviour every Store implementation must have; run once per implementation. */
export function describeStoreContract(harness: StoreHarness): void {
  describe(`${harness.label} contract`, () => {
    let url: string;
    const opened: Store[] = [];
    const open = async (at = url): Promise<Store> => {
      const store = await openStore(at);
      opened.push(store);
      return store;
    };
    const closeAll = async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => {});
    };

    beforeEach(async () => {
      url = await harness.freshUrl();
    });
    afterEach(async () => {
      await closeAll();
      await harness.cleanup();
    });

    describe("migrations", () => {
      it("opens an empty store and reopens it without migrating twice", async () => {
        const store = await open();
        await store.getOrCreateReaids("1", ["a@example.com"]);
        await closeAll();
        const again = await open();
        expect(await again.countReaids("1")).toBe(1);
      });

      it("migrates once and agrees on one fingerprint secret when two processes open a new store at once", async () => {
        const a = spawnFixture("open-and-fingerprint.ts", [url]);
        const b = spawnFixture("open-and-fingerprint.ts", [url]);
        await Promise.all([a.line((l) => l === "ready"), b.line((l) => l === "ready")]);
        a.process.stdin!.write("go\n");
        b.process.stdin!.write("go\n");
        const [fa, fb] = await Promise.all([
          a.line((l) => l.startsWith("fingerprint ")),
          b.line((l) => l.startsWith("fingerprint ")),
        ]);
        expect(fa).toBe(fb);
        expect(await (await open()).fingerprintKey("fixed-key")).toBe(fa.slice("fingerprint ".length));
      });

      it("migrates a store made by the first schema to the latest, keeping its REAIDs", async () => {
        // A store exactly as emi left it at schema version 1, with REAIDs in it.
        await harness.rawExec(
          url,
          `${migrationsTableSql};
           ${migrations[0]![harness.dialect]}
           INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial schema', 'x');
           INSERT INTO reaids (namespace, email, reaid, created_at) VALUES
             ('1042', 'b@example.com', 'reaid-of-b-0000000000b', 'x'),
             ('1042', 'a@example.com', 'reaid-of-a-0000000000a', 'x'),
             ('1042', 'B@example.com', 'reaid-of-upper-b-00000', 'x')`,
        );
        const store = (await open()) as Store & { schemaVersion(): Promise<number> };
        expect(await store.schemaVersion()).toBe(migrations.at(-1)!.version);
        const reaids = await store.getOrCreateReaids("1042", [
          "a@example.com",
          "b@example.com",
          "c@example.com",
        ]);
        expect(reaids.get("a@example.com")).toBe("reaid-of-a-0000000000a");
        expect(reaids.get("b@example.com")).toBe("reaid-of-b-0000000000b");
        // Rows are kept by hash; the row stored under an older normalisation keeps its own.
        const exported = new Map<string, string>();
        for await (const pair of store.exportReaids("1042")) exported.set(pair.emailHash, pair.reaid);
        expect(exported.size).toBe(4);
        expect(exported.get(store.addressHash("B@example.com", true)!)).toBe("reaid-of-upper-b-00000");
        expect(exported.get(store.addressHash("a@example.com")!)).toBe("reaid-of-a-0000000000a");
      });

      it("refuses a store written by a newer emi when its schema version is unknown", async () => {
        await (await open()).close();
        opened.length = 0;
        await harness.rawExec(
          url,
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')",
        );
        await expect(openStore(url)).rejects.toMatchObject({ code: "newer-schema" });
      });
    });

    describe("registry", () => {
      it("creates an integration at revision 1 with its sisters when it is new", async () => {
        const store = await open();
        const entry = await store.putIntegration(registryWrite(1042, { sisterAccounts: [1044, 1043] }));
        expect(entry).toMatchObject({ account: 1042, sisterAccounts: [1043, 1044], revision: 1 });
        expect(entry.sync).toEqual({
          health: "never",
          reason: null,
          lastRun: null,
          counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
        });
        expect((await store.findByAccount(1043))?.account).toBe(1042);
        expect((await store.findByAccount(1042))?.sisterAccounts).toEqual([1043, 1044]);
        expect(await store.findByAccount(9999)).toBeNull();
      });

      it("lists integrations ordered by owner account", async () => {
        const store = await open();
        await store.putIntegration(registryWrite(2000));
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
        const list = await store.listIntegrations();
        expect(list.map((e) => [e.account, e.sisterAccounts])).toEqual([
          [1042, [1043]],
          [2000, []],
        ]);
      });

      it("bumps the integration and registry revisions on every registry write", async () => {
        const store = await open();
        expect(await store.registryRevision()).toBe(0);
        await store.putIntegration(registryWrite(1042));
        const second = await store.putIntegration(registryWrite(1042, { entity: "other" }));
        expect(second).toMatchObject({ revision: 2, entity: "other" });
        expect(await store.registryRevision()).toBe(2);
        await store.setStatus(1042, "deactivated");
        expect(await store.findByAccount(1042)).toMatchObject({ status: "deactivated", revision: 3 });
        expect(await store.registryRevision()).toBe(3);
        await store.putIntegration(registryWrite(7));
        expect(await store.registryRevision()).toBe(4);
      });

      it("keeps revisions when only the sync status changes", async () => {
        const store = await open();
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
        await store.setSyncStatus(1043, { health: "syncing", lastRun: "2024-05-01T10:00:00.000Z" });
        await store.setSyncStatus(1042, {
          health: "degraded",
          reason: "3 rows rejected",
          counts: { seen: 10, written: 7, skipped: 0, rejected: 3 },
        });
        const entry = await store.findByAccount(1042);
        expect(entry?.sync).toEqual({
          health: "degraded",
          reason: "3 rows rejected",
          lastRun: "2024-05-01T10:00:00.000Z",
          counts: { seen: 10, written: 7, skipped: 0, rejected: 3 },
        });
        expect(entry?.revision).toBe(1);
        expect(await store.registryRevision()).toBe(1);
        // And a registry write leaves the sync status alone.
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
        expect((await store.findByAccount(1042))?.sync.health).toBe("degraded");
      });

      it("frees a sister account when the integration no longer lists it", async () => {
        const store = await open();
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [] }));
        expect(await store.findByAccount(1043)).toBeNull();
        await store.putIntegration(registryWrite(1043));
        expect((await store.findByAccount(1043))?.account).toBe(1043);
      });

      it("refuses an account that belongs to another integration, naming both", async () => {
        const store = await open();
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
        const error = await store
          .putIntegration(registryWrite(2000, { sisterAccounts: [1043], managedBy: null }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ code: "account-taken" });
        expect((error as Error).message).toMatch(/account 1043 .*account 1042.*acme\/integrations/);
        await expect(store.putIntegration(registryWrite(1043))).rejects.toMatchObject({
          code: "account-taken",
        });
        await expect(
          store.putIntegration(registryWrite(2000, { sisterAccounts: [1042] })),
        ).rejects.toMatchObject({ code: "account-taken" });
        // Nothing of the refused writes was kept.
        expect(await store.findByAccount(2000)).toBeNull();
        expect(await store.registryRevision()).toBe(1);
      });

      it("enforces one integration per account in the database itself, not only in code", async () => {
        const store = await open();
        await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
        await store.putIntegration(registryWrite(2000));
        await expect(
          harness.rawExec(url, "INSERT INTO integration_accounts (account, owner) VALUES (1043, 2000)"),
        ).rejects.toThrow(/unique|constraint/i);
      });

      it("gives a shared sister account to exactly one of two processes registering it at once", async () => {
        await (await open()).close();
        opened.length = 0;
        const a = spawnFixture("put-integration.ts", [url, "1042", "5000"]);
        const b = spawnFixture("put-integration.ts", [url, "2000", "5000"]);
        await Promise.all([a.line((l) => l === "ready"), b.line((l) => l === "ready")]);
        a.process.stdin!.write("go\n");
        b.process.stdin!.write("go\n");
        const done = (l: string) => l === "ok" || l.startsWith("taken ");
        const results = await Promise.all([a.line(done), b.line(done)]);
        expect(results.filter((r) => r === "ok")).toHaveLength(1);
        const refused = results.find((r) => r !== "ok")!;
        const winner = results[0] === "ok" ? 1042 : 2000;
        expect(refused).toContain(`account 5000 already belongs to the integration of account ${winner}`);
        const store = await open();
        expect((await store.findByAccount(5000))?.account).toBe(winner);
        expect((await store.listIntegrations()).map((e) => e.account)).toEqual([winner]);
      });

      it("refuses a status change for an account it does not know", async () => {
        const store = await open();
        await expect(store.setStatus(5, "failed")).rejects.toMatchObject({ code: "unknown-integration" });
      });
    });

    describe("key fingerprints", () => {
      it("gives the same fingerprint for the same key across reopenings and a different one per key", async () => {
        const store = await open();
        const first = await store.fingerprintKey("key-one");
        expect(first).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
        expect(await store.fingerprintKey("key-two")).not.toBe(first);
        await closeAll();
        expect(await (await open()).fingerprintKey("key-one")).toBe(first);
      });

      it("gives different fingerprints for the same key in two stores (the secret is per store)", async () => {
        const a = await open();
        const b = await open(await harness.freshUrl());
        expect(await a.fingerprintKey("same-key")).not.toBe(await b.fingerprintKey("same-key"));
      });

      it("never holds the API key anywhere in the store", async () => {
        const apiKey = "ak_live_Secret_7f3c9a1b2d4e6f80";
        const store = await open();
        await store.putIntegration(
          registryWrite(1042, { keyFingerprint: await store.fingerprintKey(apiKey) }),
        );
        const id = await store.journalBegin({
          applyId: "a1",
          account: 1042,
          step: "write-registry",
          detail: { fingerprint: await store.fingerprintKey(apiKey) },
        });
        await store.journalEnd(id, "succeeded");
        await closeAll();
        const dump = await harness.dump(url);
        expect(dump).toContain("hmac-sha256:");
        expect(dump).not.toContain(apiKey);
        expect(dump.toLowerCase()).not.toContain(apiKey.toLowerCase());
      });
    });

    describe("REAIDs", () => {
      it("creates URL-safe REAIDs once and returns the same ones afterwards", async () => {
        const store = await open();
        const first = await store.getOrCreateReaids("1042", ["a@example.com", "b@example.com"]);
        expect([...first.keys()].sort()).toEqual(["a@example.com", "b@example.com"]);
        for (const reaid of first.values()) expect(reaid).toMatch(REAID_PATTERN);
        expect(first.get("a@example.com")).not.toBe(first.get("b@example.com"));
        const again = await store.getOrCreateReaids("1042", [
          "b@example.com",
          "a@example.com",
          "c@example.com",
        ]);
        expect(again.get("a@example.com")).toBe(first.get("a@example.com"));
        expect(again.get("b@example.com")).toBe(first.get("b@example.com"));
        expect(await store.countReaids("1042")).toBe(3);
      });

      it("treats e-mails that differ only in case or surrounding spaces as one", async () => {
        const store = await open();
        const reaids = await store.getOrCreateReaids("1042", [" Ann@Example.COM ", "ann@example.com"]);
        expect(reaids.size).toBe(1);
        expect(await store.getReaid("1042", "ANN@example.com\t")).toBe(reaids.get("ann@example.com"));
      });

      it("keeps namespaces apart and never derives a REAID from the e-mail", async () => {
        const store = await open();
        const a = await store.getOrCreateReaids("1042", ["same@example.com"]);
        const b = await store.getOrCreateReaids("2000", ["same@example.com"]);
        expect(a.get("same@example.com")).not.toBe(b.get("same@example.com"));
        const other = await open(await harness.freshUrl());
        const c = await other.getOrCreateReaids("1042", ["same@example.com"]);
        expect(c.get("same@example.com")).not.toBe(a.get("same@example.com"));
        expect(await store.countReaids("2000")).toBe(1);
      });

      it("returns null for an e-mail that has no REAID", async () => {
        const store = await open();
        expect(await store.getReaid("1042", "nobody@example.com")).toBeNull();
      });

      it("refuses an empty e-mail", async () => {
        const store = await open();
        await expect(store.getOrCreateReaids("1042", ["  "])).rejects.toMatchObject({
          code: "invalid-email",
        });
      });

      it("handles calls larger than one batch and exports every pair ordered by address hash", async () => {
        const store = await open();
        const emails = Array.from({ length: 12_345 }, (_, i) => `u${i}@example.com`);
        const created = await store.getOrCreateReaids("1042", emails);
        expect(created.size).toBe(12_345);
        expect(new Set(created.values()).size).toBe(12_345);
        const exported: { emailHash: string; reaid: string }[] = [];
        for await (const pair of store.exportReaids("1042")) exported.push(pair);
        const hashes = exported.map((p) => p.emailHash);
        expect(hashes).toEqual([...hashes].sort());
        const byHash = new Map(exported.map((p) => [p.emailHash, p.reaid]));
        for (const email of emails) expect(byHash.get(store.addressHash(email)!)).toBe(created.get(email));
      });

      it("gives one REAID per e-mail when two processes create overlapping e-mails at once", async () => {
        await (await open()).close(); // migrate first, so the children race on REAIDs, not on the schema
        opened.length = 0;
        const a = spawnFixture("get-or-create.ts", [url, "1042", "0", "6000"]);
        const b = spawnFixture("get-or-create.ts", [url, "1042", "3000", "9000"]);
        await Promise.all([a.line((l) => l === "ready"), b.line((l) => l === "ready")]);
        a.process.stdin!.write("go\n");
        b.process.stdin!.write("go\n");
        const [outA, outB] = await Promise.all([
          a.line((l) => l.startsWith("{")),
          b.line((l) => l.startsWith("{")),
        ]);
        const fromA = JSON.parse(outA) as Record<string, string>;
        const fromB = JSON.parse(outB) as Record<string, string>;
        expect(Object.keys(fromA)).toHaveLength(6000);
        expect(Object.keys(fromB)).toHaveLength(6000);
        for (let i = 3000; i < 6000; i++) {
          expect(fromB[`user${i}@example.com`]).toBe(fromA[`user${i}@example.com`]);
        }
        const store = await open();
        expect(await store.countReaids("1042")).toBe(9000);
        for (let i = 2990; i < 3010; i++) {
          const email = `user${i}@example.com`;
          expect(await store.getReaid("1042", email)).toBe(fromA[email] ?? fromB[email]);
        }
      });

      it("keeps every committed REAID and opens cleanly when a process is killed mid-batch", async () => {
        await (await open()).close();
        opened.length = 0;
        const child = spawnFixture("get-or-create-forever.ts", [url, "1042"]);
        // Three calls committed, the fourth under way: kill it without warning.
        await child.line(() => child.lines().length >= 3);
        child.process.kill("SIGKILL");
        await child.exited;
        const committed = child.lines().map((l) => JSON.parse(l) as { email: string; reaid: string });
        const store = await open();
        for (const { email, reaid } of committed) expect(await store.getReaid("1042", email)).toBe(reaid);
        // Whole transactions only: calls are 20,000 e-mails, written in batches of 20,000 (SQLite)
        // or 10,000 (PostgreSQL), so a torn batch would leave a count that is not a multiple of 10,000.
        const count = await store.countReaids("1042");
        expect(count).toBeGreaterThanOrEqual(committed.length * 20_000);
        expect(count % 10_000).toBe(0);
        // And the store still works.
        const more = await store.getOrCreateReaids("1042", [committed[0]!.email, "after@example.com"]);
        expect(more.get(committed[0]!.email)).toBe(committed[0]!.reaid);
      });
    });

    describe("journal", () => {
      it("tells steps that never ended from steps that succeeded or failed", async () => {
        const store = await open();
        const first = await store.journalBegin({
          applyId: "apply-1",
          account: 1042,
          step: "add-attribute",
          detail: { attribute: "reaid" },
        });
        const second = await store.journalBegin({
          applyId: "apply-1",
          account: 1042,
          step: "write-registry",
          detail: {},
        });
        const third = await store.journalBegin({
          applyId: "apply-1",
          account: 1043,
          step: "deactivate",
          detail: {},
        });
        await store.journalEnd(first, "succeeded");
        await store.journalEnd(third, "failed", "Actito answered 500");
        const pending = await store.journalPending();
        expect(pending.map((e) => e.id)).toEqual([second]);
        expect(pending[0]).toMatchObject({ outcome: "pending", endedAt: null, step: "write-registry" });
        const all = await store.journalFor("apply-1");
        expect(all.map((e) => [e.step, e.outcome, e.error])).toEqual([
          ["add-attribute", "succeeded", null],
          ["write-registry", "pending", null],
          ["deactivate", "failed", "Actito answered 500"],
        ]);
        expect(all[0]?.detail).toEqual({ attribute: "reaid" });
        expect(all[0]?.endedAt).not.toBeNull();
        expect(await store.journalFor("apply-2")).toEqual([]);
      });
    });

    describe("sync checkpoints, rejections and import quota", () => {
      it("stores a checkpoint as given and forgets it when set to null", async () => {
        const store = await open();
        expect(await store.getCheckpoint(1042)).toBeNull();
        const checkpoint = {
          phase: "listing",
          cursor: "page-7",
          watermark: "2024-05-01T00:00:00Z",
          importsInFlight: ["imp-1", "imp-2"],
          data: { nested: { n: 1 }, list: [1, "two"] },
        };
        await store.putCheckpoint(1042, checkpoint);
        await store.putCheckpoint(1042, { ...checkpoint, cursor: "page-8" });
        expect(await store.getCheckpoint(1042)).toEqual({ ...checkpoint, cursor: "page-8" });
        await store.putCheckpoint(1042, null);
        expect(await store.getCheckpoint(1042)).toBeNull();
      });

      it("counts attempts up for the same key and reason and restarts them for a new reason", async () => {
        const store = await open();
        await store.recordRejections(1042, [
          { key: "p1", reason: "invalid e-mail" },
          { key: "p2", reason: "too long" },
        ]);
        await store.recordRejections(1042, [{ key: "p1", reason: "invalid e-mail" }]);
        await store.recordRejections(1042, [{ key: "p2", reason: "locked" }]);
        await store.recordRejections(2000, [{ key: "p1", reason: "invalid e-mail" }]);
        const list = await store.listRejections(1042);
        expect(list.map((r) => [r.key, r.reason, r.attempts])).toEqual([
          ["p1", "invalid e-mail", 2],
          ["p2", "locked", 1],
        ]);
        expect(list[0]?.lastSeen).toMatch(/^\d{4}-\d\d-\d\dT/);
        await store.clearRejections(1042, ["p1", "unknown"]);
        expect((await store.listRejections(1042)).map((r) => r.key)).toEqual(["p2"]);
        expect(await store.listRejections(2000)).toHaveLength(1);
      });

      it("counts each mass import once per table and day", async () => {
        const store = await open();
        expect(await store.countImports("customers", "2024-05-01")).toBe(0);
        await store.recordImport("customers", "2024-05-01", "imp-1");
        await store.recordImport("customers", "2024-05-01", "imp-1");
        await store.recordImport("customers", "2024-05-01", "imp-2");
        await store.recordImport("customers", "2024-05-02", "imp-3");
        await store.recordImport("others", "2024-05-01", "imp-4");
        expect(await store.countImports("customers", "2024-05-01")).toBe(2);
        expect(await store.countImports("customers", "2024-05-02")).toBe(1);
      });
    });

    describe("lease lock", () => {
      it("refuses a held lock with a message naming holder, purpose, expiry and how to break it", async () => {
        const store = await open();
        const lease = await store.acquireLock("apply", "ci@runner-1", "apply 3 integrations", 60_000);
        expect(lease).toMatchObject({ name: "apply", owner: "ci@runner-1", purpose: "apply 3 integrations" });
        expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.now() + 50_000);
        const error = await store.acquireLock("apply", "me@laptop", "apply", 60_000).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LockHeldError);
        const message = (error as Error).message;
        expect(message).toContain("ci@runner-1");
        expect(message).toContain("apply 3 integrations");
        expect(message).toContain(lease.expiresAt);
        expect(message).toContain(`emi unlock ${lease.id}`);
        // Another name is another lock.
        await expect(store.acquireLock("sync:1042", "me", "sync", 60_000)).resolves.toBeTruthy();
        expect((await store.listLocks()).map((l) => l.name)).toEqual(["apply", "sync:1042"]);
      });

      it("lets the next owner in once the lock is released", async () => {
        const store = await open();
        const lease = await store.acquireLock("apply", "a", "x", 60_000);
        await store.releaseLock(lease);
        const next = await store.acquireLock("apply", "b", "y", 60_000);
        expect(next.id).not.toBe(lease.id);
        expect(await store.listLocks()).toEqual([next]);
      });

      it("takes over an expired lease, and the old holder can no longer renew it", async () => {
        const store = await open();
        const old = await store.acquireLock("apply", "crashed", "x", 100);
        await sleep(250);
        const taken = await store.acquireLock("apply", "new", "y", 60_000);
        expect(taken.owner).toBe("new");
        await expect(store.renewLock(old, 60_000)).rejects.toMatchObject({ code: "lock-lost" });
        // The old holder releasing does not release the new holder's lease.
        await store.releaseLock(old);
        expect((await store.listLocks()).map((l) => l.id)).toEqual([taken.id]);
      });

      it("extends the expiry when the holder renews", async () => {
        const store = await open();
        const lease = await store.acquireLock("apply", "a", "x", 300);
        const renewed = await store.renewLock(lease, 60_000);
        expect(renewed.id).toBe(lease.id);
        expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(lease.expiresAt));
        await sleep(400);
        await expect(store.acquireLock("apply", "b", "y", 1000)).rejects.toBeInstanceOf(LockHeldError);
      });

      it("keeps a lease alive in the background until stopped", async () => {
        const store = await open();
        const held = await takeLease(store, { name: "apply", owner: "a", purpose: "x", ttlMs: 300 });
        await sleep(700);
        await expect(store.acquireLock("apply", "b", "y", 1000)).rejects.toBeInstanceOf(LockHeldError);
        expect(held.lost.aborted).toBe(false);
        await held.release();
        expect(await store.listLocks()).toEqual([]);
      });

      it("gives every acquisition of a name a larger fencing token, also after a release or a break", async () => {
        const store = await open();
        const first = await store.acquireLock("licence:api3/acme", "a", "sync", 60_000);
        await store.releaseLock(first);
        const second = await store.acquireLock("licence:api3/acme", "b", "sync", 60_000);
        await store.breakLock(second.id);
        const third = await store.acquireLock("licence:api3/acme", "c", "sync", 60_000);
        const other = await store.acquireLock("apply", "c", "apply", 60_000);
        expect([first.token, second.token, third.token]).toEqual([1, 2, 3]);
        expect(other.token).toBe(1);
        expect(await store.listLocks()).toEqual([other, third]);
      });

      it("commits a fenced write only while its lease is current, checked in the write's transaction", async () => {
        const store = await open();
        await store.putIntegration(registryWrite(1042));
        const old = await store.acquireLock("licence:api3/acme", "paused", "sync", 100);
        const fencedOld = store.fenced(old);
        const checkpoint = {
          phase: "idle" as const,
          cursor: null,
          watermark: "w1",
          importsInFlight: [],
          data: {},
        };
        await fencedOld.putCheckpoint(1042, checkpoint);
        expect(await store.getCheckpoint(1042)).toMatchObject({ watermark: "w1" });
        await sleep(250);
        // Expired but not taken over: no newer holder, so the token is still current.
        await fencedOld.setSyncStatus(1042, { health: "syncing" });
        const newer = await store.acquireLock("licence:api3/acme", "newer", "sync", 60_000);
        await store.fenced(newer).putCheckpoint(1042, { ...checkpoint, watermark: "w2" });
        await expect(
          fencedOld.putCheckpoint(1042, { ...checkpoint, watermark: "stale" }),
        ).rejects.toBeInstanceOf(LeaseLostError);
        await expect(fencedOld.setSyncStatus(1042, { health: "in sync" })).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        await expect(
          fencedOld.putIntegration(registryWrite(1042, { email: "x@y.example" })),
        ).rejects.toBeInstanceOf(LeaseLostError);
        await expect(fencedOld.recordRejections(1042, [{ key: "1", reason: "r" }])).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        await expect(
          fencedOld.recordSuccess(1042, {
            at: "2026-01-01T00:00:00.000Z",
            full: true,
            skipped: 0,
            rejectionsLeft: 0,
          }),
        ).rejects.toBeInstanceOf(LeaseLostError);
        const entry = await store.findByAccount(1042);
        expect(entry).toMatchObject({ email: registryWrite(1042).email, sync: { health: "syncing" } });
        expect(await store.getCheckpoint(1042)).toMatchObject({ watermark: "w2" });
        expect(await store.listRejections(1042)).toEqual([]);
        expect(await store.listSchedule()).toEqual([]);
        // Reads are not fenced; a released lease fences its own holder out too.
        expect(await fencedOld.getCheckpoint(1042)).toMatchObject({ watermark: "w2" });
        await store.releaseLock(newer);
        await expect(store.fenced(newer).putCheckpoint(1042, null)).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.getCheckpoint(1042)).toMatchObject({ watermark: "w2" });
      });

      it("creates REAIDs under a lease only while it is current, checked inside the batch's transaction", async () => {
        const store = await open();
        const old = await store.acquireLock("licence:api3/acme", "paused", "sync", 100);
        const few = ["a@example.com", "b@example.com"];
        // From 5,000 addresses the SQLite store hashes in its address-hash thread; below, in its
        // write thread: both ways carry the fence into the transaction.
        const many = Array.from({ length: 6_000 }, (_, i) => `p${i}@example.com`);
        const created = await store.fenced(old).getOrCreateReaids("7", few);
        expect(created.size).toBe(2);
        await sleep(250);
        const newer = await store.acquireLock("licence:api3/acme", "newer", "sync", 60_000);
        for (const emails of [few.concat("c@example.com"), many]) {
          await expect(store.fenced(old).getOrCreateReaids("7", emails)).rejects.toBeInstanceOf(
            LeaseLostError,
          );
        }
        expect(await store.countReaids("7")).toBe(2);
        // The current holder creates them, and the known ones keep their REAIDs.
        const now = await store.fenced(newer).getOrCreateReaids("7", [...few, ...many]);
        expect(now.size).toBe(6_002);
        expect(now.get("a@example.com")).toBe(created.get("a@example.com"));
        expect(await store.countReaids("7")).toBe(6_002);
        await store.releaseLock(newer);
        await expect(store.fenced(newer).getOrCreateReaids("7", ["d@example.com"])).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        expect(await store.countReaids("7")).toBe(6_002);
      });

      it("confirms a held lease before an unfenced write, and says lease lost once it was taken over", async () => {
        const store = await open();
        const held = await takeLease(store, { name: "apply", owner: "a", purpose: "x", ttlMs: 60_000 });
        await held.confirm();
        await store.breakLock(held.current().id);
        await store.acquireLock("apply", "b", "y", 60_000);
        await expect(held.confirm()).rejects.toThrow(/^lease lost: the "apply" lease \(token 1\)/);
        expect(held.lost.aborted).toBe(true);
        await held.release();
        expect((await store.listLocks()).map((l) => l.owner)).toEqual(["b"]);
      });

      it("breaks a lock by id on purpose and says whether there was one", async () => {
        const store = await open();
        const lease = await store.acquireLock("apply", "a", "x", 60_000);
        expect(await store.breakLock("no-such-id")).toBe(false);
        expect(await store.breakLock(lease.id)).toBe(true);
        expect(await store.listLocks()).toEqual([]);
        await expect(store.renewLock(lease, 1000)).rejects.toMatchObject({ code: "lock-lost" });
      });

      it("waits for a held lock and gets it when the holder releases it in time", async () => {
        const store = await open();
        const held = await store.acquireLock("apply", "a", "x", 60_000);
        const waits: string[] = [];
        setTimeout(() => void store.releaseLock(held), 300);
        const lease = await takeLease(store, {
          name: "apply",
          owner: "b",
          purpose: "y",
          ttlMs: 60_000,
          waitMs: 10_000,
          pollMs: 50,
          onWait: (e) => waits.push(e.holder.owner),
        });
        expect(lease.current().owner).toBe("b");
        await lease.release();
        expect(waits.length).toBeGreaterThan(0);
        expect(waits[0]).toBe("a");
      });

      it("gives up waiting after the timeout with a message naming the holder", async () => {
        const store = await open();
        await store.acquireLock("apply", "ci@runner-9", "nightly apply", 60_000);
        const error = await takeLease(store, {
          name: "apply",
          owner: "b",
          purpose: "y",
          ttlMs: 60_000,
          waitMs: 200,
          pollMs: 50,
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LockHeldError);
        expect((error as Error).message).toMatch(/ci@runner-9.*nightly apply.*waited/);
      });

      it("lets exactly one of two processes take the lock when they try at once", async () => {
        await (await open()).close();
        opened.length = 0;
        const a = spawnFixture("take-lock.ts", [url, "proc-a"]);
        const b = spawnFixture("take-lock.ts", [url, "proc-b"]);
        await Promise.all([a.line((l) => l === "ready"), b.line((l) => l === "ready")]);
        a.process.stdin!.write("go\n");
        b.process.stdin!.write("go\n");
        const results = await Promise.all([
          a.line((l) => l === "won" || l === "held"),
          b.line((l) => l === "won" || l === "held"),
        ]);
        const winner = results[0] === "won" ? "proc-a" : "proc-b";
        expect([...results].sort()).toEqual(["held", "won"]);
        const locks = await (await open()).listLocks();
        expect(locks).toHaveLength(1);
        expect(locks[0]?.owner).toBe(winner);
      });
    });
  });
}
