import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import type { CliIO } from "../../src/cli/io.ts";

function captureIO(): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

describe("emi main", () => {
  it("prints help and exits 0 when asked for --help", async () => {
    const io = captureIO();
    expect(await main(["node", "emi", "--help"], io)).toBe(0);
    expect(io.out()).toContain("Usage: emi");
  });

  it("exits 2 with a message when the command is unknown", async () => {
    const io = captureIO();
    expect(await main(["node", "emi", "frobnicate"], io)).toBe(2);
    expect(io.err()).toContain("unknown command");
  });
});
