import type { CliIO } from "../../src/cli/io.ts";

/** A CliIO that records what a command writes, for running `main` in-process. */
export function captureIO(cwd: string = process.cwd()): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}
