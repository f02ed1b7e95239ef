import { describe, expect, it } from "vitest";
import { buildServer } from "../../src/serve/build-server.ts";
import { createServeMetrics } from "../../src/serve/serve-metrics.ts";
import type { Store } from "../../src/store/store.ts";

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("not used")) });

describe("GET /healthz", () => {
  it("answers 503 when the store does not answer, and 200 when it does", async () => {
    let reachable = false;
    const store = {
      registryRevision: () =>
        reachable ? Promise.resolve(1) : Promise.reject(new Error("connection refused")),
    } as unknown as Store;
    const app = await buildServer(
      { store, keys: unused as never, lookup: unused as never, inbox: unused as never },
      { metrics: createServeMetrics() },
    );
    const down = await app.inject({ method: "GET", url: "/healthz" });
    expect(down.statusCode).toBe(503);
    expect(down.body).not.toContain("connection refused");
    reachable = true;
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await app.close();
  });
});
