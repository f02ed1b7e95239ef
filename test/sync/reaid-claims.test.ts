import { describe, expect, it } from "vitest";
import { newReaids } from "../../src/store/new-reaids.ts";
import { ReaidClaims } from "../../src/sync/reaid-claims.ts";

describe("ReaidClaims", () => {
  it("claims each REAID once and knows every claimed one when it grows past many resizes", () => {
    const claims = new ReaidClaims();
    const claimed = newReaids(200_000);
    expect(claimed.filter((reaid) => !claims.add(reaid))).toEqual([]);
    expect(claims.size).toBe(200_000);
    expect(claimed.every((reaid) => claims.has(reaid))).toBe(true);
    expect(claimed.slice(0, 1000).every((reaid) => !claims.add(reaid))).toBe(true);
    expect(newReaids(200_000).filter((reaid) => claims.has(reaid))).toEqual([]);
    expect(claims.size).toBe(200_000);
  });
});

describe("ReaidClaims past its memory", () => {
  it("spills to disk and still claims each REAID exactly once", () => {
    const claims = new ReaidClaims({ memoryEntries: 5000 });
    try {
      const claimed = newReaids(60_000);
      expect(claimed.filter((reaid) => !claims.add(reaid))).toEqual([]);
      expect(claims.spilledRuns).toBeGreaterThanOrEqual(5);
      expect(claims.size).toBe(60_000);
      // Claimed before and after each spill: every one known, none claimable again.
      expect(claimed.filter((reaid) => !claims.has(reaid))).toEqual([]);
      expect(claimed.filter((reaid) => claims.add(reaid))).toEqual([]);
      expect(newReaids(60_000).filter((reaid) => claims.has(reaid))).toEqual([]);
      expect(claims.size).toBe(60_000);
    } finally {
      claims.close();
    }
  });
});
