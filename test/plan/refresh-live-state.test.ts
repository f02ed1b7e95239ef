import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConnectActito } from "../../src/actito/connect-actito.ts";
import { createActitoClient } from "../../src/actito/create-actito-client.ts";
import { refreshLiveState } from "../../src/plan/refresh-live-state.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { declaredOf, desired } from "./plan-fixture.ts";

let sandbox: RunningSandbox;
let store: Store;
let dir: string;
const secrets = () => ({
  env: { ACTITO_KEY_NORDLYS: "sandbox-key-nordlys", ACTITO_KEY_LUMEN: "sandbox-key-lumen" },
  cwd: dir,
});
const connectTo =
  (baseUrl: string): ConnectActito =>
  ({ endpoint, apiKey }) =>
    createActitoClient({
      endpoint,
      apiKey,
      baseUrl,
      retryPolicy: { maxAttempts: 1, baseMs: 1, capMs: 1, maxRetryAfterMs: 1 },
    });

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), "emi-refresh-"));
  store = await openStore(`sqlite:${join(dir, "state.db")}`);
});
afterEach(async () => {
  await store.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe("refreshLiveState", () => {
  it("reads key, entity, table, attribute and an exact estimate from Actito", async () => {
    const live = await refreshLiveState({
      declared: [declaredOf(desired(1071, "lumen", { table: "customers" }))],
      store,
      secrets: secrets(),
      connect: connectTo(sandbox.url),
    });
    expect(live.accounts.get(1071)?.facts).toMatchObject({
      key: "works",
      entity: "found",
      table: { status: "found", id: "3", name: "customers" },
      attribute: { status: "missing" },
      profilesWithoutReaid: { count: 1000, complete: true },
      error: null,
    });
    expect(live.accounts.get(1071)?.keyFingerprint).toMatch(/^hmac-sha256:/);
  });

  it("reports a table that is not there, with the tables that are", async () => {
    const live = await refreshLiveState({
      declared: [declaredOf(desired(1042, "nordlys", { table: "clients" }))],
      store,
      secrets: secrets(),
      connect: connectTo(sandbox.url),
    });
    expect(live.accounts.get(1042)?.facts.table).toEqual({
      status: "missing",
      id: null,
      name: "clients",
      candidates: ["customers"],
    });
  });

  it("turns an unreachable Actito into an error fact, never into a missing entity", async () => {
    const url = sandbox.url;
    await sandbox.close();
    const live = await refreshLiveState({
      declared: [declaredOf(desired(1042, "nordlys"))],
      store,
      secrets: secrets(),
      connect: connectTo(url),
    });
    const facts = live.accounts.get(1042)?.facts;
    expect(facts?.error).toContain("Actito is unavailable");
    expect(facts?.entity).toBe("unknown");
    expect(facts?.key).toBe("unknown");
  });
});
