import type { FastifyInstance } from "fastify";
import { openStore } from "../store/open-store.ts";
import type { StoreKeyOptions } from "../store/store-key.ts";
import { storeReadiness } from "../store/store-readiness.ts";
import type { Store } from "../store/store.ts";
import { EmiError } from "../types/errors.ts";
import { buildServer, type ServeLimits, type ServeStores } from "./build-server.ts";
import { type MetricsServer, serveMetrics } from "./metrics-server.ts";
import { createServeMetrics, type ServeMetrics } from "./serve-metrics.ts";

export interface StartServeOptions {
  storeUrl: string;
  cwd: string;
  host: string;
  port: number;
  rateLimitPerMinute?: number;
  /** Where the store key is (GetOrCreate hashes addresses): EMI_STORE_KEY_FILE and the default places otherwise. */
  storeKeys?: StoreKeyOptions;
  /** Timeouts and connection limits (tests shorten them). */
  limits?: Partial<ServeLimits>;
  /**
   * Serve GET /metrics (and /healthz) on this port of its own, on `host`, and not on the public
   * port: the REAID service's callers need not see the service's metrics.
   */
  metricsPort?: number;
  log?: (line: Record<string, unknown>) => void;
  /** Started once the store is open (the inbox worker); stopped first on close. */
  background?: (stores: ServeStores, metrics: ServeMetrics) => { stop(): Promise<void> };
}

export interface RunningServe {
  /** `http://HOST:PORT` with the port actually bound. */
  url: string;
  /** The metrics port actually bound, when `metricsPort` was given. */
  metricsPort?: number;
  app: FastifyInstance;
  store: Store;
  /** Stops accepting, lets requests under way finish, stops the worker, closes the store. */
  close(): Promise<void>;
}

/** Opens the store and listens: what `emi serve` runs between start and SIGTERM. */
export async function startServe(options: StartServeOptions): Promise<RunningServe> {
  const store = await openStore(options.storeUrl, {
    cwd: options.cwd,
    ...(options.storeKeys ? { keys: options.storeKeys } : {}),
  });
  try {
    // Before listening: the first GetOrCreate requests would otherwise wait for SQLite's REAID
    // thread to start (hundreds of milliseconds when it runs from the sources).
    await store.prepareForService();
    const stores: ServeStores = {
      store,
      keys: store,
      lookup: store,
      inbox: store,
      dialect: store.dialect,
      readiness: storeReadiness(store),
    };
    const metrics = createServeMetrics();
    const app = await buildServer(stores, {
      metrics,
      rateLimitPerMinute: options.rateLimitPerMinute,
      log: options.log,
      ...(options.limits ? { limits: options.limits } : {}),
      metricsRoute: options.metricsPort === undefined,
    });
    try {
      await app.listen({ host: options.host, port: options.port });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      await app.close().catch(() => undefined);
      throw new EmiError(
        code === "EADDRINUSE"
          ? `emi serve cannot listen on ${options.host}:${options.port}: the port is in use (pick another with --port, or 0 for any free one)`
          : `emi serve cannot listen on ${options.host}:${options.port}: ${code ?? (error as Error).message}`,
        { cause: error },
      );
    }
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    let metricsServer: MetricsServer | undefined;
    if (options.metricsPort !== undefined) {
      try {
        metricsServer = await serveMetrics({
          port: options.metricsPort,
          host: options.host,
          registry: metrics.registry,
          healthy: async () => {
            const answer = await app.inject({ method: "GET", url: "/healthz" });
            return answer.statusCode === 200 ? { ok: true } : { ok: false, why: answer.body };
          },
        });
      } catch (error) {
        await app.close().catch(() => undefined);
        throw error;
      }
    }
    const background = options.background?.(stores, metrics);
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
      app,
      store,
      close() {
        closing ??= (async () => {
          await metricsServer?.close();
          // A keep-alive connection whose request was under way goes idle only after close()
          // started, and would then keep the server open until its keep-alive timeout.
          const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
          try {
            await app.close();
          } finally {
            clearInterval(sweep);
          }
          await background?.stop();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
