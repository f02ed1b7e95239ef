import { describe, expect, it } from "vitest";
import {
  actitoSyncLimits,
  choosePatchThreshold,
  importPollMs,
  patchEtaSeconds,
} from "../../src/sync/write-strategy.ts";

const at = (time: string, used: number, firstSync = false) =>
  choosePatchThreshold({
    limits: actitoSyncLimits,
    importsUsedToday: used,
    now: new Date(`2026-12-01T${time}Z`),
    firstSync,
  });

describe("choosePatchThreshold", () => {
  it("imports a first sync, whatever its size, while the day's quota lasts", () => {
    expect(at("09:00:00", 0, true)).toBe(0);
    expect(at("23:59:00", 11, true)).toBe(0);
  });

  it("PATCHes only a minute's worth when an import is affordable at an even pace", () => {
    expect(at("00:10:00", 0)).toBe(90);
    // By noon at most 6 of 12: the 6th is still affordable, the 7th is not.
    expect(at("12:00:00", 5)).toBe(90);
  });

  it("keeps imports in reserve: PATCHes what finishes before the next import becomes affordable", () => {
    // 6 used at 11:00: the 7th becomes affordable at 12:00, 60 minutes at 90 calls a minute.
    expect(at("11:00:00", 6)).toBe(90 * 60);
    // A worker syncing every few minutes never spends the day's quota by noon.
    expect(at("00:30:00", 1)).toBe(90 * 90);
  });

  it("PATCHes what finishes before midnight when the quota is gone, more waits for tomorrow", () => {
    expect(at("23:00:00", 12)).toBe(90 * 60);
    expect(at("12:00:00", 12, true)).toBe(90 * 12 * 60);
  });

  it("gives the PATCH time left at the licence's pace", () => {
    expect(patchEtaSeconds(250, 90)).toBe(167);
    expect(patchEtaSeconds(0, 90)).toBe(0);
  });
});

describe("importPollMs", () => {
  it("waits a second before the first poll at Actito's limits, as before", () => {
    expect(importPollMs(actitoSyncLimits)).toBe(1000);
  });

  it("polls sooner only when a tenth of the call budget allows it, and never sooner than 50 ms", () => {
    expect(importPollMs({ ...actitoSyncLimits, callsPerMinute: 6_000 })).toBe(100);
    expect(importPollMs({ ...actitoSyncLimits, callsPerMinute: 1_000_000_000 })).toBe(50);
    expect(importPollMs({ ...actitoSyncLimits, callsPerMinute: 0 })).toBe(1000);
  });
});
