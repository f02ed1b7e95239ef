// REAID sync benchmark: a 1M-profile back-fill against the sandbox with limits lifted, compared with
// the floor (list the same table and upload one mass-import file of the same rows with bare undici),
// then incremental runs with 1% new profiles, then what Actito's real limits imply.
//
//   npx tsx bench/sync.ts            (BENCH_PROFILES=200000 for a quicker run)
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { FormData, request } from "undici";
import type { SandboxStats } from "../src/sandbox/sandbox-stats.ts";

const profiles = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const here = import.meta.dirname;
const headers = { "x-emi-endpoint": "api3" };

function startChild(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(here, script)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) return line;
  throw new Error("child ended without output");
}

async function token(url: string): Promise<string> {
  const res = await request(`${url}/auth/token`, { headers: { ...headers, authorization: "bench-key" } });
  return ((await res.body.json()) as { accessToken: string }).accessToken;
}

async function stats(url: string): Promise<SandboxStats> {
  const res = await request(`${url}/_sandbox/stats`);
  return (await res.body.json()) as SandboxStats;
}

async function postImport(url: string, bearer: string, mode: string, csv: string): Promise<void> {
  const file = await promisify(gzip)(Buffer.from(csv));
  const form = new FormData();
  const definition = {
    mode,
    keyColumn: "emailAddress",
    format: { separator: ";", encoding: "UTF-8", compression: "GZIP" },
    tableId: "16",
  };
  form.append("definition", new Blob([JSON.stringify(definition)], { type: "application/json" }), "d.json");
  form.append("file", new Blob([file], { type: "application/gzip" }), "import.csv.gz");
  const res = await request(`${url}/mass-imports/v5/entities/acme/etl-executions`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${bearer}` },
    body: form,
  });
  const { id } = (await res.body.json()) as { id: string };
  for (;;) {
    const status = await request(`${url}/mass-imports/v5/entities/acme/etl-executions/${id}`, {
      headers: { ...headers, authorization: `Bearer ${bearer}` },
    });
    const body = (await status.body.json()) as { status: string };
    if (body.status !== "RUNNING") return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The floor: page through the table and upload one file of `email;reaid` rows, nothing else. */
async function floor(url: string): Promise<number> {
  const started = performance.now();
  const bearer = await token(url);
  const parts: string[] = ["emailAddress;reaid\n"];
  let cursor: string | null = null;
  do {
    const query = `pageSize=1000&attributes=emailAddress,reaid${cursor ? `&cursor=${cursor}` : ""}`;
    const res = await request(`${url}/profiles/v5/entities/acme/profile-tables/16/profiles?${query}`, {
      headers: { ...headers, authorization: `Bearer ${bearer}` },
    });
    const page = (await res.body.json()) as {
      profiles: { attributes: { emailAddress: string } }[];
      nextCursor: string | null;
    };
    const ids = randomBytes(16 * page.profiles.length);
    let text = "";
    page.profiles.forEach((p, i) => {
      text += `${p.attributes.emailAddress};${ids.toString("base64url", i * 16, i * 16 + 16)}\n`;
    });
    parts.push(text);
    cursor = page.nextCursor;
  } while (cursor);
  await postImport(url, bearer, "UPDATE_ONLY", parts.join(""));
  return (performance.now() - started) / 1000;
}

async function addProfiles(url: string, from: number, count: number): Promise<void> {
  let csv = "emailAddress;reaid\n";
  for (let i = from; i < from + count; i++) csv += `new-${i}@acme.example;\n`;
  await postImport(url, await token(url), "CREATE_ONLY", csv);
}

interface RunReport {
  seconds: number;
  maxRssMb: number;
  result: { health: string; counts: { seen: number; written: number } };
}

async function runSyncChild(url: string, store: string, full = false): Promise<RunReport> {
  const child = startChild("sync-run-child.ts", {
    EMI_ACTITO_URL: url,
    BENCH_STORE: store,
    BENCH_FULL: full ? "1" : "0",
  });
  const line = await firstLine(child);
  return JSON.parse(line) as RunReport;
}

const dir = await mkdtemp(join(tmpdir(), "emi-bench-sync-"));
const sandbox = startChild("sync-sandbox-child.ts", { BENCH_PROFILES: String(profiles) });
try {
  const url = await firstLine(sandbox);
  const store = `sqlite:${join(dir, "state.db")}`;
  const n = (x: number) => x.toLocaleString("en-US");
  console.log(`profiles: ${n(profiles)}; sandbox ${url} (own process); store ${store}`);

  const floorSeconds = await floor(url);
  console.log(`floor (bare undici list + one mass-import upload): ${floorSeconds.toFixed(1)} s`);

  const before = await stats(url);
  const backfill = await runSyncChild(url, store);
  const after = await stats(url);
  const calls = (after.licences.acme?.calls ?? 0) - (before.licences.acme?.calls ?? 0);
  const imports =
    (after.tables["acme/16"]?.importsSubmitted ?? 0) - (before.tables["acme/16"]?.importsSubmitted ?? 0);
  console.log(
    `back-fill: ${backfill.seconds.toFixed(1)} s, peak RSS ${backfill.maxRssMb.toFixed(0)} MB, ` +
      `${n(backfill.result.counts.written)} written, ${calls} calls, ${imports} import(s); ` +
      `ratio to floor ${(backfill.seconds / floorSeconds).toFixed(2)}×`,
  );

  const onePercent = Math.round(profiles / 100);
  await addProfiles(url, 0, onePercent);
  const incremental1 = await runSyncChild(url, store);
  console.log(
    `incremental after the back-fill (+1% new; re-reads the rows the back-fill wrote): ` +
      `${incremental1.seconds.toFixed(1)} s, ${n(incremental1.result.counts.seen)} read, ` +
      `${n(incremental1.result.counts.written)} written, peak RSS ${incremental1.maxRssMb.toFixed(0)} MB`,
  );
  await addProfiles(url, onePercent, onePercent);
  const incremental2 = await runSyncChild(url, store);
  console.log(
    `incremental, steady state (+1% new): ${incremental2.seconds.toFixed(1)} s, ` +
      `${n(incremental2.result.counts.seen)} read, ${n(incremental2.result.counts.written)} written`,
  );

  // Actito's real limits: 100 calls a minute (the client keeps to 90), 12 imports a table a day.
  const minutes = calls / 90;
  console.log(
    `with Actito's limits: the back-fill needs ${calls} calls and ${imports} import(s) of the 12 a day: ` +
      `about ${minutes.toFixed(0)} min of call budget at 90 calls/min, plus Actito's import processing time`,
  );
} finally {
  sandbox.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
}
