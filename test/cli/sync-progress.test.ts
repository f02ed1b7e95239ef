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

const table = "acme/customers";
const events: SyncEvent[] = [
  {
    type: "sync-started",
    account: 1042,
    table: "acme/customers",
    full: true,
    resumed: false,
    expected: 3000,
  },
  { type: "rows-read", account: 1042, table, read: 1000, expected: 3000, ratePerSecond: 5000 },
  { type: "rows-read", account: 1042, table, read: 2000, expected: 3000, ratePerSecond: 5000 },
  { type: "rows-read", account: 1042, table, read: 3000, expected: 3000, ratePerSecond: 5000 },
  { type: "reading-done", account: 1042, table, read: 3000, seconds: 0.6 },
  {
    type: "reaids-ready",
    account: 1042,
    table,
    ready: 2998,
    created: 2990,
    toWrite: 2996,
    withoutEmail: 2,
    duplicates: 2,
  },
  { type: "import-submitted", account: 1042, table, index: 1, id: "7", rows: 2996, bytes: 60000, last: true },
  {
    type: "import-finished",
    account: 1042,
    table,
    id: "7",
    status: "SUCCESS",
    updated: 2996,
    rejected: 0,
    duplicates: 0,
  },
  {
    type: "sync-finished",
    account: 1042,
    table,
    outcome: { kind: "synced", health: "in sync" },
    health: "in sync",
    reason: "2 profiles share an e-mail with another profile: only one of each can carry the REAID",
    counts: { seen: 3000, written: 2996, skipped: 4, rejected: 0, duplicates: 2 },
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
    expect(io.out()).toBe(
      [
        "1042 acme/customers      sync: reading profiles       1,000 / ~3,000    (5,000/s)",
        "1042 acme/customers      sync: reading profiles       3,000 / 3,000     done in 0.6 s",
        "1042 acme/customers      sync: 2,998 REAIDs ready (2,990 new), 2,996 to write, 2 without e-mail, 2 sharing an e-mail with another profile",
        "1042 acme/customers      sync: mass import 1 of 1 submitted (58.6 kB gzip), id 7",
        "1042 acme/customers      sync: mass import 7 SUCCESS: 2,996 updated, 0 rejected",
        "1042 acme/customers      sync: 2 profiles share an e-mail with another profile: only one of each can carry the REAID",
        "1042 acme/customers      in sync · 1 of 12 imports used today",
        "",
      ].join("\n"),
    );
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
      "reading-done",
      "reaids-ready",
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
    expect(io.err()).toContain("3,000/3,000 read · 2,996 written");
    expect(io.err()).toContain("mass import 7 SUCCESS");
  });
});
