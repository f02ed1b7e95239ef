// REAID sync benchmark, through the CLI: a back-fill by `emi apply` (SQLite store) against the sandbox
// with its call limits lifted, compared with the floor measured in the same run against the same
// sandbox (list every profile, import one value per profile, nothing else); then `emi sync` after 1%
// new sign-ups, twice. Every step checks its outcome and the benchmark exits non-zero when one is
// wrong: 1 for a wrong outcome, 3 for a missed target with every outcome right.
//
//   npx tsx bench/sync.ts              1,000,000 profiles
//   npx tsx bench/sync.ts 10m          10,000,000 profiles (the sandbox needs a few GB)
//   npx tsx bench/sync.ts 20000        any size, e.g. to check the benchmark itself
//   npx tsx bench/sync.ts 10m --kill   the back-fill killed (SIGKILL) once two fifths of the table is
//                                      imported, then resumed by `emi sync`: checks that the resume
//                                      re-reads at most what was not imported, and one file
//   BENCH_KEEP=1                       keeps the temporary folder (the commands' logs) when all went well
//   BENCH_STAMP=1                      prefixes each chunk of a command's log with its second (a timeline)
//   BENCH_CPU_PROF=<folder>            a V8 CPU profile of each thread of each emi command there
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { FormData, request } from "undici";
import type { SandboxStats, TableStats } from "../src/sandbox/sandbox-stats.ts";
import { openStore } from "../src/store/open-store.ts";

const args = process.argv.slice(2);
const killMidway = args.includes("--kill");
const profiles = parseSize(args.find((a) => !a.startsWith("--")) ?? process.env.BENCH_PROFILES ?? "1m");
const here = import.meta.dirname;
const headers = { "x-emi-endpoint": "api3" };
const key = "bench-key";
const account = 1042;
/** Actito's file limit, and the share of it emi fills (importFileCap): the floor cuts its files alike. */
const fileCap = Math.floor(100 * 1024 * 1024 * 0.95);
const n = (x: number) => x.toLocaleString("en-US");
const load = () => loadavg()[0]!.toFixed(2);

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`profiles: a number such as 20000, 1m or 10m, not ${JSON.stringify(text)}`);
  const unit = { "": 1, k: 1_000, m: 1_000_000 }[match[2]!.toLowerCase() as "" | "k" | "m"];
  return Math.round(Number(match[1]) * unit);
}

const failures: string[] = [];
const missed: string[] = [];
/** A wrong outcome: the figures around it mean nothing. */
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
  console.log(`  ${ok ? "ok" : "WRONG"}: ${what}`);
}
/** A target: reported, and exit 3 when missed (outcomes right). */
function target(ok: boolean, what: string): void {
  if (!ok) missed.push(what);
  console.log(`  target ${ok ? "met" : "MISSED"}: ${what}`);
}

