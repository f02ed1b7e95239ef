import { spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorld, KEYS, REPO_ROOT, type World } from "../e2e/e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

/** No output may carry a stack frame or any of the sandbox's API keys. */
function expectCleanError(err: string): void {
  expect(err).not.toMatch(/\n\s+at /);
  expect(err).not.toContain("this is a bug");
  for (const key of Object.values(KEYS)) expect(err).not.toContain(key);
}

describe("emi's contract at its edges", () => {
  it("exits 1, not 2, on a bad flag for plan, apply, sync and drift, whose 2 means changes or drift", async () => {
    for (const command of ["plan", "apply", "sync", "drift"]) {
      const result = await world.run([command, "--formt", "json"]);
      expect(result.code, command).toBe(1);
      expect(result.err, command).toContain("unknown option '--formt'");
    }
    const invalidChoice = await world.run(["drift", "--format", "github"]);
    expect(invalidChoice.code).toBe(1);
  });

  it("keeps exit 2 for a bad flag to validate, as its contract says", async () => {
    expect((await world.run(["validate", "--formt", "json"])).code).toBe(2);
  });

  it("says EMI_ACTITO_URL is wrong, in one line, when it is not an http(s) URL", async () => {
    for (const command of ["plan", "apply", "sync", "drift"]) {
      const result = await world.run([command, "--yes"].slice(0, command === "apply" ? 2 : 1), {
        env: { EMI_ACTITO_URL: "127.0.0.1:8080" },
      });
      expect(result.code, command).toBe(1);
      expect(result.err, command).toBe(
        'error: EMI_ACTITO_URL is not an http(s) URL ("127.0.0.1:8080"): set it to the Actito API or the sandbox\'s URL, e.g. http://127.0.0.1:8080, or unset it\n',
      );
      expectCleanError(result.err);
    }
  });

  it("says the plan cannot be saved, without a stack, when --out names a folder", async () => {
    await mkdir(join(world.dir, "plans"), { recursive: true });
    const result = await world.run(["plan", "--out", "plans"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "error: cannot save the plan to plans (EISDIR): pass --out a writable file path such as plan.json\n",
    );
    expectCleanError(result.err);
  });

  it("says the saved plan does not exist and how to make one when apply is given a missing file", async () => {
    const result = await world.run(["apply", "missing.json", "--yes"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "error: cannot read the plan file missing.json (it does not exist): save one with emi plan --out missing.json, or run emi apply without a file\n",
    );
  });

  it("stops quietly with exit 0 when the reader of stdout closes early (emi … | head -1)", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const { code, err, firstLine } = await new Promise<{
      code: number | null;
      err: string;
      firstLine: string;
    }>((done, fail) => {
      const child = spawn(
        process.execPath,
        [join(REPO_ROOT, "bin/emi.js"), "reaid", "export", "--account", "1042"],
        { cwd: world.dir, env: { ...process.env, ...world.env, EMI_NO_BUNDLE: "1" } },
      );
      let err = "";
      let firstLine = "";
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.stdout.once("data", (chunk: Buffer) => {
        firstLine = chunk.toString().split("\n")[0] ?? "";
        child.stdout.destroy(); // as `head -1` does once it has its line
      });
      child.on("error", fail);
      child.on("close", (code) => done({ code, err, firstLine }));
    });
    expect(firstLine).toBe("email,reaid");
    expect(code).toBe(0);
    expect(err).not.toContain("EPIPE");
    expectCleanError(err);
  }, 30_000);
});

describe("emi plan --out", () => {
  it("names --allow-deactivate in the apply hint when the saved plan deactivates, as apply needs it again", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await rm(join(world.dir, "integrations/1010.yaml"));
    const plan = await world.run(["plan", "--allow-deactivate", "--out", "plan.json"]);
    expect(plan.out).toContain("Saved to plan.json. Apply it with: emi apply plan.json --allow-deactivate\n");
    const without = await world.run(["apply", "plan.json", "--yes"]);
    expect(without.out).toContain("1 blocked");
    const withFlag = await world.run(["apply", "plan.json", "--yes", "--allow-deactivate"]);
    expect(withFlag.code).toBe(0);
    expect(withFlag.out).toContain("1 deactivated");
  });
});
