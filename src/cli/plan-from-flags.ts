import type { CreatedPlan } from "../plan/create-plan.ts";
import { createPlan } from "../plan/create-plan.ts";
import { connectActito } from "../plan/connect-actito.ts";
import { hashValue } from "../plan/plan-basis.ts";
import { UNKNOWN_LIVE } from "../plan/plan-types.ts";
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
  flags: { dir: string; store: string; repo?: string; allowDeactivate?: boolean },
  missingStore: "empty" | "error" = "empty",
): Promise<CreatedPlan> {
  const opened = await openExistingStore(io, flags.store, missingStore);
  const store = asPlanningStore(opened.store);
  try {
    const created = await createPlan({
      dir: flags.dir,
      cwd: io.cwd,
      env: io.env,
      store,
      repo: await resolveRepoId({ flag: flags.repo, env: io.env, cwd: io.cwd }),
      connect: connectActito(io.env),
      allowDeactivate: flags.allowDeactivate === true,
    });
    return opened.inMemory ? withoutStoreFingerprints(created) : created;
  } finally {
    await store.close();
  }
}

async function openExistingStore(
  io: CliIO,
  url: string,
  missing: "empty" | "error",
): Promise<{ store: Store; inMemory: boolean }> {
  try {
    return { store: await openStore(url, { cwd: io.cwd, existing: true }), inMemory: false };
  } catch (error) {
    if (!(error instanceof StoreError && error.code === "no-store") || missing === "error") throw error;
    return { store: await openStore("sqlite::memory:"), inMemory: true };
  }
}

/**
 * A plan made without a store fingerprinted the keys with a throwaway store's secret, which the
 * store apply creates will not share: its live facts go into the basis as unchecked (apply checks
 * them itself during activation), so that `plan --out` then `apply plan.json` works on a first run.
 */
function withoutStoreFingerprints(created: CreatedPlan): CreatedPlan {
  const live = Object.fromEntries(Object.keys(created.plan.basis.live).map((a) => [a, UNKNOWN_LIVE]));
  const core = {
    registryRevision: created.plan.basis.registryRevision,
    declarations: created.plan.basis.declarations,
    live,
  };
  return { ...created, plan: { ...created.plan, basis: { fingerprint: hashValue(core), ...core } } };
}
