import { describe, expect, it } from "vitest";
import { buildServer } from "../../src/serve/build-server.ts";
import { createServeMetrics } from "../../src/serve/serve-metrics.ts";

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("not used")) });

describe("GET /healthz and GET /livez", () => {
  it("answers /healthz 503 with why and Retry-After while the store refuses writes, /livez 200 throughout", async () => {
    let ready = false;
    const app = await buildServer(
      {
        store: unused as never,
        keys: unused as never,
        lookup: unused as never,
        inbox: unused as never,
        dialect: "sqlite",
        readiness: async () =>
          ready ? { ok: true } : { ok: false, why: "SQLite store: disk full (SQLITE_FULL)" },
      },
      { metrics: createServeMetrics() },
    );
    const down = await app.inject({ method: "GET", url: "/healthz" });
    expect(down.statusCode).toBe(503);
    expect(down.headers["retry-after"]).toBe("5");
    expect(down.json()).toEqual({ status: "unavailable", why: "SQLite store: disk full (SQLITE_FULL)" });
    expect((await app.inject({ method: "GET", url: "/livez" })).statusCode).toBe(200);
    ready = true;
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await app.close();
  });
});
