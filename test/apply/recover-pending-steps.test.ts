import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureRealtime } from "../../src/apply/ensure-realtime.ts";
import { JOURNAL_STEPS } from "../../src/apply/journal-step-name.ts";
import { recoverPendingSteps } from "../../src/apply/recover-pending-steps.ts";
import { connectActito } from "../../src/actito/connect-actito.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";

let sandbox: RunningSandbox;
let store: Store;
let dir: string;
const env = () => ({
  EMI_ACTITO_URL: sandbox.url,
  ACTITO_KEY_LUMEN: "sandbox-key-lumen",
  ACTITO_KEY_NORDLYS: "sandbox-key-nordlys",
});
const recover = () =>
  recoverPendingSteps({ store, connect: connectActito(env()), secrets: { env: env(), cwd: dir } });

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), "emi-recover-"));
  store = await openStore(`sqlite:${join(dir, "state.db")}`);
});
afterEach(async () => {
  await store.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

const addAttribute = {
  applyId: "a1",
  account: 1071,
  step: "add-attribute",
  detail: {
    endpoint: "api3",
    entity: "lumen",
    tableId: "3",
    attribute: "reaid",
    secretRef: "env:ACTITO_KEY_LUMEN",
  },
};

describe("recoverPendingSteps", () => {
  it("closes a pending add-attribute as failed when Actito does not have the attribute", async () => {
    await store.journalBegin(addAttribute);
    const recovered = await recoverPendingSteps({
      store,
      connect: connectActito(env()),
      secrets: { env: env(), cwd: dir },
    });
    expect(recovered).toMatchObject([{ account: 1071, step: "add-attribute", outcome: "failed" }]);
    expect(await store.journalPending()).toEqual([]);
    expect((await store.journalFor("a1"))[0]?.outcome).toBe("failed");
  });

  it("leaves a step pending and reports it unknown when there is no secret to check it with", async () => {
    await store.journalBegin(addAttribute);
    const noKey = { EMI_ACTITO_URL: sandbox.url };
    const recovered = await recoverPendingSteps({
      store,
      connect: connectActito(noKey),
      secrets: { env: noKey, cwd: dir },
    });
    expect(recovered).toMatchObject([{ outcome: "unknown" }]);
    expect(await store.journalPending()).toHaveLength(1);
  });

  it("closes a pending registry write as failed when the registry does not show it", async () => {
    await store.journalBegin({
      applyId: "a2",
      account: 1042,
      step: "write-registry",
      detail: { entity: "nordlys" },
    });
    const recovered = await recoverPendingSteps({
      store,
      connect: connectActito(env()),
      secrets: { env: env(), cwd: dir },
    });
    expect(recovered).toMatchObject([{ step: "write-registry", outcome: "failed" }]);
  });

  it("has a recovery for every journal step, and leaves a step it does not know pending", async () => {
    for (const step of JOURNAL_STEPS) {
      await store.journalBegin({
        applyId: `all-${step}`,
        account: 1042,
        step,
        detail: { entity: "nordlys" },
      });
    }
    await store.journalBegin({ applyId: "future", account: 1042, step: "ensure-campaigns", detail: {} });
    const recovered = await recover();
    expect(recovered.map((r) => r.step)).toEqual([...JOURNAL_STEPS, "ensure-campaigns"]);
    expect(recovered.at(-1)).toMatchObject({
      outcome: "unknown",
      note: expect.stringContaining("not one this emi knows"),
    });
    // Reads leave nothing to undo; every step that writes was checked, none fell to a default.
    for (const r of recovered.slice(0, -1)) {
      expect(r.note, r.step).not.toMatch(/this is a bug|unexpected/);
      if (r.step !== "verify-key" && r.step !== "resolve-table")
        expect(r.note).not.toContain("interrupted while reading");
    }
    expect((await store.journalPending()).map((p) => p.step)).toContain("ensure-campaigns");
  });
});

describe("recovery of an interrupted ensure-webhooks step", () => {
  const targetUrl = "https://emi.example.com/webhooks/actito/1042";
  const enable = {
    applyId: "w1",
    account: 1042,
    step: "ensure-webhooks",
    detail: {
      endpoint: "api3",
      secretRef: "env:ACTITO_KEY_NORDLYS",
      entity: "nordlys",
      tableId: "16",
      enabled: true,
      targetUrl,
    },
  };
  const webhooks = async () => {
    const client = connectActito(env())({ endpoint: "api3", apiKey: "sandbox-key-nordlys" });
    try {
      return await client.listWebhookSubscriptions("nordlys");
    } finally {
      await client.close();
    }
  };
  const setUp = async () => {
    const client = connectActito(env())({ endpoint: "api3", apiKey: "sandbox-key-nordlys" });
    try {
      await ensureRealtime({
        client,
        secrets: store,
        account: 1042,
        entity: "nordlys",
        table: await client.getProfileTable("nordlys", "16"),
        targetUrl,
        secretRef: "env:ACTITO_KEY_NORDLYS",
        rotate: false,
        now: () => new Date(),
      });
    } finally {
      await client.close();
    }
  };

  it("closes it as failed when Actito has no webhooks yet, so the plan that follows sets them up", async () => {
    await store.journalBegin(enable);
    expect(await recover()).toMatchObject([
      { step: "ensure-webhooks", outcome: "failed", note: expect.stringContaining("CREATE missing") },
    ]);
    expect(await store.journalPending()).toEqual([]);
  });

  it("closes it as done when the webhooks are in place with the stored secret", async () => {
    await setUp();
    await store.journalBegin(enable);
    expect(await recover()).toMatchObject([
      { outcome: "succeeded", note: expect.stringContaining("CREATE ok, UPDATE ok") },
    ]);
  });

  it("switches webhooks that should be off off again, and forgets their secret", async () => {
    await setUp();
    expect((await webhooks()).filter((s) => s.isActive)).toHaveLength(2);
    await store.journalBegin({ ...enable, applyId: "w2", detail: { ...enable.detail, enabled: false } });
    expect(await recover()).toMatchObject([
      { outcome: "succeeded", note: expect.stringContaining("switched off again") },
    ]);
    expect((await webhooks()).filter((s) => s.isActive)).toEqual([]);
    expect((await store.realtimeAccounts()).has(1042)).toBe(false);
  });

  it("stays pending when the API key is not here to check it with", async () => {
    await store.journalBegin({ ...enable, detail: { ...enable.detail, secretRef: "env:ACTITO_KEY_GONE" } });
    expect(await recover()).toMatchObject([{ outcome: "unknown" }]);
    expect(await store.journalPending()).toHaveLength(1);
  });
});
