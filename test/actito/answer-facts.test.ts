import { describe, expect, it } from "vitest";
import { laterDate } from "../../src/actito/answer-facts.ts";

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
