import { type Command, InvalidArgumentError, Option } from "commander";
import { pino } from "pino";
import { startServe } from "../serve/start-serve.ts";
import type { CommandContext } from "./command-context.ts";
import { dirOption, storeOption } from "./common-options.ts";
import { untilStopped } from "./until-stopped.ts";

interface ServeFlags {
  port: number;
  host: string;
  store: string;
  dir: string;
  worker?: boolean;
  rateLimit: number;
  metricsPort?: number;
}

/** How long SIGTERM waits for requests under way before exiting anyway. */
const SHUTDOWN_GRACE_MS = 9_000;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new InvalidArgumentError("a port is 0 to 65535 (0: any free port)");
  return port;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError("a positive whole number");
  return n;
}

/**
 * `emi serve`: the REAID service (Raptor's POST /GetOrCreate), REAID lookups, the Actito webhook
 * inbox, /healthz and /metrics; with `--worker`, also writes the inbox's REAIDs to Actito. The first
 * stdout line is `emi serve: listening on http://HOST:PORT`; logs are JSON lines on stderr, without
 * e-mail addresses, keys or secrets.
 */
export function registerServeCommand(program: Command, ctx: CommandContext): void {
  program
    .command("serve")
    .description("run the REAID service (POST /GetOrCreate) and the Actito webhook inbox")
    .addOption(
      new Option("--port <port>", "port to listen on; 0 picks a free one").default(8080).argParser(parsePort),
    )
    .addOption(new Option("--host <host>", "address to listen on").default("127.0.0.1"))
    .addOption(storeOption())
    .addOption(dirOption())
    .option("--worker", "also write the REAIDs of webhook events to Actito (one-host setup)")
    .addOption(
      new Option("--rate-limit <n>", "requests per service key per minute before 429")
        .default(3000)
        .argParser(parsePositive),
    )
    .addOption(
      new Option(
        "--metrics-port <port>",
        "serve GET /metrics and /healthz on this port of their own (on --host), and /metrics no longer on --port",
      ).argParser(parsePort),
    )
    .action(async (flags: ServeFlags) => {
      const { io } = ctx;
      const logger = pino(
        { base: null, timestamp: pino.stdTimeFunctions.isoTime },
        { write: (line: string) => io.stderr.write(line) },
      );
      const background = flags.worker
        ? (await import("../serve/inbox-worker-for-serve.ts")).inboxWorkerForServe({
            dir: flags.dir,
            io,
            log: (line) => logger.info(line),
          })
        : undefined;
      const serve = await startServe({
        storeUrl: flags.store,
        cwd: io.cwd,
        host: flags.host,
        port: flags.port,
        rateLimitPerMinute: flags.rateLimit,
        ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
        log: (line) => logger.info(line),
        ...(background ? { background } : {}),
      });
      const stopped = untilStopped();
      io.stdout.write(
        `emi serve: listening on ${serve.url}${serve.metricsPort !== undefined ? ` (metrics on port ${serve.metricsPort})` : ""}\n`,
      );
      const signal = await stopped;
      logger.info({ msg: "stopping", signal });
      const forced = setTimeout(() => {
        io.stderr.write("emi serve: requests still running after 9 s; exiting anyway\n");
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      forced.unref();
      await serve.close();
      clearTimeout(forced);
    });
}
