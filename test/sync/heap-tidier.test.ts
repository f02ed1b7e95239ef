import { describe, expect, it } from "vitest";
import { heapTidier } from "../../src/sync/heap-tidier.ts";

describe("heapTidier", () => {
  it("collects at most once per gap, whatever the number of cycles", () => {
    let clock = 0;
    const collections: number[] = [];
    const tidy = heapTidier(() => clock, { minGapMs: 5_000, collect: () => collections.push(clock) });
    for (; clock <= 12_000; clock += 1_000) tidy();
    expect(collections).toEqual([0, 5_000, 10_000]);
  });

  it("really collects: garbage a finished run left is given back", () => {
    let garbage: object[] | null = Array.from({ length: 300_000 }, (_, i) => ({ i, text: `run ${i}` }));
    const withGarbage = process.memoryUsage().heapUsed;
    garbage = null;
    heapTidier(Date.now)();
    expect(garbage).toBeNull();
    // 300,000 small objects are over 20 MB; a full collection gives most of it back.
    expect(withGarbage - process.memoryUsage().heapUsed).toBeGreaterThan(10_000_000);
  });
});
