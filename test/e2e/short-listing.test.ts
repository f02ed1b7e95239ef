import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import type { Faults, SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { createWorld, type World } from "./e2e-harness.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The default data with 8,000 nordlys profiles (eight pages of 1,000) and the given faults. */
function seed(faults: Partial<Faults>): SandboxSeed {
  const copy = structuredClone(defaultSeed);
  const nordlys = copy.licences.find((l) => l.name === "nordlys")!;
  nordlys.entities[0]!.profileTables[0]!.generate = 8000;
  return { ...copy, limits: { callsPerMinute: 1_000_000 }, faults };
}

function withoutReaid(w: World): number {
  let missing = 0;
  for (const p of w.sandbox.profiles("nordlys", "nordlys", "16")) if (!p.attributes.reaid) missing++;
  return missing;
}

async function nordlysSync(w: World) {
  return w.withStore(async (s) => (await s.findByAccount(1042))!.sync);
}

describe("a full read that ends short of the table", () => {
  it("makes apply exit 1, degraded, when an empty page with no next cursor comes mid-table", async () => {
    world = await createWorld({ seed: seed({ emptyPageAt: 2000 }) });
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(1);
    expect(`${apply.out}${apply.err}`).not.toMatch(/1042[^\n]*in sync/);
    expect(`${apply.out}${apply.err}`).toContain("ended at 2,000 of 8,000 profiles");
    const sync = await nordlysSync(world);
    expect(sync.health).toBe("degraded");
    expect(sync.reason).toContain("empty page with no next cursor");
    // The sync tried the page that came back empty three times (the plan's sample read it once).
    expect(world.sandbox.stats().faults.spoiledPages).toBe(4);
    expect(withoutReaid(world)).toBeGreaterThanOrEqual(6000);

    const show = await world.run(["state", "show", "--account", "1042"]);
    expect(show.out).toContain("degraded");
    expect(show.out).not.toContain("oldest successful sync");

    // The fault goes away: the next run completes the table and is in sync.
    world.sandbox.setFaults({ emptyPageAt: 0 });
    const again = await world.run(["sync", "--account", "1042"]);
    expect(again.code).toBe(0);
    expect((await nordlysSync(world)).health).toBe("in sync");
    expect(withoutReaid(world)).toBe(0);
  }, 60_000);

  it("exits 1 when a page is cut short with no next cursor", async () => {
    world = await createWorld({ seed: seed({ truncateListingAfter: 4500 }) });
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(1);
    expect(`${apply.out}${apply.err}`).toContain("ended at 4,500 of 8,000 profiles");
    expect(`${apply.out}${apply.err}`).toContain("a page of 500 with no next cursor");
    expect((await nordlysSync(world)).health).toBe("degraded");
  }, 60_000);

  it("reads the page again and goes on when the listing hiccups once", async () => {
    world = await createWorld({ seed: seed({ emptyPageAt: 3000, listingFaultTimes: 1 }) });
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(0);
    expect(world.sandbox.stats().faults.spoiledPages).toBe(1);
    expect((await nordlysSync(world)).health).toBe("in sync");
    expect(withoutReaid(world)).toBe(0);
  }, 60_000);

  it("checks against the last full read when Actito gives no count, and says the first is unverified", async () => {
    world = await createWorld({ seed: seed({ noProfileCount: 1 }) });
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const first = await world.run(["state", "show", "--account", "1042"]);
    expect(first.out).toContain("unverified");
    const json = JSON.parse((await world.run(["state", "show", "--format", "json"])).out) as {
      integrations: {
        account: number;
        schedule?: { listing: { checkedAgainst: string | null; profiles: number } | null };
      }[];
    };
    expect(json.integrations.find((i) => i.account === 1042)?.schedule?.listing).toMatchObject({
      profiles: 8000,
      checkedAgainst: null,
    });

    world.sandbox.setFaults({ emptyPageAt: 5000 });
    const short = await world.run(["sync", "--account", "1042", "--full"]);
    expect(short.code).toBe(1);
    expect(short.out).toContain("ended at 5,000 of 8,000 profiles (the last full read's count)");

    // The table really ends there now (as after deletions emi cannot see): the next read that
    // ends at the same point agrees with the one before it, and is taken.
    const agreed = await world.run(["sync", "--account", "1042", "--full"]);
    expect(agreed.code, agreed.out).toBe(0);
    const listing = async () =>
      (
        JSON.parse((await world!.run(["state", "show", "--format", "json"])).out) as {
          integrations: { account: number; schedule: { listing: { profiles: number } } }[];
        }
      ).integrations.find((i) => i.account === 1042)?.schedule.listing;
    expect(await listing()).toMatchObject({ profiles: 5000, checkedAgainst: "last full read" });

    world.sandbox.setFaults({ emptyPageAt: 0 });
    expect((await world.run(["sync", "--account", "1042", "--full"])).code).toBe(0);
    const checked = await world.run(["state", "show", "--account", "1042"]);
    expect(checked.out).not.toContain("unverified");
    expect(await listing()).toMatchObject({ profiles: 8000, checkedAgainst: "last full read" });
  }, 60_000);
});
