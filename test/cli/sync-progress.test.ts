import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { syncProgress } from "../../src/cli/sync-progress.ts";
import type { SyncEvent } from "../../src/sync/sync-events.ts";

function captureIO(tty: boolean): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty },
    stderr: Object.assign(
      {
        write: (s: string) => {
          err += s;
          return true;
        },
      },
      tty ? { isTTY: true, columns: 120 } : {},
    ),
    env: {},
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

const events: SyncEvent[] = [
  {
    type: "sync-started",
    account: 1042,
    table: "acme/customers",
    full: true,
    resumed: false,
    expected: 3000,
  },
  { type: "rows-read", account: 1042, read: 1000, expected: 3000, ratePerSecond: 5000 },
  { type: "rows-read", account: 1042, read: 2000, expected: 3000, ratePerSecond: 5000 },
  { type: "rows-read", account: 1042, read: 3000, expected: 3000, ratePerSecond: 5000 },
  { type: "import-submitted", account: 1042, index: 1, id: "7", rows: 3000, bytes: 60000 },
  { type: "import-finished", account: 1042, id: "7", status: "SUCCESS", updated: 3000, rejected: 0 },
  {
    type: "sync-finished",
    account: 1042,
    health: "in sync",
    reason: null,
    counts: { seen: 3000, written: 3000, skipped: 0, rejected: 0 },
    importsUsedToday: 1,
    importsPerDay: 12,
    seconds: 1.2,
    failed: false,
  },
];

describe("syncProgress", () => {
  it("prints plain lines with reading progress at most once per interval when not on a terminal", () => {
    const io = captureIO(false);
    const progress = syncProgress(io, "text", { intervalMs: 60_000 });
    for (const e of events) progress.onEvent(e);
    progress.stop();
    const lines = io.out().trim().split("\n");
    expect(lines.filter((l) => l.includes("reading profiles"))).toHaveLength(1);
    expect(lines.at(-1)).toBe("1042 sync: in sync · 1 of 12 imports used today");
    expect(io.err()).toBe("");
  });

  it("prints one JSON object per line when the format is json", () => {
    const io = captureIO(false);
    const progress = syncProgress(io, "json");
    for (const e of events) progress.onEvent(e);
    const parsed = io
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as SyncEvent);
    expect(parsed.map((e) => e.type)).toEqual([
      "sync-started",
      "rows-read",
      "import-submitted",
      "import-finished",
      "sync-finished",
    ]);
  });

  it("draws a bar per integration on stderr when stderr is a terminal", () => {
    const io = captureIO(true);
    const progress = syncProgress(io, "text");
    for (const e of events) progress.onEvent(e);
    progress.stop();
    expect(io.err()).toContain("1042 acme/customers");
    expect(io.err()).toContain("3000/3000 read · 3000 written");
    expect(io.err()).toContain("mass import 7 SUCCESS");
  });
});
