import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/plan-types.ts";
import { createWorld, type World } from "./e2e-harness.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("the plan's sync cost", () => {
  it("estimates each scheduled sync's calls and imports, and apply reports the actual figures beside it", async () => {
    world = await createWorld();
    const planned = await world.run(["plan", "--format", "json"]);
    const plan = JSON.parse(planned.out) as Plan;
    const nordlys = plan.changes.find((c) => c.account === 1042)!;
    // 2,000 profiles, all read by the plan: two pages, one import file (a first sync imports).
    expect(nordlys.sync?.estimate).toEqual({
      listCalls: 2,
      writeCalls: 1,
      imports: 1,
      importsLeftToday: 11,
      minutes: 0,
      basis: "profile-count",
    });
    const text = await world.run(["plan"]);
    expect(text.out).toContain(
      "cost: 2 list calls, 1 import (11 of today's left after it; emi counts only its own), about 0 min at 90 calls/min (basis: profile-count)",
    );
    const markdown = await world.run(["plan", "--format", "markdown"]);
    expect(markdown.out).toContain("Cost: 2 list calls, 1 import");

    const applied = await world.run(["apply", "--yes"]);
    expect(applied.code).toBe(0);
    const line = applied.out.split("\n").find((l) => l.startsWith("1042 ") && l.includes("actual:"));
    const actual = /actual: (\d+) list calls, (\d+) writes, (\d+) imports/.exec(line ?? "");
    expect(actual?.slice(1).map(Number)).toEqual([2, 1, 1]);
  }, 60_000);
});
