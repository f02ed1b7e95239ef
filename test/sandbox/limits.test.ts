import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { login, raw } from "./raw-http.ts";

const key = "sandbox-key-nordlys";

describe("sandbox limits", () => {
  let sandbox: RunningSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it("answers 429 to the sixth concurrent request of a licence and counts it in stats", async () => {
    sandbox = await startSandbox();
    const headers = await login(sandbox.url, key, "api3");
    sandbox.setFaults({ latencyMs: 300 });
    const url = `${sandbox.url}/entities/v5/entities`;
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => raw(url, { headers })))).map(
      (a) => a.status,
    );
    expect(statuses.sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const stats = await raw(`${sandbox.url}/_sandbox/stats`);
    expect(stats.json.licences.nordlys).toMatchObject({ calls: 7, peakConcurrency: 6, rejected429: 1 });
  });

  it("serves five concurrent requests without 429 and other licences independently", async () => {
    sandbox = await startSandbox();
    const nordlys = await login(sandbox.url, key, "api3");
    const lumen = await login(sandbox.url, "sandbox-key-lumen", "api3");
    sandbox.setFaults({ latencyMs: 200 });
    const url = `${sandbox.url}/entities/v5/entities`;
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => raw(url, { headers: nordlys })),
      ...Array.from({ length: 5 }, () => raw(url, { headers: lumen })),
    ]);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(sandbox.stats().licences.nordlys).toMatchObject({ peakConcurrency: 5, rejected429: 0 });
  });

  it("scales the concurrency limit with setLimits", async () => {
    sandbox = await startSandbox();
    const headers = await login(sandbox.url, key, "api3");
    sandbox.setLimits({ concurrentRequests: 1 });
    sandbox.setFaults({ latencyMs: 200 });
    const url = `${sandbox.url}/entities/v5/entities`;
    const statuses = (await Promise.all([raw(url, { headers }), raw(url, { headers })])).map((a) => a.status);
    expect(statuses.sort()).toEqual([200, 429]);
  });

  it("holds calls past callsPerMinute until the minute window allows them, without rejecting", async () => {
    let clock = Date.parse("2025-06-01T12:00:00Z");
    sandbox = await startSandbox({
      seed: { ...defaultSeed, limits: { callsPerMinute: 3 } },
      now: () => clock,
    });
    const headers = await login(sandbox.url, key, "api3");
    const url = `${sandbox.url}/entities/v5/entities`;
    expect((await raw(url, { headers })).status).toBe(200);
    clock += 10_000;
    expect((await raw(url, { headers })).status).toBe(200);
    let answered = false;
    const held = raw(url, { headers }).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    clock += 49_999;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    clock += 1;
    expect((await held).status).toBe(200);
    expect(sandbox.stats().licences.nordlys).toMatchObject({ calls: 4, throttled: 1, rejected429: 0 });
  });

  it("changes limits and faults through /_sandbox/ for people driving it from a shell", async () => {
    sandbox = await startSandbox();
    const limits = await raw(`${sandbox.url}/_sandbox/limits`, { method: "PUT", body: '{"maxPageSize":10}' });
    expect(limits.json.maxPageSize).toBe(10);
    const headers = await login(sandbox.url, key, "api3");
    const page = await raw(
      `${sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles?pageSize=11`,
      {
        headers,
      },
    );
    expect(page.status).toBe(400);
    const faults = await raw(`${sandbox.url}/_sandbox/faults`, { method: "PUT", body: '{"errorRate":1}' });
    expect(faults.json.errorRate).toBe(1);
    expect([500, 503]).toContain((await raw(`${sandbox.url}/entities/v5/entities`, { headers })).status);
    expect((await raw(`${sandbox.url}/_sandbox/faults`, { method: "PUT", body: "{oops" })).status).toBe(400);
    expect(
      (await raw(`${sandbox.url}/_sandbox/limits`, { method: "PUT", body: '{"maxPageSize":"9"}' })).status,
    ).toBe(400);
    expect((await raw(`${sandbox.url}/_sandbox/limits`, { method: "PUT", body: '{"speed":9}' })).status).toBe(
      400,
    );
  });
});
