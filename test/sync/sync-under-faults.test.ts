import type { ConnectActito } from "../../src/actito/connect-actito.ts";
import { afterEach, describe, expect, it } from "vitest";
import { ActitoApiError } from "../../src/actito/errors.ts";
import type { ActitoApi } from "../../src/actito/types.ts";
import { runSync, type SyncResult } from "../../src/sync/run-sync.ts";
import type { SyncEvent } from "../../src/sync/sync-events.ts";
import { apiKey, assertExact, integration, type SyncWorld, syncSeed, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function syncUntilSettled(w: SyncWorld, extra: Partial<Parameters<typeof runSync>[0]> = {}) {
  const events: SyncEvent[] = [];
  const results: SyncResult[] = [];
  for (let run = 0; run < 6; run++) {
    const [result] = await runSync({
      store: w.store,
      integrations: [integration()],
      secrets: { env: w.env, cwd: w.dir },
      connect: w.connect,
      onEvent: (e) => events.push(e),
      pollMs: 20,
      uncertainGraceMs: 300,
      maxAttempts: 10,
      ...extra,
    });
    results.push(result!);
    if (result?.health === "in sync") break;
  }
  return { events, results };
}

describe("runSync under faults", () => {
  it("ends exactly right for 100,000 profiles when errors, drops, short tokens and low limits are on", async () => {
    world = await syncWorld(
      syncSeed({
        generate: 100_000,
        limits: { concurrentRequests: 5, tokenLifetimeSeconds: 1, maxImportBytes: 1_500_000 },
        faults: { errorRate: 0.05, dropRate: 0.02, seed: 7 },
      }),
    );
    const { events, results } = await syncUntilSettled(world, { limits: { maxImportBytes: 1_500_000 } });
    expect(results.at(-1)?.health).toBe("in sync");
    expect(await assertExact(world)).toEqual({ checked: 100_000 });
    const stats = world.sandbox.stats();
    const table = stats.tables["acme/16"]!;
    // Several files (the size limit is low), none submitted twice: every row was applied exactly once.
    expect(table.importsSubmitted).toBeGreaterThan(2);
    expect(table.rowsApplied + table.patches).toBe(100_000);
    expect(table.importsSubmitted).toBeLessThanOrEqual(
      await world.store.countImports("api3/acme/16", new Date().toISOString().slice(0, 10)),
    );
    expect(stats.faults.errors + stats.faults.drops).toBeGreaterThan(0);
    expect(stats.licences.acme?.peakConcurrency).toBeLessThanOrEqual(5);
    expect(JSON.stringify(events)).not.toContain(apiKey);
  }, 120_000);

  it("stops with waiting for quota and resumes the next day when the day's imports are spent", async () => {
    // An hour before midnight: PATCHing what is left would take longer than waiting for the next
    // day's imports, so the sync waits (earlier in the day it would PATCH: choosePatchThreshold).
    let clock = Date.parse("2030-01-01T23:00:00Z");
    world = await syncWorld(
      syncSeed({ generate: 20_000, limits: { importsPerTablePerDay: 2, maxImportBytes: 300_000 } }),
      integration(),
      { now: () => clock },
    );
    const options = {
      limits: { importsPerDay: 2, maxImportBytes: 300_000 },
      now: () => new Date(clock),
    };
    const first = await syncUntilSettled(world, options);
    expect(first.results).toHaveLength(6);
    expect(first.results[0]).toMatchObject({ health: "waiting for quota", failed: false });
    expect(first.results[0]?.reason).toContain("2 of 2 mass imports used today");
    expect((await world.store.findByAccount(1042))?.sync.health).toBe("waiting for quota");
    expect(world.sandbox.stats().tables["acme/16"]?.importsSubmitted).toBe(2);

    for (let day = 1; day < 6; day++) {
      clock += 24 * 3600_000;
      const [result] = await runSync({
        store: world.store,
        integrations: [integration()],
        secrets: { env: world.env, cwd: world.dir },
        connect: world.connect,
        pollMs: 20,
        ...options,
      });
      if (result?.health === "in sync") break;
      expect(result?.health).toBe("waiting for quota");
    }
    expect((await world.store.findByAccount(1042))?.sync.health).toBe("in sync");
    await assertExact(world);
    const table = world.sandbox.stats().tables["acme/16"]!;
    expect(table.importsRejected429).toBe(0);
    expect(table.rowsApplied + table.patches).toBe(20_000);
  }, 60_000);

  it("reports a row rejected three times for the same reason and stops retrying it", async () => {
    world = await syncWorld(syncSeed({ generate: 20 }));
    const w = world;
    // Actito refuses every write to profile 5 for a reason only a person can fix.
    const refusing: ConnectActito = (options) => {
      const api = w.connect(options);
      return new Proxy(api, {
        get(target, prop) {
          if (prop === "patchProfile") {
            return async (...args: Parameters<ActitoApi["patchProfile"]>) => {
              if (args[2] === "emailAddress=user-5@acme.example") {
                throw new ActitoApiError({
                  method: "PATCH",
                  route: "profiles",
                  status: 400,
                  body: "the profile is locked",
                });
              }
              return target.patchProfile(...args);
            };
          }
          const value = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    const outcomes: SyncResult[] = [];
    for (let run = 0; run < 4; run++) {
      const [result] = await runSync({
        store: w.store,
        integrations: [integration()],
        secrets: { env: w.env, cwd: w.dir },
        connect: refusing,
        pollMs: 20,
        full: true,
        // Written one PATCH at a time (a first sync would otherwise import): the refusal is a PATCH's.
        patchThreshold: 1000,
      });
      outcomes.push(result!);
    }
    expect(outcomes.map((o) => o.health)).toEqual(["degraded", "degraded", "degraded", "degraded"]);
    expect(outcomes[0]?.counts.rejected).toBe(1);
    expect(outcomes[3]?.reason).toContain("rejected 3 times");
    const rejections = await w.store.listRejections(1042);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.attempts).toBe(3);
    const before = w.sandbox.stats().tables["acme/16"]!;
    await runSync({
      store: w.store,
      integrations: [integration()],
      secrets: { env: w.env, cwd: w.dir },
      connect: refusing,
      full: true,
    });
    const after = w.sandbox.stats().tables["acme/16"]!;
    expect(after.patches + after.rowsRejected).toBe(before.patches + before.rowsRejected);
  });
});
