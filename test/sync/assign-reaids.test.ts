import { afterEach, describe, expect, it } from "vitest";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import type { Lease, Store } from "../../src/store/store.ts";
import { assignReaids, type ListedPage } from "../../src/sync/assign-reaids.ts";
import { profileEmail } from "../../src/sync/profile-fields.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { apiKey, assertExact, integration, type SyncWorld, syncSeed, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The store, with every getOrCreateReaids call's e-mail count recorded. */
function countingStore(store: Store, calls: number[]): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === "getOrCreateReaids") {
        return (namespace: string, emails: readonly string[]) => {
          calls.push(emails.length);
          return target.getOrCreateReaids(namespace, emails);
        };
      }
      // A run writes through the store fenced by its licence lease: count there too.
      if (property === "fenced") return (lease: Lease) => countingStore(target.fenced(lease), calls);
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("assignReaids", () => {
  it("serves every page in order with its e-mails' REAIDs when several pages share one store call", async () => {
    world = await syncWorld(syncSeed({ generate: 1000, profiles: [{ emailAddress: null, firstName: "x" }] }));
    const w = world;
    const api = w.connect({ endpoint: "api3", apiKey });
    const listed = api.listProfiles("acme", "16", { pageSize: 100, attributes: ["emailAddress", "reaid"] });
    const calls: number[] = [];
    const store = countingStore(w.store, calls);
    const served: ListedPage[] = [];
    for await (const { page, reaids } of assignReaids(listed[Symbol.asyncIterator](), {
      emailOf: (profile) => profileEmail(profile.attributes.emailAddress),
      reaidOf: (profile) => profile.attributes.reaid,
      getOrCreate: (emails) => store.getOrCreateReaids("1042", emails),
      batchProfiles: 250,
    })) {
      served.push(page);
      for (const email of page.emails) {
        if (email === null) continue;
        expect(reaids.get(normaliseEmail(email))).toBe(await w.store.getReaid("1042", email));
      }
    }
    // 1,001 profiles in pages of 100: three pages (300 profiles) a call, the last call the rest.
    expect(served.map((page) => page.profileIds.length)).toEqual([...Array(10).fill(100), 1]);
    expect(served.flatMap((page) => page.profileIds)).toEqual(
      [...world.sandbox.profiles("acme", "acme", "16")].map((p) => p.profileId),
    );
    expect(served.flatMap((page) => page.emails).filter((email) => email === null)).toHaveLength(1);
    expect(calls).toEqual([300, 300, 300, 100]);
    expect(await w.store.countReaids("1042")).toBe(1000);
  });

  it("calls afterFullBatch once per full batch, after its REAIDs are back and before its pages are served", async () => {
    world = await syncWorld(syncSeed({ generate: 1000 }));
    const w = world;
    const api = w.connect({ endpoint: "api3", apiKey });
    const listed = api.listProfiles("acme", "16", { pageSize: 100, attributes: ["emailAddress", "reaid"] });
    const events: string[] = [];
    let calls = 0;
    for await (const { page } of assignReaids(listed[Symbol.asyncIterator](), {
      emailOf: (profile) => profileEmail(profile.attributes.emailAddress),
      reaidOf: (profile) => profile.attributes.reaid,
      getOrCreate: async (emails) => {
        const reaids = await w.store.getOrCreateReaids("1042", emails);
        events.push(`reaids ${++calls}`);
        return reaids;
      },
      batchProfiles: 300,
      afterFullBatch: () => events.push("collect"),
    })) {
      events.push(`page ${page.profileIds.length}`);
    }
    // 1,000 profiles in pages of 100, 300 a call: three full calls and a last one of 100, which is
    // not collected after. The next call is already under way while a batch's pages are served.
    const collections = events.flatMap((e, at) => (e === "collect" ? [at] : []));
    expect(collections).toHaveLength(3);
    collections.forEach((at, k) => {
      // The k-th collection follows the k-th call's REAIDs and comes before that batch's pages.
      expect(at).toBeGreaterThan(events.indexOf(`reaids ${k + 1}`));
      expect(events.slice(0, at).filter((e) => e.startsWith("page"))).toHaveLength(3 * k);
    });
    expect(events.filter((e) => e.startsWith("page"))).toHaveLength(10);
    expect(events.indexOf("reaids 4")).toBeGreaterThan(-1);
  });

  it("creates REAIDs in calls of many pages and writes every profile exactly when a run syncs", async () => {
    world = await syncWorld(syncSeed({ generate: 5000 }));
    const calls: number[] = [];
    const [result] = await runSync({
      store: countingStore(world.store, calls),
      integrations: [integration()],
      secrets: { env: world.env, cwd: world.dir },
      connect: world.connect,
      limits: { pageSize: 500 },
      reaidBatchProfiles: 2000,
      pollMs: 20,
    });
    expect(result).toMatchObject({ health: "in sync", counts: { seen: 5000, written: 5000 } });
    // Ten pages of 500, four per call: not one call per page.
    expect(calls).toEqual([2000, 2000, 1000]);
    expect(await assertExact(world)).toEqual({ checked: 5000 });
  });
});
