import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { describeStoreContract, registryWrite } from "./store-contract.ts";
import { postgresHarness } from "./store-harness.ts";

const url = process.env.EMI_TEST_POSTGRES_URL;

if (url) {
  describeStoreContract(postgresHarness(url));

  describe("PostgresStore under READ COMMITTED", () => {
    const harness = postgresHarness(url);
    afterEach(() => harness.cleanup());

    it("reports account-taken when another transaction commits the same account between check and insert", async () => {
      const storeUrl = await harness.freshUrl();
      const store = await openStore(storeUrl);
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await store.putIntegration(registryWrite(2000));
        // Another writer claims account 5000 and holds its transaction open: our check sees nothing,
        // our insert waits on its row, and fails on the constraint once it commits.
        await other.query(`SET search_path TO ${new URL(storeUrl).searchParams.get("schema")}`);
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
  });
} else {
  // Locally the PostgreSQL half is optional; in CI (EMI_REQUIRE_POSTGRES=1) its absence is a failure.
  describe("PostgresStore contract", () => {
    it.skipIf(process.env.EMI_REQUIRE_POSTGRES !== "1")("runs when EMI_TEST_POSTGRES_URL is set", () => {
      throw new Error(
        "EMI_REQUIRE_POSTGRES=1 but EMI_TEST_POSTGRES_URL is not set: the PostgreSQL half did not run",
      );
    });
  });
}
