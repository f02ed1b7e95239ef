import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { apiKey, integration, type SyncWorld, syncSeed, syncWorld } from "../sync/sync-fixture.ts";
import { captureIO } from "./capture-io.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const show = async (w: SyncWorld, ...args: string[]) => {
  const io = captureIO(w.dir);
  const code = await main(["node", "emi", "state", "show", "--store", w.storeUrl, ...args], io);
  return { code, out: io.out(), err: io.err() };
};

describe("emi state show: the sync schedule", () => {
  it("shows the last successful sync, lag, next due, profiles without a REAID and who is syncing now", async () => {
    const profiles = [{ emailAddress: null, firstName: "no e-mail" }];
    world = await syncWorld(syncSeed({ generate: 30, profiles }));
    await runSync({
      store: world.store,
      integrations: [integration()],
      secrets: { env: world.env, cwd: world.dir },
      connect: world.connect,
      pollMs: 20,
      full: true,
    });

    const idle = await show(world, "--interval", "600");
    expect(idle.code).toBe(0);
    expect(idle.out).toMatch(
      /^1042 +actito api3 \/ acme\/customers +active +in sync +\d\d:\d\d:\d\d +\d+s +\d\d:\d\d:\d\d +1 +—$/m,
    );
    expect(idle.out).toContain(
      "1 integration, 0 sisters · 0 syncing now · 0 degraded · oldest successful sync",
    );

    // A worker on another machine is syncing it now.
    await world.store.acquireLock("licence:api3/acme", "emi@worker-2:4107", "sync", 60_000);
    await world.store.setSyncStatus(1042, { health: "syncing" });
    const busy = await show(world);
    expect(busy.out).toMatch(/ emi@worker-2:4107 \(since \d\d:\d\d:\d\d\)$/m);
    expect(busy.out).toContain("1 syncing now");

    const json = JSON.parse((await show(world, "--format", "json")).out) as {
      integrations: { account: number; schedule: Record<string, unknown> }[];
    };
    expect(json.integrations[0]?.schedule).toMatchObject({
      withoutReaid: 1,
      failures: 0,
      dueReason: null,
      running: { owner: "emi@worker-2:4107" },
    });
    expect(typeof json.integrations[0]?.schedule.lastSuccessAt).toBe("string");
    expect(typeof json.integrations[0]?.schedule.lagSeconds).toBe("number");
    expect(typeof json.integrations[0]?.schedule.nextDueAt).toBe("string");
    for (const out of [idle.out, busy.out, JSON.stringify(json)]) expect(out).not.toContain(apiKey);
  });
});
