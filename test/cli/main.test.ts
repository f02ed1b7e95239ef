import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";

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
