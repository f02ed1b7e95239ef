import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ConnectActito, connectActito } from "../../src/actito/connect-actito.ts";
import { applySucceeded } from "../../src/apply/apply-types.ts";
import { runPlanAndApply } from "../../src/apply/run-plan-and-apply.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";

const KEYS = {
  ACTITO_KEY_NORDLYS: "sandbox-key-nordlys",
  ACTITO_KEY_BOREAL: "sandbox-key-boreal",
  ACTITO_KEY_LUMEN: "sandbox-key-lumen",
  ACTITO_KEY_SOLSTICE: "sandbox-key-solstice",
};

let sandbox: RunningSandbox | undefined;
let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  store = sandbox = dir = undefined;
});

describe("runPlanAndApply", () => {
  it("reaches Actito only through the injected connect, sync included, and reads each key once", async () => {
    dir = await mkdtemp(join(tmpdir(), "emi-apply-"));
    await cp(resolve(import.meta.dirname, "../../integrations"), join(dir, "integrations"), {
      recursive: true,
    });
    sandbox = await startSandbox({ port: 0 });
    store = await openStore(`sqlite:${join(dir, "state.db")}`);
    // The environment's Actito is a closed port: a client built any other way would fail.
    const reads = new Map<string, number>();
    const env = new Proxy<Record<string, string | undefined>>(
      { ...KEYS, EMI_ACTITO_URL: "http://127.0.0.1:1", GITHUB_REPOSITORY: "acme/integrations" },
      {
        get(target, name) {
          if (typeof name === "string" && name.startsWith("ACTITO_KEY_")) {
            reads.set(name, (reads.get(name) ?? 0) + 1);
          }
          return Reflect.get(target, name);
        },
      },
    );
    const real = connectActito({ EMI_ACTITO_URL: sandbox.url });
    let clients = 0;
    // Which entities' tables were listed (the one way to pick a table by name).
    const tableLists: string[] = [];
    const connect: ConnectActito = (target) => {
      clients++;
      const api = real(target);
      return new Proxy(api, {
        get(client, name) {
          const value = Reflect.get(client, name);
          if (name === "listProfileTables") tableLists.push(`listed by client ${clients}`);
          return typeof value === "function" ? value.bind(client) : value;
        },
      });
    };

    const { result } = await runPlanAndApply({
      dir: "integrations",
      store,
      env,
      cwd: dir,
      confirm: "yes",
      connect,
    });

    expect(result).not.toBeNull();
    expect(applySucceeded(result!)).toBe(true);
    expect(result!.syncs.length).toBeGreaterThan(0);
    expect(result!.syncs.every((s) => s.health === "in sync")).toBe(true);
    // Refresh, activation and sync each built clients, all through `connect`.
    expect(clients).toBeGreaterThanOrEqual(3 * result!.syncs.length);
    // Each table is picked once, by the plan: activation reads the plan's table by id, and the
    // sync the one activation wrote to the registry.
    expect(tableLists).toHaveLength(result!.outcomes.length);
    expect(Object.fromEntries(reads)).toEqual(Object.fromEntries(Object.keys(KEYS).map((k) => [k, 1])));
  });
});
