import { afterEach, describe, expect, it } from "vitest";
import type { ClientLogEvent } from "../../src/actito/client-log-event.ts";
import { realSleep } from "../../src/actito/clock.ts";
import { createActitoClient } from "../../src/actito/create-actito-client.ts";
import { ImportOutcomeUnknownError } from "../../src/actito/errors.ts";
import { createLicenceLimiter } from "../../src/actito/licence-limiter.ts";
import { waitForMassImport } from "../../src/actito/wait-for-mass-import.ts";
import type { ActitoApi, MassImportStatus } from "../../src/actito/types.ts";
import { type RunningSandbox, type SandboxSeed, startSandbox } from "../../src/sandbox/start-sandbox.ts";

const KEY = "acme-key-integration-7Hq2";
const PROFILES = 100_000;
const reaidOf = (i: number) => `R${i.toString(36).padStart(8, "0")}`;

function seed(generate: number): SandboxSeed {
  return {
    licences: [
      {
        name: "acme",
        endpoint: "api3",
        apiKeys: [KEY],
        entities: [{ name: "acme", profileTables: [{ id: "16", name: "customers", generate }] }],
      },
    ],
  };
}

async function* reaidCsv(count: number) {
  yield "emailAddress;reaid\n";
  let chunk = "";
  for (let i = 1; i <= count; i++) {
    chunk += `user-${i}@acme.example;${reaidOf(i)}\n`;
    if (i % 5000 === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/** What a caller such as sync does with an import of unknown outcome: it re-sends (UPDATE_ONLY is safe to repeat). */
async function importUntilStarted(client: ActitoApi, count: number): Promise<{ id: string; sent: number }> {
  for (let sent = 1; ; sent++) {
    try {
      const { id } = await client.startMassImport(
        "acme",
        { mode: "UPDATE_ONLY", keyColumn: "emailAddress", tableId: "16" },
        reaidCsv(count),
      );
      return { id, sent };
    } catch (error) {
      if (!(error instanceof ImportOutcomeUnknownError) || sent >= 8) throw error;
    }
  }
}

let sandbox: RunningSandbox | undefined;
const clients: ActitoApi[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sandbox?.close();
  sandbox = undefined;
});

describe("ActitoClient against the sandbox", () => {
  it("imports and lists 100,000 profiles correctly under faults, never exceeding N calls in flight", async () => {
    sandbox = await startSandbox({ seed: seed(PROFILES), port: 0 });
    sandbox.setLimits({ concurrentRequests: 2, tokenLifetimeSeconds: 1, callsPerMinute: 1_000_000 });
    // A little latency so calls overlap at the sandbox and the concurrency limit is really tested.
    sandbox.setFaults({ errorRate: 0.08, dropRate: 0.05, latencyMs: 2, seed: 11 });
    const logs: ClientLogEvent[] = [];
    const thrown: unknown[] = [];
    const limiter = createLicenceLimiter({ maxConcurrent: 2, callsPerMinute: Number.POSITIVE_INFINITY });
    const make = () => {
      const client = createActitoClient({
        endpoint: "api3",
        apiKey: KEY,
        env: { EMI_ACTITO_URL: sandbox!.url },
        limiter,
        logger: (e) => logs.push(e),
        // Fast retries: the sandbox's faults are immediate, the default backoff would only slow the test.
        retryPolicy: { maxAttempts: 10, baseMs: 5, capMs: 50, maxRetryAfterMs: 1000 },
      });
      clients.push(client);
      return client;
    };
    const client = make();
    const other = make();

    await client.addAttribute("acme", "16", {
      name: "reaid",
      type: "CUSTOM",
      valueType: "STRING",
      unique: true,
      valueRestriction: { maxLength: 64 },
    });
    const { id, sent } = await importUntilStarted(client, PROFILES);
    let status: MassImportStatus = await waitForMassImport(client, "acme", id, {
      pollMs: 50,
      now: Date.now,
      sleep: realSleep,
    });
    expect(status).toMatchObject({ status: "SUCCESS", processed: PROFILES, updated: PROFILES, rejected: 0 });

    // A full listing while another client of the same licence reads single profiles.
    const seen = new Map<number, string>();
    let wrong = 0;
    const listing = (async () => {
      for await (const page of client.listProfiles("acme", "16", { attributes: ["emailAddress", "reaid"] })) {
        for (const p of page.profiles) {
          const i = Number(/^user-(\d+)@/.exec(String(p.attributes.emailAddress))?.[1]);
          if (p.attributes.reaid !== reaidOf(i)) wrong++;
          seen.set(p.profileId, String(p.attributes.emailAddress));
        }
      }
    })();
    const singles = Promise.all(
      Array.from({ length: 60 }, (_, k) =>
        other
          .getProfile("acme", "16", `emailAddress=user-${k * 1000 + 1}@acme.example`)
          .catch((e: unknown) => {
            thrown.push(e);
            return null;
          }),
      ),
    );
    await listing;
    const found = await singles;
    expect(thrown).toEqual([]);
    expect(found.every((p) => p !== null && typeof p.attributes.reaid === "string")).toBe(true);
    expect(seen.size).toBe(PROFILES);
    expect(new Set(seen.values()).size).toBe(PROFILES);
    expect(wrong).toBe(0);

    status = await client.getMassImport("acme", id);
    expect(status.status).toBe("SUCCESS");

    const stats = sandbox.stats();
    const licence = stats.licences.acme!;
    expect(licence.peakConcurrency).toBe(2);
    expect(licence.rejected429).toBe(0);
    expect(licence.tokensIssued).toBeGreaterThan(1);
    expect(stats.faults.errors).toBeGreaterThan(0);
    expect(stats.faults.drops).toBeGreaterThan(0);
    expect(stats.tables["acme/16"]!.importsSubmitted).toBeLessThanOrEqual(sent);
    expect(logs.some((e) => e.type === "retry")).toBe(true);

    const everything = JSON.stringify(logs) + thrown.map(String).join("\n");
    expect(everything).not.toContain(KEY);
  });

  it("keeps to its calls-per-minute budget so the sandbox never has to throttle it", async () => {
    // Both sides on a clock 20× faster than real time, so a minute passes in 3 s. The client's
    // budget is a little under the sandbox's: arrival jitter must not make the sandbox throttle.
    const speed = 60;
    const start = Date.now();
    const now = () => start + (Date.now() - start) * speed;
    sandbox = await startSandbox({ seed: seed(10), port: 0, now });
    sandbox.setLimits({ callsPerMinute: 20 });
    const client = createActitoClient({
      endpoint: "api3",
      apiKey: KEY,
      baseUrl: sandbox.url,
      limiter: createLicenceLimiter({
        maxConcurrent: 4,
        callsPerMinute: 16,
        clock: { now },
        sleep: (ms) => realSleep(ms / speed),
      }),
      clock: { now },
      sleep: (ms) => realSleep(ms / speed),
    });
    clients.push(client);
    const began = now();
    await Promise.all(
      Array.from({ length: 31 }, () => client.getProfile("acme", "16", "emailAddress=user-1@acme.example")),
    );
    // 32 calls with the token fetch: two full windows of 16.
    expect(now() - began).toBeGreaterThanOrEqual(60_000);
    const licence = sandbox.stats().licences.acme!;
    expect(licence.calls).toBe(32);
    expect(licence.throttled).toBe(0);
  });

  it("fetches a new token and repeats the call when the sandbox says the token expired", async () => {
    let clock = Date.parse("2025-01-01T00:00:00Z");
    sandbox = await startSandbox({ seed: seed(10), port: 0, now: () => clock });
    sandbox.setLimits({ tokenLifetimeSeconds: 1 });
    // A frozen clock: the client never sees its token age, so only the 401 can tell it.
    const client = createActitoClient({
      endpoint: "api3",
      apiKey: KEY,
      baseUrl: sandbox.url,
      clock: { now: () => 0 },
    });
    clients.push(client);
    expect(await client.listEntities()).toEqual([{ id: expect.any(Number), name: "acme", comment: null }]);
    clock += 1_100;
    expect(await client.getProfile("acme", "16", "emailAddress=user-3@acme.example")).toMatchObject({
      attributes: { emailAddress: "user-3@acme.example" },
    });
    expect(sandbox.stats().licences.acme).toMatchObject({ tokensIssued: 2, expiredTokens: 1 });
  });

  it("tells a moment Actito's clock has reached, from its answers' Date headers and this machine's clock", async () => {
    const second = Date.parse("2025-01-01T00:00:00Z");
    let actito = second + 700;
    let local = 1_000;
    sandbox = await startSandbox({ seed: seed(10), port: 0, now: () => actito });
    const client = createActitoClient({
      endpoint: "api3",
      apiKey: KEY,
      baseUrl: sandbox.url,
      clock: { now: () => local },
    });
    clients.push(client);
    expect(client.actitoTimeNow?.()).toBeNull();
    // The answer says 00:00:00 (Actito is 700 ms into that second): all it proves is that second.
    await client.listEntities();
    expect(client.actitoTime?.()).toBe(second);
    expect(client.actitoTimeNow?.()).toBe(second);
    // 250 ms later on both clocks: moved on by this machine's time, still behind Actito's.
    actito += 250;
    local += 250;
    expect(client.actitoTimeNow?.()).toBe(second + 250);
    // Just past Actito's next second, an answer dated 00:00:01 proves more: within 50 ms now.
    actito += 100;
    local += 100;
    await client.getProfile("acme", "16", "emailAddress=user-3@acme.example");
    expect(client.actitoTime?.()).toBe(second + 1000);
    expect(client.actitoTimeNow?.()).toBe(second + 1000);
    local += 30;
    actito += 30;
    expect(client.actitoTimeNow?.()).toBe(second + 1030);
    expect(client.actitoTimeNow?.() ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(actito);
  });

  it("does not re-send a mass import whose connection the sandbox dropped", async () => {
    sandbox = await startSandbox({ seed: seed(10), port: 0 });
    const client = createActitoClient({ endpoint: "api3", apiKey: KEY, baseUrl: sandbox.url });
    clients.push(client);
    await client.checkAuth();
    sandbox.setFaults({ dropRate: 1 });
    const error = await client
      .startMassImport(
        "acme",
        { mode: "UPDATE_ONLY", keyColumn: "emailAddress", tableId: "16" },
        reaidCsv(10),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportOutcomeUnknownError);
    const stats = sandbox.stats();
    expect(stats.licences.acme!.calls).toBe(2);
    expect(stats.faults.drops).toBe(1);
  });
});
