import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recoverPendingSteps } from "../../src/apply/recover-pending-steps.ts";
import { connectActito } from "../../src/actito/connect-actito.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";

let sandbox: RunningSandbox;
let store: Store;
let dir: string;
const env = () => ({ EMI_ACTITO_URL: sandbox.url, ACTITO_KEY_LUMEN: "sandbox-key-lumen" });

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
});
