// One `runSync` in its own process, so its wall time and peak RSS are emi's alone.
// Env: BENCH_STORE (sqlite:…), EMI_ACTITO_URL. Prints one JSON line: seconds, maxRssMb, result.
import { createActitoClient } from "../src/actito/create-actito-client.ts";
import { openStore } from "../src/store/open-store.ts";
import { runSync } from "../src/sync/run-sync.ts";
import type { DesiredIntegration } from "../src/types/declared.ts";
import { registryWrite } from "../test/store/registry-write.ts";

const integration: DesiredIntegration = {
  account: 1042,
  provider: "actito",
  actito: {
    endpoint: "api3",
    entity: "acme",
    email: "crm@acme.example",
    apiKey: { secretRef: "env:BENCH_KEY" },
    profileTable: "customers",
    reaidAttribute: "reaid",
  },
  sisterAccounts: [],
  emailSync: true,
};
const store = await openStore(process.env.BENCH_STORE ?? "");
if (!(await store.findByAccount(1042))) {
  await store.putIntegration(
    registryWrite(1042, { profileTableId: "16", email: "crm@acme.example", managedBy: null }),
  );
}
const env = { ...process.env, BENCH_KEY: "bench-key" };
const started = performance.now();
// BENCH_MEMORY=ms: the process's memory every ms milliseconds (1: every half second), on stderr.
const memoryTicker = process.env.BENCH_MEMORY
  ? setInterval(() => {
      const m = process.memoryUsage();
      const mb = (x: number) => (x / 1048576).toFixed(0);
      process.stderr.write(
        `${((performance.now() - started) / 1000).toFixed(1)} s rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} MB\n`,
      );
    }, Number(process.env.BENCH_MEMORY) || 500)
  : undefined;
const [result] = await runSync({
  store,
  integrations: [integration],
  secrets: { env, cwd: process.cwd() },
  connect: ({ endpoint, apiKey: key }) =>
    createActitoClient({ endpoint, apiKey: key, env, callsPerMinute: 1e9 }),
  // Only the quota is lifted: the PATCH-or-import choice still follows Actito's call budget.
  limits: { importsPerDay: 1_000_000 },
  // The sandbox runs on this machine's clock: no skew to cover.
  watermarkMarginMs: 0,
  pollMs: 50,
  // BENCH_REAID_BATCH: profiles per REAID store call (default: the sync's own).
  ...(process.env.BENCH_REAID_BATCH ? { reaidBatchProfiles: Number(process.env.BENCH_REAID_BATCH) } : {}),
  full: process.env.BENCH_FULL === "1",
  // BENCH_EVENTS=1: where the time goes, on stderr.
  ...(process.env.BENCH_EVENTS === "1"
    ? {
        onEvent: (event: { type: string }) => {
          if (event.type !== "rows-read") {
            process.stderr.write(
              `${((performance.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(event)}\n`,
            );
          }
        },
      }
    : {}),
});
const seconds = (performance.now() - started) / 1000;
clearInterval(memoryTicker);
await store.close();
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ seconds, maxRssMb, result })}\n`);
