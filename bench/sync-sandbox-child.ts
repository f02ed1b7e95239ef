// The sandbox of bench/sync.ts in its own process, so its work is not counted in emi's time or memory.
// Prints its base URL on the first line of stdout.
import { startSandbox } from "../src/sandbox/start-sandbox.ts";
import type { SandboxSeed } from "../src/sandbox/sandbox-seed.ts";

const profiles = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const seed: SandboxSeed = {
  licences: [
    {
      name: "acme",
      endpoint: "api3",
      apiKeys: ["bench-key"],
      entities: [
        {
          name: "acme",
          profileTables: [
            {
              id: "16",
              name: "customers",
              attributes: [
                { name: "emailAddress", type: "EMAIL_ADDRESS", valueType: "STRING", unique: true },
                {
                  name: "reaid",
                  type: "CUSTOM",
                  valueType: "STRING",
                  unique: true,
                  valueRestriction: { maxLength: 64 },
                },
              ],
              generate: profiles,
            },
          ],
        },
      ],
    },
  ],
  // Limits lifted: the benchmark measures emi, not Actito's throttling.
  limits: {
    concurrentRequests: 1000,
    callsPerMinute: 1_000_000_000,
    importsPerTablePerDay: 1_000_000,
    maxImportBytes: 2_000_000_000,
  },
};
const sandbox = await startSandbox({ seed, port: 0 });
process.stdout.write(`${sandbox.url}\n`);
process.on("SIGTERM", () => void sandbox.close().then(() => process.exit(0)));
