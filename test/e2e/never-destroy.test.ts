import { afterEach, describe, expect, it } from "vitest";
import { defaultAttributes, type SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { createWorld, KEYS, nordlysYaml, type World } from "./e2e-harness.ts";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** Every profile of a table as `profileId → attributes`, to compare value by value. */
function table(w: World, licence: string, tableId: string): Map<number, Record<string, unknown>> {
  const all = new Map<number, Record<string, unknown>>();
  for (const p of w.sandbox.profiles(licence, licence, tableId)) all.set(p.profileId, { ...p.attributes });
  return all;
}

function expectNoSecrets(w: World): void {
  for (const output of w.outputs) for (const key of Object.values(KEYS)) expect(output).not.toContain(key);
}

function nordlysWith(reaidAttribute: string, extra = ""): string {
  return nordlysYaml([1043]).replace(
    "  profileTable: customers\n",
    `  profileTable: customers\n  reaidAttribute: ${reaidAttribute}\n${extra}`,
  );
}

/** The default seed with nordlys' table holding 600 loyalty codes (CUSTOM STRING unique) and 100 empty ones. */
function loyaltySeed(): SandboxSeed {
  const seed = structuredClone(defaultSeed);
  const tableSeed = seed.licences.find((l) => l.name === "nordlys")!.entities[0]!.profileTables[0]!;
  tableSeed.generate = 0;
  tableSeed.attributes = [
    ...defaultAttributes,
    {
      name: "loyaltyCode",
      type: "CUSTOM",
      valueType: "STRING",
      unique: true,
      valueRestriction: { maxLength: 64 },
    },
  ];
  tableSeed.profiles = Array.from({ length: 700 }, (_, i) => ({
    emailAddress: `member-${i + 1}@nordlys.example`,
    ...(i < 600 ? { loyaltyCode: `LOY-${String(i + 1).padStart(6, "0")}` } : {}),
  }));
  return seed;
}

describe("emi never destroys what it did not write", () => {
  it("never writes an incompatible attribute: plan errors, apply and sync --account exit 1, first names intact", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.write("integrations/1042.yaml", nordlysWith("firstName"));
    const before = table(world, "nordlys", "16");

    const plan = await world.run(["plan"]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain("error reaid-attribute-conflict");
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(1);
    const sync = await world.run(["sync", "--account", "1042", "--full"]);
    expect(sync.code).toBe(1);
    expect(sync.out).toContain("reaid-attribute-conflict");
    expect(table(world, "nordlys", "16")).toEqual(before);
    expectNoSecrets(world);
  });

  it("refuses a compatible attribute holding other data: plan error with count and profile ids, apply exit 1, codes intact", async () => {
    world = await createWorld({ seed: loyaltySeed() });
    await world.write("integrations/1042.yaml", nordlysWith("loyaltyCode"));
    const before = table(world, "nordlys", "16");

    const plan = await world.run(["plan"]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain(
      "sync: ERROR attribute loyaltyCode holds 600 values emi did not write (e.g. profiles 1, 2, 3)",
    );
    expect(plan.out.replace(/\s+/g, " ")).toContain("adoptExistingReaids: true` in integrations/1042.yaml");
    expect(plan.out).not.toContain("member-");
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code).toBe(1);
    expect(table(world, "nordlys", "16")).toEqual(before);
    expect((await world.withStore((s) => s.findByAccount(1042)))?.status ?? null).not.toBe("active");
    const sync = await world.run(["sync", "--account", "1042"]);
    expect(table(world, "nordlys", "16")).toEqual(before);
    expect(sync.out).not.toContain("member-");
    expectNoSecrets(world);
  });

  it("refuses a fresh store against a synced table, then adopts every REAID unchanged with adoptExistingReaids", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const synced = table(world, "nordlys", "16");
    // The new store knows none of the four tables' REAIDs: keep to 1042 (the others would refuse too).
    for (const account of [1010, 1050, 1071]) await world.remove(`integrations/${account}.yaml`);
    const freshUrl = `sqlite:${world.dir}/.emi/fresh.db`;
    const store = ["--store", freshUrl];

    const plan = await world.run(["plan", ...store]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain(
      "attribute reaid holds 2,000 values emi did not write (e.g. profiles 1, 2, 3)",
    );
    expect((await world.run(["apply", "--yes", ...store])).code).toBe(1);
    expect(table(world, "nordlys", "16")).toEqual(synced);

    await world.write("integrations/1042.yaml", nordlysWith("reaid", "  adoptExistingReaids: true\n"));
    const adoptPlan = await world.run(["plan", ...store]);
    expect(adoptPlan.out).toContain("sync: adopt 2,000 existing REAIDs · create about 0");
    const apply = await world.run(["apply", "--yes", ...store]);
    expect(apply.code).toBe(0);
    expect(table(world, "nordlys", "16")).toEqual(synced);
    const { openStore } = await import("../../src/store/open-store.ts");
    const opened = await openStore(freshUrl);
    try {
      for (const [, p] of synced) {
        expect(await opened.getReaid("1042", String(p.emailAddress))).toBe(p.reaid);
      }
    } finally {
      await opened.close();
    }
    expectNoSecrets(world);
  });

  it("keeps every REAID of a table that changes owner in one plan, and says so", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const before = table(world, "lumen", "3");
    await world.remove("integrations/1071.yaml");
    await world.write(
      "integrations/1072.yaml",
      `account: 1072
provider: actito
actito:
  endpoint: api3
  entity: lumen
  email: crm@lumen.example
  apiKey: { secretRef: env:ACTITO_KEY_LUMEN }
sisterAccounts: [1073]
`,
    );
    const plan = await world.run(["plan", "--allow-deactivate"]);
    expect(plan.out).toContain("REAIDs: keeps the REAIDs 1071 wrote in this table (they become 1072's)");
    expect(plan.code).toBe(0);
    const apply = await world.run(["apply", "--yes", "--allow-deactivate"]);
    expect(apply.code).toBe(0);
    expect(table(world, "lumen", "3")).toEqual(before);
    await world.withStore(async (s) => {
      expect(await s.countReaids("1072")).toBe(1000);
      for (const [, p] of before) expect(await s.getReaid("1072", String(p.emailAddress))).toBe(p.reaid);
    });
    expect((await world.run(["sync", "--full"])).code).toBe(0);
    expect(table(world, "lumen", "3")).toEqual(before);
    expectNoSecrets(world);
  });

  it("refuses an edited plan file: exit 1, says it was modified after emi plan, changes nothing", async () => {
    world = await createWorld();
    const saved = await world.run(["plan", "--out", "plan.json"]);
    expect(saved.code).toBe(0);
    const plan = JSON.parse(await world.read("plan.json"));
    expect(plan.digest).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    plan.repo = "mallory/integrations";
    plan.changes[1].after.sisterAccounts.push(9999);
    await world.write("plan.json", JSON.stringify(plan, null, 2));
    const before = table(world, "nordlys", "16");

    const apply = await world.run(["apply", "plan.json", "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.err).toContain("plan.json was modified after `emi plan`");
    expect(await world.withStore((s) => s.listIntegrations())).toEqual([]);
    expect(table(world, "nordlys", "16")).toEqual(before);

    // Unedited, the same file applies.
    await world.write("plan.json", JSON.stringify({ ...plan, repo: "acme/integrations" }));
    expect((await world.run(["apply", "plan.json", "--yes"])).code).toBe(1);
    expect((await world.run(["plan", "--out", "plan2.json"])).code).toBe(0);
    expect((await world.run(["apply", "plan2.json", "--yes"])).code).toBe(0);
    expectNoSecrets(world);
  });

  it("finds at plan time a claim apply cannot honour, and apply of that plan changes nothing", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.remove("integrations/1071.yaml");
    await world.write("integrations/1042.yaml", nordlysYaml([1043, 1071]));
    const registry = await world.withStore((s) => s.listIntegrations());
    const lumen = table(world, "lumen", "3");

    const plan = await world.run(["plan", "--allow-deactivate"]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain("claim-order");
    expect(plan.out).toContain("account 1071 owns an integration in the registry (deactivated by this plan)");
    const apply = await world.run(["apply", "--yes", "--allow-deactivate"]);
    expect(apply.code).toBe(1);
    expect(apply.err).toContain("nothing was changed");
    const after = await world.withStore((s) => s.listIntegrations());
    expect(after.map(({ updatedAt: _u, ...e }) => e)).toEqual(registry.map(({ updatedAt: _u, ...e }) => e));
    expect(table(world, "lumen", "3")).toEqual(lumen);
  });

  it("finds a claim of an account whose release will not run because its change is in error", async () => {
    world = await createWorld();
    await world.write("integrations/1042.yaml", nordlysYaml([1043, 1044]));
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.write("integrations/1042.yaml", nordlysYaml([1043]));
    const boreal = (await world.read("integrations/1050.yaml")).replace(
      /sisterAccounts: \[\]/,
      "sisterAccounts: [1044]",
    );
    await world.write(
      "integrations/1050.yaml",
      boreal.includes("1044") ? boreal : `${boreal}\nsisterAccounts: [1044]\n`,
    );
    const plan = await world.run(["plan", "--format", "json"], {
      env: { ACTITO_KEY_NORDLYS: "a-wrong-key" },
    });
    const json = JSON.parse(plan.out);
    const claimant = json.changes.find((c: { account: number }) => c.account === 1050);
    expect(claimant.problems.map((p: { code: string }) => p.code)).toContain("claim-order");
    const apply = await world.run(["apply", "--yes"], { env: { ACTITO_KEY_NORDLYS: "a-wrong-key" } });
    expect(apply.code).toBe(1);
    expect((await world.withStore((s) => s.findByAccount(1044)))?.account).toBe(1042);
  });
});
