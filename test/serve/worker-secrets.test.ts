import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLeaseWorld, errLine, type LeaseWorld } from "../e2e/lease-world.ts";
import { apiKey } from "../sync/sync-fixture.ts";

let world: LeaseWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const declaration = (secretRef: string) => `account: 1042
provider: actito
actito:
  endpoint: api3
  entity: acme
  email: crm@acme.example
  apiKey: { secretRef: ${secretRef} }
  profileTable: customers
  reaidAttribute: reaid
emailSync: true
`;

describe("emi serve --worker reads keys by the CLI's rules", { timeout: 90_000 }, () => {
  it("refuses a key outside the repository's allow-list and reads one inside it, as emi sync does", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 5 }]);
    await writeFile(join(world.dir, "emi.config.yaml"), 'secretEnvAllowList: ["CRM_*"]\n');
    const file = join(world.dir, "integrations", "1042.yaml");
    // ACTITO_* is the default allow-list, but this repository allows CRM_* only.
    await writeFile(file, declaration("env:ACTITO_KEY_ACME"));
    const env = { CRM_KEY_ACME: apiKey };
    const refused = world.emi(["sync"], env);
    expect((await refused.exited()).code).toBe(1);
    expect(refused.err()).toMatch(/not valid/);

    await world.withStore((store) =>
      store.addInboxEvents(1042, [{ profileId: "3", eventType: "UPDATE" }], new Date().toISOString()),
    );
    const serve = world.emi(["serve", "--worker", "--port", "0"], env);
    await errLine(serve, /inbox events for an account not declared in --dir: they wait/);
    expect(world.sandbox.stats().licences.acme?.tokensIssued ?? 0).toBe(0);

    // Inside the repository's allow-list (outside the default one): the worker reads it, like the CLI.
    await writeFile(file, declaration("env:CRM_KEY_ACME"));
    await errLine(serve, /"msg":"inbox written"/);
    expect(await world.wrongReaids("16", 1042)).not.toContain("3");
    const synced = world.emi(["sync"], env);
    expect((await synced.exited()).code).toBe(0);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    serve.child.kill("SIGTERM");
    await serve.exited();
  });
});
