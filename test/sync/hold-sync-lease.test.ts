import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { runSync } from "../../src/sync/run-sync.ts";
import { integration, type SyncWorld, syncSeed, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sync = (w: SyncWorld) =>
  runSync({
    store: w.store,
    integrations: [integration()],
    secrets: { env: w.env, cwd: w.dir },
    connect: w.connect,
    pollMs: 20,
  });

describe("the sync lease", () => {
  it("skips the integration and names the holder when another runner is syncing it", async () => {
    world = await syncWorld(syncSeed({ generate: 100 }));
    await world.store.acquireLock("sync:1042", "emi@ci-runner-7:4242", "sync", 60_000);
    const [result] = await sync(world);
    expect(result).toMatchObject({ health: "skipped", failed: false });
    expect(result?.reason).toContain("emi@ci-runner-7:4242");
    expect(world.sandbox.stats().tables["acme/16"]?.pagesListed).toBe(0);
  });

  it("takes over at once when the holder was a process on this host that no longer exists", async () => {
    world = await syncWorld(syncSeed({ generate: 100 }));
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await world.store.acquireLock("sync:1042", `emi@${hostname()}:${gone}`, "sync", 60_000);
    const [result] = await sync(world);
    expect(result).toMatchObject({ health: "in sync", counts: { written: 100 } });
    expect(await world.store.listLocks()).toEqual([]);
  });
});
