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
