// emi serve under load (issue 14's targets): POST /GetOrCreate with autocannon, 8 connections x
// 1,000 addresses per request, new and existing addresses; webhook ingest (bulk of 500 events,
// acknowledged once committed to the inbox); then new addresses again at the target's rate (40
// requests of 1,000 a second) rather than as fast as 8 connections go, for the latency a client
// sees at that throughput. The service runs as its own process (`emi serve`), as in production;
// autocannon runs here. SQLite by default, PostgreSQL with EMI_BENCH_POSTGRES_URL.
// Run: npx tsx bench/serve.ts [seconds per phase, default 8]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createApiKey } from "../src/serve/manage-api-keys.ts";
import { openStore } from "../src/store/open-store.ts";
import { hashSecret } from "../src/store/secret-hash.ts";

const seconds = Number(process.argv[2] ?? 8);
// The machine is shared: every figure is printed with the load it was taken under.
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");
const dir = mkdtempSync(join(tmpdir(), "emi-bench-serve-"));
const storeUrl = process.env.EMI_BENCH_POSTGRES_URL
  ? `${process.env.EMI_BENCH_POSTGRES_URL}${process.env.EMI_BENCH_POSTGRES_URL.includes("?") ? "&" : "?"}schema=bench_serve_${process.pid}`
  : `sqlite:${join(dir, "state.db")}`;
const label = storeUrl.startsWith("sqlite:") ? "SQLite" : "PostgreSQL";
const SECRET = "bench-webhook-secret-0123456789abcdef";

// An integration, a key and a webhook secret, straight in the store (no Actito needed here).
const store = await openStore(storeUrl);
await store.putIntegration({
  account: 1,
  sisterAccounts: [],
  provider: "actito",
  endpoint: "api3",
  entity: "bench",
  profileTable: "customers",
  profileTableId: "1",
  reaidAttribute: "reaid",
  email: "ops@bench.example",
  keyFingerprint: null,
  emailSync: true,
  status: "active",
  managedBy: "bench",
});
const { key } = await createApiKey(store, {
  account: 1,
  name: "bench",
  scope: "reaid",
  now: new Date().toISOString(),
});
await store.putWebhookSecret(1, hashSecret(SECRET), "env:NONE", new Date().toISOString());
await store.close();

const child = spawn(
  process.execPath,
  ["bin/emi.js", "serve", "--port", "0", "--store", storeUrl, "--rate-limit", "100000000"],
  { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, EMI_NO_BUNDLE: "1" } },
);
const url = await new Promise<string>((resolve) =>
  child.stdout.on("data", (d: Buffer) => {
    const match = /listening on (\S+)/.exec(String(d));
    if (match) resolve(match[1]!);
  }),
);
const rssMb = () =>
  Math.round(
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
  );

let counter = 0;
/** Wrong outcomes: the benchmark prints its figures, then exits 1. */
const wrong: string[] = [];
/** New addresses answered with 200: each has a REAID in the store afterwards. */
let newAnswered = 0;
const fresh = () => Array.from({ length: 1000 }, () => `new-${counter++}@bench.example`);
const existing = (n: number) =>
  Array.from({ length: 1000 }, (_, i) => `new-${(n * 1000 + i) % 200_000}@bench.example`);

async function run(name: string, unit: number, options: autocannon.Options) {
  const rssBefore = rssMb();
  const loadBefore = load();
  const result = await autocannon({ connections: 8, duration: seconds, ...options });
  // Only answered work counts: a throughput of refusals would be a figure of nothing.
  const perSecond = Math.round(
    result.requests.average * unit * (result["2xx"] / Math.max(1, result.requests.total)),
  );
  const failures = result.non2xx + result.errors;
  if (name.startsWith("GetOrCreate") && failures > 0) wrong.push(`${name}: ${failures} requests failed`);
  if (name.startsWith("GetOrCreate, new")) newAnswered += result["2xx"] * 1000;
  console.log(
    `${label} ${name}: ${perSecond.toLocaleString("en")} ${unit === 1000 ? "addresses" : "events"}/s, ` +
      `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors, ` +
      `serve RSS ${rssBefore} → ${rssMb()} MB; load average ${loadBefore} before, ${load()} after`,
  );
}

