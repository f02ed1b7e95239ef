import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/sandbox/seeded-random.ts";
import { assertExact, type SyncWorld, syncSeed, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const child = join(import.meta.dirname, "sync-child.ts");

/** Runs the sync in a child process; kills it with SIGKILL after `killAfterMs` unless it ends first. */
function runChild(
  w: SyncWorld,
  killAfterMs: number | null,
): Promise<{ code: number | null; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child], {
      env: { ...process.env, ...w.env, EMI_STORE: w.storeUrl, SYNC_MAX_IMPORT_BYTES: "400000" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    let killed = false;
    const timer =
      killAfterMs === null
        ? null
        : setTimeout(() => {
            killed = proc.kill("SIGKILL");
          }, killAfterMs);
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, killed });
    });
  });
}

describe("sync killed with SIGKILL", () => {
  it("converges with every row written once and no import submitted twice when killed at random points", async () => {
    world = await syncWorld(syncSeed({ generate: 60_000, limits: { maxImportBytes: 400_000 } }));
    const random = seededRandom(42);
    let kills = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const { killed } = await runChild(world, 900 + Math.floor(random() * 2500));
      if (killed) kills++;
    }
    const last = await runChild(world, null);
    expect(last.code).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(await assertExact(world)).toEqual({ checked: 60_000 });
    const table = world.sandbox.stats().tables["acme/16"]!;
    // Each row went into exactly one accepted import (or one PATCH): nothing was submitted twice.
    expect(table.rowsApplied + table.patches).toBe(60_000);
    expect(table.importsSubmitted).toBeLessThanOrEqual(
      await world.store.countImports("api3/acme/16", new Date().toISOString().slice(0, 10)),
    );
    expect((await world.store.findByAccount(1042))?.sync.health).toBe("in sync");
  }, 120_000);
});
