import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { type EmiProcess, spawnEmi } from "./emi-process.ts";
import { createFleetWorld, type FleetWorld } from "./fleet-world.ts";

let world: FleetWorld | undefined;
const workers: EmiProcess[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  await world?.close();
  world = undefined;
});

const emi = (args: string[], env: Record<string, string> = {}) => {
  const p = spawnEmi(args, { cwd: world!.dir, env: { ...world!.env, ...env } });
  workers.push(p);
  return p;
};

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - started;
}

describe("emi sync --watch (a real worker on a SQLite store)", { timeout: 120_000 }, () => {
  it("gives new sign-ups their REAID, serves metrics and health, and stops cleanly on SIGTERM", async () => {
    world = await createFleetWorld({ licences: 3, profiles: 300 });
    const applied = emi(["apply", "--yes"]);
    expect((await applied.exited()).code).toBe(0);

    const worker = emi(["sync", "--watch", "--interval", "2", "--metrics-port", "0"]);
    const start = await worker.line(
      /^emi sync --watch: worker emi@.+:\d+, store sqlite:.*, 3 integrations \(3 with emailSync\), metrics on :\d+$/,
    );
    const port = Number(/:(\d+)$/.exec(start)?.[1]);
    await worker.line(/ 3001 fleet1\/customers +(incremental|full) +in sync /);

    await world.signUp(2, ["new-1@fleet2.example", "new-2@fleet2.example"]);
    const took = await waitUntil(async () => (await world!.wrongReaids(2)) === 0, 15_000);
    expect(took).toBeLessThan(10_000);
    expect(
      await worker.line(/ 3002 fleet2\/customers +incremental +in sync +\+\d+ read, [12] written \(PATCH\)/),
    ).toBeTruthy();

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^emi_sync_runs_total\{account="3002",result="in_sync"\} \d+$/m);
    expect(metrics).toMatch(/^emi_sync_last_success_timestamp_seconds\{account="3001"\} \d+(\.\d+)?$/m);
    expect(metrics).toMatch(/^emi_profiles_written_total\{account="3002"\} 2$/m);
    expect(metrics).toMatch(/^emi_profiles_without_reaid\{account="3001"\} 0$/m);
    expect(metrics).toMatch(/^emi_actito_requests_total\{licence="api3\/fleet1",status="200"\} \d+$/m);
    expect(metrics).not.toContain("fleet-key");

    const stopping = Date.now();
    worker.child.kill("SIGTERM");
    const exit = await worker.exited();
    expect(exit.code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(worker.out()).toMatch(/stopping \(SIGTERM\)/);
    expect(worker.out()).toMatch(/stopped cleanly\n$/);
    const store = await openStore(world.env.EMI_STORE!, { cwd: world.dir });
    expect(await store.listLocks()).toEqual([]);
    await store.close();

    // The next run starts at once: no lease left behind.
    const next = emi(["sync"]);
    expect((await next.exited()).code).toBe(0);
    expect(next.out()).not.toContain("busy");
    for (const out of workers.map((w) => w.out() + w.err())) expect(out).not.toContain("fleet-key");
  });

  it("checkpoints the sync under way on SIGTERM, releases its lease and exits 0 within 15 s", async () => {
    world = await createFleetWorld({ licences: 1, profiles: 20_000, limits: { callsPerMinute: 100_000 } });
    expect((await emi(["apply", "--yes"]).exited()).code).toBe(0);
    world.sandbox.setFaults({ latencyMs: 300 });
    // A full read every cycle (--full-every 0.0001 h): 20 slow pages, so the stop comes mid-read.
    const worker = emi(["sync", "--watch", "--interval", "1", "--full-every", "0.0001"]);
    await worker.line(/^emi sync --watch: /);
    await new Promise((r) => setTimeout(r, 2_500));
    const stopping = Date.now();
    worker.child.kill("SIGTERM");
    expect((await worker.exited()).code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(worker.out()).toMatch(
      /stopping \(SIGTERM\): finishing 3001 fleet1\/customers \(checkpointed\), releasing 1 licence lease/,
    );
    const store = await openStore(world.env.EMI_STORE!, { cwd: world.dir });
    expect(await store.listLocks()).toEqual([]);
    expect((await store.findByAccount(3001))?.sync).toMatchObject({ health: "due" });
    await store.close();
    world.sandbox.setFaults({ latencyMs: 0 });
    const next = emi(["sync"]);
    expect((await next.exited()).code).toBe(0);
    expect(await world.wrongReaids(1)).toBe(0);
  });

  it("exits at once on a second signal, and the next sync resumes", async () => {
    world = await createFleetWorld({ licences: 1, profiles: 20_000, limits: { callsPerMinute: 100_000 } });
    expect((await emi(["apply", "--yes"]).exited()).code).toBe(0);
    world.sandbox.setFaults({ latencyMs: 1_000 });
    const worker = emi(["sync", "--watch", "--interval", "1", "--full-every", "0.0001"]);
    await worker.line(/^emi sync --watch: /);
    await new Promise((r) => setTimeout(r, 2_500));
    worker.child.kill("SIGINT");
    await worker.line(/stopping \(SIGINT\)/);
    const second = Date.now();
    worker.child.kill("SIGINT");
    expect((await worker.exited()).code).toBe(130);
    expect(Date.now() - second).toBeLessThan(2_000);
    expect(worker.err()).toContain("SIGINT again: exiting at once");
    world.sandbox.setFaults({ latencyMs: 0 });
    // Its lease names a dead process on this host: the next sync breaks it at once.
    const next = emi(["sync"]);
    expect((await next.exited()).code).toBe(0);
    expect(next.out()).not.toContain("busy");
    expect(await world.wrongReaids(1)).toBe(0);
  });

  it("prints one NDJSON record per line with --format json", async () => {
    world = await createFleetWorld({ licences: 1, profiles: 50 });
    expect((await emi(["apply", "--yes"]).exited()).code).toBe(0);
    const worker = emi(["sync", "--watch", "--interval", "1", "--format", "json"]);
    await worker.line(/"type":"run"/);
    worker.child.kill("SIGINT");
    expect((await worker.exited()).code).toBe(0);
    const records = worker
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(records[0]).toMatchObject({ type: "started", integrations: 1, metricsPort: null });
    expect(records.find((r) => r.type === "run")).toMatchObject({
      account: 3001,
      table: "fleet1/customers",
      health: "in sync",
      failed: false,
    });
    expect(records.at(-1)).toMatchObject({ type: "stopped", clean: true });
  });

  it("refuses a metrics port that is taken, naming it", async () => {
    world = await createFleetWorld({ licences: 1, profiles: 10 });
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "0.0.0.0", r));
    const port = (taken.address() as { port: number }).port;
    try {
      const worker = emi(["sync", "--watch", "--metrics-port", String(port)]);
      expect((await worker.exited()).code).toBe(1);
      expect(worker.err()).toContain(`--metrics-port ${port} is already in use (EADDRINUSE)`);
    } finally {
      taken.close();
    }
  });
});
