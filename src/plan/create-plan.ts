import { validateDirectory } from "../config/validate-directory.ts";
import type { Declared } from "../types/declared.ts";
import { buildPlan } from "./build-plan.ts";
import type { Plan } from "./plan-types.ts";
import { publicUrlFrom } from "./realtime-plan.ts";
import { type ConnectActito, type PlanningStore, refreshLiveState } from "./refresh-live-state.ts";

export interface CreatePlanOptions {
  dir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  store: PlanningStore;
  repo: string;
  connect: ConnectActito;
  allowDeactivate?: boolean;
  now?: Date;
}

/** A plan and the declarations it was made from (apply needs their secret references). */
export interface CreatedPlan {
  plan: Plan;
  declared: Declared[];
  /** Declaration files read. */
  files: number;
  refreshMs: number;
}

/**
 * validate → refresh → buildPlan. Reads only: nothing in the store or Actito changes.
 * @throws DirectoryNotFoundError when `dir` does not exist.
 */
export async function createPlan(options: CreatePlanOptions): Promise<CreatedPlan> {
  const validation = await validateDirectory(options.dir, { cwd: options.cwd });
  const invalid = validation.diagnostics.some((d) => d.severity === "error");
  const started = performance.now();
  const live = await refreshLiveState({
    declared: invalid ? [] : validation.declared,
    store: options.store,
    secrets: { env: options.env, cwd: options.cwd },
    connect: options.connect,
  });
  const refreshMs = performance.now() - started;
  const plan = buildPlan({
    declared: validation.declared,
    diagnostics: validation.diagnostics,
    live,
    repo: options.repo,
    dir: options.dir,
    allowDeactivate: options.allowDeactivate ?? false,
    publicUrl: publicUrlFrom(options.env),
    ...(options.now ? { now: options.now } : {}),
  });
  return { plan, declared: validation.declared, files: validation.files, refreshMs };
}
