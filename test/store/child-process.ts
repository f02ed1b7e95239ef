import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A fixture script running in its own Node process (through tsx), read line by line. */
export interface Child {
  process: ChildProcess;
  /** Resolves with the first output line that satisfies `test` (lines already seen count). */
  line(test: (line: string) => boolean): Promise<string>;
  lines(): string[];
  exited: Promise<number | null>;
}

export function spawnFixture(name: string, args: string[]): Child {
  const child = spawn(process.execPath, ["--import", "tsx", `test/store/fixtures/${name}`, ...args], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const seen: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      seen.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      newline = buffer.indexOf("\n");
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    process: child,
    lines: () => seen,
    exited,
    line(test) {
      const already = seen.find(test);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        exited.then((code) =>
          reject(new Error(`fixture ${name} exited (${code}) before the expected line; stderr:\n${stderr}`)),
        );
      });
    },
  };
}
