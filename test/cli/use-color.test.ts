import { describe, expect, it } from "vitest";
import { syncProgress } from "../../src/cli/sync-progress.ts";
import { useColor, useLiveProgress } from "../../src/cli/use-color.ts";

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe("useColor", () => {
  it.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: "1" }, false],
    [tty, { NO_COLOR: "" }, true],
    [pipe, { FORCE_COLOR: "1" }, true],
    [pipe, { FORCE_COLOR: "" }, true],
    [tty, { FORCE_COLOR: "0" }, false],
    [tty, { TERM: "dumb" }, false],
    [pipe, { TERM: "dumb", FORCE_COLOR: "1" }, true],
    [pipe, { NO_COLOR: "1", FORCE_COLOR: "1" }, false],
  ])("colours %o with %o: %s", (stream, env, expected) => {
    expect(useColor(stream, env as Record<string, string>)).toBe(expected);
  });

  it("draws no live progress bar on TERM=dumb: plain lines instead", () => {
    expect(useLiveProgress(tty, {})).toBe(true);
    expect(useLiveProgress(tty, { TERM: "dumb" })).toBe(false);
    let out = "";
    let err = "";
    const io = {
      stdout: { write: (s: string) => (out += s), isTTY: true },
      stderr: { write: (s: string) => (err += s), isTTY: true },
      env: { TERM: "dumb" },
      cwd: process.cwd(),
    };
    const progress = syncProgress(io, "text", { intervalMs: 0 });
    const base = { account: 1042, table: "nordlys/customers" };
    progress.onEvent({ ...base, type: "sync-started", full: true, resumed: false, expected: 10 });
    progress.onEvent({ ...base, type: "rows-read", read: 5, expected: 10, ratePerSecond: 100 });
    progress.stop();
    // The plain lines of a CI log, on stdout; no bar on stderr, no escape sequence anywhere.
    expect(out).toContain("1042 nordlys/customers");
    expect(err).toBe("");
    expect(out).not.toContain("\x1b[");
  });
});
