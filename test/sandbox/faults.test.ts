import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { login, raw } from "./raw-http.ts";

async function statusesOf(sandbox: RunningSandbox, count: number): Promise<(number | "dropped")[]> {
  const headers = await login(sandbox.url, "sandbox-key-nordlys", "api3").catch(() => ({}));
  const statuses: (number | "dropped")[] = [];
  for (let i = 0; i < count; i++) {
    try {
      statuses.push((await raw(`${sandbox.url}/entities/v5/entities`, { headers })).status);
    } catch {
      statuses.push("dropped");
    }
  }
  return statuses;
}

describe("sandbox fault injection", () => {
  let sandbox: RunningSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it("replays the same failures for the same seed and different ones for another seed", async () => {
    const run = async (seed: number) => {
      sandbox = await startSandbox({
        seed: { ...defaultSeed, faults: { errorRate: 0.3, dropRate: 0.1, seed } },
      });
      const statuses = await statusesOf(sandbox, 40);
      await sandbox.close();
      sandbox = undefined;
      return statuses;
    };
    const first = await run(42);
    const second = await run(42);
    const other = await run(7);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s === 500 || s === 503)).toBe(true);
    expect(first).toContain("dropped");
  });

  it("restarts the random sequence when setFaults gives a seed", async () => {
    sandbox = await startSandbox();
    sandbox.setFaults({ errorRate: 0.5, seed: 3 });
    const first = await statusesOf(sandbox, 20);
    sandbox.setFaults({ seed: 3 });
    const second = await statusesOf(sandbox, 20);
    expect(second).toEqual(first);
  });

  it("drops the connection without an answer when dropRate is 1 and counts it", async () => {
    sandbox = await startSandbox({ seed: { ...defaultSeed, faults: { dropRate: 1 } } });
    await expect(
      raw(`${sandbox.url}/auth/token`, { headers: { authorization: "sandbox-key-nordlys" } }),
    ).rejects.toThrow();
    expect(sandbox.stats().faults.drops).toBe(1);
  });

  it("adds latencyMs to every Actito call", async () => {
    sandbox = await startSandbox({ seed: { ...defaultSeed, faults: { latencyMs: 150 } } });
    const started = performance.now();
    await raw(`${sandbox.url}/auth/token`, { headers: { authorization: "sandbox-key-nordlys" } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers injected 5xx without echoing the key", async () => {
    sandbox = await startSandbox({ seed: { ...defaultSeed, faults: { errorRate: 1 } } });
    const answer = await raw(`${sandbox.url}/auth/token`, {
      headers: { authorization: "sandbox-key-nordlys" },
    });
    expect([500, 503]).toContain(answer.status);
    expect(answer.text).not.toContain("sandbox-key-nordlys");
    expect(sandbox.stats().faults.errors).toBe(1);
  });
});