const post = {
  method: "POST" as const,
  headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
};
await run("GetOrCreate, new addresses", 1000, {
  url: `${url}/GetOrCreate`,
  requests: [
    { ...post, setupRequest: (req) => ({ ...req, body: JSON.stringify({ emailAddresses: fresh() }) }) },
  ],
});
let round = 0;
await run("GetOrCreate, existing addresses", 1000, {
  url: `${url}/GetOrCreate`,
  requests: [
    {
      ...post,
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({ emailAddresses: existing(round++ % Math.max(1, counter / 1000)) }),
      }),
    },
  ],
});
let profile = 1;
/** One bulk delivery of 500 CREATE events for profiles never seen before. */
const delivery = () =>
  JSON.stringify({
    id: "bench",
    data: Array.from({ length: 500 }, () => ({
      eventType: "CREATE",
      profileId: String(profile++),
      emailAddress: "x@bench.example",
    })),
  });
await run("webhook ingest, bulk of 500", 500, {
  url: `${url}/webhooks/actito/1`,
  requests: [
    {
      method: "POST",
      headers: { "x-authorization": SECRET, "content-type": "application/json" },
      setupRequest: (req) => ({ ...req, body: delivery() }),
    },
  ],
});

// Latency at the target's throughput (40 requests of 1,000 new addresses a second, on at most 8
// connections), open loop: one request every 25 ms whatever the answers, as callers would send
// them. (autocannon's overallRate sends each second's requests in a burst, so it measured queueing
// behind that burst.) EMI_BENCH_PACED sets another rate.
const pacedRate = Number(process.env.EMI_BENCH_PACED ?? 40);
await paced(`GetOrCreate, new addresses, ${pacedRate} requests/s evenly spaced`, pacedRate, 1000, () => ({
  path: "/GetOrCreate",
  ...post,
  body: JSON.stringify({ emailAddresses: fresh() }),
}));
// The ingest target's 2,000 events/s: 4 deliveries of 500 a second (40 a second: 10x the target).
await paced("webhook ingest, bulk of 500, 40 deliveries/s evenly spaced", 40, 500, () => ({
  path: "/webhooks/actito/1",
  method: "POST" as const,
  headers: { "x-authorization": SECRET, "content-type": "application/json" },
  body: delivery(),
}));

async function paced(
  name: string,
  perSecond: number,
  unit: number,
  next: () => { path: string; method: "POST"; headers: Record<string, string>; body: string },
) {
  const { Pool } = await import("undici");
  const pool = new Pool(url, { connections: 8 });
  const rssBefore = rssMb();
  const loadBefore = load();
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < perSecond * seconds; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const options = next();
    const t0 = performance.now();
    inFlight.push(
      pool.request(options).then(async (answer) => {
        await answer.body.text();
        if (answer.statusCode !== 200) failed++;
        else if (name.startsWith("GetOrCreate, new")) newAnswered += 1000;
        latencies.push(performance.now() - t0);
      }),
    );
  }
  await Promise.all(inFlight);
  if (failed > 0) wrong.push(`${name}: ${failed} requests failed`);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  console.log(
    `${label} ${name}: ${Math.round((latencies.length * unit) / elapsed).toLocaleString("en")} ${unit === 1000 ? "addresses" : "events"}/s, ` +
      `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms, ${failed} non-2xx; ` +
      `serve RSS ${rssBefore} → ${rssMb()} MB; load average ${loadBefore} before, ${load()} after`,
  );
}

child.kill("SIGTERM");
await new Promise((resolve) => child.on("close", resolve));
// The work happened: every new address answered has its REAID in the store, and none was made for
// an address never sent.
const after = await openStore(storeUrl);
const stored = await after.countReaids("1");
await after.close();
if (stored < newAnswered || stored > counter) {
  wrong.push(`the store holds ${stored} REAIDs: ${newAnswered} new addresses were answered, ${counter} sent`);
}
console.log(
  `${label}: ${stored.toLocaleString("en")} REAIDs in the store, ${newAnswered.toLocaleString("en")} new addresses answered`,
);
rmSync(dir, { recursive: true, force: true });
if (label === "PostgreSQL") {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: process.env.EMI_BENCH_POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA bench_serve_${process.pid} CASCADE`);
  await client.end();
}
if (wrong.length > 0) {
  console.log(`\n${wrong.length} wrong outcome(s): the figures above mean nothing.`);
  for (const w of wrong) console.log(`  - ${w}`);
  process.exitCode = 1;
}
