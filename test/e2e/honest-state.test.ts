import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { createWorld, type World } from "./e2e-harness.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The default data with a nordlys listing that ends after its first page (a failed full read). */
function failingNordlys(): SandboxSeed {
  return { ...structuredClone(defaultSeed), faults: { emptyPageAt: 1000 } };
}

function nordlysRow(out: string): string {
  return out.split("\n").find((line) => line.startsWith("1042 ")) ?? "";
}

describe("a failed sync never looks like a success", () => {
  it("state show says there was no successful sync after a failed first sync", async () => {
    world = await createWorld({ seed: failingNordlys() });
    expect((await world.run(["apply", "--yes"])).code).toBe(1);
    const show = await world.run(["state", "show"]);
    expect(nordlysRow(show.out)).toMatch(/degraded +never /);
    expect(nordlysRow(show.out)).toContain("ended at 1,000 of 2,000 profiles");
    expect(show.out).toContain("never synced successfully");
    const json = JSON.parse((await world.run(["state", "show", "--format", "json"])).out) as {
      integrations: { account: number; schedule: { lastSuccessAt: string | null; failures: number } }[];
    };
    expect(json.integrations.find((i) => i.account === 1042)?.schedule).toMatchObject({
      lastSuccessAt: null,
      failures: 1,
    });
  }, 60_000);

  it("plans the sync again after a failed first sync, and apply runs it instead of saying No changes", async () => {
    world = await createWorld({ seed: failingNordlys() });
    expect((await world.run(["apply", "--yes"])).code).toBe(1);
    const plan = await world.run(["plan", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.out).toMatch(/sync: the last run failed at \d{4}-\d\d-\d\dT[\d:.]+Z: runs again/);
    // Still failing: apply syncs again and exits 1, never "No changes".
    const again = await world.run(["apply", "--yes"]);
    expect(again.code).toBe(1);
    expect(again.out).not.toContain("No changes");
    // Fixed: apply syncs, in sync, and the next plan has nothing to do.
    world.sandbox.setFaults({ emptyPageAt: 0 });
    const fixed = await world.run(["apply", "--yes"]);
    expect(fixed.code, fixed.out + fixed.err).toBe(0);
    expect((await world.withStore(async (s) => (await s.findByAccount(1042))!.sync)).health).toBe("in sync");
    expect((await world.run(["plan", "--detailed-exitcode"])).code).toBe(0);
  }, 60_000);

  it("exits 1 and says why when a sync asked for by name cannot run (its activation was refused)", async () => {
    world = await createWorld();
    await world.write(
      "integrations/1042.yaml",
      (await world.read("integrations/1042.yaml")).replace(
        "profileTable: customers",
        "profileTable: customers\n  reaidAttribute: firstName",
      ),
    );
    expect((await world.run(["apply", "--yes"])).code).toBe(1);
    const sync = await world.run(["sync", "--account", "1042"]);
    expect(sync.code).toBe(1);
    expect(sync.out).toContain("1042 not synced: not active in the registry");
    // Asked for all integrations, the one that cannot run is said, and the others ran.
    const all = await world.run(["sync"]);
    expect(all.out).toContain("1042 not synced:");
  }, 60_000);
});
