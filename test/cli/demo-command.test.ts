import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ignoreDemoFolder } from "../../src/cli/ignore-demo-folder.ts";
import { main } from "../../src/cli/main.ts";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { loadSeedFile } from "../../src/sandbox/load-seed.ts";
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

  it("runs its own examples whatever the current repository declares, and keeps a --keep folder out of git", async () => {
    const repo = await mkdtemp(join(tmpdir(), "emi-demo-repo-"));
    try {
      expect(spawnSync("git", ["init", "-q", repo]).status).toBe(0);
      // A declarations repository whose integration uses an age: key the demo cannot decrypt.
      await mkdir(join(repo, "integrations"));
      await writeFile(
        join(repo, "integrations", "2001.yaml"),
        "account: 2001\nprovider: actito\nactito:\n  endpoint: api3\n  entity: other\n  email: a@b.example\n  apiKey: { secretRef: age:secrets/2001.age }\n",
      );
      const io = captureIO(repo);
      const code = await main(["node", "emi", "demo", "--keep", "emi-demo"], io);
      expect(io.out()).toContain("Plan: 4 to create");
      expect(code).toBe(0);
      expect(io.err()).toBe(
        `warning: emi-demo is inside a git repository and holds the demo's store: added /emi-demo/ to ${join(repo, ".gitignore")} so it is never committed\n`,
      );
      expect(readFileSync(join(repo, ".gitignore"), "utf8")).toContain("\n/emi-demo/\n");
      const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], {
        cwd: repo,
        encoding: "utf8",
      });
      expect(status.stdout).not.toContain("emi-demo/");
      // Once ignored, the folder is left alone.
      expect(ignoreDemoFolder(join(repo, "emi-demo"))).toBeUndefined();
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it("serves the examples the data emi sandbox serves by default", async () => {
    expect(await loadSeedFile(join(root, "examples/sandbox-seed.yaml"))).toEqual(defaultSeed);
  });
});
