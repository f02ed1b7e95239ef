import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorld, KEYS, type World } from "./e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("a newcomer's first day with secrets", () => {
  it("plan names the missing variable as a warning on that change, and apply says the same", async () => {
    const plan = await world.run(["plan"], { env: { ACTITO_KEY_NORDLYS: undefined } });
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(
      "warning secret-unavailable: env:ACTITO_KEY_NORDLYS is not set here: live facts unknown",
    );
    const json = JSON.parse(
      (await world.run(["plan", "--format", "json"], { env: { ACTITO_KEY_NORDLYS: "" } })).out,
    );
    const change = json.changes.find((c: { account: number }) => c.account === 1042);
    expect(change.problems).toEqual([
      {
        severity: "warning",
        code: "secret-unavailable",
        message: "env:ACTITO_KEY_NORDLYS is not set here: live facts unknown",
      },
    ]);
    const markdown = await world.run(["plan", "--format", "markdown"], {
      env: { ACTITO_KEY_NORDLYS: undefined },
    });
    expect(markdown.out).toMatch(/env:ACTITO\\?_KEY\\?_NORDLYS is not set here/);

    const apply = await world.run(["apply", "--yes"], { env: { ACTITO_KEY_NORDLYS: undefined } });
    expect(apply.code).toBe(1);
    expect(apply.out).toContain("env:ACTITO_KEY_NORDLYS is not set here");
  });

  it("names a missing file the same way whether it is missing or unreadable", async () => {
    const yaml = await world.read("integrations/1042.yaml");
    await world.write(
      "integrations/1042.yaml",
      yaml.replace("env:ACTITO_KEY_NORDLYS", "file:secrets/nordlys.key"),
    );
    const plan = await world.run(["plan"]);
    expect(plan.out).toContain(
      "warning secret-unavailable: file:secrets/nordlys.key is not readable here: live facts unknown",
    );
  });

  it("--require-secrets makes plan fail when a secret is not here, and apply refuse", async () => {
    const ok = await world.run(["plan", "--require-secrets"]);
    expect(ok.code).toBe(0);
    const plan = await world.run(["plan", "--require-secrets"], { env: { ACTITO_KEY_LUMEN: undefined } });
    expect(plan.code).toBe(1);
    expect(plan.out).toContain("error secret-unavailable: env:ACTITO_KEY_LUMEN is not set here");
    const apply = await world.run(["apply", "--yes", "--require-secrets"], {
      env: { ACTITO_KEY_LUMEN: undefined },
    });
    expect(apply.code).toBe(1);
    expect(apply.err).toContain("env:ACTITO_KEY_LUMEN is not set here");
    expect(await world.withStore((store) => store.listIntegrations())).toEqual([]);
  });

  it("tries a refused key on the other environments and says where it works, without printing it", async () => {
    const yaml = await world.read("integrations/1042.yaml");
    await world.write("integrations/1042.yaml", yaml.replace("endpoint: api3", "endpoint: api1"));
    const plan = await world.run(["plan"]);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain("the key works on api3 (ENV-3, Paris): set endpoint: api3");
    const json = JSON.parse((await world.run(["plan", "--format", "json"])).out);
    const problem = json.changes.find((c: { account: number }) => c.account === 1042).problems[0];
    expect(problem).toMatchObject({
      severity: "error",
      code: "key-rejected",
      hint: "the key works on api3 (ENV-3, Paris): set endpoint: api3",
    });
    expect(world.outputs.join("\n")).not.toContain(KEYS.ACTITO_KEY_NORDLYS);
  });

  it("gives no hint for a key that works nowhere", async () => {
    const plan = await world.run(["plan", "--format", "json"], {
      env: { ACTITO_KEY_NORDLYS: "revoked-key-0123456789" },
    });
    const problem = JSON.parse(plan.out).changes.find((c: { account: number }) => c.account === 1042)
      .problems[0];
    expect(problem.code).toBe("key-rejected");
    expect(problem.hint).toBeUndefined();
  });
});

describe("drift without a secret", () => {
  it("is neither drift nor a failure: that integration's facts are unknown", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const drift = await world.run(["drift"], { env: { ACTITO_KEY_LUMEN: undefined } });
    expect(drift.code).toBe(0);
  });
});

describe("secretEnvAllowList from emi.config.yaml", () => {
  it("lets plan and apply read a variable the repository allows, and only those", async () => {
    await world.write("emi.config.yaml", "secretEnvAllowList: [ACTITO_*, CRM_*]\n");
    const yaml = await world.read("integrations/1042.yaml");
    await world.write("integrations/1042.yaml", yaml.replace("env:ACTITO_KEY_NORDLYS", "env:CRM_NORDLYS"));
    const env = { ACTITO_KEY_NORDLYS: undefined, CRM_NORDLYS: KEYS.ACTITO_KEY_NORDLYS };
    const plan = JSON.parse((await world.run(["plan", "--format", "json"], { env })).out);
    expect(plan.changes.find((c: { account: number }) => c.account === 1042).live.key).toBe("works");
    expect((await world.run(["apply", "--yes"], { env })).code).toBe(0);

    await world.write("emi.config.yaml", "secretEnvAllowList: [ACTITO_*]\n");
    const refused = await world.run(["plan"], { env });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("secret-env-not-allowed");
  });
});
