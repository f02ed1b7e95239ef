import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";

const AT = "2026-01-01T00:00:00.000Z";

/** A delivery of events for profiles `from`..`to - 1`. */
const delivery = (from: number, to: number, eventType = "CREATE") =>
  Array.from({ length: to - from }, (_, i) => ({ profileId: String(from + i), eventType }));

describe("WebhookInboxSql on a SQLite file (group commit)", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-inbox-"));
  const opened: Store[] = [];
  const open = async (name: string) => {
    const store = await openStore(`sqlite:${join(dir, name)}`);
    opened.push(store);
    return { store, inbox: store };
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps one row per profile with its seq when overlapping deliveries arrive at once", async () => {
    const { inbox } = await open("overlap.db");
    // 40 deliveries of 150 profiles, each starting 50 after the one before: profiles 0..2099, most
    // of them in three deliveries.
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => inbox.addInboxEvents(7, delivery(n * 50, n * 50 + 150), AT)),
    );
    expect(await inbox.countInbox()).toBe(2_100);
    const rows = await inbox.peekInbox(7, 5_000);
    const seqs = rows.reduce((sum, row) => sum + row.seq, 0);
    expect(seqs).toBe(40 * 150);
    expect(rows.find((row) => row.profileId === "0")?.seq).toBe(1);
    expect(rows.find((row) => row.profileId === "120")?.seq).toBe(3);
  });

  it("acknowledges a delivery only once another connection reads its events", async () => {
    const { inbox } = await open("committed.db");
    await inbox.addInboxEvents(9, delivery(0, 10), AT);
    const pending = [
      inbox.addInboxEvents(9, delivery(10, 510), AT),
      inbox.addInboxEvents(9, delivery(510, 600), AT),
    ];
    await pending[0];
    const other = new Database(join(dir, "committed.db"), { readonly: true });
    try {
      const count = other.prepare("SELECT COUNT(*) AS n FROM webhook_inbox WHERE account = 9").get() as {
        n: number;
      };
      expect(count.n).toBeGreaterThanOrEqual(510);
    } finally {
      other.close();
    }
    await pending[1];
  });

  it("fails only the delivery whose insert fails when deliveries share a transaction", async () => {
    const { inbox } = await open("one-fails.db");
    const db = new Database(join(dir, "one-fails.db"));
    db.exec(`CREATE TRIGGER refuse_bad BEFORE INSERT ON webhook_inbox WHEN NEW.profile_id = 'bad'
             BEGIN SELECT RAISE(ABORT, 'bad profile refused'); END`);
    db.close();
    // The first delivery goes alone; the next ones wait for it and are committed as one group.
    const first = inbox.addInboxEvents(3, delivery(0, 300), AT);
    const good = inbox.addInboxEvents(3, delivery(300, 400), AT);
    const bad = inbox.addInboxEvents(
      3,
      [
        { profileId: "ok-but-with-bad", eventType: "CREATE" },
        ...delivery(0, 0),
        { profileId: "bad", eventType: "CREATE" },
      ],
      AT,
    );
    const last = inbox.addInboxEvents(4, delivery(0, 50), AT);
    await expect(bad).rejects.toThrow("bad profile refused");
    await Promise.all([first, good, last]);
    expect(await inbox.countInbox()).toBe(400 + 50);
    expect((await inbox.peekInbox(3, 1_000)).some((row) => row.profileId === "ok-but-with-bad")).toBe(false);
  });
});
