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
              // No REAID attribute: `emi apply` adds it, as it would on a customer's table. The floor
              // writes to an attribute of its own, so it never touches what emi owns.
              attributes: [
                { name: "emailAddress", type: "EMAIL_ADDRESS", valueType: "STRING", unique: true },
                {
                  name: "benchFloor",
                  type: "CUSTOM",
                  valueType: "STRING",
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
  // Call limits lifted: the benchmark measures emi, not Actito's throttling. Files keep Actito's
  // 100 MB limit; the import quota is lifted here because the floor's imports count on the same
  // table (bench/sync.ts checks that emi stays within its own 12 a day).
  limits: {
    concurrentRequests: 1000,
    callsPerMinute: 1_000_000_000,
    importsPerTablePerDay: 1_000_000,
    maxImportBytes: 100 * 1024 * 1024,
  },
};
const sandbox = await startSandbox({ seed, port: 0 });
process.stdout.write(`${sandbox.url}\n`);
process.on("SIGTERM", () => void sandbox.close().then(() => process.exit(0)));
