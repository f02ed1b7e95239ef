/**
 * Client overhead: lists N profiles and mass-imports N rows through the Actito client and with
 * bare undici `request` calls, against the sandbox in another process (limits lifted), alternating
 * the order over several rounds. Each measurement runs in a fresh process, so its peak RSS is its own.
 * Usage: npx tsx bench/client.ts [rows=1000000] [rounds=3]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const tsx = ["--import", "tsx"];

interface Measure {
  mode: string;
  ms: number;
  uploadMs?: number;
  rows: number;
  maxRssMB: number;
}

async function startSandbox(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...tsx, "bench/client-sandbox.ts", String(rows)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { url: line.trim(), child };
}

async function measure(mode: string, url: string): Promise<Measure> {
  const child = spawn(process.execPath, [...tsx, "bench/client-worker.ts", mode, url, String(rows)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const [code] = (await once(child, "exit")) as [number];
  if (code !== 0) throw new Error(`${mode} failed with exit code ${code}`);
  const result = JSON.parse(out.trim().split("\n").at(-1)!) as Measure;
  if (result.rows !== rows) throw new Error(`${mode} saw ${result.rows} rows, expected ${rows}`);
  return result;
}

const { url, child } = await startSandbox();
const results: Measure[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["bare", "client"] : ["client", "bare"];
    for (const kind of ["list", "import"]) {
      for (const who of order) {
        const m = await measure(`${kind}-${who}`, url);
        results.push(m);
        process.stderr.write(`${JSON.stringify(m)}\n`);
      }
    }
  }
} finally {
  child.stdin!.end();
  child.kill();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pick = (mode: string, f: (m: Measure) => number | undefined) =>
  median(results.filter((r) => r.mode === mode).map((r) => f(r) ?? 0));
const line = (label: string, bareMs: number, clientMs: number) =>
  `| ${label} | ${bareMs} | ${clientMs} | ${(((clientMs - bareMs) / bareMs) * 100).toFixed(1)}% |`;
process.stdout.write(
  [
    `rows: ${rows}, rounds: ${rounds} (medians)`,
    "| work | bare undici (ms) | client (ms) | overhead |",
    "|---|---|---|---|",
    line(
      "list all profiles",
      pick("list-bare", (m) => m.ms),
      pick("list-client", (m) => m.ms),
    ),
    line(
      "import: gzip + upload",
      pick("import-bare", (m) => m.uploadMs),
      pick("import-client", (m) => m.uploadMs),
    ),
    line(
      "import: until applied",
      pick("import-bare", (m) => m.ms),
      pick("import-client", (m) => m.ms),
    ),
    `peak RSS (MB): list bare ${pick("list-bare", (m) => m.maxRssMB)}, list client ${pick("list-client", (m) => m.maxRssMB)}, import bare ${pick("import-bare", (m) => m.maxRssMB)}, import client ${pick("import-client", (m) => m.maxRssMB)}`,
    "",
  ].join("\n"),
);
