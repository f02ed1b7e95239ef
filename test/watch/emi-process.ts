import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../e2e/e2e-harness.ts";

/** A real `emi` process whose output lines can be waited for. */
export interface EmiProcess {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves with the first line of stdout matching `pattern` (also one already printed). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnEmi(
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): EmiProcess {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin/emi.js"), ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    const lines = out.split("\n");
    for (const w of [...waiters]) {
      const hit = lines.find((l) => w.pattern.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  child.stdout!.on("data", (d) => {
    out += d;
    check();
  });
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    line(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        check();
      });
    },
    exited: () => exit,
  };
}
