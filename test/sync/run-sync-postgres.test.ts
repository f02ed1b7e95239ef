import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { runSync } from "../../src/sync/run-sync.ts";
import { describePostgres } from "../requirements.ts";
import { assertExact, integration, type SyncWorld, syncSeed, syncWorld } from "./sync-fixture.ts";

const schema = `emi_sync_${Math.random().toString(36).slice(2, 10)}`;

describePostgres("runSync with the PostgreSQL store", (baseUrl) => {
  let world: SyncWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("writes every REAID and resumes nothing twice when the store is PostgreSQL", async () => {
    const url = new URL(baseUrl);
    url.searchParams.set("schema", schema);
    world = await syncWorld(syncSeed({ generate: 20_000 }), integration(), { storeUrl: url.toString() });
    const options = {
      store: world.store,
      integrations: [integration()],
      secrets: { env: world.env, cwd: world.dir },
      connect: world.connect,
      pollMs: 20,
    };
    const [first] = await runSync(options);
    expect(first).toMatchObject({ health: "in sync", counts: { seen: 20_000, written: 20_000 } });
    const [second] = await runSync({ ...options, full: true });
    expect(second?.counts.written).toBe(0);
    expect(await assertExact(world)).toEqual({ checked: 20_000 });
    expect(world.sandbox.stats().tables["acme/16"]?.importsSubmitted).toBe(1);
  });
});
