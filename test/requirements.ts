import { spawnSync } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";

/**
 * What some tests need beyond Node, loopback and a temporary folder. When it is missing, those tests
 * are reported skipped with the reason in their name, so `npm run check` passes on a laptop without
 * PostgreSQL, offline, and says what it left out. Under the requirement's flag (set by .ci/run) the
 * absence fails instead: CI never passes by skipping.
 */
export interface Requirement {
  /** What is needed, for the test names: "PostgreSQL", "the age binaries". */
  what: string;
  /** Set to 1, its absence fails the tests instead of skipping them. */
  flag: string | null;
  /** Why it is missing, or null when it is there (worked out once, when first asked). */
  missing(): string | null;
}

function requirement(what: string, flag: string | null, check: () => string | null): Requirement {
  let answer: string | null | undefined;
  return {
    what,
    flag,
    missing() {
      answer ??= check();
      return answer;
    },
  };
}

const onPath = (command: string) =>
  spawnSync(command, ["--version"], { stdio: "ignore" }).error === undefined;

/** Debian's `age` and `age-keygen` (interop with the files age writes). */
export const ageBinaries = requirement("the age binaries", "EMI_REQUIRE_AGE", () =>
  onPath("age") && onPath("age-keygen") ? null : "age and age-keygen are not on PATH (apt-get install age)",
);

/** A real PostgreSQL, named by EMI_TEST_POSTGRES_URL. */
export const postgres = requirement("PostgreSQL", "EMI_REQUIRE_POSTGRES", () =>
  process.env.EMI_TEST_POSTGRES_URL ? null : "EMI_TEST_POSTGRES_URL not set",
);

/**
 * The npm registry over the internet, for tests that install a package the way a user would
 * (test/deploy: the packed emi, the container image's steps).
 */
export const npmRegistry = requirement("the npm registry", "EMI_REQUIRE_NETWORK", () => {
  const probe = spawnSync(
    process.execPath,
    ["-e", "require('node:dns').lookup('registry.npmjs.org', (e) => process.exit(e ? 1 : 0))"],
    { stdio: "ignore", timeout: 10_000 },
  );
  return probe.status === 0 ? null : "registry.npmjs.org does not resolve (no network)";
});

/** Root, for tests that mount a small tmpfs to fill a disk (none yet). @public */
export const root = requirement("root", null, () =>
  process.getuid?.() === 0 ? null : "not running as root",
);

/** The value of EMI_TEST_POSTGRES_URL; only inside tests that have `postgres`. */
export function postgresUrl(): string {
  const url = process.env.EMI_TEST_POSTGRES_URL;
  if (!url) throw new Error("postgresUrl() outside a test that requires PostgreSQL");
  return url;
}

function required(need: Requirement): boolean {
  return need.flag !== null && process.env[need.flag] === "1";
}

/** The test that stands for a suite whose requirement is missing under its flag: it fails, saying why. */
function failMissing(need: Requirement, name: string): void {
  it(`${name}: needs ${need.what}`, () => {
    throw new Error(`${need.flag}=1 but ${need.missing()}: "${name}" did not run`);
  });
}

/**
 * A `describe` whose tests need something: skipped with the reason in its name when it is missing
 * (`describe.skipIf`), failing under the requirement's flag. The body runs to collect the tests
 * either way, so it must not use what is missing before a test or hook runs.
 */
export function describeWith(needs: readonly Requirement[], name: string, body: () => void): void {
  const missing = needs.find((need) => need.missing() !== null);
  if (missing && required(missing)) {
    describe(name, () => failMissing(missing, name));
    return;
  }
  const title = missing ? `${name} (skipped: ${missing.missing()})` : name;
  describe.skipIf(missing !== undefined)(title, body);
}

/** One test that needs something: skipped with the reason in its name, failing under the flag. */
export function itWith(
  needs: readonly Requirement[],
  name: string,
  fn: () => Promise<void> | void,
  timeout?: number,
): void {
  const missing = needs.find((need) => need.missing() !== null);
  if (missing && required(missing)) {
    failMissing(missing, name);
    return;
  }
  it.skipIf(missing !== undefined)(missing ? `${name} (skipped: ${missing.missing()})` : name, fn, timeout);
}

/**
 * A `describe` that needs a real PostgreSQL: its body gets EMI_TEST_POSTGRES_URL (a placeholder
 * while its tests are only being listed as skipped, which use it in no test or hook).
 */
export function describePostgres(name: string, body: (url: string) => void): void {
  if (process.env.EMI_TEST_POSTGRES_URL) process.env.EMI_STORE_KEY_FILE ??= postgresKeyFile;
  describeWith([postgres], name, () => body(process.env.EMI_TEST_POSTGRES_URL ?? "postgres://not-set"));
}

/**
 * The store key of this test process's PostgreSQL stores: a PostgreSQL store has no folder to keep
 * one beside, so it is named by EMI_STORE_KEY_FILE (made on first use). Pass it to emi processes.
 */
export const postgresKeyFile = join(tmpdir(), "emi-test-store-key");

// One key for every test process: the test files share one PostgreSQL database, and a store made
// with one key refuses another. Written whole (a rename) so that a process never reads half of it.
if (process.env.EMI_TEST_POSTGRES_URL) {
  const staged = `${postgresKeyFile}.${process.pid}`;
  writeFileSync(staged, `${Buffer.alloc(32, 0x5a).toString("base64url")}\n`, { mode: 0o600 });
  renameSync(staged, postgresKeyFile);
}
