import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorld, type World } from "./e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("emi drift", () => {
  it("exits 2 for a changed setting and a revoked key, and 0 once converged", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.withStore(async (s) => {
      const entry = (await s.findByAccount(1050))!;
      const { revision: _r, updatedAt: _u, sync: _s, ...write } = entry;
      await s.putIntegration({ ...write, email: "someone-else@boreal.example" });
    });
    const drift = await world.run(["drift", "--format", "json"], {
      env: { ACTITO_KEY_NORDLYS: "sandbox-key-not-any-more" },
    });
    expect(drift.code).toBe(2);
    const report = JSON.parse(drift.out);
    expect(report.items.map((i: { account: number; kind: string }) => [i.account, i.kind])).toEqual([
      [1042, "key-revoked"],
      [1050, "setting-changed"],
    ]);
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    expect((await world.run(["drift"])).code).toBe(0);
  });

  it("reports an unmanaged integration on a declared account", async () => {
    await world.withStore((s) =>
      s.putIntegration({
        account: 1071,
        sisterAccounts: [],
        provider: "actito",
        endpoint: "api3",
        entity: "lumen",
        profileTable: "customers",
        profileTableId: "3",
        reaidAttribute: "reaid",
        email: "web-form@lumen.example",
        keyFingerprint: null,
        emailSync: true,
        status: "active",
        managedBy: null,
      }),
    );
    const drift = await world.run(["drift", "--format", "markdown"]);
    expect(drift.code).toBe(2);
    expect(drift.out).toContain("| 1071 | unmanaged |");
    expect(drift.out).toContain("no repository (created outside emi)");
  });
});
