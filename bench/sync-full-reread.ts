// A full re-read of a table whose every profile already carries its REAID: the ownership check
// (issue 11) looks every value up in the store before anything is written.
// Usage: npx tsx bench/sync-full-reread.ts [profiles=200000]
import type { ConnectActito } from "../src/actito/connect-actito.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createActitoClient } from "../src/actito/create-actito-client.ts";
import { startSandbox } from "../src/sandbox/start-sandbox.ts";
import { openStore } from "../src/store/open-store.ts";
import { runSync } from "../src/sync/run-sync.ts";
import { apiKey, integration, syncSeed } from "../test/sync/sync-fixture.ts";
import { registryWrite } from "../test/store/registry-write.ts";

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200_000);
  const seed = syncSeed({ generate: n, limits: { maxImportBytes: 100_000_000 } });
  const sandbox = await startSandbox({ seed, port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "emi-bench-reread-"));
  const store = await openStore(`sqlite:${join(dir, "state.db")}`);
  const desired = integration();
  await store.putIntegration(
    registryWrite(1042, { profileTableId: "16", email: "crm@acme.example", managedBy: null }),
  );
  const env = { EMI_ACTITO_URL: sandbox.url, ACTITO_KEY_ACME: apiKey };
  const connect: ConnectActito = ({ endpoint, apiKey: key }) =>
    createActitoClient({ endpoint, apiKey: key, env, callsPerMinute: 1_000_000 });
  for (const label of ["back-fill", "full re-read", "full re-read"]) {
    const started = performance.now();
    const [result] = await runSync({
      store,
      integrations: [desired],
      secrets: { env, cwd: dir },
      connect,
      full: true,
      pollMs: 20,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`${label}: ${seconds} s, ${result?.health}, ${result?.counts.written} written`);
  }
  await store.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
}

await main();
