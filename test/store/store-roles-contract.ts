import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { registryWrite } from "./registry-write.ts";
import type { StoreHarness } from "./store-harness.ts";

/**
 * The roles of the Store that `emi serve` and `--watch` use (sync schedule, webhook inbox, realtime
 * accounts, REAID lookup, service keys): reached through the Store like every other role, with the
 * same behaviour on both databases.
 */
export function describeStoreRolesContract(harness: StoreHarness): void {
  describe(`${harness.label} roles of emi serve and --watch`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await harness.freshUrl());
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });

    it("keeps the sync schedule: a success clears a mark, a failure counts", async () => {
      await store.markDue(1042, "licence busy (emi@a:1)", "2026-12-01T10:00:00.000Z");
      expect(await store.listSchedule()).toMatchObject([
        { account: 1042, dueReason: "licence busy (emi@a:1)" },
      ]);
      await store.recordSuccess(1042, {
        at: "2026-12-01T10:01:00.000Z",
        full: true,
        skipped: 2,
        rejectionsLeft: 1,
      });
      expect(await store.recordFailure(1050, "2026-12-01T10:02:00.000Z")).toBe(1);
      expect(await store.recordFailure(1050, "2026-12-01T10:03:00.000Z")).toBe(2);
      const schedule = new Map((await store.listSchedule()).map((entry) => [entry.account, entry]));
      expect(schedule.get(1042)).toMatchObject({
        dueReason: null,
        lastSuccessAt: "2026-12-01T10:01:00.000Z",
        lastFullAt: "2026-12-01T10:01:00.000Z",
        failures: 0,
      });
      expect(schedule.get(1050)).toMatchObject({ failures: 2, lastSuccessAt: null });
    });

    it("fills and empties the webhook inbox, one row per profile", async () => {
      await store.addInboxEvents(1042, [{ profileId: "1", eventType: "CREATE" }], "2026-12-01T10:00:00.000Z");
      await store.addInboxEvents(
        1042,
        [
          { profileId: "1", eventType: "UPDATE" },
          { profileId: "2", eventType: "CREATE" },
        ],
        "2026-12-01T10:00:09.000Z",
      );
      expect(await store.countInbox()).toBe(2);
      expect(await store.accountsWithInbox()).toEqual([1042]);
      const events = await store.peekInbox(1042, 10);
      expect(events.map((event) => [event.profileId, event.eventType, event.seq])).toEqual([
        ["1", "UPDATE", 2],
        ["2", "CREATE", 1],
      ]);
      // A newer event for profile 2 arrives while the worker works: only profile 1 goes.
      await store.addInboxEvents(1042, [{ profileId: "2", eventType: "UPDATE" }], "2026-12-01T10:00:10.000Z");
      await store.removeInboxEvents(events);
      expect((await store.peekInbox(1042, 10)).map((event) => event.profileId)).toEqual(["2"]);
      expect(await store.removeInboxEventsBefore(1042, "2026-12-01T10:00:11.000Z")).toBe(1);
      expect(await store.countInbox()).toBe(0);
    });

    it("accepts a replaced webhook secret for ten minutes after a rotation, then only the new one", async () => {
      await store.putWebhookSecret(1042, "aa", "env:K", "2026-12-01T10:00:00.000Z");
      expect(await store.webhookSecretHashes(1042, "2026-12-01T10:00:01.000Z")).toEqual(["aa"]);
      await store.putWebhookSecret(1042, "bb", "env:K", "2026-12-01T11:00:00.000Z");
      expect(await store.webhookSecretHashes(1042, "2026-12-01T11:09:00.000Z")).toEqual(["bb", "aa"]);
      expect(await store.webhookSecretHashes(1042, "2026-12-01T11:11:00.000Z")).toEqual(["bb"]);
      expect(await store.realtimeAccounts()).toEqual(
        new Map([[1042, { secretRef: "env:K", secretHash: "bb" }]]),
      );
      await store.deleteWebhookSecret(1042);
      expect(await store.webhookSecretHashes(1042, "2026-12-01T11:09:00.000Z")).toEqual([]);
      expect(await store.realtimeAccounts()).toEqual(new Map());
    });

    it("finds the holder of a REAID, and a service key by its hash", async () => {
      await store.putIntegration(registryWrite(1042));
      const reaids = await store.getOrCreateReaids("1042", ["ada@example.com"]);
      // The namespace only: the store keeps no address to answer with.
      expect(await store.findReaid(reaids.get("ada@example.com")!)).toEqual({ namespace: "1042" });
      expect(await store.findReaid("no-such-reaid")).toBeNull();
      const record = {
        id: "key_0001",
        account: 1042,
        name: "shop",
        scope: "reaid" as const,
        createdAt: "2026-12-01T10:00:00.000Z",
        lastUsedAt: null,
        revokedAt: null,
      };
      expect(await store.insertApiKey(record, "ab".repeat(32))).toMatch(/^int_[0-9a-f]{16}$/);
      expect(await store.findServiceKey("ab".repeat(32))).toEqual({
        id: "key_0001",
        scope: "reaid",
        keyHash: "ab".repeat(32),
        owner: 1042,
        status: "active",
      });
      expect(await store.revokeApiKey("key_0001", "2026-12-01T11:00:00.000Z")).toBe(true);
      expect(await store.revokeApiKey("key_nope", "2026-12-01T11:00:00.000Z")).toBe(false);
      expect(await store.listApiKeys()).toMatchObject([
        { id: "key_0001", revokedAt: "2026-12-01T11:00:00.000Z" },
      ]);
    });
  });
}
