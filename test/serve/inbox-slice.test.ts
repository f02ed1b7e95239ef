import { afterEach, describe, expect, it } from "vitest";
import { connectActito } from "../../src/actito/connect-actito.ts";
import { validateDirectory } from "../../src/config/validate-directory.ts";
import { InboxWorker } from "../../src/serve/inbox-worker.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { INBOX_SLICE_PURPOSE } from "../../src/sync/licence-lease.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { createWorld, type World } from "../e2e/e2e-harness.ts";

let world: World | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await world?.close();
  store = undefined;
  world = undefined;
});

async function until(read: () => Promise<boolean>): Promise<void> {
  while (!(await read())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("the licence between the inbox worker and a due sync", () => {
  it("a sync waits for the inbox worker's slice, the worker starts no new one, and the sync drains the inbox", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const s = await openStore(world.storeUrl);
    store = s;
    const inbox = s;
    const declared = (await validateDirectory("integrations", { cwd: world.dir })).declared;
    const nordlys = declared.find((d) => d.integration.account === 1042)!.integration;
    const worker = new InboxWorker({
      store: s,
      inbox,
      lookup: s,
      integrationFor: (account) => (account === 1042 ? nordlys : null),
      secrets: { env: world.env, cwd: world.dir },
    });
    await inbox.addInboxEvents(
      1042,
      Array.from({ length: 40 }, (_, i) => ({ profileId: String(i + 1), eventType: "UPDATE" })),
      new Date(Date.now() - 1000).toISOString(),
    );

    // An inbox slice holds the licence (another serve process).
    const slice = await s.acquireLock("licence:api3/nordlys", "emi@serve-1:77", INBOX_SLICE_PURPOSE, 60_000);
    const syncing = runSync({
      store: s,
      integrations: [nordlys],
      secrets: { env: world.env, cwd: world.dir },
      connect: connectActito(world.env),
    });
    // The sync says it waits; meanwhile no inbox worker starts a slice on that licence.
    await until(async () => (await s.listLocks()).some((l) => l.name === "licence-wanted:api3/nordlys"));
    expect(await worker.drainOnce()).toBe(0);
    expect(await inbox.countInboxOf(1042)).toBe(40);
    expect((await s.listLocks()).filter((l) => l.name === "licence:api3/nordlys")).toHaveLength(1);
    // The slice ends: the waiting sync takes the licence.
    await s.releaseLock(slice);

    const [result] = await syncing;
    expect(result?.outcome).toEqual({ kind: "synced", health: "in sync" });
    expect(result?.inbox).toEqual({ drained: 40, waiting: 0 });
    expect((await s.listLocks()).map((l) => l.name)).toEqual([]);
    await worker.close();
  }, 60_000);

  it("a sync skipped because another sync holds the licence says since when", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.withStore((st) => st.acquireLock("licence:api3/nordlys", "emi@ci-7:42", "sync", 60_000));
    const sync = await world.run(["sync", "--account", "1042"]);
    expect(sync.code).toBe(0);
    expect(sync.out).toMatch(/1042 skipped: licence busy \(emi@ci-7:42\), busy for \d+s \(another process/);
  }, 60_000);
});
