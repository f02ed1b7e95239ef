import { describe, expect, it } from "vitest";
import { createLicenceLimiter, sharedLicenceLimiter } from "../../src/actito/licence-limiter.ts";
import { fakeTime } from "./fake-time.ts";

describe("createLicenceLimiter", () => {
  it("never lets more than N calls in flight when many wait", async () => {
    const limiter = createLicenceLimiter({ maxConcurrent: 3, callsPerMinute: Number.POSITIVE_INFINITY });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const release = await limiter.acquire();
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, i % 3));
        inFlight--;
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(limiter.stats()).toEqual({ inFlight: 0, peakInFlight: 3, started: 40 });
  });

  it("starts at most the per-minute budget in any 60 s window", async () => {
    const time = fakeTime();
    const limiter = createLicenceLimiter({ maxConcurrent: 100, callsPerMinute: 5, ...time });
    const startedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const release = await limiter.acquire();
        startedAt.push(time.clock.now());
        release();
      }),
    );
    expect(startedAt).toEqual([0, 0, 0, 0, 0, 60_000, 60_000, 60_000, 60_000, 60_000, 120_000, 120_000]);
    for (const t of startedAt) {
      expect(startedAt.filter((s) => s > t - 60_000 && s <= t).length).toBeLessThanOrEqual(5);
    }
  });

  it("slides the window rather than resetting it each minute", async () => {
    const time = fakeTime();
    const limiter = createLicenceLimiter({ maxConcurrent: 10, callsPerMinute: 2, ...time });
    (await limiter.acquire())();
    time.clock.t = 30_000;
    (await limiter.acquire())();
    const release = await limiter.acquire();
    expect(time.clock.now()).toBe(60_000);
    release();
  });

  it("ignores a second release of the same slot", async () => {
    const limiter = createLicenceLimiter({ maxConcurrent: 1 });
    const release = await limiter.acquire();
    release();
    release();
    const again = await limiter.acquire();
    expect(limiter.stats().inFlight).toBe(1);
    again();
  });
});

describe("sharedLicenceLimiter", () => {
  it("returns one limiter per licence and another for another key", () => {
    const licence = { baseUrl: "https://api3.actito.com", endpoint: "api3", apiKey: "k-1" };
    const a = sharedLicenceLimiter(licence);
    expect(sharedLicenceLimiter({ ...licence })).toBe(a);
    expect(sharedLicenceLimiter({ ...licence, apiKey: "k-2" })).not.toBe(a);
    expect(sharedLicenceLimiter({ ...licence, endpoint: "api" })).not.toBe(a);
  });
});
