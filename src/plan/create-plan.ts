import type { ConnectActito } from "../actito/connect-actito.ts";
import type { Secrets } from "../config/resolve-secrets-once.ts";
import { type SecretSource, secretSourceFrom } from "../config/resolve-secret.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import type { Declared } from "../types/declared.ts";
import { buildPlan } from "./build-plan.ts";
import { checkPlanLinks } from "./plan-links.ts";
import { signPlan } from "./plan-digest.ts";
import { planKeyRevocations } from "./plan-key-revocations.ts";
import type { Plan } from "./plan-types.ts";
import { publicUrlFrom } from "./realtime-plan.ts";
import { refreshLiveState } from "./refresh-live-state.ts";
import type { PlanStore } from "./plan-store.ts";

export interface CreatePlanOptions {
  dir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  store: PlanStore;
  repo: string;
  connect: ConnectActito;
  /** Default: resolved from `env` and `cwd`; apply passes the run's, shared with activation and sync. */
  secrets?: Secrets;
  allowDeactivate?: boolean;
  /** Every secret must be available: a missing one is an error instead of a warning (`--require-secrets`). */
  requireSecrets?: boolean;
  /** Read the declared campaigns and check their links (default true; apply of a saved plan skips it). */
  checkLinks?: boolean;
  /** Link problems are errors, not warnings (`--strict-links`): apply leaves those integrations unchanged. */
  strictLinks?: boolean;
  now?: Date;
}

/** A plan and the declarations it was made from (apply needs their secret references). */
export interface CreatedPlan {
  plan: Plan;
  declared: Declared[];
  /** Declaration files read. */
  files: number;
  refreshMs: number;
  /** Where the secrets were read (repository root and allow-list): apply reads them the same way. */
  secrets: SecretSource;
}

/**
 * validate → refresh → buildPlan. Reads only: nothing in the store or Actito changes.
 * @throws DirectoryNotFoundError when `dir` does not exist.
 */
export async function createPlan(options: CreatePlanOptions): Promise<CreatedPlan> {
  const validation = await validateDirectory(options.dir, { cwd: options.cwd });
  const invalid = validation.diagnostics.some((d) => d.severity === "error");
  const started = performance.now();
  const secrets = secretSourceFrom(validation.repository, options.env, options.cwd);
  const live = await refreshLiveState({
    publicUrl: publicUrlFrom(options.env),
    declared: invalid ? [] : validation.declared,
    store: options.store,
    secrets: options.secrets ?? secrets,
    connect: options.connect,
  });
  const links =
    invalid || options.checkLinks === false
      ? new Map()
      : await checkPlanLinks({
          declared: validation.declared,
          secrets: options.secrets ?? secrets,
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
    requireSecrets: options.requireSecrets ?? false,
    links,
    strictLinks: options.strictLinks ?? false,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    plan: await signPlan(await planKeyRevocations(plan, options.store), options.store),
    declared: validation.declared,
    files: validation.files,
    refreshMs,
    secrets,
  };
}
