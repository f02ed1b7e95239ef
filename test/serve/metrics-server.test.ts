import { describe, expect, it } from "vitest";
import { MetricsPortError, serveMetrics } from "../../src/serve/metrics-server.ts";
import { createWatchMetrics, resultLabel } from "../../src/watch/watch-metrics.ts";

describe("serveMetrics", () => {
  it("answers /healthz 200 while healthy and 503 with why otherwise, /metrics in Prometheus text", async () => {
    let healthy = true;
    const metrics = createWatchMetrics();
    metrics.run(
      {
        account: 1042,
        outcome: { kind: "synced", health: "in sync" },
        health: "in sync",
        reason: null,
        failed: false,
        counts: { seen: 3, written: 2, skipped: 0, rejected: 0, duplicates: 0 },
      },
      new Date("2026-12-01T09:40:02Z"),
      0,
    );
    metrics.request("api3/nordlys", {
      type: "request",
      method: "GET",
      route: "/x",
      attempt: 1,
      durationMs: 3,
      status: 429,
    });
    metrics.request("api3/nordlys", {
      type: "request",
      method: "GET",
      route: "/x",
      attempt: 1,
      durationMs: 3,
      errorCode: "ECONNRESET",
    });
    const server = await serveMetrics({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      healthy: async () => (healthy ? { ok: true } : { ok: false, why: "the store does not answer" }),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      const down = await fetch(`${base}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.text()).toContain("the store does not answer");
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('emi_sync_runs_total{account="1042",result="in_sync"} 1');
      expect(text).toContain('emi_sync_last_success_timestamp_seconds{account="1042"} 1796118002');
      expect(text).toContain('emi_profiles_written_total{account="1042"} 2');
      expect(text).toContain('emi_profiles_without_reaid{account="1042"} 0');
      expect(text).toContain('emi_actito_requests_total{licence="api3/nordlys",status="429"} 1');
      expect(text).toContain('emi_actito_requests_total{licence="api3/nordlys",status="ECONNRESET"} 1');
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("names the port when it is taken", async () => {
    const first = await serveMetrics({
      port: 0,
      host: "127.0.0.1",
      registry: createWatchMetrics().registry,
      healthy: async () => ({ ok: true }),
    });
    try {
      const error = await serveMetrics({
        port: first.port,
        host: "127.0.0.1",
        registry: createWatchMetrics().registry,
        healthy: async () => ({ ok: true }),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MetricsPortError);
      expect((error as Error).message).toBe(
        `--metrics-port ${first.port} is already in use (EADDRINUSE): choose another port, or stop what listens on it`,
      );
    } finally {
      await first.close();
    }
  });

  it("labels results without spaces", () => {
    expect(resultLabel({ health: "waiting for quota", failed: false })).toBe("waiting_for_quota");
    expect(resultLabel({ health: "degraded", failed: true })).toBe("failed");
  });
});
