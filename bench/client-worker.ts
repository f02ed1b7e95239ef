/**
 * One measurement for bench/client.ts, in a fresh process so its peak RSS is its own.
 * Usage: npx tsx bench/client-worker.ts <list|import>-<client|bare> <sandbox url> <rows>
 * Prints one JSON line: { mode, ms, uploadMs?, rows, maxRssMB }.
 */
import { openAsBlob } from "node:fs";
import { performance } from "node:perf_hooks";
import { FormData, Pool, request } from "undici";
import { createActitoClient } from "../src/actito/create-actito-client.ts";
import { gzipToTempFile } from "../src/actito/gzip-to-temp-file.ts";
import { createLicenceLimiter } from "../src/actito/licence-limiter.ts";

const [mode = "", url = "", rowsArg = "1000000"] = process.argv.slice(2);
const rows = Number(rowsArg);
const KEY = "bench-key";
const PROFILES = "/profiles/v5/entities/bench/profile-tables/1/profiles";
const IMPORTS = "/mass-imports/v5/entities/bench/etl-executions";
const definition = { mode: "UPDATE_ONLY" as const, keyColumn: "emailAddress", tableId: "1" };

async function* csv() {
  yield "emailAddress;reaid\n";
  let chunk = "";
  for (let i = 1; i <= rows; i++) {
    chunk += `user-${i}@bench.example;B${i.toString(36).padStart(10, "0")}\n`;
    if (i % 1000 === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function viaClient(): Promise<{ count: number; uploadMs?: number }> {
  const client = createActitoClient({
    endpoint: "api",
    apiKey: KEY,
    baseUrl: url,
    limiter: createLicenceLimiter({ maxConcurrent: 4, callsPerMinute: Number.POSITIVE_INFINITY }),
  });
  try {
    if (mode === "list-client") {
      let count = 0;
      for await (const page of client.listProfiles("bench", "1", { pageSize: 1000 }))
        count += page.profiles.length;
      return { count };
    }
    const t0 = performance.now();
    const { id } = await client.startMassImport("bench", definition, csv());
    const uploadMs = performance.now() - t0;
    for (;;) {
      const status = await client.getMassImport("bench", id);
      if (status.status !== "RUNNING") return { count: status.updated, uploadMs };
      await sleep(100);
    }
  } finally {
    await client.close();
  }
}

async function bare(): Promise<{ count: number; uploadMs?: number }> {
  const pool = new Pool(url);
  const base = { accept: "application/json", "x-emi-endpoint": "api" };
  try {
    const tokenRes = await request(`${url}/auth/token`, {
      dispatcher: pool,
      headers: { ...base, authorization: KEY },
    });
    const { accessToken } = (await tokenRes.body.json()) as { accessToken: string };
    const headers = { ...base, authorization: `Bearer ${accessToken}` };
    if (mode === "list-bare") {
      let count = 0;
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ pageSize: "1000", ...(cursor ? { cursor } : {}) });
        const res = await request(`${url}${PROFILES}?${query}`, { dispatcher: pool, headers });
        const page = JSON.parse(await res.body.text()) as { profiles: unknown[]; nextCursor: string | null };
        count += page.profiles.length;
        cursor = page.nextCursor;
      } while (cursor !== null);
      return { count };
    }
    const t0 = performance.now();
    const file = await gzipToTempFile(csv());
    const form = new FormData();
    form.append(
      "definition",
      new Blob(
        [
          JSON.stringify({
            ...definition,
            format: { separator: ";", encoding: "UTF-8", compression: "GZIP" },
          }),
        ],
        { type: "application/json" },
      ),
      "definition.json",
    );
    form.append("file", await openAsBlob(file.path, { type: "application/gzip" }), "import.csv.gz");
    const res = await request(`${url}${IMPORTS}`, { dispatcher: pool, method: "POST", headers, body: form });
    if (res.statusCode !== 202)
      throw new Error(`import answered ${res.statusCode}: ${await res.body.text()}`);
    const { id } = (await res.body.json()) as { id: string };
    await file.remove();
    const uploadMs = performance.now() - t0;
    for (;;) {
      const s = await request(`${url}${IMPORTS}/${id}`, { dispatcher: pool, headers });
      const status = (await s.body.json()) as { status: string; updated: number };
      if (status.status !== "RUNNING") return { count: status.updated, uploadMs };
      await sleep(100);
    }
  } finally {
    await pool.close();
  }
}

const started = performance.now();
const result = mode.endsWith("-client") ? await viaClient() : await bare();
const ms = performance.now() - started;
const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(
  `${JSON.stringify({ mode, ms: Math.round(ms), uploadMs: result.uploadMs && Math.round(result.uploadMs), rows: result.count, maxRssMB })}\n`,
);
