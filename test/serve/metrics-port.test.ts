import { mkdtemp, rm } from "node:fs/promises";
import { serveMetrics } from "../../src/watch/serve-metrics.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServe } from "../../src/serve/start-serve.ts";

describe("emi serve --metrics-port", () => {
  it("serves /metrics and /healthz on a port of their own, and /metrics no longer on the public port", async () => {
    const dir = await mkdtemp(join(tmpdir(), "emi-serve-metrics-"));
    const serve = await startServe({
      storeUrl: `sqlite:${join(dir, "state.db")}`,
      cwd: dir,
      host: "127.0.0.1",
      port: 0,
      metricsPort: 0,
      listenMetrics: serveMetrics,
    });
    try {
      expect(serve.metricsPort).toBeGreaterThan(0);
      const metricsUrl = `http://127.0.0.1:${serve.metricsPort}`;
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${serve.url}/metrics`)).status).toBe(404);
      const metrics = await fetch(`${metricsUrl}/metrics`);
      expect(metrics.status).toBe(200);
      // The service's own registry: the public port's requests are counted there.
      expect(await metrics.text()).toMatch(/route="\/healthz",status="200"/);
      const health = await fetch(`${metricsUrl}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`${metricsUrl}/GetOrCreate`)).status).toBe(404);
    } finally {
      await serve.close();
      await rm(dir, { recursive: true, force: true });
    }
    await expect(fetch(`http://127.0.0.1:${serve.metricsPort}/metrics`)).rejects.toThrow();
  });

  it("keeps /metrics on the public port without it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "emi-serve-metrics-"));
    const serve = await startServe({
      storeUrl: `sqlite:${join(dir, "state.db")}`,
      cwd: dir,
      host: "127.0.0.1",
      port: 0,
    });
    try {
      expect(serve.metricsPort).toBeUndefined();
      expect((await fetch(`${serve.url}/metrics`)).status).toBe(200);
    } finally {
      await serve.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
