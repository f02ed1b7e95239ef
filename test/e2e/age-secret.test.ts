import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ageKeyPair } from "../config/age-fixture.ts";
import { createWorld, KEYS, type World } from "./e2e-harness.ts";

let world: World;
let ci: { identity: string; recipient: string };
beforeEach(async () => {
  world = await createWorld();
  ci = await ageKeyPair();
});
afterEach(async () => {
  await world.close();
});

/** The nordlys integration (1042) with its key in secrets/1042.age, as a pull request adds it. */
async function useAgeKey(): Promise<void> {
  await world.write("emi.config.yaml", `ageRecipients: [${ci.recipient}]\n`);
  const encrypted = await world.run(["secret", "encrypt", "--account", "1042"], {
    stdin: `${KEYS.ACTITO_KEY_NORDLYS}\n`,
  });
  expect(encrypted.code).toBe(0);
  const line = encrypted.out.trim();
  expect(line).toBe("apiKey: { secretRef: age:secrets/1042.age }");
  const yaml = await world.read("integrations/1042.yaml");
  await world.write("integrations/1042.yaml", yaml.replace(/apiKey: .*/, line));
}

describe("an integration whose key is an age: reference", () => {
  it("is validated, planned, applied and synced against the sandbox with EMI_AGE_IDENTITY only", async () => {
    await useAgeKey();
    // The key is nowhere in the environment: only the identity is.
    const env = { ACTITO_KEY_NORDLYS: undefined, EMI_AGE_IDENTITY: ci.identity };
    expect((await world.run(["validate"], { env })).code).toBe(0);
    const plan = await world.run(["plan", "--format", "json", "--require-secrets"], { env });
    expect(plan.code).toBe(0);
    const change = JSON.parse(plan.out).changes.find((c: { account: number }) => c.account === 1042);
    expect(change.live).toMatchObject({ secretAvailable: true, key: "works", entity: "found" });
    expect(change.problems).toEqual([]);

    const apply = await world.run(["apply", "--yes"], { env });
    expect(apply.code).toBe(0);
    const entry = await world.withStore((s) => s.findByAccount(1042));
    expect(entry).toMatchObject({ status: "active", sync: { health: "in sync" } });
    const nordlys = [...world.sandbox.profiles("nordlys", "nordlys", "16")];
    expect(nordlys.length).toBeGreaterThan(0);
    expect(nordlys.every((p) => typeof p.attributes.reaid === "string")).toBe(true);

    const sync = await world.run(["sync", "--account", "1042", "--full"], { env });
    expect(sync.code).toBe(0);
    expect(sync.out).toContain("1 in sync");
    const all = world.outputs.join("\n");
    expect(all).not.toContain(KEYS.ACTITO_KEY_NORDLYS);
    expect(all).not.toContain(ci.identity);
  });

  it("plans offline without any identity (a fork's pull request), and names the file", async () => {
    await useAgeKey();
    const plan = await world.run(["plan"], { env: { ACTITO_KEY_NORDLYS: undefined, EMI_AGE_IDENTITY: "" } });
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(
      "warning secret-unavailable: no secret available here for age:secrets/1042.age (EMI_AGE_IDENTITY is not set): live facts unknown",
    );
  });

  it("says only that it cannot decrypt with the wrong identity, in plan and apply", async () => {
    await useAgeKey();
    const wrong = await ageKeyPair();
    const env = { ACTITO_KEY_NORDLYS: undefined, EMI_AGE_IDENTITY: wrong.identity };
    const plan = await world.run(["plan"], { env });
    expect(plan.code).toBe(1);
    expect(plan.out).toContain(
      "error secret-unusable: cannot decrypt secrets/1042.age with the identities in EMI_AGE_IDENTITY",
    );
    const apply = await world.run(["apply", "--yes"], { env });
    expect(apply.code).toBe(1);
    expect(apply.out).toContain("cannot decrypt secrets/1042.age with the identities in EMI_AGE_IDENTITY");
    const all = world.outputs.join("\n");
    expect(all).not.toContain(wrong.identity);
    expect(all).not.toContain(wrong.identity.slice(16, 40));
  });
});
