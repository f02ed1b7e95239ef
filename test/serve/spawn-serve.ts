import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT, type World } from "../e2e/e2e-harness.ts";

/** A running `emi serve` process. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** What it printed so far. */
  output(): { out: string; err: string };
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Spawns `emi serve --port 0` in `world` (its store, its sandbox); resolves once it listens. */
export async function spawnServe(
  world: World,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin/emi.js"), "serve", "--port", "0", ...args], {
    cwd: world.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const match = /^emi serve: listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (match) resolve(match[1]!);
      else if (out.includes("\n")) reject(new Error(`unexpected first line: ${out}`));
    });
    child.on("close", () => reject(new Error(`serve exited early: ${err}`)));
  });
  return {
    child,
    url,
    output: () => ({ out, err }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      world.outputs.push(out, err);
    },
  };
}
