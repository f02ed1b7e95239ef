import { connectActito } from "../plan/connect-actito.ts";
import type { CreatedPlan } from "../plan/create-plan.ts";
import { createPlan } from "../plan/create-plan.ts";
import { asPlanningStore } from "../plan/refresh-live-state.ts";
import { resolveRepoId } from "../plan/resolve-repo-id.ts";
import { StoreError } from "../store/errors.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import type { CliIO } from "./io.ts";

/**
 * Opens the store, validates `--dir` and plans against the live state: shared by plan and drift.
 * Neither creates a store: drift needs one (`no store at …`); plan without one plans against an
 * empty registry, in memory (the first plan of a new repository, before any apply).
 */
export async function planFromFlags(
  io: CliIO,
  flags: { dir: string; store: string; repo?: string; allowDeactivate?: boolean; requireSecrets?: boolean },
  missingStore: "empty" | "error" = "empty",
): Promise<CreatedPlan> {
  const store = asPlanningStore(await openExistingStore(io, flags.store, missingStore));
  try {
    return await createPlan({
      dir: flags.dir,
      cwd: io.cwd,
      env: io.env,
      store,
      repo: await resolveRepoId({ flag: flags.repo, env: io.env, cwd: io.cwd }),
      connect: connectActito(io.env),
      allowDeactivate: flags.allowDeactivate === true,
      requireSecrets: flags.requireSecrets === true,
    });
  } finally {
    await store.close();
  }
}

async function openExistingStore(io: CliIO, url: string, missing: "empty" | "error"): Promise<Store> {
  try {
    return await openStore(url, { cwd: io.cwd, existing: true });
  } catch (error) {
    if (!(error instanceof StoreError && error.code === "no-store") || missing === "error") throw error;
    return openStore("sqlite::memory:");
  }
}
