import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { seedWith, snapshot } from "./ownership-fixture.ts";
import { integration, type SyncWorld, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
const extraStores: Store[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of extraStores.splice(0)) await s.close();
  await world?.close();
  world = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const loyalty = {
  name: "loyaltyCode",
  type: "CUSTOM",
  valueType: "STRING",
  unique: true,
  valueRestriction: { maxLength: 64 },
} as const;

async function sync(w: SyncWorld, store: Store, overrides: Parameters<typeof integration>[0] = {}) {
  const [result] = await runSync({
    store,
    integrations: [integration(overrides)],
    secrets: { env: w.env, cwd: w.dir },
    connect: w.connect,
    pollMs: 20,
  });
  return result!;
}

async function freshStore(w: SyncWorld): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), "emi-fresh-store-"));
  dirs.push(dir);
  const store = await openStore(`sqlite:${join(dir, "fresh.db")}`);
  extraStores.push(store);
  const entry = (await w.store.findByAccount(1042))!;
  const { revision: _r, updatedAt: _u, sync: _s, ...write } = entry;
  await store.putIntegration(write);
  return store;
}

describe("sync and values emi did not write", () => {
  it("writes nothing when a compatible attribute holds other data, and says how many and where", async () => {
    const profiles = Array.from({ length: 600 }, (_, i) => ({
      emailAddress: `member-${i}@acme.example`,
      loyaltyCode: `LOY-${String(i + 1).padStart(6, "0")}`,
    }));
    world = await syncWorld(seedWith({ generate: 400, attributes: [loyalty], profiles }));
    const before = snapshot(world);
    const actito = { ...integration().actito, reaidAttribute: "loyaltyCode" };
    const result = await sync(world, world.store, { actito });
    expect(result.health).toBe("degraded");
    expect(result.reason).toContain(
      "attribute loyaltyCode holds 600 values emi did not write (e.g. profiles 401, 402, 403)",
    );
    expect(result.reason).toContain("adoptExistingReaids: true");
    expect(result.reason).not.toContain("@");
    expect(snapshot(world)).toEqual(before);
    expect(await world.store.countReaids("1042")).toBe(0);
    const stats = world.sandbox.stats().tables["acme/16"]!;
    expect(stats.patches).toBe(0);
    // Refused again on the next run: it never becomes "in sync" by itself.
    expect((await sync(world, world.store, { actito })).health).toBe("degraded");
    expect(snapshot(world)).toEqual(before);
  });

  it("refuses a fresh store against a synced table, then adopts every REAID unchanged when asked", async () => {
    world = await syncWorld(seedWith({ generate: 2000 }));
    expect((await sync(world, world.store)).health).toBe("in sync");
    const synced = snapshot(world);
    const fresh = await freshStore(world);

    const refused = await sync(world, fresh);
    expect(refused.health).toBe("degraded");
    expect(refused.reason).toContain(
      "attribute reaid holds 2,000 values emi did not write (e.g. profiles 1, 2, 3)",
    );
    expect(snapshot(world)).toEqual(synced);
    expect(await fresh.countReaids("1042")).toBe(0);

    const actito = { ...integration().actito, adoptExistingReaids: true as const };
    const adopted = await sync(world, fresh, { actito });
    expect(adopted.health).toBe("in sync");
    expect(adopted.reason).toContain("2000 existing REAIDs adopted");
    expect(snapshot(world)).toEqual(synced);
    for (const [, attributes] of synced) {
      expect(await fresh.getReaid("1042", String(attributes.emailAddress))).toBe(attributes.reaid);
    }
    // And the next run changes nothing.
    expect((await sync(world, fresh, { actito })).health).toBe("in sync");
    expect(snapshot(world)).toEqual(synced);
  });

  it("adopts what is unambiguous, gives new REAIDs to empty profiles and leaves the rest for a person", async () => {
    const raptor = (n: number) => `raptor${String(n).padStart(16, "0")}`;
    world = await syncWorld(
      seedWith({
        generate: 10,
        emailUnique: false,
        profiles: [
          { emailAddress: "ann@acme.example", reaid: raptor(1) },
          { emailAddress: "bob@acme.example", reaid: raptor(2) },
          { emailAddress: "Bob@acme.example", reaid: raptor(3) },
          { emailAddress: "cy@acme.example", reaid: "not url safe" },
          { emailAddress: "cy@acme.example", reaid: null },
        ],
      }),
    );
    const before = snapshot(world);
    const actito = { ...integration().actito, adoptExistingReaids: true as const };
    const result = await sync(world, world.store, { actito });
    expect(result.health).toBe("degraded");
    expect(result.reason).toContain("1 existing REAIDs adopted");
    expect(result.reason).toContain("2 profiles of e-mails holding two values");
    expect(result.reason).toContain("1 value that is not URL-safe");
    expect(result.reason).toContain("left for a person (profiles 12, 13, 14)");
    expect(result.reason).not.toContain("@");
    const after = snapshot(world);
    for (const id of [11, 12, 13, 14, 15]) expect(after.get(id)).toEqual(before.get(id));
    expect(await world.store.getReaid("1042", "ann@acme.example")).toBe(raptor(1));
    expect(await world.store.getReaid("1042", "bob@acme.example")).toBeNull();
    expect(await world.store.getReaid("1042", "cy@acme.example")).toBeNull();
    for (let id = 1; id <= 10; id++) {
      const p = after.get(id)!;
      expect(p.reaid).toBe(await world.store.getReaid("1042", String(p.emailAddress)));
      expect(p.reaid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it("never writes to an attribute that cannot hold REAIDs", async () => {
    world = await syncWorld(seedWith({ generate: 50 }));
    const before = snapshot(world);
    const actito = { ...integration().actito, reaidAttribute: "firstName" };
    const result = await sync(world, world.store, { actito });
    expect(result.failed).toBe(true);
    expect(result.reason).toContain("reaid-attribute-conflict");
    expect(snapshot(world)).toEqual(before);
  });
});
