import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { groupByLicence, licenceOf } from "../../src/sync/licence-lease.ts";
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

describe("the licence lease", () => {
  it("names a licence by endpoint and entity and groups integrations by it", () => {
    const a = integration();
    const b = integration({ account: 1043 });
    const c = integration({ account: 2000, actito: { ...integration().actito, entity: "other" } });
    expect(licenceOf(a)).toBe("api3/acme");
    expect([...groupByLicence([a, c, b])].map(([l, g]) => [l, g.map((i) => i.account)])).toEqual([
      ["api3/acme", [1042, 1043]],
      ["api3/other", [2000]],
    ]);
  });

  it("skips the integration, names the holder and marks it due when another worker holds the licence", async () => {
    world = await syncWorld(syncSeed({ generate: 100 }));
    await world.store.acquireLock("licence:api3/acme", "emi@ci-runner-7:4242", "sync", 60_000);
    const [result] = await sync(world);
    expect(result).toMatchObject({
      health: "skipped",
      failed: false,
      // The holder travels as data: nobody parses it back out of the reason.
      outcome: { kind: "skipped-busy", holder: "emi@ci-runner-7:4242" },
    });
    expect(result?.outcome.kind === "skipped-busy" && Date.parse(result.outcome.until)).toBeGreaterThan(0);
    expect(result?.reason).toBe("licence busy (emi@ci-runner-7:4242)");
    expect(world.sandbox.stats().tables["acme/16"]?.pagesListed).toBe(0);
    const [entry] = await world.store.listSchedule();
    expect(entry).toMatchObject({ account: 1042, dueReason: "licence busy (emi@ci-runner-7:4242)" });
  });

  it("takes over at once when the holder was a process on this host that no longer exists", async () => {
    world = await syncWorld(syncSeed({ generate: 100 }));
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await world.store.acquireLock("licence:api3/acme", `emi@${hostname()}:${gone}`, "sync", 60_000);
    const [result] = await sync(world);
    expect(result).toMatchObject({ health: "in sync", counts: { written: 100 } });
    expect(await world.store.listLocks()).toEqual([]);
    const [entry] = await world.store.listSchedule();
    expect(entry).toMatchObject({ account: 1042, failures: 0, dueReason: null, withoutReaid: 0 });
    expect(entry?.lastSuccessAt).not.toBeNull();
  });
});
