import { afterEach, describe, expect, it } from "vitest";
import { connectActito } from "../../src/actito/connect-actito.ts";
import { recoverPendingSteps } from "../../src/apply/recover-pending-steps.ts";
import { runPlanAndApply } from "../../src/apply/run-plan-and-apply.ts";
import { resolveSecretsOnce } from "../../src/config/resolve-secrets-once.ts";
import { createApiKey } from "../../src/serve/manage-api-keys.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { createWorld, nordlysYaml, type World } from "../e2e/e2e-harness.ts";

let world: World | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await world?.close();
  store = world = undefined;
});

describe("apply revokes service keys", () => {
  it("in a journal step of its own, before the registry write that releases the account", async () => {
    world = await createWorld();
    store = await openStore(world.storeUrl);
    const s = store;
    const apply = (events: string[] = []) =>
      runPlanAndApply({
        dir: "integrations",
        store: s,
        env: world!.env,
        cwd: world!.dir,
        confirm: "yes",
        connect: connectActito(world!.env),
        runSync: async () => [],
        onEvent: (event) => {
          if (event.type === "step") events.push(`${event.step}:${event.account}:${event.outcome}`);
        },
      });
    await apply();
    const keys = s;
    const make = () => createApiKey(keys, { account: 1043, name: null, scope: "reaid", now: "2026-12-01" });
    const [first, second] = [await make(), await make()];

    await world.write("integrations/1042.yaml", nordlysYaml([]));
    const events: string[] = [];
    const { plan, result } = await apply(events);
    const change = plan.changes.find((c) => c.account === 1042)!;
    expect(change.serviceKeys).toEqual([{ account: 1043, keys: 2, movesTo: null, deactivated: false }]);
    expect(events.slice(0, 4)).toEqual([
      "revoke-service-keys:1042:started",
      "revoke-service-keys:1042:succeeded",
      "release-sisters:1042:started",
      "release-sisters:1042:succeeded",
    ]);
    const journal = await s.journalFor(result!.applyId);
    expect(journal[0]).toMatchObject({
      step: "revoke-service-keys",
      detail: { accounts: [1043] },
      outcome: "succeeded",
    });
    expect(result!.outcomes.find((o) => o.account === 1042)?.message).toContain("2 service keys revoked");
    expect((await keys.listApiKeys()).map((k) => [k.id, k.state])).toEqual(
      [first, second].map((k) => [k.record.id, "revoked"]).sort(),
    );
  });

  it("closes an interrupted revocation as succeeded only when none of the keys works", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    store = await openStore(world.storeUrl);
    const keys = store;
    await createApiKey(keys, { account: 1043, name: null, scope: "reaid", now: "2026-12-01" });
    const recover = async () => {
      await store!.journalBegin({
        applyId: "interrupted",
        account: 1042,
        step: "revoke-service-keys",
        detail: { accounts: [1043] },
      });
      const secrets = resolveSecretsOnce({ env: world!.env, cwd: world!.dir });
      const [step] = await recoverPendingSteps({
        store: store!,
        connect: connectActito(world!.env),
        secrets,
      });
      return step!.outcome;
    };
    expect(await recover()).toBe("failed");
    await store.revokeServiceKeys(1042, [1043], "2026-12-02");
    expect(await recover()).toBe("succeeded");
  });
});
