import { Option } from "commander";

/** `--dir`: where the declarations live. */
export const dirOption = () =>
  new Option("--dir <dir>", "folder of integration declarations").default("integrations");

/** `--store`: the state store URL; `EMI_STORE` overrides the default. */
export const storeOption = () =>
  new Option("--store <url>", "state store: sqlite:PATH or postgres://…")
    .env("EMI_STORE")
    .default("sqlite:.emi/state.db");

/** `--format`: how results are printed. */
export const formatOption = (choices: string[], fallback = "text") =>
  new Option("--format <format>", "output format").choices(choices).default(fallback);

/** `--repo`: the id the registry's `managedBy` is compared with (see docs/architecture.md). */
export const repoOption = () =>
  new Option(
    "--repo <owner/name>",
    "this repository's id (default: GITHUB_REPOSITORY, the git remote, or the folder name)",
  );
