import { describe, expect, it } from "vitest";
import { newReaids, REAID_BYTES, REAID_PATTERN } from "../../src/store/new-reaids.ts";

describe("newReaids", () => {
  it("gives URL-safe REAIDs of 128 random bits when asked for many", () => {
    const reaids = newReaids(10_000);
    expect(REAID_BYTES * 8).toBeGreaterThanOrEqual(122);
    for (const reaid of reaids) {
      expect(reaid).toMatch(REAID_PATTERN);
      expect(Buffer.from(reaid, "base64url")).toHaveLength(REAID_BYTES);
    }
    expect(new Set(reaids).size).toBe(10_000);
  });

  it("uses every character position when it draws many (no fixed or derived part)", () => {
    const reaids = newReaids(2_000);
    for (let position = 0; position < 21; position++) {
      expect(new Set(reaids.map((r) => r[position])).size).toBeGreaterThan(32);
    }
  });
});
