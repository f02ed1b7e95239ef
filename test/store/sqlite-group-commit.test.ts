import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { spawnFixture } from "./child-process.ts";
import { registryWrite } from "./store-contract.ts";

/** user<from>..user<to-1>@example.com */
const users = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `user${from + i}@example.com`);

/** Every (namespace, e-mail) → REAID a set of calls returned, failing on any disagreement. */
function merged(calls: { namespace: string; reaids: Map<string, string> }[]): Map<string, string> {
  const all = new Map<string, string>();
  for (const { namespace, reaids } of calls) {
    for (const [email, reaid] of reaids) {
      const key = `${namespace} ${email}`;
      expect(all.get(key) ?? reaid).toBe(reaid);
      all.set(key, reaid);
    }
  }
  return all;
}

describe("SQLite group commit", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-group-commit-"));
  const opened: Store[] = [];
  const open = async (name: string) => {
    const store = await openStore(`sqlite:${join(dir, name)}`);
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives one REAID per e-mail and namespace, unique across namespaces, when many calls overlap", async () => {
    const store = await open("overlap.db");
    // 60 calls at once: the first goes alone, the others wait and are committed in groups.
    const asked: { namespace: string; emails: string[] }[] = [];
    for (let start = 0; start < 2_000; start += 100) {
      for (const namespace of ["a", "b", "c"]) asked.push({ namespace, emails: users(start, start + 150) });
    }
    const calls = await Promise.all(
      asked.map(async ({ namespace, emails }) => ({
        namespace,
        reaids: await store.getOrCreateReaids(namespace, emails),
      })),
    );
    const all = merged(calls);
    expect(all.size).toBe(3 * 2_050);
    expect(new Set(all.values()).size).toBe(3 * 2_050);
    for (const namespace of ["a", "b", "c"]) expect(await store.countReaids(namespace)).toBe(2_050);
    // The same calls one after another now find exactly what the concurrent ones created.
    for (const { namespace, emails } of asked) {
      const again = await store.getOrCreateReaids(namespace, emails);
      for (const [email, reaid] of again) expect(reaid).toBe(all.get(`${namespace} ${email}`));
    }
    expect(await store.getReaid("b", "user1999@example.com")).toBe(all.get("b user1999@example.com"));
  });

  it("fails only the caller whose batch fails when batches share a transaction", async () => {
    const store = await open("one-fails.db");
    await store.getOrCreateReaids("ns", ["warm@example.com"]);
    const db = new Database(join(dir, "one-fails.db"));
    // The store keeps keyed hashes, not addresses: the trigger refuses the bad address's hash.
    const badHash = store.addressHash("bad@example.com");
    db.exec(`CREATE TRIGGER refuse_bad BEFORE INSERT ON reaids WHEN NEW.email_hash = '${badHash}'
             BEGIN SELECT RAISE(ABORT, 'bad e-mail refused'); END`);
    db.close();
    // The first call goes alone; the next ones wait for it and form one group.
    const first = store.getOrCreateReaids("ns", users(0, 500));
    const good = [
      store.getOrCreateReaids("ns", users(500, 600)),
      store.getOrCreateReaids("other", users(0, 100)),
    ];
    const bad = store.getOrCreateReaids("ns", ["bad@example.com", "alsobad@example.com"]);
    const last = store.getOrCreateReaids("ns", users(600, 700));
    await expect(bad).rejects.toThrow("bad e-mail refused");
    const [a, b, c, d] = await Promise.all([first, ...good, last]);
    expect([a!.size, b!.size, c!.size, d!.size]).toEqual([500, 100, 100, 100]);
    expect(await store.getReaid("ns", "user650@example.com")).toBe(d!.get("user650@example.com"));
    // The failed batch left nothing behind, not even its e-mail that broke no rule.
    expect(await store.getReaid("ns", "alsobad@example.com")).toBeNull();
    expect(await store.countReaids("ns")).toBe(1 + 700);
  });

  it("answers reads while the worker commits a large batch", async () => {
    const store = await open("reads.db");
    await store.putIntegration(registryWrite(7));
    const events: string[] = [];
    const creating = store.getOrCreateReaids("ns", users(0, 100_000)).then(() => events.push("created"));
    const read = store.findByAccount(7).then((entry) => events.push(`read ${entry?.account}`));
    await Promise.all([creating, read]);
    expect(events).toEqual(["read 7", "created"]);
  });

  it("commits the batches asked for before close when close does not wait for them", async () => {
    const store = await openStore(`sqlite:${join(dir, "close.db")}`);
    const calls = [0, 1, 2, 3].map((n) => store.getOrCreateReaids("ns", users(n * 100, n * 100 + 100)));
    const closed = store.close();
    const results = await Promise.all(calls);
    await closed;
    const reopened = await open("close.db");
    expect(await reopened.countReaids("ns")).toBe(400);
    expect(await reopened.getReaid("ns", "user399@example.com")).toBe(results[3]!.get("user399@example.com"));
  });

  it("keeps one REAID per e-mail when two processes group overlapping calls on one file", async () => {
    const url = `sqlite:${join(dir, "two-processes.db")}`;
    await (await openStore(url)).close(); // migrate first, so the children race on REAIDs
    const one = spawnFixture("get-or-create-many.ts", [url, "0", "1500"]);
    const two = spawnFixture("get-or-create-many.ts", [url, "1000", "2500"]);
    await Promise.all([one.line((l) => l === "ready"), two.line((l) => l === "ready")]);
    one.process.stdin!.write("go\n");
    two.process.stdin!.write("go\n");
    const [outOne, outTwo] = await Promise.all([
      one.line((l) => l.startsWith("{")),
      two.line((l) => l.startsWith("{")),
    ]);
    const calls = [outOne, outTwo].flatMap((out) =>
      Object.entries(JSON.parse(out) as Record<string, Record<string, string>>).map(([namespace, pairs]) => ({
        namespace,
        reaids: new Map(Object.entries(pairs)),
      })),
    );
    const all = merged(calls);
    expect(all.size).toBe(3 * 2_500);
    expect(new Set(all.values()).size).toBe(3 * 2_500);
    const store = await open("two-processes.db");
    for (const namespace of ["a", "b", "c"]) {
      expect(await store.countReaids(namespace)).toBe(2_500);
      expect(await store.getReaid(namespace, "user1200@example.com")).toBe(
        all.get(`${namespace} user1200@example.com`),
      );
    }
  });
});
