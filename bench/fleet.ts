// Fleet benchmarks of issue 13 (results in bench/fleet.md and bench/README.md):
//   npx tsx bench/fleet.ts backfill [licences=40] [profiles=5000]   one `emi apply` back-fills the fleet
//   npx tsx bench/fleet.ts idle [integrations=500] [profiles=200] [cycles=20]   idle cost and RSS of a worker
//   npx tsx bench/fleet.ts freshness [signUps=20]                  sign-up → REAID with --watch --interval 3
// The sandbox runs in this process (600 calls/min per licence); emi runs as real child processes.
import { readFileSync } from "node:fs";
import { spawnEmi } from "../test/watch/emi-process.ts";
import { createFleetWorld } from "../test/watch/fleet-world.ts";

const [mode = "backfill", ...args] = process.argv.slice(2);
const arg = (i: number, fallback: number) => Number(args[i] ?? fallback);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** utime + stime of a process in ms, and its RSS in MB, from /proc. */
function usage(pid: number): { cpuMs: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return { cpuMs: ticks * 10, rssMb: Number(rss) / 1024 };
}

if (mode === "backfill") {
  const licences = arg(0, 40);
  const profiles = arg(1, 5000);
  const world = await createFleetWorld({ licences, profiles });
  const started = Date.now();
  const apply = spawnEmi(["apply", "--yes"], {
    cwd: world.dir,
    env: { ...world.env, EMI_ACTITO_CALLS_PER_MINUTE: "540" },
  });
  const exit = await apply.exited();
  const seconds = (Date.now() - started) / 1000;
  let wrong = 0;
  for (let i = 1; i <= licences; i++) wrong += await world.wrongReaids(i);
  const stats = Object.values(world.sandbox.stats().licences);
  console.log(
    JSON.stringify({
      mode,
      licences,
      profiles,
      exit: exit.code,
      seconds,
      wrongReaids: wrong,
      max429: Math.max(...stats.map((s) => s.rejected429)),
      maxPeakConcurrency: Math.max(...stats.map((s) => s.peakConcurrency)),
      loadavg: load(),
    }),
  );
  if (exit.code !== 0) console.error(apply.err());
  if (exit.code !== 0 || wrong > 0) {
    console.error(
      `the back-fill did not do its work: exit ${exit.code}, ${wrong} profiles without their REAID`,
    );
    process.exitCode = 1;
  }
  await world.close();
} else if (mode === "idle") {
  const integrations = arg(0, 500);
  const profiles = arg(1, 200);
  const cycles = arg(2, 20);
  const world = await createFleetWorld({ licences: integrations, profiles, limits: { callsPerMinute: 600 } });
  const apply = spawnEmi(["apply", "--yes"], { cwd: world.dir, env: world.env });
  if ((await apply.exited()).code !== 0) throw new Error(apply.err());
  const worker = spawnEmi(["sync", "--watch", "--interval", "1", "--format", "json"], {
    cwd: world.dir,
    env: world.env,
  });
  const pid = worker.child.pid!;
  const runs = () =>
    worker
      .out()
      .split("\n")
      .filter((l) => l.includes('"type":"run"')).length;
  // Two passes first: the first incremental run after the back-fill re-reads the rows it wrote.
  while (runs() < integrations * 2) await sleep(200);
  const samples: {
    cycle: number;
    seconds: number;
    cpuMsPerIntegration: number;
    callsPerIntegration: number;
    rssMb: number;
  }[] = [];
  for (let c = 1; c <= cycles; c++) {
    const before = { runs: runs(), usage: usage(pid), calls: totalCalls(), at: Date.now() };
    while (runs() < before.runs + integrations) await sleep(50);
    const after = usage(pid);
    samples.push({
      cycle: c,
      seconds: (Date.now() - before.at) / 1000,
      cpuMsPerIntegration: (after.cpuMs - before.usage.cpuMs) / integrations,
      callsPerIntegration: (totalCalls() - before.calls) / integrations,
      rssMb: Math.round(after.rssMb),
    });
  }
  worker.child.kill("SIGTERM");
  await worker.exited();
  // The figures mean something only if every run did its work: each ended in sync, none failed.
  const wrong = worker
    .out()
    .split("\n")
    .filter((l) => l.includes('"type":"run"'))
    .map((l) => JSON.parse(l) as { account: number; failed: boolean; health: string; reason: string | null })
    .filter((run) => run.failed || run.health !== "in sync");
  if (wrong.length > 0) {
    console.error(`${wrong.length} runs failed or ended out of sync, e.g. ${JSON.stringify(wrong[0])}`);
    process.exitCode = 1;
  }
  const rss = samples.map((s) => s.rssMb);
  // A cycle far longer than the others is the licences' call budget, not idle work: each run makes
  // about 2 calls, so at --interval 1 a licence reaches the client's 90 calls a minute (Actito's
  // 100 less a margin) after about 45 cycles and waits for its oldest call to leave the window.
  const median = [...samples].sort((a, b) => a.seconds - b.seconds)[Math.floor(samples.length / 2)]!.seconds;
  const budgetWaits = samples.filter((s) => s.seconds > 5 * median).map((s) => s.cycle);
  console.log(
    JSON.stringify({
      mode,
      integrations,
      profiles,
      cycles,
      cycleSeconds: samples.map((s) => s.seconds),
      cpuMsPerIntegration: samples.map((s) => Math.round(s.cpuMsPerIntegration * 10) / 10),
      callsPerIntegration: samples.map((s) => s.callsPerIntegration),
      rssMbFirstLast: [rss[0], rss.at(-1)],
      rssMbMax: Math.max(...rss),
      cyclesWaitingForCallBudget: budgetWaits,
      runsFailedOrOutOfSync: wrong.length,
      loadavg: load(),
    }),
  );
  await world.close();

  function totalCalls(): number {
    return Object.values(world.sandbox.stats().licences).reduce((sum, s) => sum + s.calls, 0);
  }
} else if (mode === "freshness") {
  const signUps = arg(0, 20);
  const world = await createFleetWorld({ licences: 3, profiles: 1000 });
  const apply = spawnEmi(["apply", "--yes"], { cwd: world.dir, env: world.env });
  if ((await apply.exited()).code !== 0) throw new Error(apply.err());
  const worker = spawnEmi(["sync", "--watch", "--interval", "3"], { cwd: world.dir, env: world.env });
  await worker.line(/waiting:/);
  const delays: number[] = [];
  for (let n = 1; n <= signUps; n++) {
    const licence = (n % 3) + 1;
    await sleep(Math.random() * 2000);
    const at = Date.now();
    await world.signUp(licence, [`fresh-${n}@fleet.example`]);
    while ((await world.wrongReaids(licence)) > 0) {
      if (Date.now() - at > 120_000)
        throw new Error(`sign-up ${n} had no REAID after 120 s: the worker is not syncing`);
      await sleep(100);
    }
    delays.push((Date.now() - at) / 1000);
  }
  worker.child.kill("SIGTERM");
  await worker.exited();
  delays.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      mode,
      signUps,
      p50: delays[Math.floor(delays.length / 2)],
      max: delays.at(-1),
      loadavg: load(),
    }),
  );
  await world.close();
} else {
  throw new Error(`unknown mode ${mode}: backfill, idle or freshness`);
}
