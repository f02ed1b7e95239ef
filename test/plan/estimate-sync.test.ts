import { describe, expect, it } from "vitest";
import { describeSyncCost, estimateSync } from "../../src/plan/estimate-sync.ts";

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
    expect(estimate.imports).toBe(9);
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
});