function startChild(args: string[], env: Record<string, string>, tsx = true): ChildProcess {
  return spawn(process.execPath, [...(tsx ? ["--import", "tsx"] : []), ...args], {
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
  const res = await request(`${url}/auth/token`, { headers: { ...headers, authorization: key } });
  return ((await res.body.json()) as { accessToken: string }).accessToken;
}

async function tableStats(url: string): Promise<TableStats> {
  const res = await request(`${url}/_sandbox/stats`);
  const stats = (await res.body.json()) as SandboxStats;
  return stats.tables["acme/16"]!;
}

/** Posts one gzipped CSV as a mass import and waits for it; returns the rows it created or updated. */
async function postImport(url: string, bearer: string, mode: string, csv: string): Promise<number> {
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
  if (res.statusCode !== 202) throw new Error(`the sandbox refused an import: ${res.statusCode}`);
  for (;;) {
    const status = await request(`${url}/mass-imports/v5/entities/acme/etl-executions/${id}`, {
      headers: { ...headers, authorization: `Bearer ${bearer}` },
    });
    const body = (await status.body.json()) as { status: string; updated: number };
    if (body.status !== "RUNNING") return body.updated;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pages through the table with bare undici, `attributes` only. */
async function* listAll(url: string, bearer: string, attributes: string) {
  let cursor: string | null = null;
  do {
    const query = `pageSize=1000&attributes=${attributes}${cursor ? `&cursor=${cursor}` : ""}`;
    const res = await request(`${url}/profiles/v5/entities/acme/profile-tables/16/profiles?${query}`, {
      headers: { ...headers, authorization: `Bearer ${bearer}` },
    });
    const page = (await res.body.json()) as {
      profiles: { profileId: number; attributes: Record<string, string | null> }[];
      nextCursor: string | null;
    };
    yield page.profiles;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * The floor: list every profile (the e-mail and the floor's own attribute, as emi lists the e-mail
 * and the REAID attribute) and import one random value per profile into `benchFloor`, in files cut
 * at emi's size, each posted and waited for before the listing goes on. It creates no REAIDs.
 */
async function floor(url: string): Promise<{ seconds: number; updated: number }> {
  const started = performance.now();
  const bearer = await token(url);
  let parts: string[] = [];
  let bytes = 0;
  let updated = 0;
  const flush = async () => {
    updated += await postImport(url, bearer, "UPDATE_ONLY", `emailAddress;benchFloor\n${parts.join("")}`);
    parts = [];
    bytes = 0;
  };
  for await (const page of listAll(url, bearer, "emailAddress,benchFloor")) {
    const ids = randomBytes(16 * page.length);
    let text = "";
    page.forEach((p, i) => {
      text += `${p.attributes.emailAddress};${ids.toString("base64url", i * 16, i * 16 + 16)}\n`;
    });
    if (bytes + text.length > fileCap) await flush();
    parts.push(text);
    bytes += text.length;
  }
  if (parts.length > 0) await flush();
  return { seconds: (performance.now() - started) / 1000, updated };
}

async function addSignUps(url: string, from: number, count: number): Promise<number> {
  let csv = "emailAddress\n";
  for (let i = from; i < from + count; i++) csv += `signup-${i}@acme.example\n`;
  return postImport(url, await token(url), "CREATE_ONLY", csv);
}

interface CliRun {
  /** "bundle" (dist/, as an installed emi runs) or "sources" (through tsx: slower to start). */
  loaded: string;
  code: number;
  seconds: number;
  maxRssMb: number;
  /** CPU seconds of every thread of the command's process. */
  cpuSeconds: number;
  loadAverage: number;
}

/** CPU seconds a process has used so far (Linux: /proc/PID/stat's utime and stime), or NaN. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The sync estimate of the plan's one change (`emi plan --format json`). */
function planEstimate(json: string): {
  listCalls: number;
  writeCalls: number;
  imports: number;
  basis: string;
} {
  const plan = JSON.parse(json) as {
    changes: { sync?: { estimate?: unknown } }[];
  };
  const estimate = plan.changes.find((change) => change.sync?.estimate)?.sync?.estimate;
  if (!estimate) {
    console.error("FAILED: the plan has no sync estimate");
    process.exit(1);
  }
  return estimate as ReturnType<typeof planEstimate>;
}

function emiEnv(url: string): Record<string, string> {
  return {
    EMI_ACTITO_URL: url,
    ACTITO_BENCH_KEY: key,
    // The call budget is lifted: the benchmark measures emi, not Actito's throttling. The day's
    // imports stay Actito's 12: a back-fill that needed more would show here.
    EMI_ACTITO_CALLS_PER_MINUTE: "1000000000",
  };
}

/** One emi command through the CLI in its own process (bench/cli-run-child.ts). */
async function emi(dir: string, url: string, log: string, args: string[]): Promise<CliRun> {
  // BENCH_CPU_PROF=<folder>: a V8 CPU profile of each emi command there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = startChild(
    [...profile, join(here, "cli-run-child.mjs"), join(dir, log), ...args],
    emiEnv(url),
    false,
  );
  const line = await firstLine(child);
  return JSON.parse(line) as CliRun;
}

/**
 * Starts an emi command and kills it with SIGKILL once the sandbox has applied `rows` more import
 * rows than it had: a crash in the middle of a back-fill, with no chance to save anything.
 */
async function emiKilledAt(dir: string, url: string, log: string, args: string[], rows: number) {
  const from = (await tableStats(url)).rowsApplied;
  const child = startChild([join(here, "cli-run-child.mjs"), join(dir, log), ...args], emiEnv(url), false);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let ended: number | null | undefined;
  void exited.then((code) => {
    ended = code;
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    if (ended !== undefined) {
      console.error(
        `FAILED: emi ${args[0]} ended (${ended}) before it could be killed; see ${join(dir, log)}`,
      );
      process.exit(1);
    }
    const stats = await tableStats(url);
    if (stats.rowsApplied - from >= rows) {
      child.kill("SIGKILL");
      await exited;
      return { applied: (await tableStats(url)).rowsApplied - from, listed: stats.pagesListed };
    }
  }
}

/** Every profile carries a REAID and no two carry the same one (64-bit fingerprints, sorted). */
async function reaidsOnProfiles(
  url: string,
): Promise<{ profiles: number; missing: number; repeated: number }> {
  const bearer = await token(url);
  const prints = new BigUint64Array(profiles * 1.03 + 1000);
  let count = 0;
  let missing = 0;
  for await (const page of listAll(url, bearer, "reaid")) {
    for (const p of page) {
      const reaid = p.attributes.reaid;
      if (typeof reaid !== "string" || reaid === "") {
        missing++;
        continue;
      }
      const digest = Buffer.from(reaid, "utf8");
      let h = 0xcbf29ce484222325n;
      for (const byte of digest) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
      if (count < prints.length) prints[count] = h;
      count++;
    }
  }
  const sorted = prints.subarray(0, Math.min(count, prints.length)).sort();
  let repeated = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated++;
  return { profiles: count + missing, missing, repeated };
}

async function registry(storeUrl: string, dir: string) {
  const store = await openStore(storeUrl, { cwd: dir });
  try {
    const entry = await store.findByAccount(account);
    return { sync: entry?.sync, reaids: await store.countReaids(String(account)) };
  } finally {
    await store.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), "emi-bench-sync-"));
const sandbox = startChild([join(here, "sync-sandbox-child.ts")], { BENCH_PROFILES: String(profiles) });
try {
  const url = await firstLine(sandbox);
  const storeUrl = `sqlite:${join(dir, ".emi/state.db")}`;
  await mkdir(join(dir, "integrations"), { recursive: true });
  await writeFile(
    join(dir, "integrations", `${account}.yaml`),
    [
      `account: ${account}`,
      "provider: actito",
      "actito:",
      "  endpoint: api3",
      "  entity: acme",
      "  email: crm@acme.example",
      "  apiKey: { secretRef: env:ACTITO_BENCH_KEY }",
      "  profileTable: customers",
      "emailSync: true",
      "",
    ].join("\n"),
  );
  const common = ["--dir", join(dir, "integrations"), "--store", storeUrl];
  const pagesOfTable = Math.ceil(profiles / 1000);
  console.log(
    `profiles: ${n(profiles)} (${n(pagesOfTable)} pages of 1,000); sandbox ${url} (own process); store ${storeUrl}; ` +
      `load average ${load()} on ${loadavg().length > 0 ? "this machine" : "?"}`,
  );

  // The floor.
  const floorLoad = load();
  const floorCpu = { bench: process.cpuUsage(), sandbox: cpuSecondsOf(sandbox.pid) };
  const floorRun = await floor(url);
  const benchCpu = process.cpuUsage(floorCpu.bench);
  console.log(
    `floor (bare undici: list + import one value per profile): ${floorRun.seconds.toFixed(1)} s ` +
      `(CPU: the lister ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s, the sandbox ` +
      `${(cpuSecondsOf(sandbox.pid) - floorCpu.sandbox).toFixed(1)} s; load ${floorLoad} → ${load()})`,
  );
  check(
    floorRun.updated === profiles,
    `the floor's imports updated ${n(floorRun.updated)} of ${n(profiles)} profiles`,
  );

  // What the plan says the back-fill will cost (issue 29: within 20% of the actual calls where the
  // table's count is known), then the back-fill itself.
  const planned = await emi(dir, url, "plan.json", ["plan", "--format", "json", ...common]);
  check(planned.code === 0, `emi plan exited ${planned.code} (its output: ${join(dir, "plan.json")})`);
  const estimate = planEstimate(readFileSync(join(dir, "plan.json"), "utf8"));

  // The back-fill: `emi apply` adds the REAID attribute, activates, and syncs.
  const before = await tableStats(url);
  const backfillLoad = load();
  let killed: { applied: number; listed: number; seconds: number } | null = null;
  if (killMidway) {
    // A crash once two fifths of the table is imported; `emi sync` resumes from the last settled file.
    const started = performance.now();
    const at = await emiKilledAt(
      dir,
      url,
      "apply.log",
      ["apply", "--yes", ...common],
      Math.ceil(profiles * 0.4),
    );
    killed = { ...at, seconds: (performance.now() - started) / 1000 };
    console.log(
      `back-fill killed (SIGKILL) after ${killed.seconds.toFixed(1)} s: ${n(killed.applied)} rows imported, ` +
        `${n(killed.listed - before.pagesListed)} pages listed`,
    );
  }
  const resumeFrom = await tableStats(url);
  const sandboxCpuBefore = cpuSecondsOf(sandbox.pid);
  const backfill = killMidway
    ? await emi(dir, url, "resume.log", ["sync", ...common])
    : await emi(dir, url, "apply.log", ["apply", "--yes", ...common]);
  const after = await tableStats(url);
  if (killed) {
    const resumePages = after.pagesListed - resumeFrom.pagesListed;
    const importsMade = after.importsSubmitted - before.importsSubmitted;
    const pagesPerFile = Math.ceil(pagesOfTable / Math.max(1, importsMade - 1));
    const bound = pagesOfTable - Math.floor(killed.applied / 1000) + pagesPerFile;
    console.log(
      `resume (emi sync): ${backfill.seconds.toFixed(1)} s, ${n(resumePages)} pages listed of the table's ${n(pagesOfTable)}, ` +
        `peak RSS ${backfill.maxRssMb.toFixed(0)} MB`,
    );
    check(
      resumePages <= Math.min(bound, pagesOfTable),
      `the resume listed ${n(resumePages)} pages: at most what was not imported plus one file's pages (${n(Math.min(bound, pagesOfTable))})`,
    );
    backfill.seconds += killed.seconds;
  }
  const backfillState = await registry(storeUrl, dir);
  const ratio = backfill.seconds / floorRun.seconds;
  console.log(
    `back-fill (${killMidway ? "emi apply, killed, then emi sync" : "emi apply"}): ${backfill.seconds.toFixed(1)} s, peak RSS ${backfill.maxRssMb.toFixed(0)} MB, ` +
      `${n(backfillState.sync?.counts.written ?? 0)} written, ${n(after.pagesListed - before.pagesListed)} pages listed, ` +
      `${after.importsSubmitted - before.importsSubmitted} import(s), CLI from its ${backfill.loaded}; ratio to the floor ${ratio.toFixed(2)}× ` +
      `(CPU${killMidway ? " of the resume" : ""}: emi ${backfill.cpuSeconds.toFixed(1)} s, the sandbox ${(cpuSecondsOf(sandbox.pid) - sandboxCpuBefore).toFixed(1)} s; ` +
      `load ${backfillLoad} → ${backfill.loadAverage.toFixed(2)})`,
  );
  check(backfill.code === 0, `emi apply exited ${backfill.code} (its output: ${join(dir, "apply.log")})`);
  check(
    backfillState.sync?.health === "in sync",
    `health after the back-fill is "${backfillState.sync?.health}"`,
  );
  check(
    backfillState.sync?.counts.written === profiles,
    `the back-fill wrote ${n(backfillState.sync?.counts.written ?? 0)} of ${n(profiles)} profiles`,
  );
  check(backfillState.reaids === profiles, `the store holds ${n(backfillState.reaids)} REAIDs`);
  const imports = after.importsSubmitted - before.importsSubmitted;
  check(imports <= 12, `the back-fill used ${imports} of the day's 12 imports`);
  const onProfiles = await reaidsOnProfiles(url);
  check(
    onProfiles.missing === 0 && onProfiles.repeated === 0 && onProfiles.profiles === profiles,
    `REAIDs on the profiles: ${n(onProfiles.profiles)} profiles, ${n(onProfiles.missing)} without, ${n(onProfiles.repeated)} repeated`,
  );
  target(ratio <= 1.5, `back-fill within 1.5× the floor (${ratio.toFixed(2)}×)`);
  const actualCalls = after.pagesListed - before.pagesListed + imports;
  const plannedCalls = estimate.listCalls + estimate.writeCalls;
  console.log(
    `plan's estimate: ${n(estimate.listCalls)} list calls, ${n(estimate.writeCalls)} write calls, ${estimate.imports} import(s) ` +
      `(basis ${estimate.basis}); actual: ${n(after.pagesListed - before.pagesListed)} list calls, ${imports} import(s)`,
  );
  target(
    Math.abs(plannedCalls - actualCalls) <= 0.2 * actualCalls,
    `the plan's estimate within 20% of the actual calls (${n(plannedCalls)} planned, ${n(actualCalls)} made)`,
  );
  const rssTarget = profiles > 1_000_000 ? 512 : 300;
  target(
    backfill.maxRssMb < rssTarget,
    `back-fill peak RSS under ${rssTarget} MB (${backfill.maxRssMb.toFixed(0)} MB)`,
  );

  // 1% new sign-ups, then `emi sync`, twice.
  const onePercent = Math.max(1, Math.round(profiles / 100));
  let total = profiles;
  for (const [index, label] of ["first sync after the back-fill", "steady state"].entries()) {
    const created = await addSignUps(url, index * onePercent, onePercent);
    check(created === onePercent, `${n(created)} sign-ups created`);
    total += onePercent;
    const pagesBefore = (await tableStats(url)).pagesListed;
    const syncLoad = load();
    const run = await emi(dir, url, `sync-${index + 1}.log`, ["sync", ...common]);
    const pages = (await tableStats(url)).pagesListed - pagesBefore;
    const state = await registry(storeUrl, dir);
    console.log(
      `emi sync, ${label} (+1%: ${n(onePercent)} sign-ups): ${run.seconds.toFixed(1)} s, ` +
        `${n(state.sync?.counts.seen ?? 0)} read, ${n(state.sync?.counts.written ?? 0)} written, ` +
        `${n(pages)} pages listed of the table's ${n(Math.ceil(total / 1000))}, peak RSS ${run.maxRssMb.toFixed(0)} MB ` +
        `(load ${syncLoad} → ${run.loadAverage.toFixed(2)})`,
    );
    check(run.code === 0, `emi sync exited ${run.code} (its output: ${join(dir, `sync-${index + 1}.log`)})`);
    check(state.sync?.health === "in sync", `health is "${state.sync?.health}"`);
    check(
      state.sync?.counts.written === onePercent,
      `wrote ${n(state.sync?.counts.written ?? 0)} of the ${n(onePercent)} sign-ups`,
    );
    check(state.reaids === total, `the store holds ${n(state.reaids)} REAIDs`);
    const pageBound = Math.max(Math.ceil(onePercent / 1000) + 2, Math.ceil(0.03 * Math.ceil(total / 1000)));
    target(
      pages <= pageBound,
      `listed ${n(pages)} pages, at most ${n(pageBound)} (3% of the table, or the sign-ups' pages)`,
    );
  }

  // What Actito's real limits imply for the back-fill.
  const calls = after.pagesListed - before.pagesListed + 2 * imports;
  console.log(
    `with Actito's limits: the back-fill needs about ${n(calls)} calls and ${imports} of the day's 12 imports: ` +
      `about ${(calls / 90).toFixed(0)} min of call budget at 90 calls/min, plus Actito's import processing`,
  );
} finally {
  sandbox.kill("SIGTERM");
}

if (failures.length > 0) {
  console.log(`\n${failures.length} wrong outcome(s): the figures above mean nothing (kept: ${dir}).`);
  for (const f of failures) console.log(`  - ${f}`);
  process.exitCode = 1;
} else {
  if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
  if (missed.length > 0) {
    console.log(`\nEvery outcome right; ${missed.length} target(s) missed.`);
    process.exitCode = 3;
  } else {
    console.log("\nEvery outcome right, every target met.");
  }
}
