import { describe, expect, it } from "vitest";
import { largerOffset, laterDate } from "../../src/actito/answer-facts.ts";

describe("laterDate", () => {
  it("keeps the latest Date header Actito sent, and ignores missing or unreadable ones", () => {
    const noon = Date.parse("Sun, 06 Dec 2026 12:00:00 GMT");
    expect(laterDate(null, "Sun, 06 Dec 2026 12:00:00 GMT")).toBe(noon);
    expect(laterDate(noon, "Sun, 06 Dec 2026 11:59:59 GMT")).toBe(noon);
    expect(laterDate(noon, "Sun, 06 Dec 2026 12:00:01 GMT")).toBe(noon + 1000);
    expect(laterDate(noon, undefined)).toBe(noon);
    expect(laterDate(noon, "not a date")).toBe(noon);
    expect(laterDate(null, ["a", "b"])).toBeNull();
  });
});

describe("largerOffset", () => {
  it("keeps the largest Date header less arrival time, so this machine's clock plus it never passes Actito's", () => {
    const noon = Date.parse("Sun, 06 Dec 2026 12:00:00 GMT");
    // Stamped 12:00:00 (Actito's clock somewhere in that second), arrived at this machine's 5,000.
    expect(largerOffset(null, "Sun, 06 Dec 2026 12:00:00 GMT", 5_000)).toBe(noon - 5_000);
    // The same second seen later proves less; a new second seen soon after it ticked proves more.
    expect(largerOffset(noon - 5_000, "Sun, 06 Dec 2026 12:00:00 GMT", 5_900)).toBe(noon - 5_000);
    expect(largerOffset(noon - 5_000, "Sun, 06 Dec 2026 12:00:01 GMT", 5_010)).toBe(noon + 1000 - 5_010);
    expect(largerOffset(noon - 5_000, undefined, 6_000)).toBe(noon - 5_000);
    expect(largerOffset(noon - 5_000, "not a date", 6_000)).toBe(noon - 5_000);
    expect(largerOffset(null, ["a", "b"], 6_000)).toBeNull();
  });
});
