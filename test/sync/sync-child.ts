// Runs one sync in its own process so a test can kill it with SIGKILL at any moment.
// Usage: node --import tsx test/sync/sync-child.ts  (EMI_STORE, EMI_ACTITO_URL, ACTITO_KEY_ACME, SYNC_MAX_IMPORT_BYTES,
// SYNC_REAID_BATCH optional)
import { createActitoClient } from "../../src/actito/create-actito-client.ts";
import { openStore } from "../../src/store/open-store.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { integration } from "./sync-fixture.ts";

const env = process.env;
const store = await openStore(env.EMI_STORE ?? "");
const maxImportBytes = Number(env.SYNC_MAX_IMPORT_BYTES);
const [result] = await runSync({
  store,
  integrations: [integration()],
  secrets: { env, cwd: process.cwd() },
  connect: ({ endpoint, apiKey: key }) =>
    createActitoClient({
      endpoint,
      apiKey: key,
      env,
      callsPerMinute: 1_000_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    }),
  limits: { maxImportBytes },
  ...(env.SYNC_REAID_BATCH ? { reaidBatchProfiles: Number(env.SYNC_REAID_BATCH) } : {}),
  pollMs: 20,
  uncertainGraceMs: 300,
  onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
});
await store.close();
process.exitCode = result?.health === "in sync" ? 0 : 3;
