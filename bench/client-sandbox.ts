/**
 * The sandbox for bench/client.ts, in its own process so the client's memory is measured alone:
 * one licence whose table holds N generated profiles, every limit lifted. Prints its URL.
 * Usage: npx tsx bench/client-sandbox.ts <profiles>
 */
import { startSandbox } from "../src/sandbox/start-sandbox.ts";

const profiles = Number(process.argv[2] ?? 1_000_000);
const sandbox = await startSandbox({
  port: 0,
  seed: {
    licences: [
      {
        name: "bench",
        endpoint: "api",
        apiKeys: ["bench-key"],
        entities: [
          {
            name: "bench",
            profileTables: [
              {
                id: "1",
                name: "customers",
                generate: profiles,
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
              },
            ],
          },
        ],
      },
    ],
    limits: {
      concurrentRequests: 1_000_000,
      callsPerMinute: 1_000_000_000,
      importsPerTablePerDay: 1_000_000,
      maxImportBytes: 1_000_000_000,
    },
  },
});
process.stdout.write(`${sandbox.url}\n`);
process.stdin.resume();
process.stdin.on("end", () => void sandbox.close().then(() => process.exit(0)));
