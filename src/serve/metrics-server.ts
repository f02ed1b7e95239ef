import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import { EmiError } from "../types/errors.ts";

/** The metrics port cannot be listened on (taken, or not allowed). */
export class MetricsPortError extends EmiError {}

export interface MetricsServer {
  /** The port listened on (the chosen one when 0 was asked). */
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` (Prometheus text format from `registry`), `GET /livez` (200 while the process
 * answers) and `GET /healthz` (readiness: 200 `ok` while `healthy()` says so, else 503 with why) on
 * `port`, all interfaces. Anything else is 404.
 * @throws MetricsPortError naming the port when it is taken.
 */
export async function serveMetrics(options: {
  port: number;
  host?: string;
  registry: Registry;
  healthy: () => Promise<{ ok: boolean; why?: string }>;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n"),
      );
      return;
    }
    if (path === "/livez") {
      // The process and its event loop answer: nothing else is asked.
      res.writeHead(200, { "content-type": "text/plain" }).end("alive\n");
      return;
    }
    if (path === "/healthz") {
      options.healthy().then(
        (h) =>
          res
            .writeHead(h.ok ? 200 : 503, { "content-type": "text/plain" })
            .end(h.ok ? "ok\n" : `unhealthy: ${h.why ?? "unknown"}\n`),
        () => res.writeHead(503, { "content-type": "text/plain" }).end("unhealthy\n"),
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics, /livez or /healthz\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE"
          ? "is already in use (EADDRINUSE)"
          : error.code === "EACCES"
            ? "needs privileges this process does not have (EACCES)"
            : `cannot be listened on (${error.code ?? error.message})`;
      reject(
        new MetricsPortError(
          `--metrics-port ${options.port} ${why}: choose another port, or stop what listens on it`,
          { cause: error },
        ),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  server.unref();
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
