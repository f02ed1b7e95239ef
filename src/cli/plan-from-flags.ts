import type { CreatedPlan } from "../plan/create-plan.ts";
import { createPlan } from "../plan/create-plan.ts";
import { connectActito } from "../actito/connect-actito.ts";
import { resolveRepoId } from "../plan/resolve-repo-id.ts";
import { StoreError } from "../store/errors.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import type { CliIO } from "./io.ts";

/**
 * What to do when the store does not exist: `error` (drift: `no store at …`), `empty` (plan: plan
 * against an empty registry in memory, creating nothing), `create` (`plan --out`: a saved plan is
 * signed with the store's key for the apply that follows, so the store must exist).
 */
export type MissingStore = "empty" | "error" | "create";

/** Opens the store, validates `--dir` and plans against the live state: shared by plan and drift. */
export async function planFromFlags(
  io: CliIO,
  flags: {
    dir: string;
    store: string;
    repo?: string;
    allowDeactivate?: boolean;
    requireSecrets?: boolean;
    strictLinks?: boolean;
  },
  missingStore: MissingStore = "empty",
): Promise<CreatedPlan> {
  const store = await openForPlanning(io, flags.store, missingStore);
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
      strictLinks: flags.strictLinks === true,
    });
  } finally {
    await store.close();
  }
}

async function openForPlanning(io: CliIO, url: string, missing: MissingStore): Promise<Store> {
  if (missing === "create") return openStore(url, { cwd: io.cwd });
  try {
    return await openStore(url, { cwd: io.cwd, existing: true });
  } catch (error) {
    if (!(error instanceof StoreError && error.code === "no-store") || missing === "error") throw error;
    // A first plan before any apply: nothing to compare with, and nothing is created for it.
    return openStore("sqlite::memory:");
  }
}
