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

/**
 * The environment for npm and npx run in another folder: without the npm_* variables of an outer
 * `npm run` (npm_config_local_prefix would make npm act on the checkout, npx find its emi), NODE_PATH
 * or vitest's own; the user's npm configuration (HOME/.npmrc: registry, proxy, nodedir) stays.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$|VITEST|TEST$)/i.test(name),
    ),
  );
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}
