import { describe, expect, it } from "vitest";
import { healthOf, type SyncOutcome, settlesInbox } from "../../src/sync/sync-outcome.ts";
import { syncResult } from "../../src/sync/sync-result.ts";

const noCounts = { seen: 0, written: 0, skipped: 0, rejected: 0, duplicates: 0 };

describe("SyncOutcome", () => {
  it("gives every outcome its health word and says which settle the webhook inbox", () => {
    const table: [SyncOutcome, string, boolean][] = [
      [{ kind: "synced", health: "in sync" }, "in sync", true],
      [{ kind: "synced", health: "waiting for quota" }, "waiting for quota", true],
      [{ kind: "failed" }, "degraded", false],
      [{ kind: "skipped-busy", holder: "emi@w1:1", until: "2026-12-01T10:00:00.000Z" }, "skipped", false],
      [{ kind: "skipped-email-sync-off" }, "skipped", true],
      [{ kind: "skipped-inactive" }, "skipped", true],
      [{ kind: "skipped-stopped" }, "skipped", false],
    ];
    expect(table.map(([o]) => [o.kind, healthOf(o), settlesInbox(o)])).toEqual(
      table.map(([o, health, settles]) => [o.kind, health, settles]),
    );
  });

  it("builds results whose health and failed agree with the outcome", () => {
    expect(syncResult(1042, { kind: "failed" }, "Actito answered 500", noCounts)).toMatchObject({
      health: "degraded",
      failed: true,
    });
    const busy = syncResult(1042, { kind: "skipped-busy", holder: "emi@w1:1", until: "x" }, "busy", noCounts);
    expect(busy).toMatchObject({ health: "skipped", failed: false, outcome: { holder: "emi@w1:1" } });
  });

  it("refuses a value from outside the union instead of guessing", () => {
    expect(() => healthOf({ kind: "skipped-later" } as unknown as SyncOutcome)).toThrow(
      /unexpected sync outcome/,
    );
  });
});
