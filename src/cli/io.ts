/** What a command may touch of the process: injected so commands run in-process in tests. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Reads one line from the terminal (confirmation prompts); absent when there is none. */
  prompt?: (question: string) => Promise<string>;
  /** Reads a secret from stdin (`emi secret encrypt`): on a terminal, asks without echo. */
  secretInput?: (question: string) => Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Calls `handler` on each SIGTERM/SIGINT until the returned function is called (long-running
   * commands such as `emi sync --watch`); absent in tests that run commands in-process.
   */
  onSignal?: (handler: (signal: "SIGTERM" | "SIGINT") => void) => () => void;
  /** Ends the process at once (a second signal); absent in-process. */
  exitNow?: (code: number) => void;
}

let quietOnClosedPipe = false;

/**
 * When the reader of stdout goes away (`emi reaid export | head`), stop quietly like other
 * command-line tools instead of dying on an unhandled EPIPE with Node's stack trace: the reader
 * asked for no more output.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    else throw error;
  });
}

/** The real process's streams, environment and terminal. */
export function processIO(): CliIO {
  if (!quietOnClosedPipe) {
    quietOnClosedPipe = true;
    exitQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onSignal: (handler) => {
      const term = () => handler("SIGTERM");
      const int = () => handler("SIGINT");
      process.on("SIGTERM", term);
      process.on("SIGINT", int);
      return () => {
        process.off("SIGTERM", term);
        process.off("SIGINT", int);
      };
    },
    exitNow: (code) => process.exit(code),
    secretInput: async (question) => (await import("./read-secret-input.ts")).readSecretInput(question),
    prompt: process.stdin.isTTY
      ? async (question) => {
          const { createInterface } = await import("node:readline/promises");
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return await rl.question(question);
          } finally {
            rl.close();
          }
        }
      : undefined,
  };
}
