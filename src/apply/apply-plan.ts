import { randomUUID } from "node:crypto";
import type { ConnectActito } from "../actito/connect-actito.ts";
import { type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import { accountsLeaving } from "../plan/plan-key-revocations.ts";
import type { Change, Plan } from "../plan/plan-types.ts";
import type { RegistryReader } from "../plan/registry-reader.ts";
import { LeaseLostError } from "../store/errors.ts";
import type { RegistryEntry, RegistryWrite, Store } from "../store/store.ts";
import { runSync as defaultRunSync, type RunSyncOptions, type SyncResult } from "../sync/run-sync.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { EmiError } from "../types/errors.ts";
import { activateIntegration } from "./activate-integration.ts";
import type { ApplyEvent, ApplyResult, ChangeOutcome, RecoveredStep } from "./apply-types.ts";
import { deactivateRealtimeStep } from "./ensure-realtime-step.ts";
import { journalStep, type StepContext, safeMessage } from "./journal-step.ts";

export interface ApplyPlanOptions {
  /** Every role: activation, the journal, and the sync after it (which takes its own leases). */
  store: Store;
  /** The declarations the plan was made from, by account (their secret references). */
  desired: ReadonlyMap<number, DesiredIntegration>;
  secrets: Secrets;
  /** How activation and the sync after it reach Actito. */
  connect: ConnectActito;
  allowDeactivate?: boolean;
  onEvent?: (event: ApplyEvent) => void;
  /** See StepContext.afterStep. */
  afterStep?: (step: string, account: number) => void;
  /** Steps recovered before planning, reported with the result. */
  recovered?: RecoveredStep[];
  /** Injected in tests; default src/sync. */
  runSync?: (options: RunSyncOptions) => Promise<SyncResult[]>;
  signal?: AbortSignal;
  /** Licences synced at once (default 8). */
  syncConcurrency?: number;
  /** Runs once the activations are written, before the syncs (apply releases its lease there). */
  beforeSync?: () => Promise<void>;
  /**
   * The store and Actito for the syncs, which run under their own licence leases once apply's lock
   * is released (default: `store` and `connect`, which apply fences by its lock).
   */
  forSync?: { store: Store; connect: ConnectActito };
}

/**
 * Executes a plan. The caller holds the store's apply lock, has recovered pending steps and has
 * checked the plan may run at all (refusePlan).
 * Order: sister releases and deactivations first, then activations (so a sister can move between
 * integrations in one apply), then the REAID sync of the integrations that need one. A change that
 * fails is reported and the others go on.
 */
export async function applyPlan(plan: Plan, options: ApplyPlanOptions): Promise<ApplyResult> {
  const started = performance.now();
  const secret = secretResolver(options.secrets);
  const ctx: StepContext = {
    store: options.store,
    applyId: randomUUID(),
    onEvent: options.onEvent,
    afterStep: options.afterStep,
  };
  const outcomes = new Map<number, ChangeOutcome>();
  const notes = new Map<number, string[]>();
  const finish = (
    change: Change,
    outcome: ChangeOutcome["outcome"],
    message: string,
    warnings: string[] = [],
  ) => {
    const result: ChangeOutcome = {
      account: change.account,
      action: change.action,
      target: targetName(change),
      outcome,
      message,
      warnings,
    };
    outcomes.set(change.account, result);
    options.onEvent?.({ type: "outcome", outcome: result });
  };

  for (const change of plan.changes) {
    const errors = change.problems.filter((p) => p.severity === "error");
    if (errors.length > 0)
      finish(change, "failed", `not applied: ${errors.map((p) => p.message).join("; ")}`);
    else if (change.action === "deactivate" && !options.allowDeactivate) {
      finish(change, "blocked", "deactivation blocked: run apply with --allow-deactivate");
    }
  }
  const pending = plan.changes.filter((c) => !outcomes.has(c.account) && c.action !== "no-op");

  // Phase 1: releases, so that claims in phase 2 find the accounts free. The service keys of the
  // accounts leaving an integration are revoked first, in a step of their own: no key outlives its
  // account's move (the registry write revokes them too, in its own transaction, as a backstop).
  for (const change of pending) {
    try {
      const leaving = accountsLeaving(change);
      if (leaving.length > 0) {
        const revoked = await journalStep(
          ctx,
          change.account,
          "revoke-service-keys",
          { accounts: leaving },
          () => options.store.revokeServiceKeys(change.account, leaving, new Date().toISOString()),
        );
        if (revoked.length > 0) {
          notes.set(change.account, [
            `${revoked.length} service key${revoked.length === 1 ? "" : "s"} revoked`,
          ]);
        }
      }
      if (change.action === "deactivate") {
        const entry = await journalStep(
          ctx,
          change.account,
          "deactivate",
          { sisterAccounts: [] },
          async () => {
            const entry = await ownerEntry(options.store, change.account);
            await options.store.putIntegration({
              ...toWrite(entry),
              sisterAccounts: [],
              status: "deactivated",
            });
            return entry;
          },
        );
        const webhooks = await deactivateRealtimeStep({ ctx, ...options, change, entry }).catch(
          (error: unknown) => `webhooks not deactivated: ${safeMessage(error)}`,
        );
        const revoked = notes.get(change.account) ?? [];
        finish(
          change,
          "applied",
          `deactivated (REAIDs and Actito data kept${[...revoked, ...(webhooks ? [webhooks] : [])].map((n) => `; ${n}`).join("")})`,
        );
      } else if (change.sisters.released.length > 0 && change.before && change.action !== "create") {
        const kept = change.before.sisterAccounts.filter((a) => !change.sisters.released.includes(a));
        await journalStep(ctx, change.account, "release-sisters", { sisterAccounts: kept }, async () => {
          const entry = await ownerEntry(options.store, change.account);
          await options.store.putIntegration({ ...toWrite(entry), sisterAccounts: kept });
        });
        notes.set(change.account, [
          ...change.sisters.released.map((a) => `sister ${a} released`),
          ...(notes.get(change.account) ?? []),
        ]);
      }
    } catch (error) {
      // A lost lock stops the whole apply: nothing more is written.
      if (error instanceof LeaseLostError) throw error;
      finish(change, "failed", safeMessage(error));
    }
  }

  // Phase 2: activations (create, update, replace) and syncs that are only due.
  const toSync: DesiredIntegration[] = [];
  const toSyncFull: DesiredIntegration[] = [];
  for (const change of pending) {
    if (outcomes.has(change.account)) continue;
    const desired = options.desired.get(change.account);
    if (!desired) {
      finish(change, "failed", `no declaration for ${change.account} to apply (was the folder changed?)`);
      continue;
    }
    try {
      if (change.action === "sync") {
        await journalStep(ctx, change.account, "sync-due", {}, () =>
          options.store.setSyncStatus(change.account, { health: "due" }),
        );
        toSync.push(desired);
        finish(change, "applied", "sync due");
        continue;
      }
      if (change.takeover) {
        // The table's REAIDs stay as they are in Actito: only the namespace that owns them changes.
        const from = String(change.takeover.from);
        await journalStep(ctx, change.account, "take-over-reaids", { from }, async () => {
          await options.store.takeOverReaids(from, String(change.account));
        });
      }
      const activation = await activateIntegration({
        ctx,
        store: options.store,
        connect: options.connect,
        secret,
        repo: plan.repo,
        change,
        desired,
      });
      // The plan decided how much the sync reads; a conflicting attribute met here stops it.
      if (change.syncAfter !== null && !activation.attributeConflict) {
        (change.syncAfter === "full" ? toSyncFull : toSync).push(desired);
      }
      const verb = { create: "activated", replace: "replaced", update: "updated" }[
        change.action as "create" | "replace" | "update"
      ];
      const all = [...(notes.get(change.account) ?? []), ...activation.notes];
      finish(change, "applied", `${verb}${all.length ? ` (${all.join(", ")})` : ""}`, activation.warnings);
    } catch (error) {
      // A lost lock stops the whole apply: nothing more is written.
      if (error instanceof LeaseLostError) throw error;
      finish(change, "failed", safeMessage(error));
    }
  }

  // Phase 3: the REAID sync of what was activated.
  const syncs: SyncResult[] = [];
  let syncError: string | null = null;
  await options.beforeSync?.();
  for (const [integrations, full] of [
    [toSyncFull, true],
    [toSync, false],
  ] as const) {
    if (integrations.length === 0) continue;
    try {
      syncs.push(
        ...(await (options.runSync ?? defaultRunSync)({
          store: options.forSync?.store ?? options.store,
          integrations: [...integrations],
          secrets: secret,
          connect: options.forSync?.connect ?? options.connect,
          full,
          // The full ones are a replace's or a re-added attribute's: every profile needs writing.
          newAttribute: full,
          onEvent: (event) => options.onEvent?.({ type: "sync", event }),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.syncConcurrency !== undefined ? { concurrency: options.syncConcurrency } : {}),
        })),
      );
    } catch (error) {
      syncError = safeMessage(error);
    }
  }

  for (const change of plan.changes) {
    if (!outcomes.has(change.account)) finish(change, "unchanged", "unchanged");
  }
  return {
    applyId: ctx.applyId,
    recovered: options.recovered ?? [],
    outcomes: plan.changes.map((c) => outcomes.get(c.account)!).filter((o) => o.outcome !== "unchanged"),
    syncs,
    syncError,
    durationMs: performance.now() - started,
  };
}

async function ownerEntry(store: RegistryReader, account: number): Promise<RegistryEntry> {
  const entry = await store.findByAccount(account);
  if (!entry || entry.account !== account) {
    throw new EmiError(`integration ${account} is no longer in the registry`);
  }
  return entry;
}

function toWrite(entry: RegistryEntry): RegistryWrite {
  const { revision: _r, updatedAt: _u, sync: _s, ...write } = entry;
  return write;
}

function targetName(change: Change): string {
  const view = change.after ?? change.before;
  return view ? `${view.entity}/${view.profileTable ?? "?"}` : "";
}
