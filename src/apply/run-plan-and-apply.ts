import { secretSourceFor } from "../config/resolve-secret.ts";
import { planChangeDifferences } from "../plan/compare-plan-changes.ts";
import { type CreatedPlan, createPlan } from "../plan/create-plan.ts";
import { hasChanges } from "../plan/describe-change.ts";
import { basisChanges } from "../plan/plan-basis.ts";
import { planDigestMatches } from "../plan/plan-digest.ts";
import type { Plan } from "../plan/plan-types.ts";
import { type ConnectActito, connectActito } from "../actito/connect-actito.ts";
import { resolveSecretsOnce } from "../config/resolve-secrets-once.ts";
import { resolveRepoId } from "../plan/resolve-repo-id.ts";
import { leaseTtlMs, takeLease } from "../store/lease-keeper.ts";
import type { Store } from "../store/store.ts";
import { fencedActito } from "../sync/fenced-actito.ts";
import { pauseForTest } from "../sync/pause-for-test.ts";
import type { RunSyncOptions, SyncResult } from "../sync/run-sync.ts";
import { StalePlanError, TamperedPlanError } from "./apply-errors.ts";
import { applyPlan } from "./apply-plan.ts";
import type { ApplyEvent, ApplyResult } from "./apply-types.ts";
import { recoverPendingSteps } from "./recover-pending-steps.ts";
import { refusePlan } from "./refuse-plan.ts";

export interface RunPlanAndApplyOptions {
  /** The declarations folder; a saved plan's own folder wins. */
  dir: string;
  store: Store;
  env: Record<string, string | undefined>;
  cwd: string;
  /** This repository's id; default from resolveRepoId. A saved plan's own repo wins. */
  repo?: string;
  /** A plan saved by `emi plan --out`: applied exactly, refused if stale or edited. */
  savedPlan?: Plan;
  /** The saved plan's file name, for messages. */
  savedPlanFile?: string;
  /**
   * `yes` (`--yes`), or asked once the plan is known and refusals are checked, before anything
   * changes. A caller with no one to ask refuses before calling (the CLI, without a terminal).
   */
  confirm: "yes" | ((plan: Plan) => Promise<boolean>);
  allowDeactivate?: boolean;
  /** Every API key must be available here (`--require-secrets`): the plan errs otherwise. */
  requireSecrets?: boolean;
  /** Link problems of the declared campaigns are errors (`--strict-links`). */
  strictLinks?: boolean;
  allowEmpty?: boolean;
  /** How every step, sync included, reaches Actito (default: createActitoClient with `EMI_ACTITO_URL` from `env`). */
  connect?: ConnectActito;
  /** The plan, as soon as it is known (the CLI prints it). */
  onPlan?: (created: CreatedPlan) => void;
  onEvent?: (event: ApplyEvent) => void;
  afterStep?: (step: string, account: number) => void;
  /** How long to wait for another apply's lock (default 0: fail at once, naming the holder). */
  lockWaitMs?: number;
  onLockWait?: (message: string) => void;
  runSync?: (options: RunSyncOptions) => Promise<SyncResult[]>;
  /** Licences synced at once after activation (default 8). */
  syncConcurrency?: number;
  signal?: AbortSignal;
}

export interface PlanAndApplyResult {
  plan: Plan;
  /** Null when there was nothing to do or the person said no. */
  result: ApplyResult | null;
  confirmed: boolean;
}

/**
 * The whole of `emi apply`, reusable by `emi demo`: take the store's apply lock, check steps an
 * interrupted apply left pending, plan (or check a saved plan is still current), confirm, apply,
 * release the lock, sync. The lock is held from before the registry is read until the activations
 * are written; the syncs then run under their licence leases, so the next apply can start. Every
 * write under the lock is fenced by it: a store write commits only while the lock is this apply's,
 * an Actito write is preceded by a check of its token, and an apply that lost its lock (paused past
 * it while a newer apply ran) stops with LeaseLostError ("lease lost") without finishing its plan.
 * @throws StalePlanError, PlanRefusedError, LockHeldError, DirectoryNotFoundError
 */
export async function runPlanAndApply(options: RunPlanAndApplyOptions): Promise<PlanAndApplyResult> {
  const unfenced = options.store;
  const unfencedConnect = options.connect ?? connectActito(options.env);
  const saved = options.savedPlan;
  // Before anything else: an edited plan file is never trusted for anything, not even its repo.
  if (saved && !(await planDigestMatches(saved, unfenced)))
    throw new TamperedPlanError(options.savedPlanFile ?? null);
  // Each secret is read once for the whole run: recovery, refresh, activation and sync share it.
  const secrets = resolveSecretsOnce(
    await secretSourceFor(saved?.dir ?? options.dir, options.env, options.cwd),
  );
  const repo = saved?.repo ?? options.repo ?? (await resolveRepoId({ env: options.env, cwd: options.cwd }));
  const lease = await takeLease(unfenced, {
    name: "apply",
    purpose: "emi apply",
    ttlMs: leaseTtlMs(options.env),
    waitMs: options.lockWaitMs ?? 0,
    onWait: (error) => options.onLockWait?.(error.message),
  });
  const store = unfenced.fenced(lease.current());
  const connect: ConnectActito = (target) => fencedActito(unfencedConnect(target), lease).api;
  try {
    const recovered = await recoverPendingSteps({ store, connect, secrets, onEvent: options.onEvent });
    const created = await createPlan({
      dir: saved?.dir ?? options.dir,
      cwd: options.cwd,
      env: options.env,
      store,
      repo,
      connect,
      secrets,
      allowDeactivate: options.allowDeactivate ?? false,
      requireSecrets: options.requireSecrets ?? false,
      // A saved plan's findings were shown when it was made; they are not part of its basis.
      checkLinks: saved === undefined,
      strictLinks: options.strictLinks ?? false,
    });
    if (saved) {
      const changes = basisChanges(saved.basis, created.plan.basis);
      if (changes.length > 0) throw new StalePlanError(changes);
      // The basis can match while what apply would do differs (e.g. a rule of this emi): refuse too.
      const differences = planChangeDifferences(saved, created.plan);
      if (differences.length > 0) throw new StalePlanError(differences);
    }
    const plan = saved ?? created.plan;
    options.onPlan?.({ ...created, plan });
    // Checked on the plan made now, under the lock: it knows which keys are here.
    refusePlan(created.plan, { allowEmpty: options.allowEmpty ?? false });
    if (!hasChanges(plan)) return { plan, result: null, confirmed: true };
    if (options.confirm !== "yes" && !(await options.confirm(plan))) {
      return { plan, result: null, confirmed: false };
    }
    pauseForTest("apply-write", options.env);
    if (lease.lost.aborted) throw lease.lost.reason;
    const result = await applyPlan(plan, {
      store,
      desired: new Map(created.declared.map((d) => [d.integration.account, d.integration])),
      secrets,
      connect,
      allowDeactivate: options.allowDeactivate ?? false,
      recovered,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.afterStep ? { afterStep: options.afterStep } : {}),
      ...(options.runSync ? { runSync: options.runSync } : {}),
      ...(options.syncConcurrency !== undefined ? { syncConcurrency: options.syncConcurrency } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      // The syncs run under their licence leases: the next apply need not wait for them.
      beforeSync: () => lease.release(),
      forSync: { store: unfenced, connect: unfencedConnect },
    });
    return { plan, result, confirmed: true };
  } finally {
    await lease.release();
  }
}
