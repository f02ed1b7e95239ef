import { afterEach, describe, expect, it } from "vitest";
import { readActitoQuota } from "../../src/actito/actito-quota.ts";
import { createActitoClient } from "../../src/actito/create-actito-client.ts";
import { ActitoQuotaError } from "../../src/actito/errors.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe("the quota knobs", () => {
  it("default to 90 calls a minute and 4 at once, and read positive whole numbers", () => {
    expect(readActitoQuota({})).toEqual({ callsPerMinute: 90, maxConcurrent: 4 });
    expect(readActitoQuota({ EMI_ACTITO_CALLS_PER_MINUTE: " 540 ", EMI_ACTITO_MAX_CONCURRENT: "" })).toEqual({
      callsPerMinute: 540,
      maxConcurrent: 4,
    });
  });

  it("refuse 0, negatives and non-numbers wherever a client is built, naming the variable", () => {
    for (const bad of ["0", "-1", "1e3", "ten", "1.5"]) {
      expect(() => readActitoQuota({ EMI_ACTITO_MAX_CONCURRENT: bad })).toThrow(ActitoQuotaError);
      expect(() =>
        createActitoClient({ endpoint: "api3", apiKey: "k", env: { EMI_ACTITO_CALLS_PER_MINUTE: bad } }),
      ).toThrow(/^EMI_ACTITO_CALLS_PER_MINUTE must be a whole number of at least 1/);
    }
  });

  it("keep a client at EMI_ACTITO_MAX_CONCURRENT requests in flight, shared by every client of the licence", async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: {
        licences: [
          {
            name: "knob",
            endpoint: "api3",
            apiKeys: ["knob-key-1", "knob-key-2"],
            entities: [{ name: "knob", profileTables: [{ id: "1", name: "customers", generate: 1 }] }],
          },
        ],
        limits: { callsPerMinute: 100_000 },
        faults: { latencyMs: 30 },
      },
    });
    const env = { EMI_ACTITO_URL: sandbox.url, EMI_ACTITO_MAX_CONCURRENT: "2" };
    // Two keys of one licence: one limiter, because the licence (endpoint/entity) is named.
    const a = createActitoClient({
      endpoint: "api3",
      apiKey: "knob-key-1",
      env,
      licence: "api3/knob-quota-test",
    });
    const b = createActitoClient({
      endpoint: "api3",
      apiKey: "knob-key-2",
      env,
      licence: "api3/knob-quota-test",
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).listProfileTables("knob")));
    await a.close();
    await b.close();
    expect(sandbox.stats().licences.knob?.peakConcurrency).toBe(2);
    expect(sandbox.stats().licences.knob?.rejected429).toBe(0);
  });
});
