// Benchmark: `emi validate` on 10,000 generated declarations (with sister accounts), as a whole
// process, against ajv-cli validating the same files against the same schema (schema only).
// Run: npx tsx bench/validate.ts [count] [runs]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const count = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 5);
const endpoints = ["api", "api1", "api3", "apitest"];

function declaration(i: number): string {
  const account = 100_000 + i;
  const sisters = i % 3 === 0 ? [1_000_000 + 2 * i] : [1_000_000 + 2 * i, 1_000_000 + 2 * i + 1];
  return `# yaml-language-server: $schema=../schemas/integration.schema.json
# Generated for the validate benchmark.
account: ${account}
provider: actito
actito:
  endpoint: ${endpoints[i % 4]}
  entity: entity-${i}
  email: crm-team-${i}@shop${i}.example
  apiKey: { secretRef: env:ACTITO_KEY_${account} }
  profileTable: customers
${i % 2 === 0 ? `sisterAccounts: [${sisters.join(", ")}]` : `sisterAccounts:\n${sisters.map((s) => `  - ${s}`).join("\n")}`}
emailSync: ${i % 5 !== 0}
`;
}

function time(command: string, args: string[]): { seconds: number; status: number | null } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) process.stderr.write(`${result.stdout.toString().slice(0, 2000)}${result.stderr}`);
  return { seconds, status: result.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), "emi-bench-validate-"));
try {
  for (let i = 1; i <= count; i++) writeFileSync(join(dir, `${100_000 + i}.yaml`), declaration(i));
  const candidates = {
    "emi validate": () =>
      time(process.execPath, ["bin/emi.js", "validate", "--dir", dir, "--format", "json"]),
    "ajv-cli validate": () =>
      time(join(root, "node_modules/.bin/ajv"), [
        "validate",
        "--spec=draft2020",
        "-c",
        "ajv-formats",
        "--all-errors",
        "-s",
        "schemas/integration.schema.json",
        "-d",
        `${dir}/*.yaml`,
      ]),
  };
  const results: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) {
    for (const [name, measure] of Object.entries(candidates)) {
      const { seconds, status } = measure();
      if (status !== 0) throw new Error(`${name} exited ${status}`);
      (results[name] ??= []).push(seconds);
    }
  }
  console.log(`${count} declarations, ${runs} runs each (wall time of the whole process)`);
  for (const [name, times] of Object.entries(results)) {
    console.log(
      `${name.padEnd(18)} median ${median(times).toFixed(2)} s   min ${Math.min(...times).toFixed(2)} s   max ${Math.max(...times).toFixed(2)} s`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
