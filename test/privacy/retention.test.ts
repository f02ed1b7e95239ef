import { afterEach, describe, expect, it } from "vitest";
import { runSync } from "../../src/sync/run-sync.ts";
import { apiKey, integration, type SyncWorld, syncSeed, syncWorld } from "../sync/sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const DAY = 86_400_000;

describe("retention.deletedProfilesDays", () => {
  it("erases, after a full read, the REAIDs of addresses no full read has seen for that many days, and keeps the others", async () => {
    // One clock for emi and the sandbox: a run's time is Actito's (its answers' Date).
    let clock = Date.now();
    world = await syncWorld(syncSeed({ generate: 40 }), integration(), { now: () => clock });
    const w = world;
    const sync = (at: number, full: boolean) => {
      clock = at;
      return runSync({
        store: w.store,
        integrations: [integration()],
        secrets: { env: w.env, cwd: w.dir },
        connect: w.connect,
        pollMs: 20,
        full,
        retentionDays: 30,
        now: () => new Date(at),
      });
    };
    const start = clock;
    expect((await sync(start, true))[0]).toMatchObject({ health: "in sync" });
    const profiles = () => [...w.sandbox.profiles("acme", "acme", "16")];
    const before = new Map(profiles().map((p) => [p.profileId, p.attributes.reaid]));
    // An address GetOrCreate gave a REAID to, never in Actito; and a profile whose address changes.
    await w.store.getOrCreateReaids("1042", ["never.in.actito@acme.example"]);
    const moved = profiles()[3]!;
    const oldAddress = String(moved.attributes.emailAddress);
    const api = w.connect({ endpoint: "api3", apiKey });
    await api.patchProfile("acme", "16", String(moved.profileId), { emailAddress: "moved@acme.example" });
    await api.close();

    // Incremental runs and a full read within the period erase nothing.
    expect((await sync(start + 10 * DAY, false))[0]).toMatchObject({ failed: false });
    expect((await sync(start + 20 * DAY, true))[0]).toMatchObject({ failed: false });
    expect(await w.store.listErasures(1042)).toEqual([]);
    expect(await w.store.getReaid("1042", oldAddress)).toBe(before.get(moved.profileId));

    // 31 days after the address was last seen by a full read: erased, with a record and no address.
    expect((await sync(start + 51 * DAY, true))[0]).toMatchObject({ failed: false });
    expect(await w.store.getReaid("1042", oldAddress)).toBeNull();
    expect(await w.store.getReaid("1042", "never.in.actito@acme.example")).toBeNull();
    const erasures = await w.store.listErasures(1042);
    expect(erasures).toEqual([{ reason: "retention", erased: 2, erasedAt: expect.any(String) }]);
    // Every address still in the table keeps its REAID, in the store and in Actito.
    for (const p of profiles()) {
      if (p.profileId === moved.profileId) continue;
      expect(p.attributes.reaid).toBe(before.get(p.profileId));
      expect(await w.store.getReaid("1042", String(p.attributes.emailAddress))).toBe(p.attributes.reaid);
    }
    const movedNow = profiles().find((p) => p.profileId === moved.profileId)!;
    expect(movedNow.attributes.reaid).toBe(await w.store.getReaid("1042", "moved@acme.example"));
  });
});
