// Sandbox at scale: 1,000,000 profiles, limits lifted. Measures the profile listing (profiles/s and
// page latency), a 1,000,000-row mass import (rows applied/s) and peak RSS.
// Run: npx tsx bench/sandbox.ts [profiles]   (client and server share this process)
import { request } from "undici";
import { startSandbox } from "../src/sandbox/start-sandbox.ts";

const count = Number(process.argv[2] ?? 1_000_000);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

let started = performance.now();
const sandbox = await startSandbox({
  seed: {
    licences: [
      {
        name: "bench",
        endpoint: "api3",
        apiKeys: ["bench-key"],
        entities: [{ name: "bench", profileTables: [{ id: "1", name: "customers", generate: count }] }],
      },
    ],
    limits: {
      concurrentRequests: 1_000_000,
      callsPerMinute: 1_000_000_000,
      importsPerTablePerDay: 1_000_000,
      maxImportBytes: 500 * 1024 * 1024,
    },
  },
});
const seeded = performance.now() - started;
globalThis.gc?.();
const heapAfterSeed = process.memoryUsage();
console.log(
  `seeded ${count} profiles in ${Math.round(seeded)} ms; heap ${mb(heapAfterSeed.heapUsed)}, rss ${mb(heapAfterSeed.rss)}`,
);

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
) {
  const answer = await request(`${sandbox.url}${path}`, {
    method: (init.method ?? "GET") as "GET",
    headers: { "x-emi-endpoint": "api3", ...init.headers },
    body: init.body,
  });
  const text = await answer.body.text();
  if (answer.statusCode >= 300) throw new Error(`${path}: ${answer.statusCode} ${text}`);
  return text === "" ? undefined : JSON.parse(text);
}

const token = await call("/auth/token", { headers: { authorization: "bench-key" } });
const auth = { authorization: `Bearer ${token.accessToken}` };
const profilesPath = "/profiles/v5/entities/bench/profile-tables/1/profiles";

// Listing: every profile, 1,000 a page, one page at a time as a paging client does.
started = performance.now();
const pageTimes: number[] = [];
let cursor: string | null = null;
let listed = 0;
do {
  const pageStart = performance.now();
  const page: { profiles: unknown[]; nextCursor: string | null } = await call(
    `${profilesPath}?pageSize=1000${cursor ? `&cursor=${cursor}` : ""}`,
    { headers: auth },
  );
  pageTimes.push(performance.now() - pageStart);
  listed += page.profiles.length;
  cursor = page.nextCursor;
} while (cursor);
const listSeconds = (performance.now() - started) / 1000;
pageTimes.sort((a, b) => a - b);
const pct = (p: number) =>
  pageTimes[Math.min(pageTimes.length - 1, Math.floor(pageTimes.length * p))]!.toFixed(1);
console.log(
  `listed ${listed} profiles in ${listSeconds.toFixed(1)} s: ${Math.round(listed / listSeconds)} profiles/s; ` +
    `page of 1000: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms (HTTP round trip, JSON encode and decode)`,
);

// Mass import: add a unique REAID attribute, then write it on every profile in one UPDATE_ONLY file.
await call("/profile-table-structure/v5/entities/bench/profile-tables/1/change-requests", {
  method: "POST",
  headers: { ...auth, "content-type": "application/json" },
  body: JSON.stringify({
    addAttributes: [{ name: "reaid", type: "CUSTOM", valueType: "STRING", unique: true }],
  }),
});
const lines = ["emailAddress;reaid"];
for (let i = 1; i <= count; i++) lines.push(`user-${i}@bench.example;R${i.toString(36).padStart(8, "0")}`);
const csv = Buffer.from(`${lines.join("\n")}\n`);
const boundary = "bench-boundary";
const definition = {
  mode: "UPDATE_ONLY",
  keyColumn: "emailAddress",
  format: { separator: ";", encoding: "UTF-8", compression: "NONE" },
  tableId: "1",
};
const body = Buffer.concat([
  Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="definition"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(definition)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="reaids.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  ),
  csv,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);
started = performance.now();
const submitted = await call("/mass-imports/v5/entities/bench/etl-executions", {
  method: "POST",
  headers: { ...auth, "content-type": `multipart/form-data; boundary=${boundary}` },
  body,
});
const accepted = performance.now() - started;
let status: { status: string; updated: number; rejected: number };
do {
  await new Promise((resolve) => setTimeout(resolve, 50));
  status = await call(`/mass-imports/v5/entities/bench/etl-executions/${submitted.id}`, { headers: auth });
} while (status.status === "RUNNING");
const importSeconds = (performance.now() - started) / 1000;
console.log(
  `mass import of ${mb(csv.length)} (${count} rows): accepted (upload + checks) in ${Math.round(accepted)} ms, ` +
    `${status.status} after ${importSeconds.toFixed(1)} s: ${Math.round(status.updated / importSeconds)} rows applied/s ` +
    `(${status.updated} updated, ${status.rejected} rejected)`,
);

await sandbox.close();
globalThis.gc?.();
const usage = process.resourceUsage();
console.log(
  `peak RSS ${mb(usage.maxRSS * 1024)} (whole process: sandbox, client and the 1M-row CSV held by the client)`,
);
