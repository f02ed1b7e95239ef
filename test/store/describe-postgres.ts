import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";

/**
 * The store key of this test process's PostgreSQL stores: a PostgreSQL store has no folder to keep
 * one beside, so it is named by EMI_STORE_KEY_FILE (made on first use). Pass it to emi processes.
 */
export const postgresKeyFile = join(tmpdir(), `emi-test-store-key-${process.pid}`);

/** Why every PostgreSQL test is skipped on a machine without one. */
export const POSTGRES_SKIP_REASON = "EMI_TEST_POSTGRES_URL not set";

/**
 * A `describe` that needs a real PostgreSQL (`EMI_TEST_POSTGRES_URL`). Without one its tests are
 * reported as skipped, with the reason in the name, so `npm run check` passes on a machine without
 * PostgreSQL and says what it left out; with `EMI_REQUIRE_POSTGRES=1` (CI) the absence fails instead.
 */
export function describePostgres(name: string, body: (url: string) => void): void {
  const url = process.env.EMI_TEST_POSTGRES_URL;
  if (url) {
    process.env.EMI_STORE_KEY_FILE ??= postgresKeyFile;
    describe(name, () => body(url));
    return;
  }
  describe(name, () => {
    if (process.env.EMI_REQUIRE_POSTGRES === "1") {
      it("runs when EMI_TEST_POSTGRES_URL is set", () => {
        throw new Error(
          `EMI_REQUIRE_POSTGRES=1 but ${POSTGRES_SKIP_REASON}: the PostgreSQL tests of "${name}" did not run`,
        );
      });
    } else {
      it.skip(`skipped: ${POSTGRES_SKIP_REASON}`, () => {});
    }
  });
}
