// One emi command through the CLI's own entry (`main`, as bin/emi.js runs it) in its own process, so
// its wall time and peak RSS are emi's alone. Usage: node --import tsx bench/cli-run-child.ts LOG ARGS…
// The command's output goes to LOG; stdout gets one JSON line: code, seconds, maxRssMb, loadAverage.
import { createWriteStream } from "node:fs";
import { loadavg } from "node:os";
import { main } from "../src/cli/main.ts";

const [log, ...args] = process.argv.slice(2);
const out = createWriteStream(log ?? "/dev/null");
const started = performance.now();
const code = await main(["node", "emi", ...args], {
  stdout: { write: (chunk: string) => out.write(chunk) },
  stderr: { write: (chunk: string) => out.write(chunk) },
  env: process.env,
  cwd: process.cwd(),
});
const seconds = (performance.now() - started) / 1000;
await new Promise((resolve) => out.end(resolve));
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ code, seconds, maxRssMb, loadAverage: loadavg()[0] })}\n`);
// Handles left by the command (a pool's idle sockets) must not hold the figure back.
process.exit(0);
