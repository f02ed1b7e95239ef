import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorld, REPO_ROOT, type World } from "./e2e-harness.ts";

describe("declarations that are not plain readable files", () => {
  let world: World;
  beforeEach(async () => {
    world = await createWorld();
  });
  afterEach(() => world.close());

  it("reports a symlinked declaration as an error and plans no deactivation for it", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const file = join(world.dir, "integrations", "1042.yaml");
    renameSync(file, join(world.dir, "elsewhere-1042.yaml"));
    symlinkSync(join(world.dir, "elsewhere-1042.yaml"), file);

    const validate = await world.run(["validate"]);
    expect(validate.code).toBe(1);
    expect(validate.out).toMatch(/integrations\/1042\.yaml:1:1 +error +symlinked-declaration/);

    const plan = await world.run(["plan", "--format", "json"]);
    expect(plan.code).toBe(1);
    const json = JSON.parse(plan.out) as { changes: { account: number; action: string }[] };
    expect(json.changes.filter((c) => c.action === "deactivate")).toEqual([]);
    expect(JSON.stringify(json)).toContain("symlinked-declaration");
  });

  it("reports a symlinked sub-folder of declarations instead of skipping what it holds", async () => {
    const elsewhere = join(world.dir, "elsewhere");
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(world.dir, "integrations", "more"));
    const validate = await world.run(["validate"]);
    expect(validate.code).toBe(1);
    expect(validate.out).toMatch(
      /integrations\/more:1:1 +error +symlinked-declaration +this is a symbolic link/,
    );
  });

  it("reports a declaration that is not a regular file (a FIFO) without hanging", async () => {
    const fifo = join(world.dir, "integrations", "1099.yaml");
    const made = spawnSync("mkfifo", [fifo]);
    expect(made.status).toBe(0);
    const validate = await world.run(["validate"]);
    expect(validate.code).toBe(1);
    expect(validate.out).toMatch(
      /integrations\/1099\.yaml:1:1 +error +unreadable-file +this is not a regular file/,
    );
  });
});

describe("unreadable declarations, over a real process", () => {
  const asRoot = process.getuid?.() === 0;

  /**
   * Runs emi as it runs for a user whom permissions apply to. Root reads everything, so under root
   * emi runs without the two capabilities that let it (setpriv, util-linux): still root, so it
   * reaches the repository wherever CI cloned it (a 0700 temporary folder, which another user
   * could not enter).
   */
  function emi(args: string[], cwd: string) {
    const command = [process.execPath, join(REPO_ROOT, "bin/emi.js"), ...args];
    const dropped = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all"];
    const [program, ...rest] = asRoot ? [...dropped, ...command] : command;
    return spawnSync(program as string, rest, {
      cwd,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: cwd },
    });
  }

  it("names the unreadable file and folder and what to check, not 'this is a bug'", () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-unreadable-"));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, "integrations", "locked"), { recursive: true });
    const file = join(dir, "integrations", "2001.yaml");
    writeFileSync(file, "account: 2001\n");
    chmodSync(file, 0o000);
    chmodSync(join(dir, "integrations", "locked"), 0o000);
    const result = emi(["validate"], dir);
    expect(result.stderr).not.toContain("this is a bug");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /integrations\/2001\.yaml:1:1 +error +unreadable-file +the file cannot be read \(EACCES\): check the file's permissions/,
    );
    expect(result.stdout).toMatch(
      /integrations\/locked:1:1 +error +unreadable-folder +the folder cannot be listed \(EACCES\)/,
    );
  });
});
