import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";

const dir = mkdtempSync(join(tmpdir(), "emi-sync-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (args: string[], env: Record<string, string> = {}) => {
  const io = { ...captureIO(dir), env };
  const code = await main(["node", "emi", ...args, "--store", `sqlite:${join(dir, "state.db")}`], io);
  return { code, out: io.out(), err: io.err() };
};

describe("emi sync: fleet flags and quota knobs", () => {
  it.each([
    [["--concurrency", "0"], "--concurrency"],
    [["--concurrency", "abc"], "--concurrency"],
    [["--concurrency", "-2"], "--concurrency"],
    [["--watch", "--interval", "0"], "--interval"],
    [["--watch", "--interval", "5s"], "--interval"],
    [["--watch", "--full-every", "0"], "--full-every"],
    [["--watch", "--full-every", "x"], "--full-every"],
    [["--watch", "--metrics-port", "70000"], "--metrics-port"],
    [["--watch", "--metrics-port", "http"], "--metrics-port"],
  ])("exits 1 with a usage error for sync %j", async (flags, named) => {
    const { code, err } = await run(["sync", ...flags]);
    expect(code).toBe(1);
    expect(err).toContain(named);
    expect(err).not.toContain("this is a bug");
  });

  it("exits 1 with a usage error for apply --concurrency 0", async () => {
    const { code, err } = await run(["apply", "--yes", "--concurrency", "0"]);
    expect(code).toBe(1);
    expect(err).toContain("--concurrency");
  });

  it("exits 1 when a watch-only flag is given without --watch, or --watch with --account", async () => {
    const alone = await run(["sync", "--interval", "30"]);
    expect(alone.code).toBe(1);
    expect(alone.err).toContain("--interval needs --watch");
    const account = await run(["sync", "--watch", "--account", "1042"]);
    expect(account.code).toBe(1);
    expect(account.err).toContain("drop --account");
  });

  it.each([
    ["EMI_ACTITO_CALLS_PER_MINUTE", "0"],
    ["EMI_ACTITO_CALLS_PER_MINUTE", "-5"],
    ["EMI_ACTITO_CALLS_PER_MINUTE", "fast"],
    ["EMI_ACTITO_MAX_CONCURRENT", "0"],
    ["EMI_ACTITO_MAX_CONCURRENT", "2.5"],
  ])("exits 1 with one clear error naming %s=%s", async (name, value) => {
    for (const command of [["sync"], ["plan"], ["apply", "--yes"]]) {
      const { code, err } = await run(command, { [name]: value });
      expect(code).toBe(1);
      expect(err.trim().split("\n")).toEqual([
        `error: ${name} must be a whole number of at least 1 (got "${value}"): set it to what your Actito licence allows (default ${name.endsWith("MINUTE") ? 90 : 4}), or unset it`,
      ]);
    }
  });
});
