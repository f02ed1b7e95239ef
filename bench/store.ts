// Benchmark of the store's REAID hot path: getOrCreateReaids for N new e-mails, then the same N
// again (all existing), streamed in batches so memory stays flat. One child process per backend so
// each peak RSS is its own.
//
//   npx tsx bench/store.ts                        # 1,000,000 e-mails, SQLite, and PostgreSQL if
//                                                 # EMI_BENCH_POSTGRES_URL or EMI_TEST_POSTGRES_URL is set
//   npx tsx bench/store.ts --count 200000 --backend sqlite
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { openStore } from "../src/store/open-store.ts";

const CALL_SIZE = Number(process.env.EMI_BENCH_CALL_SIZE ?? 50_000);

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000000" },
    backend: { type: "string", default: "all" },
  },
});
const count = Number(values.count);
const pgUrl = process.env.EMI_BENCH_POSTGRES_URL ?? process.env.EMI_TEST_POSTGRES_URL;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/**
 * One pass over every e-mail. It checks its work: every call answers every e-mail, and a pass over
 * e-mails already stored (`expect`: the first call's REAIDs of the pass before) gives them back
 * unchanged and creates none. Returns the first call's REAIDs.
 */
async function pass(
  url: string,
  label: string,
  expect?: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const store = await openStore(url);
  let sampledPeak = 0;
  let rssAfterFirstCall = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let first = new Map<string, string>();
  let stored = 0;
  try {
    for (let from = 0; from < count; from += CALL_SIZE) {
      const emails: string[] = [];
      for (let i = from; i < Math.min(count, from + CALL_SIZE); i++)
        emails.push(`bench-user-${i}@example.com`);
      const reaids = await store.getOrCreateReaids("1042", emails);
      if (reaids.size !== emails.length) throw new Error("missing REAIDs");
      if (from === 0) first = reaids;
      sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
      if (from === 0) rssAfterFirstCall = process.memoryUsage.rss();
    }
    stored = await store.countReaids("1042");
  } finally {
    await store.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (stored !== count) throw new Error(`the store holds ${stored} REAIDs, not ${count}`);
  for (const [email, reaid] of expect ?? []) {
    if (first.get(email) !== reaid) throw new Error(`the REAID of ${email} changed between passes`);
  }
  console.log(
    `  ${label}: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU in this process (${Math.round(count / seconds).toLocaleString("en")} e-mails/s), RSS after the first call ${mb(rssAfterFirstCall)}, sampled peak ${mb(sampledPeak)}, at the end ${mb(process.memoryUsage.rss())}`,
  );
  return first;
}

async function runBackend(backend: string): Promise<void> {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "emi-bench-store-"));
    const url = `sqlite:${join(dir, "state.db")}`;
    try {
      console.log(
        `SQLite, ${count.toLocaleString("en")} e-mails in calls of ${CALL_SIZE.toLocaleString("en")}`,
      );
      const created = await pass(url, "first pass (all new)    ");
      await pass(url, "second pass (all exist) ", created);
      console.log(`  file size: ${mb(statSync(join(dir, "state.db")).size)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    if (!pgUrl) throw new Error("set EMI_BENCH_POSTGRES_URL or EMI_TEST_POSTGRES_URL");
    const schema = `emi_bench_${process.pid}`;
    const url = new URL(pgUrl);
    url.searchParams.set("schema", schema);
    try {
      console.log(
        `PostgreSQL, ${count.toLocaleString("en")} e-mails in calls of ${CALL_SIZE.toLocaleString("en")}`,
      );
      const created = await pass(url.toString(), "first pass (all new)    ");
      await pass(url.toString(), "second pass (all exist) ", created);
    } finally {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  console.log(`  peak RSS of the process: ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

if (values.backend === "all") {
  const backends = pgUrl ? ["sqlite", "postgres"] : ["sqlite"];
  if (!pgUrl) console.log("(PostgreSQL skipped: EMI_BENCH_POSTGRES_URL / EMI_TEST_POSTGRES_URL not set)");
  for (const backend of backends) {
    const self = fileURLToPath(import.meta.url);
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", self, "--count", String(count), "--backend", backend],
      { stdio: "inherit" },
    );
    if (result.status !== 0) process.exitCode = 1;
  }
} else {
  await runBackend(values.backend);
}
