import { spawnSync } from "node:child_process";
import { describe, it } from "vitest";

/** Whether `npm ping` reaches the configured registry within 20 s (once per test file). */
function registryReachable(): boolean {
  const ping = spawnSync("npm", ["ping"], { encoding: "utf8", timeout: 20_000 });
  return ping.status === 0;
}

/**
 * A `describe` whose tests install packages from the npm registry. Without the registry its tests
 * are reported as skipped, with the reason in the name; with `EMI_REQUIRE_NETWORK=1` (CI) the
 * absence fails instead, as PostgreSQL's does with EMI_REQUIRE_POSTGRES=1.
 */
export function describeWithRegistry(name: string, body: () => void): void {
  if (registryReachable()) {
    describe(name, body);
    return;
  }
  const reason = "the npm registry is unreachable (npm ping failed)";
  describe(name, () => {
    if (process.env.EMI_REQUIRE_NETWORK === "1") {
      it("runs when the npm registry is reachable", () => {
        throw new Error(`EMI_REQUIRE_NETWORK=1 but ${reason}: "${name}" did not run`);
      });
    } else {
      it.skip(`skipped: ${reason}`, () => {});
    }
  });
}
