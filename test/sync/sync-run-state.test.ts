import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { countPage, rewind, startRunState, tallies } from "../../src/sync/sync-run-state.ts";

const start = () =>
  startRunState({ full: true, watermark: null, nextWatermark: "2030-01-01T00:00:00Z", reaidsBefore: 0 });

describe("run state transitions", () => {
  it("adds a page's tally, counting duplicates as skipped too", () => {
    const run = start();
    countPage(run, { seen: 10, withoutEmail: 1, skipped: 2, emails: 9, duplicates: 3, toWrite: 4 });
    expect(run.counts).toEqual({ seen: 10, written: 0, skipped: 5, rejected: 0 });
    expect(run).toMatchObject({ withoutEmail: 1, emails: 9, duplicates: 3, toWrite: 4 });
  });

  it("rewinds to the last committed step after an unknown outcome, forgetting what was read since", () => {
    const run = start();
    countPage(run, { seen: 5, withoutEmail: 0, skipped: 0, emails: 5, duplicates: 0, toWrite: 5 });
    run.chunkBase = tallies(run);
    countPage(run, { seen: 7, withoutEmail: 2, skipped: 2, emails: 5, duplicates: 1, toWrite: 4 });
    run.listingDone = true;
    run.inFlight = {
      reservation: "r",
      startCursor: "c1",
      endCursor: null,
      listingDone: true,
      complete: true,
      rows: 4,
      id: null,
      startedAt: "2030-01-01T00:00:00Z",
      completedAt: "2030-01-01T00:00:01Z",
    };
    rewind(run);
    expect(run.counts).toEqual({ seen: 5, written: 0, skipped: 0, rejected: 0 });
    expect(run).toMatchObject({
      withoutEmail: 0,
      emails: 5,
      duplicates: 0,
      toWrite: 5,
      listingDone: false,
      inFlight: null,
    });
  });
});

describe("run state ownership", () => {
  it("is changed only through the named transitions of sync-run-state.ts", () => {
    const dir = new URL("../../src/sync/", import.meta.url);
    const direct = /\b(run|flight|run\.inFlight)\.[\w.]+\s*(\+|-|\?\?)?=(?!=)|Object\.assign\(run\b/;
    const offenders = readdirSync(dir)
      .filter((name) => name.endsWith(".ts") && name !== "sync-run-state.ts")
      .flatMap((name) =>
        readFileSync(new URL(name, dir), "utf8")
          .split("\n")
          .map((line, i) => ({ where: `${name}:${i + 1}`, line }))
          .filter(({ line }) => direct.test(line)),
      )
      .map(({ where }) => where);
    expect(offenders).toEqual([]);
  });
});
