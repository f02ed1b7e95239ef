import { afterEach, describe, expect, it } from "vitest";
import { runSync } from "../../src/sync/run-sync.ts";
import { getCheckpointFacts } from "./identity-helpers.ts";
import { patchProfiles, seedWith, snapshot } from "./ownership-fixture.ts";
import { assertExact, integration, type SyncWorld, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function sync(w: SyncWorld) {
  const [result] = await runSync({
    store: w.store,
    integrations: [integration()],
    secrets: { env: w.env, cwd: w.dir },
    connect: w.connect,
    pollMs: 20,
  });
  return result!;
}

describe("e-mail identity in the sync", () => {
  it("gives the Kelvin-sign address and the plain one two REAIDs when both are in a unique table", async () => {
    world = await syncWorld(
      seedWith({
        generate: 3,
        profiles: [{ emailAddress: "\u212Aate@x.example" }, { emailAddress: "kate@x.example" }],
      }),
    );
    expect((await sync(world)).health).toBe("in sync");
    await assertExact(world);
    const after = snapshot(world);
    const kelvin = after.get(4)!.reaid;
    const plain = after.get(5)!.reaid;
    expect(typeof kelvin).toBe("string");
    expect(typeof plain).toBe("string");
    expect(kelvin).not.toBe(plain);
    expect(await world.store.getReaid("1042", "\u212Aate@x.example")).toBe(kelvin);
    expect(await world.store.getReaid("1042", "KATE@x.example")).toBe(plain);
  });

  it("converges within two runs when two profiles swap e-mail addresses, REAIDs following their e-mails", async () => {
    world = await syncWorld(seedWith({ generate: 20 }));
    expect((await sync(world)).health).toBe("in sync");
    const r3 = await world.store.getReaid("1042", "user-3@acme.example");
    const r4 = await world.store.getReaid("1042", "user-4@acme.example");
    // The e-mail attribute is unique: swap through a temporary address, as a person would.
    await patchProfiles(world, [
      { ref: "3", attributes: { emailAddress: "tmp@acme.example" } },
      { ref: "4", attributes: { emailAddress: "user-3@acme.example" } },
      { ref: "3", attributes: { emailAddress: "user-4@acme.example" } },
    ]);

    const first = await sync(world);
    expect(first.health).toBe("in sync");
    expect(first.reason).toContain("2 profiles carry the REAID of another e-mail (e.g. profiles 3, 4)");
    expect(first.counts.rejected).toBe(0);
    const facts = await getCheckpointFacts(world.store, 1042);
    expect(facts?.mismatched).toBe(2);

    const second = await sync(world);
    expect(second.health).toBe("in sync");
    expect(second.counts.rejected).toBe(0);
    await assertExact(world);
    const after = snapshot(world);
    expect(after.get(3)!.reaid).toBe(r4);
    expect(after.get(4)!.reaid).toBe(r3);
    expect((await getCheckpointFacts(world.store, 1042))?.mismatched).toBe(0);
  });

  it("keeps a REAID stored under the older lower-casing and re-keys it when the profile's address has non-ASCII capitals", async () => {
    world = await syncWorld(seedWith({ generate: 2, profiles: [{ emailAddress: "ÉLODIE@x.example" }] }));
    // As an older emi stored it: keyed by Unicode lower-case.
    const ownership = world.store;
    await ownership.adoptReaids("1042", [{ email: "élodie@x.example", reaid: "LegacyReaid0000000000A" }]);
    await patchProfiles(world, [{ ref: "3", attributes: { reaid: "LegacyReaid0000000000A" } }]);

    expect((await sync(world)).health).toBe("in sync");
    expect(snapshot(world).get(3)!.reaid).toBe("LegacyReaid0000000000A");
    expect(await world.store.getReaid("1042", "ÉLODIE@x.example")).toBe("LegacyReaid0000000000A");
    await assertExact(world);
  });

  it("leaves a legacy-keyed REAID on its profile, for a person, when the new key got another REAID first", async () => {
    world = await syncWorld(seedWith({ generate: 2, profiles: [{ emailAddress: "ÉLODIE@x.example" }] }));
    const ownership = world.store;
    await ownership.adoptReaids("1042", [{ email: "élodie@x.example", reaid: "LegacyReaid0000000000A" }]);
    await patchProfiles(world, [{ ref: "3", attributes: { reaid: "LegacyReaid0000000000A" } }]);
    // e.g. GetOrCreate handed out a REAID for the address under the new key before any sync re-keyed it.
    const fresh = (await world.store.getOrCreateReaids("1042", ["ÉLODIE@x.example"])).get("Élodie@x.example");
    expect(fresh).toBeDefined();

    const result = await sync(world);
    expect(result.health).toBe("degraded");
    expect(result.reason).toContain("left for a person (profiles 3)");
    expect(snapshot(world).get(3)!.reaid).toBe("LegacyReaid0000000000A");
  });
});
