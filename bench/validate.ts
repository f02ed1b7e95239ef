// Benchmark: `emi validate` on 10,000 generated declarations (with sister accounts), as a whole
// process, against ajv-cli validating the same files against the same schema (schema only).
// Also times the same CLI bundled by esbuild (when esbuild is installed, as it is with tsx), to show
// what running the TypeScript through tsx costs at start-up.
// Run: npx tsx bench/validate.ts [count] [runs]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const count = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 5);
const endpoints = ["api", "api1", "api3", "apitest"];
// GNU time reports the CPU a process used, which says more than wall time on a shared machine.
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** A realistic declaration; list styles alternate between flow and block. */
function declaration(i: number): string {
  const account = 100_000 + i;
  const sisters = i % 3 === 0 ? [1_000_000 + 2 * i] : [1_000_000 + 2 * i, 1_000_000 + 2 * i + 1];
  const list =
    i % 2 === 0
      ? `sisterAccounts: [${sisters.join(", ")}]`
      : `sisterAccounts:\n${sisters.map((s) => `  - ${s}`).join("\n")}`;
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
${list}
emailSync: ${i % 5 !== 0}
`;
}

interface Sample {
  wall: number;
  cpu: number | undefined;
}

function measure(command: string, args: string[]): Sample {
  const [file, argv] = gnuTime ? [gnuTime, ["-f", "%U %S", command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = result.stderr.toString();
  if (result.status !== 0) {
    throw new Error(
      `${command} exited ${result.status}: ${result.stdout.toString().slice(0, 2000)}${stderr}`,
    );
  }
  const times = gnuTime ? stderr.trim().split("\n").at(-1)?.split(" ").map(Number) : undefined;
  return { wall, cpu: times ? times[0]! + times[1]! : undefined };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), "emi-bench-validate-"));
// The bundle sits two levels below the root, like src/config/, so the schema is found the same way.
const bundleDir = join(root, "bench", ".tmp");
const bundle = join(bundleDir, "emi-validate-bundle.mjs");
try {
  const esbuild = join(root, "node_modules/.bin/esbuild");
  let bundled = false;
  if (existsSync(esbuild)) {
    mkdirSync(bundleDir, { recursive: true });
    const entry = join(dir, "entry.ts");
    writeFileSync(
      entry,
      `import { main } from ${JSON.stringify(join(root, "src/cli/main.ts"))};\nprocess.exitCode = await main(process.argv);\n`,
    );
    const built = spawnSync(esbuild, [
      entry,
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--packages=external",
      `--outfile=${bundle}`,
      "--log-level=error",
    ]);
    bundled = built.status === 0;
  }
  for (let i = 1; i <= count; i++) writeFileSync(join(dir, `${100_000 + i}.yaml`), declaration(i));
  const candidates: Record<string, () => Sample> = {
    "emi validate": () =>
      measure(process.execPath, [join(root, "bin/emi.js"), "validate", "--dir", dir, "--format", "json"]),
    ...(bundled
      ? {
          "emi (esbuild bundle)": () =>
            measure(process.execPath, [bundle, "validate", "--dir", dir, "--format", "json"]),
        }
      : {}),
    "ajv-cli validate": () =>
      measure(join(root, "node_modules/.bin/ajv"), [
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
  const samples = new Map<string, Sample[]>();
  for (let run = 0; run < runs; run++) {
    for (const [name, run] of Object.entries(candidates)) {
      samples.set(name, [...(samples.get(name) ?? []), run()]);
    }
  }
  console.log(`${count} declarations, ${runs} runs each, alternating (whole process; cpu = user + sys)`);
  for (const [name, list] of samples) {
    const walls = list.map((s) => s.wall);
    const cpus = list.flatMap((s) => (s.cpu === undefined ? [] : [s.cpu]));
    console.log(
      `${name.padEnd(22)} wall median ${median(walls).toFixed(2)} s (min ${Math.min(...walls).toFixed(2)}, max ${Math.max(...walls).toFixed(2)})` +
        (cpus.length > 0 ? `   cpu median ${median(cpus).toFixed(2)} s` : ""),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
}
