import { describe, expect, it } from "vitest";
import type { ActitoApi } from "../../src/actito/types.ts";
import type { IntegrationSyncContext } from "../../src/sync/integration-sync-context.ts";
import { settledWatermark } from "../../src/sync/settle-watermark.ts";
import { importEnded, startRunState } from "../../src/sync/sync-run-state.ts";

const second = Date.parse("2030-03-01T09:00:00Z");

/**
 * A run whose import Actito reported finished in the second `second` (its answer's Date), and a
 * context whose Actito clock is `clock.actito` (ms), dated to the second in each answer; `reached`
 * is what the client proves of it (actitoTimeNow), or absent for a client that cannot tell.
 */
function world(options: { actito: number; reached?: () => number; clockStuck?: boolean }) {
  const clock = { actito: options.actito, date: second };
  const sleeps: number[] = [];
  const api = {
    actitoTime: () => clock.date,
    ...(options.reached ? { actitoTimeNow: options.reached } : {}),
    getProfileTable: async () => {
      if (!options.clockStuck) clock.date = Math.floor(clock.actito / 1000) * 1000;
      return { id: "16", name: "customers", profileCount: 10 };
    },
  } as unknown as ActitoApi;
  const ctx = {
    api,
    target: { entity: "acme", tableId: "16" },
    signal: new AbortController().signal,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.actito += ms;
    },
  } as unknown as IntegrationSyncContext;
  const run = startRunState({
    full: true,
    watermark: null,
    nextWatermark: new Date(second - 120_000).toISOString(),
    reaidsBefore: 0,
  });
  importEnded(run, second + 1000);
  return { ctx, run, sleeps };
}

describe("settledWatermark after an import", () => {
  it("waits until Actito's clock reaches the second after the import's end, not a whole second", async () => {
    // Actito reported the end 640 ms into its second, and the client can tell.
    const w = world({ actito: second + 640, reached: () => second + 640 });
    expect(await settledWatermark(w.ctx, w.run)).toBe(new Date(second + 1000).toISOString());
    expect(w.sleeps).toEqual([370]);
  });

  it("waits the whole second from the Date alone when the client cannot tell more", async () => {
    const w = world({ actito: second + 640 });
    expect(await settledWatermark(w.ctx, w.run)).toBe(new Date(second + 1000).toISOString());
    expect(w.sleeps).toEqual([1000]);
  });

  it("keeps the latest moment Actito's answers showed when its clock is not read past the watermark", async () => {
    // An estimate that proved wrong (this machine's clock jumped): the second try waits from the Date.
    const w = world({ actito: second + 100, reached: () => second + 990, clockStuck: true });
    expect(await settledWatermark(w.ctx, w.run)).toBe(new Date(second).toISOString());
    expect(w.sleeps).toEqual([20, 1000]);
  });
});
