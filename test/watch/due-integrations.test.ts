import { describe, expect, it } from "vitest";
import type { RegistryEntry } from "../../src/store/store.ts";
import type { ScheduleEntry } from "../../src/store/sync-schedule.ts";
import { retryBackoffMs } from "../../src/sync/retry-backoff.ts";
import { dueIntegrations } from "../../src/watch/due-integrations.ts";
import { integration } from "../sync/sync-fixture.ts";

const NOW = Date.parse("2026-12-01T09:40:00Z");
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const entry = (account: number, status: RegistryEntry["status"] = "active") =>
  ({ account, status }) as RegistryEntry;
const sched = (account: number, s: Partial<ScheduleEntry>): ScheduleEntry => ({
  account,
  lastSuccessAt: null,
  lastFullAt: null,
  failures: 0,
  retryAt: null,
  dueReason: null,
  withoutReaid: null,
  ...s,
});

function plan(schedules: ScheduleEntry[], extra: { inbox?: number[]; busy?: [number, number][] } = {}) {
  const integrations = [1, 2, 3, 4, 5, 6].map((a) => integration({ account: a }));
  return dueIntegrations({
    integrations: [...integrations, integration({ account: 7, emailSync: false })],
    registry: new Map([
      ...[1, 2, 3, 4, 5, 7].map((a) => [a, entry(a)] as const),
      [6, entry(6, "deactivated")],
    ]),
    schedule: new Map(schedules.map((s) => [s.account, s])),
    inbox: new Set(extra.inbox ?? []),
    busyUntil: new Map(extra.busy ?? []),
    now: NOW,
    intervalMs: 300_000,
    fullEveryMs: 24 * 3_600_000,
  });
}

describe("dueIntegrations", () => {
  it("watches only declarations with emailSync that the registry holds as active", () => {
    const p = plan([]);
    expect(p.watched.map((i) => i.account)).toEqual([1, 2, 3, 4, 5]);
  });

  it("syncs what never synced, what is older than the interval, what was marked due or has inbox events", () => {
    const recent = { lastSuccessAt: ago(10), lastFullAt: ago(10) };
    const p = plan(
      [
        sched(1, recent),
        sched(2, { lastSuccessAt: ago(301), lastFullAt: ago(3600) }),
        sched(3, { ...recent, dueReason: "licence busy (emi@a:1)" }),
        sched(4, recent),
      ],
      { inbox: [4] },
    );
    expect(p.due.map((d) => [d.integration.account, d.why, d.full])).toEqual([
      [2, "interval", false],
      [3, "marked due", false],
      [4, "inbox", false],
      [5, "never synced", true],
    ]);
  });

  it("reads a whole table once its last full read is older than --full-every", () => {
    const p = plan([sched(1, { lastSuccessAt: ago(400), lastFullAt: ago(25 * 3600) })]);
    expect(p.due.find((d) => d.integration.account === 1)).toMatchObject({ full: true, why: "interval" });
  });

  it("waits for a failed integration's backoff and a busy licence's next try, then retries", () => {
    const failing = sched(1, { lastSuccessAt: ago(10), lastFullAt: ago(10), failures: 2, retryAt: ago(-20) });
    const all = [2, 3, 4, 5].map((a) => sched(a, { lastSuccessAt: ago(10), lastFullAt: ago(10) }));
    const waiting = plan([failing, ...all], { busy: [[2, NOW + 5_000]] });
    expect(waiting.due).toEqual([]);
    expect(waiting.next).toEqual({ account: 1, at: NOW + 20_000 });
    const retry = plan([{ ...failing, retryAt: ago(1) }, ...all]);
    expect(retry.due.map((d) => [d.integration.account, d.why])).toEqual([[1, "retry"]]);
  });
});

describe("retryBackoffMs", () => {
  it("doubles from 10 s with ±25 % jitter and never exceeds 30 minutes", () => {
    expect(retryBackoffMs(1, () => 0.5)).toBe(10_000);
    expect(retryBackoffMs(2, () => 0.5)).toBe(20_000);
    expect(retryBackoffMs(3, () => 0)).toBe(30_000);
    expect(retryBackoffMs(3, () => 0.999)).toBeLessThanOrEqual(50_000);
    expect(retryBackoffMs(50, () => 0.999)).toBe(30 * 60_000);
    expect(retryBackoffMs(12, () => 0)).toBe(30 * 60_000 * 0.75);
  });
});
