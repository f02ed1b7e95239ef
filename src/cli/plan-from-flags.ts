import type { CreatedPlan } from "../plan/create-plan.ts";
import { createPlan } from "../plan/create-plan.ts";
import { connectActito } from "../actito/connect-actito.ts";
import { resolveRepoId } from "../plan/resolve-repo-id.ts";
import { openStore } from "../store/open-store.ts";
import type { CliIO } from "./io.ts";

/** Opens the store, validates `--dir` and plans against the live state: shared by plan and drift. */
export async function planFromFlags(
  io: CliIO,
  flags: { dir: string; store: string; repo?: string; allowDeactivate?: boolean },
): Promise<CreatedPlan> {
  const store = await openStore(flags.store, { cwd: io.cwd });
  try {
    return await createPlan({
      dir: flags.dir,
      cwd: io.cwd,
      env: io.env,
      store,
      repo: await resolveRepoId({ flag: flags.repo, env: io.env, cwd: io.cwd }),
      connect: connectActito(io.env),
      allowDeactivate: flags.allowDeactivate === true,
    });
  } finally {
    await store.close();
  }
}
