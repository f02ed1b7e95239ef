import { describe, expect, it } from "vitest";
import { CheckpointFormatError, decodeRunState, runStateOf } from "../../src/sync/decode-run-state.ts";
import { startRunState } from "../../src/sync/sync-run-state.ts";

const fresh = () =>
  startRunState({
    full: false,
    watermark: "2030-01-01T00:00:00Z",
    nextWatermark: "2030-01-02T00:00:00Z",
    reaidsBefore: 7,
  });

describe("decodeRunState", () => {
  it("reads back what a run saved, through JSON as the store keeps it", () => {
    const run = fresh();
    run.inFlight = {
      reservation: "r-1",
      startCursor: null,
      endCursor: "c-9",
      listingDone: false,
      complete: true,
      rows: 12,
      id: null,
      startedAt: "2030-01-01T00:00:00Z",
      completedAt: null,
    };
    expect(decodeRunState(JSON.parse(JSON.stringify(run)), 1042)).toEqual(run);
  });

  it("reads a checkpoint written before `duplicates` existed", () => {
    const { duplicates: _, ...older } = fresh();
    expect(decodeRunState(older, 1042).counts.seen).toBe(0);
  });

  it("refuses a checkpoint of another format with one clear error saying what to do", () => {
    const error = (() => {
      try {
        decodeRunState({ ...fresh(), kind: "emi-sync-run/2" }, 1042);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CheckpointFormatError);
    expect((error as Error).message).toBe(
      "the sync checkpoint of account 1042 has format emi-sync-run/2, which this emi (emi-sync-run/1) does not read: " +
        "finish that run with the emi that started it, or start over with `emi sync --full` (nothing is lost: the whole table is read again)",
    );
  });

  it("names the field of a damaged checkpoint", () => {
    expect(() => decodeRunState({ ...fresh(), imports: "3" }, 7)).toThrow(
      /account 7 cannot be read \(imports has the wrong type\)/,
    );
    expect(() => decodeRunState({ ...fresh(), chunkBase: {} }, 7)).toThrow(/chunkBase has the wrong type/);
    expect(() => decodeRunState({ ...fresh(), inFlight: { id: 3 } }, 7)).toThrow(
      /inFlight has the wrong type/,
    );
    expect(() => decodeRunState(null, 7)).toThrow(/has format \(none\)/);
  });
});

describe("runStateOf", () => {
  const running = (data: unknown) => ({
    phase: "running",
    cursor: null,
    watermark: null,
    importsInFlight: [],
    data: data as Record<string, unknown>,
  });

  it("gives no run for an idle checkpoint or none", () => {
    expect(runStateOf(null, 1, false)).toBeNull();
    expect(runStateOf({ ...running({}), phase: "idle" }, 1, false)).toBeNull();
  });

  it("stops on another version's run, and starts over only when asked for a full run", () => {
    const other = running({ ...fresh(), kind: "emi-sync-run/2" });
    expect(() => runStateOf(other, 1042, false)).toThrow(CheckpointFormatError);
    expect(runStateOf(other, 1042, true)).toBeNull();
    expect(runStateOf(running(fresh()), 1042, false)).toEqual(fresh());
  });
});
