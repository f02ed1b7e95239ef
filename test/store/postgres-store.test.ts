import { describe, it } from "vitest";
import { postgresHarness } from "./store-harness.ts";
import { describeStoreContract } from "./store-contract.ts";

const url = process.env.EMI_TEST_POSTGRES_URL;

if (url) {
  describeStoreContract(postgresHarness(url));
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
