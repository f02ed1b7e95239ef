import { terminalSafe } from "../plan/terminal-safe.ts";
import { leaseOwner } from "../store/lease-keeper.ts";
import { openStore } from "../store/open-store.ts";
import { storeReadiness } from "../store/store-readiness.ts";
import { formatWatchLine } from "../watch/format-watch-line.ts";
import { type MetricsServer, serveMetrics } from "../serve/metrics-server.ts";
import { runWatch, WatchDeclarationsError } from "../watch/watch-loop.ts";
import { errorMessage } from "../sync/error-message.ts";
import { watchInbox } from "../watch/watch-inbox.ts";
import { createWatchMetrics } from "../watch/watch-metrics.ts";
import type { WatchRecord } from "../watch/watch-record.ts";
import { EmiError } from "../types/errors.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import type { CliIO } from "./io.ts";
import { storeKeys } from "./store-keys.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

export interface WatchFlags {
  dir: string;
  store: string;
  format: "text" | "json";
  interval: number;
  fullEvery: number;
  concurrency: number;
  metricsPort?: number;
}

/** How long a stop may take before the worker gives up waiting for its syncs to checkpoint. */
const STOP_DEADLINE_MS = 14_000;

/**
 * `emi sync --watch`: opens the store and the metrics port, runs the watch loop until SIGTERM or
 * SIGINT, then lets the syncs under way checkpoint, releases every lease and returns 0. A second
 * signal exits at once (the checkpoints make that safe too). Returns the exit code.
 */
export async function runWatchCommand(
  flags: WatchFlags,
  io: CliIO,
  hooks: { inboxDue?: () => Promise<ReadonlySet<number>>; signal?: AbortSignal } = {},
): Promise<number> {
  const write = (record: WatchRecord) =>
    io.stdout.write(
      `${
        flags.format === "json"
          ? JSON.stringify({ formatVersion: OutputFormatVersion.syncWatch, ...record })
          : formatWatchLine(record)
      }\n`,
    );
  const first = await validateDirectory(flags.dir, { cwd: io.cwd });
  if (first.diagnostics.some((d) => d.severity === "error")) {
    throw new EmiError(`the declarations in ${flags.dir} are not valid: run emi validate`);
  }
  const store = await openStore(flags.store, { cwd: io.cwd, keys: storeKeys(io, flags.dir) });
  const metrics = createWatchMetrics();
  // Webhook events acknowledged by emi serve make their integrations due at once.
  const inbox = watchInbox(store);
  const readiness = storeReadiness(store);
  let alive = false;
  let server: MetricsServer | null = null;
  const stop = new AbortController();
  let stops = 0;
  const onSignal = (signal: string) => {
    stops++;
    if (stops > 1) {
      io.stderr.write(`${signal} again: exiting at once (the checkpoints let the next run resume)\n`);
      io.exitNow?.(signal === "SIGINT" ? 130 : 143);
      return;
    }
    stop.abort(signal);
  };
  const unlisten = io.onSignal?.(onSignal);
  hooks.signal?.addEventListener("abort", () => onSignal("stop"), { once: true });
  try {
    if (flags.metricsPort !== undefined) {
      server = await serveMetrics({
        port: flags.metricsPort,
        registry: metrics.registry,
        healthy: async () => {
          if (!alive) return { ok: false, why: stop.signal.aborted ? "stopping" : "the loop is not running" };
          // Readiness: the store accepts a write (cached a few seconds), so a full disk shows.
          return readiness();
        },
      });
    }
    const declared = first.declared.map((d) => d.integration);
    write({
      type: "started",
      time: new Date().toISOString(),
      worker: leaseOwner(),
      store: describeStore(flags.store),
      integrations: declared.length,
      withEmailSync: declared.filter((i) => i.emailSync).length,
      metricsPort: server?.port ?? null,
    });
    const deadline = new Promise<"late">((resolve) => {
      stop.signal.addEventListener(
        "abort",
        () => setTimeout(() => resolve("late"), STOP_DEADLINE_MS).unref(),
        { once: true },
      );
    });
    const loop = runWatch({
      dir: flags.dir,
      cwd: io.cwd,
      env: io.env,
      store,
      intervalMs: flags.interval * 1000,
      fullEveryMs: flags.fullEvery * 3_600_000,
      concurrency: flags.concurrency,
      signal: stop.signal,
      onRecord: write,
      onInboxSettled: (account, startedAt) => {
        inbox.settled(account, startedAt).catch((error: unknown) => {
          // The events stay in the inbox, so the account is due again at the next look: the cost
          // is one more incremental run, said here rather than hidden.
          io.stderr.write(
            terminalSafe(`could not remove the webhook events the run covered: ${errorMessage(error)}\n`),
          );
        });
      },
      metrics,
      inboxDue: hooks.inboxDue ?? inbox.due,
      onAlive: (a) => {
        alive = a;
      },
    }).then(() => "done" as const);
    const ended = await Promise.race([loop, deadline]);
    write({ type: "stopped", time: new Date().toISOString(), clean: ended === "done" });
    // A sync that did not stop in time must not keep the process alive: its checkpoint lets the
    // next run resume, and its lease expires.
    if (ended === "late") io.exitNow?.(1);
    return ended === "done" ? 0 : 1;
  } catch (error) {
    if (error instanceof WatchDeclarationsError) throw new EmiError(error.message, { cause: error });
    throw error;
  } finally {
    unlisten?.();
    await server?.close();
    await store.close().catch(() => undefined);
  }
}

/** The store as the start line shows it: a PostgreSQL URL without user, password or host. */
function describeStore(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  try {
    return `postgres://…${new URL(url).pathname}`;
  } catch {
    return "postgres://…";
  }
}
