import { describe, expect, it } from "vitest";
import { linkedSignal } from "../../src/sync/linked-signal.ts";

describe("linkedSignal", () => {
  it("aborts with the reason of whichever source aborts first", () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkedSignal([a.signal, b.signal]);
    expect(linked.signal.aborted).toBe(false);
    b.abort("lease lost");
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe("lease lost");
    a.abort("SIGTERM");
    expect(linked.signal.reason).toBe("lease lost");
  });

  it("starts aborted when a source already is", () => {
    const a = new AbortController();
    a.abort("SIGTERM");
    const linked = linkedSignal([new AbortController().signal, a.signal]);
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe("SIGTERM");
  });

  it("no longer follows its sources once disposed, so a long-lived source keeps nothing of it", () => {
    const long = new AbortController();
    const linked = linkedSignal([long.signal]);
    linked.dispose();
    long.abort("SIGTERM");
    expect(linked.signal.aborted).toBe(false);
  });
});
