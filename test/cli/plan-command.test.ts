import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorld, type World } from "../e2e/e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("emi plan", () => {
  it("exits 1 and plans no deactivation when a declaration is invalid", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.write("integrations/1010.yaml", "account: 1010\nprovider: actito\nactito: {}\n");
    const plan = await world.run(["plan", "--detailed-exitcode", "--format", "json"]);
    expect(plan.code).toBe(1);
    const json = JSON.parse(plan.out);
    expect(json.changes).toEqual([]);
    expect(json.diagnostics.length).toBeGreaterThan(0);
    const apply = await world.run(["apply", "--yes", "--allow-deactivate"]);
    expect(apply.code).toBe(1);
    expect(apply.err).toContain("emi validate");
  });

  it("exits 1 with a message when the declarations folder does not exist", async () => {
    const plan = await world.run(["plan", "--dir", "nowhere"]);
    expect(plan.code).toBe(1);
    expect(plan.err).toContain('"nowhere" does not exist');
  });

  it("prints the Markdown comment with its marker and exits 0 without --detailed-exitcode", async () => {
    const plan = await world.run(["plan", "--format", "markdown", "--repo", "acme/other"]);
    expect(plan.code).toBe(0);
    expect(plan.out.startsWith("<!-- emi:plan repo=acme/other -->\n### emi plan — 4 to create")).toBe(true);
  });
});
