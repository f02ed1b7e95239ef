import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, type World } from "../../e2e/e2e-harness.ts";
import { describePostgres } from "../../requirements.ts";

let world: World;
beforeAll(async () => {
  world = await createWorld();
  expect((await world.run(["apply", "--yes"])).code).toBe(0);
  expect((await world.run(["api-key", "create", "--account", "1042", "--name", "copy-test"])).code).toBe(0);
});
afterAll(async () => {
  await world.close();
});

function digests(out: string): Record<string, { rows: number; digest: string }> {
  const report = JSON.parse(out);
  return Object.fromEntries(
    report.tables.map((t: { table: string; rows: number; digest: string }) => [
      t.table,
      { rows: t.rows, digest: t.digest },
    ]),
  );
}

describe("emi store copy and backup (SQLite)", () => {
  it("backs a store up to a new SQLite file, exactly, and restores it by a copy back", async () => {
    const file = join(world.dir, "backup.db");
    const backup = await world.run(["store", "backup", file, "--format", "json"]);
    expect(backup.err).toBe("");
    expect(backup.code).toBe(0);
    const report = JSON.parse(backup.out);
    expect(report.exact).toBe(true);
    const tables = digests(backup.out);
    expect(tables.reaids!.rows).toBeGreaterThan(3000);
    expect(tables.integrations!.rows).toBe(4);
    expect(tables.api_keys!.rows).toBe(1);
    expect(tables.store_meta!.rows).toBeGreaterThan(0);
    expect(Object.keys(tables)).not.toContain("locks");

    const restored = `sqlite:${join(world.dir, "restored.db")}`;
    const restore = await world.run([
      "store",
      "copy",
      "--from",
      `sqlite:${file}`,
      "--to",
      restored,
      "--format",
      "json",
    ]);
    expect(restore.code).toBe(0);
    expect(digests(restore.out)).toEqual(tables);
    // The restored store is a working store: the plan against it is empty, as against the original.
    const plan = await world.run(["plan", "--detailed-exitcode", "--store", restored]);
    expect(plan.code).toBe(0);

    const again = await world.run(["store", "backup", file]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("exists: a backup is written to a new file");
  });

  it("refuses a target that is not empty, and a source whose leases are held unless --online", async () => {
    const other = `sqlite:${join(world.dir, "other.db")}`;
    expect((await world.run(["store", "copy", "--from", world.storeUrl, "--to", other])).code).toBe(0);
    const twice = await world.run(["store", "copy", "--from", world.storeUrl, "--to", other]);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain("the target store is not empty");

    const lease = await world.withStore((store) =>
      store.acquireLock("licence:api3/nordlys", "test-worker", "sync", 60_000),
    );
    const busy = await world.run([
      "store",
      "copy",
      "--from",
      world.storeUrl,
      "--to",
      `sqlite:${join(world.dir, "busy.db")}`,
    ]);
    expect(busy.code).toBe(1);
    expect(busy.err).toContain("lease(s) are held on the source (licence:api3/nordlys)");
    const online = await world.run([
      "store",
      "copy",
      "--online",
      "--from",
      world.storeUrl,
      "--to",
      `sqlite:${join(world.dir, "online.db")}`,
    ]);
    expect(online.code).toBe(0);
    expect(online.out).toContain("0 REAID(s) were created in the source after the snapshot");
    await world.withStore((store) => store.releaseLock(lease));
  });
});

describePostgres("emi store copy between SQLite and PostgreSQL", (url) => {
  const schemas: string[] = [];
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("round-trips SQLite → PostgreSQL → SQLite exactly, every table value by value", async () => {
    const schema = `emi_copy_${randomBytes(4).toString("hex")}`;
    schemas.push(schema);
    const postgres = `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
    const there = await world.run([
      "store",
      "copy",
      "--from",
      world.storeUrl,
      "--to",
      postgres,
      "--format",
      "json",
    ]);
    expect(there.err).toBe("");
    expect(there.code).toBe(0);
    expect(JSON.parse(there.out).exact).toBe(true);
    expect(there.out).not.toContain("password");

    const back = `sqlite:${join(world.dir, "back.db")}`;
    const home = await world.run(["store", "copy", "--from", postgres, "--to", back, "--format", "json"]);
    expect(home.code).toBe(0);
    expect(JSON.parse(home.out).exact).toBe(true);
    const original = digests(there.out);
    const final = digests(home.out);
    expect(final).toEqual(original);
    // The copy in PostgreSQL is a working store: plan finds nothing to change.
    expect((await world.run(["plan", "--detailed-exitcode", "--store", postgres])).code).toBe(0);
    expect((await world.run(["api-key", "list", "--store", postgres])).out).toContain("copy-test");
  });
});
