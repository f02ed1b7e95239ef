import { InvalidArgumentError, Option } from "commander";

/** `--dir`: where the declarations live. */
export const dirOption = () =>
  new Option("--dir <dir>", "folder of integration declarations").default("integrations");

/** Where the state lives when neither `--store` nor `EMI_STORE` says. */
const defaultStoreUrl = "sqlite:.emi/state.db";

/**
 * `--store`: the state store URL; `EMI_STORE` overrides the default. An empty value (`EMI_STORE=`,
 * as CI templates often leave it) means the default, like an unset variable.
 */
export const storeOption = () =>
  new Option("--store <url>", "state store: sqlite:PATH or postgres://…")
    .env("EMI_STORE")
    .default(defaultStoreUrl)
    .argParser((value: string) => (value.trim() === "" ? defaultStoreUrl : value));

/** A duration in seconds (`--lock-wait 30`): a non-negative number, or a usage error. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError("expected a number of seconds, e.g. 30");
  }
  return seconds;
}

/** `--format`: how results are printed. */
export const formatOption = (choices: string[], fallback = "text") =>
  new Option("--format <format>", "output format").choices(choices).default(fallback);

/** `--repo`: the id the registry's `managedBy` is compared with (see docs/architecture.md). */
export const repoOption = () =>
  new Option(
    "--repo <owner/name>",
    "this repository's id (default: GITHUB_REPOSITORY, the git remote, or the folder name)",
  );
