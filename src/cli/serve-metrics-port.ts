import type { RunningServe } from "../serve/start-serve.ts";
import { type MetricsServer, serveMetrics } from "../watch/serve-metrics.ts";

/**
 * `emi serve --metrics-port`: the service's GET /metrics and /healthz on a port of their own, on
 * `host` (the service itself is then started with `metricsRoute: false`). The same small server as
 * the watch worker's; /healthz asks the service's own route, so both ports agree.
 */
export function startMetricsPort(serve: RunningServe, port: number, host: string): Promise<MetricsServer> {
  return serveMetrics({
    port,
    host,
    registry: serve.metrics.registry,
    healthy: async () => {
      const answer = await serve.app.inject({ method: "GET", url: "/healthz" });
      return answer.statusCode === 200 ? { ok: true } : { ok: false, why: answer.body };
    },
  });
}
