// One emi command through the CLI's own entry in its own process, so its wall time and peak RSS are
// emi's alone. It loads the CLI as bin/emi.js does: the bundle built by `npm run build` while it is
// newer than every source file, else the TypeScript sources through tsx (slower to start).
// Usage: node bench/cli-run-child.mjs LOG ARGS…  The command's output goes to LOG; stdout gets one
// JSON line: code, seconds, maxRssMb, cpuSeconds (every thread's, user and system), loadAverage,
// loaded ("bundle" or "sources"). BENCH_STAMP=1 prefixes each chunk of the command's output in LOG
// with the seconds since this process started (for a log whose name ends in .log; a JSON output
// stays parseable).
import { createWriteStream, readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = `${root}dist/cli/main.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    const mtime = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource(`${root}src`);
  } catch {
    return false;
  }
}

const started = performance.now();
let main;
let loaded;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
  loaded = "bundle";
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
  loaded = "sources";
}
const [log, ...args] = process.argv.slice(2);
const out = createWriteStream(log ?? "/dev/null");
const stamp = (chunk) =>
  process.env.BENCH_STAMP === "1" && log?.endsWith(".log")
    ? `[${((performance.now() - started) / 1000).toFixed(2)}] ${chunk}`
    : chunk;
const code = await main(["node", "emi", ...args], {
  stdout: { write: (chunk) => out.write(stamp(chunk)) },
  stderr: { write: (chunk) => out.write(stamp(chunk)) },
  env: process.env,
  cwd: process.cwd(),
});
const seconds = (performance.now() - started) / 1000;
await new Promise((resolve) => out.end(resolve));
const usage = process.resourceUsage();
const maxRssMb = usage.maxRSS / 1024;
// CPU seconds of every thread of this process (the write and hash threads included).
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
process.stdout.write(
  `${JSON.stringify({ code, seconds, maxRssMb, cpuSeconds, loadAverage: loadavg()[0], loaded })}\n`,
);
// Handles left by the command (a pool's idle sockets) must not hold the figure back.
process.exit(0);
