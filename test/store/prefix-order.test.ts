import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prefixOrder } from "../../src/store/prefix-order.ts";

const prefix = (value: string) => value.slice(0, 4);

describe("prefixOrder", () => {
  it("orders random base64url values by their first four characters as SQLite compares them", () => {
    const values = Array.from({ length: 20_000 }, () => randomBytes(16).toString("base64url"));
    const order = prefixOrder(values);
    expect([...order].sort((a, b) => a - b)).toEqual(values.map((_, i) => i));
    for (let k = 1; k < order.length; k++) {
      const before = values[order[k - 1]!]!;
      const after = values[order[k]!]!;
      // Byte order, not base64's alphabet order: '-' < '0' < 'A' < '_' < 'a'.
      expect(Buffer.compare(Buffer.from(prefix(before)), Buffer.from(prefix(after)))).toBeLessThanOrEqual(0);
    }
  });

  it("keeps the given order among values that share their first four characters", () => {
    const values = ["abcdZ", "-xyz", "abcdA", "abcd", "_", "abc"];
    expect(prefixOrder(values).map((i) => values[i])).toEqual(["-xyz", "_", "abc", "abcdZ", "abcdA", "abcd"]);
  });

  it("gives nothing for nothing", () => {
    expect(prefixOrder([])).toEqual([]);
  });
});
