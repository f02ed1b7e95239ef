import { afterEach, describe, expect, it } from "vitest";
import { createLeaseWorld, type LeaseWorld, pausedAt } from "../e2e/lease-world.ts";

// A `--watch` worker given SIGTERM at any stage of a run stops within 15 s and releases its lease.
// The stage is reached deterministically: EMI_TEST_PAUSE_AT stops the worker there (SIGSTOP), the
// SIGTERM waits while it is stopped, and SIGCONT lets it meet the signal right at that stage.

let world: LeaseWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function stopsWithin15s(w: LeaseWorld, worker: ReturnType<LeaseWorld["emi"]>, paused: boolean) {
  const stopping = Date.now();
  worker.child.kill("SIGTERM");
  if (paused) worker.child.kill("SIGCONT");
  const exit = await worker.exited();
  expect(Date.now() - stopping).toBeLessThan(15_000);
  expect(exit.code).toBe(0);
  expect(worker.out()).toMatch(/stopped cleanly\n$/);
  expect(await w.withStore((s) => s.listLocks())).toEqual([]);
}

describe("emi sync --watch stops on SIGTERM at every stage", { timeout: 90_000 }, () => {
  it("during its listing", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 30 }]);
    const worker = world.emi(["sync", "--watch", "--interval", "3600"], {
      EMI_TEST_PAUSE_AT: "listing-page",
    });
    await pausedAt(worker, "listing-page");
    await stopsWithin15s(world, worker, true);
  });

  it("while it polls a mass import that keeps running", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 30 }]);
    // The import stays RUNNING for ten minutes: the worker must not wait for it.
    world.sandbox.setFaults({ importStartDelayMs: 600_000 });
    const worker = world.emi(["sync", "--watch", "--interval", "3600"], { EMI_TEST_PAUSE_AT: "import-wait" });
    await pausedAt(worker, "import-wait");
    await stopsWithin15s(world, worker, true);
    // Its id is in the checkpoint: the next run waits for that import instead of sending the rows again.
    const checkpoint = await world.withStore((s) => s.getCheckpoint(1042));
    expect(JSON.stringify(checkpoint)).toMatch(/"id":"[^"]+"/);
  });

  it("while idle between runs", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 30 }]);
    const worker = world.emi(["sync", "--watch", "--interval", "3600"]);
    await worker.line(/ 1042 acme\/customers +(incremental|full) +in sync /);
    await stopsWithin15s(world, worker, false);
  });
});
