import { describe, expect, it } from "vitest";
import { describeSyncCost, estimateSync, withSyncEstimate } from "../../src/plan/estimate-sync.ts";
import type { Change } from "../../src/plan/plan-types.ts";

const noon = new Date("2026-12-01T12:00:00Z");

describe("estimateSync", () => {
  it("counts a full back-fill of a million profiles as 1,000 list calls and one import", () => {
    const estimate = estimateSync({
      mode: "full",
      cost: { profiles: 1_000_000, basis: "profile-count", importsUsedToday: 2, callsPerMinute: 90 },
      toWrite: 1_000_000,
      firstSync: true,
      now: noon,
    });
    expect(estimate).toEqual({
      listCalls: 1000,
      writeCalls: 1,
      imports: 1,
      importsLeftToday: 9,
      minutes: 11.1,
      basis: "profile-count",
    });
    expect(describeSyncCost(estimate, 90)).toBe(
      "1,000 list calls, 1 import (9 of today's left after it; emi counts only its own), about 11.1 min at 90 calls/min (basis: profile-count)",
    );
  });

  it("cuts ten million rows into files under Actito's 100 MB and says when today's quota runs out", () => {
    const estimate = estimateSync({
      mode: "full",
      cost: { profiles: 10_000_000, basis: "last-full-read", importsUsedToday: 10, callsPerMinute: 90 },
      toWrite: 10_000_000,
      firstSync: true,
      now: noon,
    });
    expect(estimate.imports).toBe(6);
    expect(estimate.importsLeftToday).toBe(0);
    expect(estimate.listCalls).toBe(10_000);
  });

  it("plans PATCHes for a small incremental delta, listing only the changed rows' pages", () => {
    const estimate = estimateSync({
      mode: "incremental",
      cost: { profiles: 1_000_000, basis: "first-pages", importsUsedToday: 0, callsPerMinute: 90 },
      toWrite: 40,
      firstSync: false,
      now: noon,
    });
    expect(estimate).toMatchObject({ listCalls: 1, writeCalls: 40, imports: 0, importsLeftToday: 12 });
  });

  it("counts a first sync's writes from the table's count when the plan read only its first pages", () => {
    // Seen at 10M: the plan read 5,000 rows, all without a REAID, and said 1 import; the sync made 5
    // (files of 2.03M rows of 25-character addresses). Counted a little high: 6.
    const change = {
      syncAfter: "full",
      before: null,
      live: {
        syncCost: { profiles: 10_000_000, basis: "profile-count", importsUsedToday: 0, callsPerMinute: 90 },
        profilesWithoutReaid: { count: 5_000, complete: false },
      },
    } as unknown as Change;
    expect(withSyncEstimate(change, noon).sync?.estimate).toMatchObject({ listCalls: 10_000, imports: 6 });
    // Once the whole table was read, its count of rows to write stands as it is.
    const read = {
      ...change,
      live: { ...change.live, profilesWithoutReaid: { count: 5_000, complete: true } },
    };
    expect(withSyncEstimate(read as Change, noon).sync?.estimate).toMatchObject({ imports: 1 });
  });
});
