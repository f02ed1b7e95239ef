import { afterEach, describe, expect, it } from "vitest";
import { ImportOutcomeUnknownError } from "../../src/actito/errors.ts";
import type { ActitoApi } from "../../src/actito/types.ts";
import type { SyncEvent } from "../../src/sync/sync-events.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import {
  addProfiles,
  apiKey,
  assertExact,
  integration,
  type SyncWorld,
  syncSeed,
  syncWorld,
} from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const run = (w: SyncWorld, extra: Partial<Parameters<typeof runSync>[0]> = {}) => {
  const events: SyncEvent[] = [];
  const done = runSync({
    store: w.store,
    integrations: [integration()],
    secrets: { env: w.env, cwd: w.dir },
    connect: w.connect,
    onEvent: (e) => events.push(e),
    pollMs: 20,
    uncertainGraceMs: 200,
    ...extra,
  });
  return done.then((results) => ({ results, events }));
};

describe("runSync", () => {
  it("stops with one clear reason on another version's checkpoint, and starts over with --full", async () => {
    world = await syncWorld(syncSeed({ generate: 50 }));
    await world.store.putCheckpoint(1042, {
      phase: "running",
      cursor: "somewhere",
      watermark: null,
      importsInFlight: [],
      data: { kind: "emi-sync-run/9", anything: true },
    });
    const stopped = await run(world);
    expect(stopped.results[0]).toMatchObject({ health: "degraded", failed: true });
    expect(stopped.results[0]?.reason).toContain(
      "the sync checkpoint of account 1042 has format emi-sync-run/9, which this emi (emi-sync-run/1) does not read",
    );
    const full = await run(world, { full: true });
    expect(full.results[0]).toMatchObject({ health: "in sync", failed: false });
    expect(await assertExact(world)).toEqual({ checked: 50 });
  });

  it("writes every REAID with one mass import when the table has never been synced", async () => {
    world = await syncWorld(syncSeed({ generate: 5000, profiles: [{ emailAddress: null, firstName: "x" }] }));
    const { results, events } = await run(world);
    expect(results[0]).toMatchObject({ health: "in sync", failed: false });
    expect(results[0]?.counts).toEqual({ seen: 5001, written: 5000, skipped: 1, rejected: 0, duplicates: 0 });
    expect(await assertExact(world)).toEqual({ checked: 5000 });
    expect(world.sandbox.stats().tables["acme/16"]?.importsSubmitted).toBe(1);
    expect(events.map((e) => e.type)).toContain("import-finished");
    const entry = await world.store.findByAccount(1042);
    expect(entry?.sync).toMatchObject({ health: "in sync", counts: { written: 5000 } });
    expect(JSON.stringify(events)).not.toContain(apiKey);
  });

  it("writes nothing and submits no import when every profile already carries its REAID", async () => {
    world = await syncWorld(syncSeed({ generate: 3000 }));
    await run(world);
    const { results } = await run(world, { full: true });
    expect(results[0]?.counts).toMatchObject({ seen: 3000, written: 0 });
    expect(world.sandbox.stats().tables["acme/16"]?.importsSubmitted).toBe(1);
    expect(world.sandbox.stats().tables["acme/16"]?.patches).toBe(0);
  });

  it("patches a few new profiles instead of spending an import when the run is incremental", async () => {
    world = await syncWorld(syncSeed({ generate: 2000 }));
    await run(world);
    await addProfiles(world, ["new-1@acme.example", "NEW-2@acme.example", "new-3@acme.example"]);
    const { results } = await run(world);
    expect(results[0]).toMatchObject({ health: "in sync", counts: { written: 3 } });
    const table = world.sandbox.stats().tables["acme/16"];
    expect(table?.importsSubmitted).toBe(1);
    expect(table?.patches).toBe(3);
    await assertExact(world);
  });

  it("fills a new attribute with a mass import even in the hours that keep imports in reserve", async () => {
    world = await syncWorld(syncSeed({ generate: 1000 }));
    // 01:00 UTC: one import is spent for the first two hours of the day (12 a day, spent evenly).
    // The day is taken once: a run across midnight must not count its imports on two days.
    const day = new Date().toISOString().slice(0, 10);
    const now = () => new Date(`${day}T01:00:00.000Z`);
    await run(world, { now });
    const table = () => world?.sandbox.stats().tables["acme/16"];
    expect(table()?.importsSubmitted).toBe(1);

    // A re-read that finds rows to write keeps the reserve: it PATCHes them.
    await addProfiles(
      world,
      Array.from({ length: 120 }, (_, i) => `reread-${i}@acme.example`),
    );
    await run(world, { now, full: true });
    expect(table()).toMatchObject({ importsSubmitted: 1, patches: 120 });

    // A new attribute needs every profile written: that is a first sync's work, an import.
    await addProfiles(
      world,
      Array.from({ length: 120 }, (_, i) => `new-attribute-${i}@acme.example`),
    );
    const { results } = await run(world, { now, full: true, newAttribute: true });
    expect(results[0]).toMatchObject({ health: "in sync", counts: { written: 120 } });
    expect(table()).toMatchObject({ importsSubmitted: 2, patches: 120 });
    expect(await assertExact(world)).toEqual({ checked: 1240 });
  });

  it("re-reads instead of re-posting when the answer to an accepted import was lost", async () => {
    world = await syncWorld(syncSeed({ generate: 4000 }));
    const w = world;
    let lost = 0;
    const { results, events } = await run(w, {
      connect: (target) => {
        const api = w.connect(target);
        const startMassImport = async (...args: Parameters<ActitoApi["startMassImport"]>) => {
          const started = await api.startMassImport(...args);
          if (lost++ > 0) return started;
          // Actito accepted the file, but the answer never reached us.
          throw new ImportOutcomeUnknownError({ route: "/mass-imports", detail: "the connection failed" });
        };
        return new Proxy(api, {
          get: (target, name) => {
            if (name === "startMassImport") return startMassImport;
            const value = Reflect.get(target, name);
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
      },
    });
    expect(results[0]).toMatchObject({ health: "in sync", failed: false });
    expect(events.map((e) => e.type)).toContain("import-outcome-unknown");
    const table = w.sandbox.stats().tables["acme/16"]!;
    expect(table.importsSubmitted).toBe(1);
    expect(table.rowsApplied).toBe(4000);
    await assertExact(w);
  });

  it("touches nothing when emailSync is false", async () => {
    world = await syncWorld(syncSeed({ generate: 100 }));
    const before = world.sandbox.stats();
    const { results } = await run(world, { integrations: [integration({ emailSync: false })] });
    expect(results[0]).toMatchObject({ health: "skipped", reason: "emailSync is false" });
    expect(world.sandbox.stats().licences).toEqual(before.licences);
    expect(await world.store.countReaids("1042")).toBe(0);
  });
});
