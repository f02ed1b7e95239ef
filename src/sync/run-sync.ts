import { setTimeout as delay } from "node:timers/promises";
import pLimit from "p-limit";
import type { ConnectActito } from "../actito/connect-actito.ts";
import { readActitoQuota } from "../actito/actito-quota.ts";
import {
  ActitoUnavailableError,
  ImportOutcomeUnknownError,
  MassImportTimeoutError,
  RateLimitedError,
} from "../actito/errors.ts";
import { type SecretResolver, type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import { LeaseLostError, LockHeldError } from "../store/errors.ts";
import { type HeldLease, leaseTtlMs } from "../store/lease-keeper.ts";
import type { RegistryEntry, Store } from "../store/store.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { errorMessage } from "./error-message.ts";
import { fencedActito, StaleReadError } from "./fenced-actito.ts";
import { groupByLicence, LicenceHold, licenceOf } from "./licence-lease.ts";
import { recordScheduled } from "./record-scheduled.ts";
import type { IntegrationRunOutcome } from "./report-run.ts";
import { resolveSyncTarget } from "./resolve-sync-target.ts";
import type { SyncEvent, SyncEventBody, SyncRunCounts } from "./sync-events.ts";
import { linkedSignal } from "./linked-signal.ts";
import { syncIntegrationOnce } from "./sync-integration-once.ts";
import type { SyncOutcome } from "./sync-outcome.ts";
import { type SyncResult, syncResult } from "./sync-result.ts";
import type { InboxBacklog } from "./sync-store.ts";
import { lastRunFactsOf } from "./last-run-facts.ts";
import {
  actitoSyncLimits,
  choosePatchThreshold,
  importPollMs,
  reaidBatchProfiles,
  type SyncLimits,
  utcDay,
} from "./write-strategy.ts";

export type { SyncEvent } from "./sync-events.ts";
export type { SyncResult } from "./sync-result.ts";

export interface RunSyncOptions {
  store: Store;
  /**
   * Days an address may stay unseen by full reads before its REAID is erased
   * (`retention.deletedProfilesDays`, docs/privacy.md); absent: no retention erasure.
   */
  retentionDays?: number;
  integrations: DesiredIntegration[];
  /** Where keys come from; apply passes its run's resolver, so each key is read once per apply. */
  secrets: Secrets;
  /** How each integration reaches Actito: the CLI passes `connectActito(env)`, apply its own. */
  connect: ConnectActito;
  /** Read every profile, not only those changed since the last run. */
  full?: boolean;
  /** Read every profile of these accounts only (the `--watch` daily full read). */
  fullAccounts?: ReadonlySet<number>;
  /**
   * The REAID attribute is new on these tables (apply's replace, or an attribute re-added after
   * someone removed it): every profile needs it written, so the writes are planned as a first
   * sync's, with a mass import, whatever the hour (choosePatchThreshold).
   */
  newAttribute?: boolean;
  onEvent?: (event: SyncEvent) => void;
  signal?: AbortSignal;
  /**
   * The webhook inbox: a run that ends in sync removes the events its read covered, and every
   * result reports what still waits. Default: the store's own inbox; null: none.
   */
  inbox?: InboxBacklog | null;
  /** Actito's limits as the sync plans for them (default: Actito's documented values). */
  limits?: Partial<SyncLimits>;
  /** Rows written one profile at a time before switching to a mass import (default: choosePatchThreshold). */
  patchThreshold?: number;
  /** Profiles read per store call that creates REAIDs (default `reaidBatchProfiles`, 50,000). */
  reaidBatchProfiles?: number;
  /** Wait before re-reading rows whose import submission had no answer (default 60 s). */
  uncertainGraceMs?: number;
  /** First poll interval of a mass import's status (default `importPollMs`: 1 s at Actito's limits). */
  pollMs?: number;
  /** Longest wait for one mass import before the run stops and resumes it next time (default 1 h). */
  importTimeoutMs?: number;
  /** Runs after a recoverable failure within one `runSync` (default 5). */
  maxAttempts?: number;
  /**
   * How far before a run's start the next incremental run reads again, to cover clock skew between
   * this machine and Actito's `updateMoment` (default 2 min).
   */
  watermarkMarginMs?: number;
  /**
   * Lease life; renewed every third of it (default `EMI_LEASE_TTL_SECONDS`, else 60 s: a dead
   * worker's licences are free within a minute).
   */
  leaseTtlMs?: number;
  /**
   * How long to wait for the inbox worker's slice when it holds a licence (default 45 s; its
   * slices last at most `sliceMs`, 15 s by default); past that, or for any other holder, skipped.
   */
  inboxSliceWaitMs?: number;
  /** Licences synced at once (default 8); the integrations of one licence always run one after another. */
  concurrency?: number;
  now?: () => Date;
}

const noCounts = (): SyncRunCounts => ({ seen: 0, written: 0, skipped: 0, rejected: 0, duplicates: 0 });

/**
 * Makes every profile of each integration's Actito table carry the REAID of its e-mail address.
 * Licences (endpoint + entity) run side by side, `concurrency` at once; the integrations of one
 * licence run one after another under the licence's lease `licence:<endpoint>/<entity>`, so no two
 * processes on any machine ever work on one licence at once. A licence busy elsewhere is skipped,
 * its integrations marked due. Integrations with `emailSync: false` are not touched. Health and
 * counts go to the registry (`setSyncStatus`), times to the sync schedule; progress goes to
 * `onEvent`. Never throws for one integration's failure: it becomes a `degraded` result with
 * `failed: true`. Results come in the order of `integrations`.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncResult[]> {
  const results = new Map<DesiredIntegration, SyncResult>();
  // One resolver for the run: each key is read once, whatever the number of integrations using it.
  const secret = secretResolver(options.secrets);
  const limit = pLimit(Math.max(1, options.concurrency ?? 8));
  const ttlMs = options.leaseTtlMs ?? leaseTtlMs(secret.source.env);
  const inbox = options.inbox === undefined ? options.store : options.inbox;
  await Promise.all(
    [...groupByLicence(options.integrations)].map(([licence, group]) =>
      limit(async () => {
        const hold = new LicenceHold(options.store, licence, ttlMs, options.inboxSliceWaitMs ?? 45_000);
        try {
          for (const integration of group) {
            if (options.signal?.aborted) break;
            const result = await syncOne(options, integration, hold, secret);
            if (inbox && integration.emailSync) {
              // The store's own inbox is drained under the licence lease (fenced) like every write.
              const drain = options.inbox === undefined ? (hold.store ?? options.store) : inbox;
              result.inbox ??= await inboxAfter(drain, options.store, result);
            }
            results.set(integration, result);
            // A run stopped by the signal checkpointed: it is neither a success nor a failure.
            if (!options.signal?.aborted) {
              // Under the licence lease, the schedule is written only while the lease is current.
              await recordScheduled(
                {
                  ...options,
                  store: hold.store ?? options.store,
                  full: isFull(options, integration.account),
                },
                integration,
                result,
              );
            }
          }
        } finally {
          await hold.release();
        }
      }),
    ),
  );
  return options.integrations.flatMap((i) => {
    const result = results.get(i);
    return result ? [result] : [];
  });
}

async function syncOne(
  options: RunSyncOptions,
  integration: DesiredIntegration,
  licence: LicenceHold,
  secret: SecretResolver,
): Promise<SyncResult> {
  const account = integration.account;
  let store: Store = options.store;
  const onEvent = options.onEvent ?? (() => {});
  // Every event names its table, so each output line can: the declared name until Actito answers.
  let table = `${integration.actito.entity}/${integration.actito.profileTable ?? "?"}`;
  const emit = (event: SyncEventBody) => onEvent({ ...event, table } as SyncEvent);
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const limits: SyncLimits = {
    ...actitoSyncLimits,
    callsPerMinute: readActitoQuota(secret.source.env).callsPerMinute,
    ...options.limits,
  };
  const done = (
    result: SyncResult,
    importsUsedToday: number | null,
    actual: IntegrationRunOutcome["actual"] | null = null,
  ): SyncResult => {
    emit({
      type: "sync-finished",
      account,
      outcome: result.outcome,
      health: result.health,
      reason: result.reason,
      counts: result.counts,
      importsUsedToday,
      importsPerDay: importsUsedToday === null ? null : limits.importsPerDay,
      actual,
      seconds: (Date.now() - started) / 1000,
      failed: result.failed,
    });
    return result;
  };
  const skipped = (outcome: SyncOutcome, reason: string) =>
    done(syncResult(account, outcome, reason, noCounts()), null);

  if (!integration.emailSync) return skipped({ kind: "skipped-email-sync-off" }, "emailSync is false");
  const entry = await store.findByAccount(account);
  if (entry?.profileTable && !integration.actito.profileTable) {
    table = `${integration.actito.entity}/${entry.profileTable}`;
  }
  if (!entry || entry.account !== account || entry.status !== "active") {
    return skipped({ kind: "skipped-inactive" }, notActiveReason(entry, account));
  }
  const reading = await secret(integration.actito.apiKey.secretRef);
  if (!reading.ok) return fail(`the API key is not available here (${reading.message})`);
  const apiKey = reading.value;

  async function fail(reason: string, counts: SyncRunCounts = noCounts()): Promise<SyncResult> {
    await store
      .setSyncStatus(account, { health: "degraded", reason, lastRun: now().toISOString(), counts })
      .catch(() => undefined);
    return done(syncResult(account, { kind: "failed" }, reason, counts), null);
  }

  let lease: HeldLease;
  try {
    lease = await licence.hold();
  } catch (error) {
    // LicenceHold takes only the licence's lease: held means another process syncs this licence.
    if (error instanceof LockHeldError) {
      const { owner, expiresAt } = error.holder;
      const since = await busySince(store, licenceOf(integration));
      const outcome: SyncOutcome = { kind: "skipped-busy", holder: owner, until: expiresAt };
      if (since) outcome.since = since;
      return skipped(outcome, `licence busy (${owner})`);
    }
    throw error;
  }
  if (lease.lost.aborted) {
    const why = lease.lost.reason;
    const reason = why instanceof LeaseLostError ? why.message : `lease lost: ${errorMessage(why)}`;
    return done(syncResult(account, { kind: "failed" }, reason, noCounts()), null);
  }
  // From here on, every store write commits only while this process holds the licence, and every
  // Actito write is preceded by a check of the lease's token (see fencedActito).
  store = licence.store ?? store;
  const fenced = fencedActito(
    options.connect({
      endpoint: integration.actito.endpoint,
      apiKey,
      entity: integration.actito.entity,
      account,
    }),
    lease,
  );
  const api = fenced.api;
  const linked = linkedSignal([lease.lost, ...(options.signal ? [options.signal] : [])]);
  const stop = linked.signal;
  try {
    await store.setSyncStatus(account, { health: "syncing", reason: null });
    const target = await resolveSyncTarget(api, integration, entry);
    table = `${target.entity}/${target.tableName}`;
    const maxAttempts = options.maxAttempts ?? 5;
    let outcome: IntegrationRunOutcome | undefined;
    for (let attempt = 1; outcome === undefined; attempt++) {
      try {
        outcome = await syncIntegrationOnce({
          store,
          api,
          account,
          namespace: String(account),
          target,
          adopt: integration.actito.adoptExistingReaids === true,
          full: isFull(options, account),
          retentionDays: options.retentionDays ?? null,
          limits,
          patchThreshold:
            options.patchThreshold ??
            choosePatchThreshold({
              limits,
              importsUsedToday: await store.countImports(target.quotaKey, utcDay(now())),
              now: now(),
              firstSync:
                options.newAttribute === true || (await store.getCheckpoint(account))?.watermark == null,
            }),
          reaidBatchProfiles: options.reaidBatchProfiles ?? reaidBatchProfiles,
          uncertainGraceMs: options.uncertainGraceMs ?? 60_000,
          pollMs: options.pollMs ?? importPollMs(limits),
          importTimeoutMs: options.importTimeoutMs ?? 3_600_000,
          watermarkMarginMs: options.watermarkMarginMs ?? 120_000,
          emit,
          signal: stop,
          now,
          sleep: (ms, signal) => delay(ms, undefined, { signal }),
        });
      } catch (error) {
        // The checkpoint says exactly where to pick up, so a transient failure is just a resume.
        if (!isTransient(error) || attempt >= maxAttempts || stop.aborted) throw error;
      }
    }
    await store.setSyncStatus(account, {
      health: outcome.health,
      reason: outcome.reason,
      lastRun: now().toISOString(),
      counts: outcome.counts,
    });
    return done(
      syncResult(account, { kind: "synced", health: outcome.health }, outcome.reason, outcome.counts),
      outcome.importsUsedToday,
      outcome.actual,
    );
  } catch (error) {
    if (options.signal?.aborted && !lease.lost.aborted) {
      // Stopped on purpose (SIGTERM to a --watch worker): the checkpoint says where to resume.
      const reason = `stopped (${String(options.signal.reason)}); resumes from its checkpoint`;
      await store.setSyncStatus(account, { health: "due", reason }).catch(() => undefined);
      return skipped({ kind: "skipped-stopped" }, reason);
    }
    const lost = error instanceof LeaseLostError ? error : lease.lost.aborted ? lease.lost.reason : null;
    if (lost !== null) {
      // Written only if the lease is still current: when it was lost, nothing is.
      return fail(lost instanceof LeaseLostError ? lost.message : `lease lost: ${errorMessage(error)}`);
    }
    return fail(errorMessage(error));
  } finally {
    linked.dispose();
    fenced.release();
    await api.close().catch(() => undefined);
  }
}

/** Since when another process has held a licence (`<endpoint>/<entity>`), when the store says. */
async function busySince(store: Store, licence: string): Promise<string | null> {
  const leases = await store.licenceLeases().catch(() => []);
  return leases.find((l) => l.licence === licence)?.since ?? null;
}

/**
 * The inbox after one integration's run: a run that ended in sync read every change made before its
 * listing began, so the events received before then are settled; the rest wait (for the inbox
 * worker, or the next run). Best effort: an inbox that cannot be read is left as it is.
 */
async function inboxAfter(
  inbox: InboxBacklog,
  store: Store,
  result: SyncResult,
): Promise<SyncResult["inbox"]> {
  try {
    let drained = 0;
    if (result.health === "in sync" && !result.failed) {
      const startedAt = lastRunFactsOf(await store.getCheckpoint(result.account))?.startedAt;
      if (startedAt) drained = await inbox.removeInboxEventsBefore(result.account, startedAt);
    }
    return { drained, waiting: await inbox.countInboxOf(result.account) };
  } catch {
    return undefined;
  }
}

/** Why an integration cannot sync from the registry's side: what `emi sync --account` says. */
function notActiveReason(entry: RegistryEntry | null, account: number): string {
  if (entry === null) {
    return "not active in the registry: no apply has activated it (an apply that refused it said why: run emi plan)";
  }
  if (entry.account !== account) return `account ${account} is a sister of ${entry.account} in the registry`;
  const why = entry.sync.reason ? ` (${entry.sync.reason})` : "";
  return `${entry.status} in the registry${why}: run emi plan to see what apply would do`;
}

function isFull(options: RunSyncOptions, account: number): boolean {
  return (options.full ?? false) || (options.fullAccounts?.has(account) ?? false);
}

function isTransient(error: unknown): boolean {
  return (
    error instanceof ImportOutcomeUnknownError ||
    error instanceof ActitoUnavailableError ||
    error instanceof MassImportTimeoutError ||
    error instanceof RateLimitedError ||
    error instanceof StaleReadError
  );
}
