import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPlanAndApply } from "../../src/apply/run-plan-and-apply.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Lease } from "../../src/store/store.ts";
import { createWorld, type World } from "../e2e/e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("apply and the licence leases", () => {
  it("releases the apply lease before its syncs run, so the next apply can start", async () => {
    const store = await openStore(world.storeUrl);
    let during: Lease[] = [];
    try {
      await runPlanAndApply({
        dir: join(world.dir, "integrations"),
        store,
        env: world.env,
        cwd: world.dir,
        confirm: "yes",
        runSync: async (options) => {
          during = await options.store.listLocks();
          return [];
        },
      });
    } finally {
      await store.close();
    }
    expect(during.map((l) => l.name)).not.toContain("apply");
  });

  it("says who holds a busy licence, marks the integration due and does not fail", async () => {
    await world.withStore((s) => s.acquireLock("licence:api3/nordlys", "emi@worker-1:2231", "sync", 60_000));
    const applied = await world.run(["apply", "--yes"]);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(
      /1042 nordlys\/customers +sync skipped: licence busy \(emi@worker-1:2231\); marked due/,
    );
    expect(applied.out).toMatch(/1071 lumen\/customers +in sync/);
    const schedule = await world.withStore((s) => s.listSchedule());
    expect(schedule.find((e) => e.account === 1042)).toMatchObject({
      dueReason: "licence busy (emi@worker-1:2231)",
      lastSuccessAt: null,
    });
    expect(schedule.find((e) => e.account === 1071)?.lastSuccessAt).not.toBeNull();
  });
});
