import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";

function captureIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}

describe("emi demo", () => {
  it("plans, applies and syncs the examples against the sandbox and prints no key when run with nothing set", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "emi-demo-test-"));
    try {
      const io = captureIO(cwd);
      const code = await main(["node", "emi", "demo", "--keep", "kept"], io);
      expect(io.err()).toBe("");
      expect(code).toBe(0);
      expect(io.out()).toContain("Plan: 4 to create");
      expect(io.out()).toContain("1042 nordlys/customers: active, sync in sync · 2000 seen, 2000 written");
      expect(io.out()).toContain("1071 lumen/customers: active, sync in sync");
      // Boreal's table has duplicate e-mails: only one profile per e-mail can hold its unique REAID.
      expect(io.out()).toMatch(/1050 boreal\/members: active, sync degraded \(\d+ profile\(s\) rejected/);
      expect(io.out()).toContain("Where to look next:");
      expect(io.out()).not.toMatch(/sandbox-key-/);
      expect(existsSync(join(cwd, "kept", "state.db"))).toBe(true);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
