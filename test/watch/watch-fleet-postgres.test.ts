import { randomBytes } from "node:crypto";
import { afterEach, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { describePostgres, postgresKeyFile } from "../requirements.ts";
import { type EmiProcess, spawnEmi } from "./emi-process.ts";
import { createFleetWorld, type FleetWorld } from "./fleet-world.ts";

let world: FleetWorld | undefined;
const procs: EmiProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0))
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await world?.close();
  world = undefined;
});

interface RunRecord {
  type: "run";
  time: string;
  startedAt: string | null;
  account: number;
  seconds: number;
  health: string;
}

const records = (p: EmiProcess) =>
  p
    .out()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string });

describePostgres("three emi sync --watch workers on one PostgreSQL store", (postgres) => {
  it("split the fleet, take over a worker killed with kill -9, keep every REAID exact and stop cleanly", async () => {
    const schema = `watch_${randomBytes(4).toString("hex")}`;
    const storeUrl = `${postgres}${postgres.includes("?") ? "&" : "?"}schema=${schema}`;
    const licences = 6;
    world = await createFleetWorld({ licences, profiles: 1500, storeUrl });
    const emi = (args: string[]) => {
      const p = spawnEmi(args, {
        cwd: world!.dir,
        env: { ...world!.env, EMI_STORE_KEY_FILE: postgresKeyFile },
      });
      procs.push(p);
      return p;
    };
    const apply = emi(["apply", "--yes"]);
    expect((await apply.exited()).code, apply.err()).toBe(0);

    const workers = [0, 1, 2].map(() => emi(["sync", "--watch", "--interval", "2", "--format", "json"]));
    await Promise.all(workers.map((w) => w.line(/"type":"started"/)));
    await Promise.all(workers.map((w) => w.line(/"type":"(run|busy|waiting)"/)));

    // Sign-ups keep coming while a worker dies.
    let signing = true;
    let n = 0;
    const signUps = (async () => {
      while (signing) {
        n++;
        await world!.signUp((n % licences) + 1, [`signup-${n}@fleet.example`]);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 2_000));
    const [killed, ...alive] = workers as [EmiProcess, EmiProcess, EmiProcess];
    killed.child.kill("SIGKILL");
    await killed.exited();
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 3_000));
    signing = false;
    await signUps;

    // Every sign-up carries its exact REAID, given by the two workers left (the killed one's
    // leases belong to a dead process on this host: broken at once).
    const started = Date.now();
    for (;;) {
      let wrong = 0;
      for (let i = 1; i <= licences; i++) wrong += await world.wrongReaids(i);
      if (wrong === 0) break;
      if (Date.now() - started > 40_000) throw new Error(`${wrong} profiles still without their REAID`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const runsAfterKill = alive
      .flatMap(records)
      .filter((r): r is RunRecord => r.type === "run")
      .filter((r) => Date.parse(r.time) > killedAt);
    expect(new Set(runsAfterKill.map((r) => r.account)).size).toBe(licences);

    // Never two workers on one licence at once: run intervals of different workers never overlap,
    // and Actito's limits held (no 429, at most 5 requests in flight per licence).
    const spans = workers.flatMap((w, worker) =>
      records(w)
        .filter((r): r is RunRecord => r.type === "run")
        .filter((r) => r.startedAt !== null)
        .map((r) => ({
          worker,
          account: r.account,
          start: Date.parse(r.startedAt!),
          end: Date.parse(r.time),
        })),
    );
    expect(spans.length).toBeGreaterThan(licences * 2);
    for (const a of spans) {
      for (const b of spans) {
        if (a.worker < b.worker && a.account === b.account) {
          // Both moments are taken while the licence lease is held: no overlap at all is allowed.
          expect(a.end <= b.start || b.end <= a.start, `${a.account} synced by two workers at once`).toBe(
            true,
          );
        }
      }
    }
    const stats = world.sandbox.stats().licences;
    for (let i = 1; i <= licences; i++) {
      expect(stats[`fleet${i}`]?.rejected429).toBe(0);
      expect(stats[`fleet${i}`]?.peakConcurrency).toBeLessThanOrEqual(5);
    }

    // SIGTERM: exit 0 within 15 s, every lease released, the next emi sync starts at once.
    const stopping = Date.now();
    for (const w of alive) w.child.kill("SIGTERM");
    const exits = await Promise.all(alive.map((w) => w.exited()));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    expect(Date.now() - stopping).toBeLessThan(15_000);
    const store = await openStore(storeUrl);
    const locks = await store.listLocks();
    await store.close();
    expect(locks.filter((l) => l.name.startsWith("licence:"))).toEqual([]);
    const next = emi(["sync", "--format", "json"]);
    expect((await next.exited()).code).toBe(0);
    expect(next.out()).not.toContain("licence busy");
    for (const p of procs) expect(p.out() + p.err()).not.toContain("fleet-key");
  }, 120_000);
});
