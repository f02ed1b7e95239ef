import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { borealYaml, createWorld, nordlysYaml, type World } from "./e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("emi plan and apply against the sandbox", () => {
  it("creates every example integration, then plans no changes", async () => {
    const plan = await world.run(["plan", "--detailed-exitcode", "--format", "json"]);
    expect(plan.code).toBe(2);
    const json = JSON.parse(plan.out);
    expect(json.formatVersion).toBe(2);
    expect(json.changes.map((c: { account: number; action: string }) => [c.account, c.action])).toEqual([
      [1010, "create"],
      [1042, "create"],
      [1050, "create"],
      [1071, "create"],
    ]);
    expect(json.changes[0].after.apiKey).toBe("(sensitive)");

    const apply = await world.run(["apply", "--yes"]);
    expect(apply.err).toBe("");
    expect(apply.code).toBe(0);
    expect(apply.out).toContain("1071 lumen/customers");
    expect(apply.out).toContain("activated (attribute reaid added)");
    expect(apply.out).toMatch(/Applied: 4 created, 0 updated\. 3 syncs ran, 0 failed/);

    const registry = await world.withStore((s) => s.listIntegrations());
    expect(registry.map((e) => [e.account, e.status, e.managedBy, e.sisterAccounts])).toEqual([
      [1010, "active", "acme/integrations", []],
      [1042, "active", "acme/integrations", [1043]],
      [1050, "active", "acme/integrations", []],
      [1071, "active", "acme/integrations", [1072, 1073]],
    ]);
    expect(registry.find((e) => e.account === 1071)?.profileTableId).toBe("3");
    const lumen = [...world.sandbox.profiles("lumen", "lumen", "3")];
    expect(lumen.every((p) => typeof p.attributes.reaid === "string")).toBe(true);

    const again = await world.run(["plan", "--detailed-exitcode"]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("No changes.");
    const drift = await world.run(["drift"]);
    expect(drift.code).toBe(0);
    expect(drift.out).toContain("No drift.");
  });

  it("moves a sister between integrations in one apply, releasing before claiming", async () => {
    await world.write("integrations/1042.yaml", nordlysYaml([1043, 1044]));
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.write("integrations/1042.yaml", nordlysYaml([1043]));
    await world.write("integrations/1050.yaml", borealYaml([1044]));

    const plan = await world.run(["plan", "--detailed-exitcode", "--format", "markdown"]);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain("sister 1044 moves to 1050");
    // 1050 also turns emailSync off in this edit: an update, not a replace.
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(0);
    expect(apply.out).toContain("updated (sister 1044 released)");
    expect(apply.out).toContain("updated (sister 1044 claimed)");
    const owner = await world.withStore((s) => s.findByAccount(1044));
    expect(owner?.account).toBe(1050);
  });

  it("replaces an integration whose REAID attribute changes, adding the new attribute", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.write("integrations/1050.yaml", borealYaml([], "raptorId2", true));
    const plan = await world.run(["plan", "--format", "json"]);
    const change = JSON.parse(plan.out).changes.find((c: { account: number }) => c.account === 1050);
    expect(change.action).toBe("replace");
    expect(change.syncAfter).toBe("full");
    expect(change.differences.map((d: { field: string }) => d.field)).toContain("reaidAttribute");
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(0);
    expect(apply.out).toContain("replaced (attribute raptorId2 added)");
    expect((await world.withStore((s) => s.findByAccount(1050)))?.reaidAttribute).toBe("raptorId2");
    // The new attribute is filled by a full sync, with the REAIDs the namespace already had.
    const members = [...world.sandbox.profiles("boreal", "boreal", "7")].filter(
      (p) => p.attributes.emailAddress,
    );
    const filled = members.filter((p) => typeof p.attributes.raptorId2 === "string");
    expect(filled.length).toBeGreaterThan(1400);
    const both = filled.filter((p) => typeof p.attributes.raptorId === "string");
    expect(both.length).toBeGreaterThan(1400);
    expect(both.every((p) => p.attributes.raptorId2 === p.attributes.raptorId)).toBe(true);
  });

  it("blocks a deactivation without --allow-deactivate and keeps the data with it", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.remove("integrations/1010.yaml");
    const plan = await world.run(["plan", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain("! blocked  1010");
    const blocked = await world.run(["apply", "--yes"]);
    expect(blocked.out).toContain("deactivation blocked");
    expect((await world.withStore((s) => s.findByAccount(1010)))?.status).toBe("active");

    const allowed = await world.run(["apply", "--yes", "--allow-deactivate"]);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain("deactivated (REAIDs and Actito data kept)");
    expect((await world.withStore((s) => s.findByAccount(1010)))?.status).toBe("deactivated");
  });

  it("refuses a plan that deactivates every integration unless --allow-empty", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await mkdir(join(world.dir, "empty"));
    const refused = await world.run(["apply", "--yes", "--allow-deactivate", "--dir", "empty"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("--allow-empty");
    expect((await world.withStore((s) => s.listIntegrations())).every((e) => e.status === "active")).toBe(
      true,
    );
  });

  it("refuses a stale saved plan, saying what changed, and applies a current one exactly", async () => {
    const saved = await world.run(["plan", "--out", "plan.json"]);
    expect(saved.out).toContain("Saved to plan.json. Apply it with: emi apply plan.json");
    await world.write("integrations/1042.yaml", nordlysYaml([1043, 1049]));
    const stale = await world.run(["apply", "plan.json", "--yes"]);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain("stale");
    expect(stale.err).toContain("integrations/1042.yaml changed");
    expect(await world.withStore((s) => s.listIntegrations())).toEqual([]);

    expect((await world.run(["plan", "--out", "plan.json"])).code).toBe(0);
    const applied = await world.run(["apply", "plan.json", "--yes"]);
    expect(applied.code).toBe(0);
    expect((await world.withStore((s) => s.findByAccount(1049)))?.account).toBe(1042);
  });

  it("refuses a saved plan of another format version before reading the store, and writes nothing", async () => {
    expect((await world.run(["plan", "--out", "plan.json"])).code).toBe(0);
    // The same plan as an older emi saved it: format 1, where a change had `actions: [...]`.
    const current = JSON.parse(await world.read("plan.json"));
    const old = {
      ...current,
      formatVersion: 1,
      changes: current.changes.map(({ action, ...c }: { action: string }) => ({ ...c, actions: [action] })),
    };
    await world.write("plan.json", JSON.stringify(old));
    const refused = await world.run(["apply", "plan.json", "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("plan.json was made by another emi version: run emi plan again");
    expect(refused.out).toBe("");
    expect(await world.withStore((s) => s.listIntegrations())).toEqual([]);

    await world.write("plan.json", JSON.stringify({ ...current, formatVersion: 3 }));
    expect((await world.run(["apply", "plan.json", "--yes"])).err).toContain(
      "made by another emi version: run emi plan again",
    );
    await world.write("plan.json", JSON.stringify({ changes: [] }));
    expect((await world.run(["apply", "plan.json", "--yes"])).err).toContain("is not an emi plan");
    expect(await world.withStore((s) => s.listIntegrations())).toEqual([]);
  });

  it("reports an account held by an unmanaged integration as a conflict naming both sides", async () => {
    await world.withStore((s) =>
      s.putIntegration({
        account: 2000,
        sisterAccounts: [1043],
        provider: "actito",
        endpoint: "api",
        entity: "elsewhere",
        profileTable: null,
        profileTableId: null,
        reaidAttribute: "reaid",
        email: "x@elsewhere.example",
        keyFingerprint: null,
        emailSync: false,
        status: "active",
        managedBy: "other/repo",
      }),
    );
    const plan = await world.run(["plan"]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain("unmanaged-conflict");
    expect(plan.out).toMatch(/account 1043 .*other\/repo.*acme\/integrations/);
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.out).toMatch(/1042 nordlys\/customers +FAILED: not applied/);
    const registry = await world.withStore((s) => s.listIntegrations());
    expect(registry.map((e) => e.account)).toEqual([1010, 1050, 1071, 2000]);
  });

  it("plans without secrets (a fork) and applies with the secret available only to apply", async () => {
    const noSecrets = {
      ACTITO_KEY_NORDLYS: undefined,
      ACTITO_KEY_BOREAL: undefined,
      ACTITO_KEY_LUMEN: undefined,
      ACTITO_KEY_SOLSTICE: undefined,
    };
    const plan = await world.run(["plan", "--out", "plan.json"], { env: noSecrets });
    expect(plan.code).toBe(0);
    expect(plan.out).toContain("0 checked against Actito, 4 without a secret: unknown");
    expect(plan.out).toContain("not checked against Actito: no secret available here");
    const apply = await world.run(["apply", "plan.json", "--yes"]);
    expect(apply.code).toBe(0);
    expect(apply.out).toContain("Applied: 4 created");
  });

  it("refuses to apply without --yes when there is no terminal, and asks on one", async () => {
    const refused = await world.run(["apply"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("pass --yes");
    const questions: string[] = [];
    const declined = await world.run(["apply"], {
      prompt: async (q) => {
        questions.push(q);
        return "no";
      },
    });
    expect(declined.code).toBe(1);
    expect(questions).toHaveLength(1);
    expect(await world.withStore((s) => s.listIntegrations())).toEqual([]);
  });

  it("applies the independent integrations when one fails, exits 1, and converges on the next run", async () => {
    const partial = await world.run(["apply", "--yes"], { env: { ACTITO_KEY_LUMEN: undefined } });
    expect(partial.code).toBe(1);
    expect(partial.out).toContain("FAILED: the API key env:ACTITO_KEY_LUMEN is not available here");
    expect((await world.withStore((s) => s.listIntegrations())).map((e) => e.account)).toEqual([
      1010, 1042, 1050,
    ]);
    const plan = await world.run(["plan", "--format", "json"]);
    const actions = JSON.parse(plan.out).changes.map((c: { account: number; action: string }) => [
      c.account,
      c.action,
    ]);
    expect(actions).toEqual([
      [1010, "no-op"],
      [1042, "no-op"],
      [1050, "no-op"],
      [1071, "create"],
    ]);
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    expect((await world.run(["plan", "--detailed-exitcode"])).code).toBe(0);
  });
});
