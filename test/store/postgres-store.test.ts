import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { LOOKUP_REAIDS } from "../../src/store/postgres-driver.ts";
import { describeStoreContract, registryWrite } from "./store-contract.ts";
import { describePostgres } from "../requirements.ts";
import { postgresHarness } from "./store-harness.ts";
import { describeStoreRolesContract } from "./store-roles-contract.ts";

describePostgres("PostgresStore", (url) => {
  describeStoreContract(postgresHarness(url));
  describeStoreRolesContract(postgresHarness(url));

  describe("PostgresStore under READ COMMITTED", () => {
    const harness = postgresHarness(url);
    afterEach(() => harness.cleanup());
    /** A connection of its own to the store's schema: another process's, or the test's. */
    const clientIn = async (storeUrl: string): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`SET search_path TO ${new URL(storeUrl).searchParams.get("schema")}`);
      return client;
    };

    it("reports account-taken when another transaction commits the same account between check and insert", async () => {
      const storeUrl = await harness.freshUrl();
      const store = await openStore(storeUrl);
      const other = await clientIn(storeUrl);
      try {
        await store.putIntegration(registryWrite(2000));
        // Another writer claims account 5000 and holds its transaction open: our check sees nothing,
        // our insert waits on its row, and fails on the constraint once it commits.
        await other.query("BEGIN");
        await other.query("INSERT INTO integration_accounts (account, owner) VALUES (5000, 2000)");
        const put = store.putIntegration(registryWrite(1042, { sisterAccounts: [5000] }));
        await new Promise((resolve) => setTimeout(resolve, 300));
        await other.query("COMMIT");
        const error = await put.catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "account-taken" });
        expect((error as Error).message).toContain(
          "account 5000 already belongs to the integration of account 2000",
        );
        expect(await store.findByAccount(1042)).toBeNull();
      } finally {
        await other.end();
        await store.close();
      }
    });

    it("makes a fenced REAID batch wait for a takeover in progress, then insert nothing", async () => {
      const storeUrl = await harness.freshUrl();
      const store = await openStore(storeUrl);
      const other = await clientIn(storeUrl);
      try {
        const old = await store.acquireLock("licence:api3/acme", "paused", "sync", 60_000);
        // Another process takes the lease over and has not committed yet: the batch's statement
        // checks the lease row in its own transaction, so it waits for the takeover, then finds
        // the newer token and inserts nothing (a check before the batch would have passed).
        await other.query("BEGIN");
        await other.query("UPDATE locks SET id = 'taker', token = token + 1 WHERE name = $1", [old.name]);
        const emails = Array.from({ length: 3_000 }, (_, i) => `t${i}@example.com`);
        const batch = store.fenced(old).getOrCreateReaids("1042", emails);
        let settled = false;
        void batch.then(
          () => (settled = true),
          () => (settled = true),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false);
        await other.query("COMMIT");
        await expect(batch).rejects.toMatchObject({ code: "lease-lost" });
        expect(await store.countReaids("1042")).toBe(0);
      } finally {
        await other.end();
        await store.close();
      }
    });

    it("keeps the other writer's REAID when another transaction commits the same e-mail mid-batch", async () => {
      const storeUrl = await harness.freshUrl();
      const store = await openStore(storeUrl);
      const other = await clientIn(storeUrl);
      try {
        // Another process inserts one e-mail of our batch and holds its transaction open: our lookup
        // does not see it, our insert waits on it and fails once it commits, and the careful insert
        // must then keep its REAID and still create all the others.
        await other.query("BEGIN");
        await other.query(
          "INSERT INTO reaids (namespace, email_hash, reaid, created_at) VALUES ('1042', $1, 'theirs-theirs-theirs-1', 'x')",
          [store.addressHash("u500@example.com")],
        );
        const emails = Array.from({ length: 1000 }, (_, i) => `u${i}@example.com`);
        const pending = store.getOrCreateReaids("1042", emails);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await other.query("COMMIT");
        const reaids = await pending;
        expect(reaids.size).toBe(1000);
        expect(reaids.get("u500@example.com")).toBe("theirs-theirs-theirs-1");
        expect(new Set(reaids.values()).size).toBe(1000);
        expect(await store.countReaids("1042")).toBe(1000);
        for (const email of ["u0@example.com", "u499@example.com", "u501@example.com", "u999@example.com"]) {
          expect(await store.getReaid("1042", email)).toBe(reaids.get(email));
        }
      } finally {
        await other.end();
        await store.close();
      }
    });

    it("compares REAID keys byte by byte whatever the database's collation", async () => {
      const storeUrl = await harness.freshUrl();
      const store = await openStore(storeUrl);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const columns = await client.query<{
          column_name: string;
          collation_name: string | null;
        }>(
          `SELECT column_name, collation_name FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = 'reaids' AND column_name IN ('namespace', 'email_hash', 'reaid')
           ORDER BY column_name`,
          [new URL(storeUrl).searchParams.get("schema")],
        );
        expect(columns.rows).toEqual([
          { column_name: "email_hash", collation_name: "C" },
          { column_name: "namespace", collation_name: "C" },
          { column_name: "reaid", collation_name: "C" },
        ]);
      } finally {
        await client.end();
        await store.close();
      }
    });

    it("looks existing e-mails up by index even before the table's statistics caught up", async () => {
      const storeUrl = await harness.freshUrl();
      const store = await openStore(storeUrl);
      const client = await clientIn(storeUrl);
      try {
        // Statistics taken while the table was empty, then 200,000 rows: a planner trusting them
        // scanned the whole namespace for every lookup.
        await client.query("ANALYZE reaids");
        await client.query(
          `INSERT INTO reaids (namespace, email_hash, reaid, created_at)
           SELECT '1042', 'h' || i, 'r' || i, 'x' FROM generate_series(1, 200000) AS i`,
        );
        await client.query(
          "INSERT INTO reaids (namespace, email_hash, reaid, created_at) VALUES ('1042', $1, 'r7-of-u7', 'x')",
          [store.addressHash("u7@example.com")],
        );
        const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${LOOKUP_REAIDS}`, [
          "1042",
          ["h1", "h2"],
        ]);
        const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
        expect(text).toContain("Nested Loop");
        expect(text).toMatch(/Index (Only )?Scan using reaids_pkey/);
        const reaids = await store.getOrCreateReaids("1042", ["u7@example.com", "new@example.com"]);
        expect(reaids.get("u7@example.com")).toBe("r7-of-u7");
      } finally {
        await client.end();
        await store.close();
      }
    });
  });
});
