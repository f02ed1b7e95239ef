import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";

const root = join(import.meta.dirname, "../..");

describe("emi demo", () => {
  it("plans, applies and syncs the examples against the sandbox and prints no key when run with nothing set", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "emi-demo-test-"));
    try {
      const io = captureIO(cwd);
      const code = await main(["node", "emi", "demo", "--keep", "kept"], io);
      expect(io.err()).toBe("");
      expect(code).toBe(0);
      expect(io.out()).toContain("Plan: 4 to create");
      const out = io.out();
      // Every sync line names its integration, in the same column as apply's outcome lines.
      expect(out).toContain("1042 nordlys/customers   sync: reading profiles       2,000 / 2,000");
      expect(out).toContain("1042 nordlys/customers   in sync · 1 of 12 imports used today");
      expect(out).not.toMatch(/^\d{4} sync:/m);
      expect(out).toContain(
        "1042 nordlys/customers   active · sync in sync · 2,000 seen, 2,000 written, 0 skipped, 0 rejected",
      );
      expect(out).toContain("1071 lumen/customers     active · sync in sync");
      expect(out).toContain("1010 solstice/customers  active · sync off");
      // Boreal's table has duplicate e-mails: one profile per e-mail holds the unique REAID, the
      // others are counted, and that is not a fault. Nothing is rejected and nothing is degraded.
      expect(out).toContain(
        "1050 boreal/members      sync: 1,495 REAIDs ready (1,491 new), 1,491 to write, 5 without e-mail, 4 sharing an e-mail with another profile",
      );
      // The import's id is the order in which the three concurrent syncs submitted theirs, which
      // depends on when their REAID calls returned (grouped into one transaction or not).
      expect(out).toMatch(/1050 boreal\/members {6}sync: mass import \d SUCCESS: 1,491 updated, 0 rejected/);
      expect(out).toContain(
        "1050 boreal/members      active · sync in sync (4 profiles share an e-mail with another profile: only one of each can carry the REAID) · 1,500 seen, 1,491 written, 9 skipped, 0 rejected",
      );
      expect(out).not.toContain("degraded");
      expect(io.out()).toContain("Where to look next:");
      expect(io.out()).not.toMatch(/sandbox-key-/);
      expect(existsSync(join(cwd, "kept", "state.db"))).toBe(true);

      // Every "look next" line runs as printed (`npx emi` is this repository's bin/emi.js), from the
      // emi folder, with nothing else set.
      const hints = out
        .slice(out.indexOf("Where to look next"))
        .split("\n")
        .filter((line) => line.startsWith("  npx emi "));
      expect(hints).toHaveLength(3);
      for (const hint of hints) {
        const args = hint.trim().slice("npx emi ".length).split(" ");
        const run = spawnSync(process.execPath, [join(root, "bin/emi.js"), ...args], {
          cwd: root,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "" },
        });
        expect(run.status, `${hint}\n${run.stderr}`).toBe(0);
      }
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
