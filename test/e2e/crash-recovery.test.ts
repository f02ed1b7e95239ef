import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorld, REPO_ROOT, type World } from "./e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

function spawnEmi(args: string[], env: Record<string, string | undefined>, killWhen?: RegExp) {
  return new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    out: string;
    err: string;
    pid: number | undefined;
  }>((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/emi.js"), ...args], {
      cwd: world.dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (killWhen?.test(out)) child.kill("SIGKILL");
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code, signal) => {
      world.outputs.push(out, err);
      resolve({ code, signal, out, err, pid: child.pid });
    });
  });
}

describe("apply killed in the middle", () => {
  it("checks the step left pending against Actito and converges without redoing side effects", async () => {
    const crashed = await spawnEmi(["apply", "--yes"], { EMI_TEST_CRASH_AFTER_STEP: "add-attribute:1071" });
    expect(crashed.signal).toBe("SIGKILL");
    const pending = await world.withStore((s) => s.journalPending());
    expect(pending.map((p) => [p.account, p.step])).toEqual([[1071, "add-attribute"]]);
    expect((await world.withStore((s) => s.listIntegrations())).map((e) => e.account)).toEqual([
      1010, 1042, 1050,
    ]);
    // The killed apply's lease is still in the store, but its holder (emi@<this host>:<pid>) is
    // dead: the next apply on this host breaks it at once instead of waiting for it to expire.
    const locks = await world.withStore((s) => s.listLocks());
    expect(locks.map((l) => [l.name, l.owner])).toEqual([["apply", `emi@${hostname()}:${crashed.pid}`]]);

    const rerun = await world.run(["apply", "--yes", "--format", "json"]);
    expect(rerun.err).toBe("");
    expect(rerun.code).toBe(0);
    const { plan, result } = JSON.parse(rerun.out);
    expect(result.recovered).toMatchObject([{ account: 1071, step: "add-attribute", outcome: "succeeded" }]);
    const lumen = plan.changes.find((c: { account: number }) => c.account === 1071);
    expect(lumen.live.attribute.status).toBe("present");

    const steps = await world.withStore((s) => s.journalFor(result.applyId));
    expect(steps.filter((s) => s.step === "add-attribute")).toEqual([]);
    expect(await world.withStore((s) => s.journalPending())).toEqual([]);
    expect((await world.withStore((s) => s.listIntegrations())).map((e) => e.account)).toEqual([
      1010, 1042, 1050, 1071,
    ]);
    const tables = world.sandbox.stats().tables;
    expect(tables["lumen/3"]?.importsSubmitted).toBe(1);
    expect(tables["nordlys/16"]?.importsSubmitted).toBe(1);

    const converged = await world.run(["plan", "--detailed-exitcode"]);
    expect(converged.code).toBe(0);
  });

  it("resumes a sync killed after its mass import was submitted, without submitting it again", async () => {
    const killed = await spawnEmi(["apply", "--yes"], {}, /1042 .*sync: mass import 1 (of 1 )?submitted/);
    expect(killed.signal).toBe("SIGKILL");
    expect(world.sandbox.stats().tables["nordlys/16"]?.importsSubmitted).toBe(1);
    await world.withStore(async (s) => {
      for (const lock of await s.listLocks()) await s.breakLock(lock.id);
    });
    const plan = await world.run(["plan", "--format", "json"]);
    const nordlys = JSON.parse(plan.out).changes.find((c: { account: number }) => c.account === 1042);
    expect(nordlys.action).toBe("sync");

    const rerun = await world.run(["apply", "--yes"]);
    expect(rerun.code).toBe(0);
    expect(world.sandbox.stats().tables["nordlys/16"]?.importsSubmitted).toBe(1);
    const profiles = [...world.sandbox.profiles("nordlys", "nordlys", "16")];
    expect(profiles.every((p) => typeof p.attributes.reaid === "string")).toBe(true);
    expect((await world.run(["plan", "--detailed-exitcode"])).code).toBe(0);
  });
});
