import { setTimeout as delay } from "node:timers/promises";
import { ClientCache } from "../actito/client-cache.ts";
import { type ConnectActito, connectActito } from "../actito/connect-actito.ts";
import { type SecretSource, secretSourceFrom } from "../config/resolve-secret.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import type { Store } from "../store/store.ts";
import { errorMessage } from "../sync/error-message.ts";
import { licenceOf } from "../sync/licence-lease.ts";
import { runSync, type SyncResult } from "../sync/run-sync.ts";
import type { SyncEvent } from "../sync/sync-events.ts";
import { settlesInbox } from "../sync/sync-outcome.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { dueIntegrations } from "./due-integrations.ts";
import { heapTidier } from "../sync/heap-tidier.ts";
import { RunTally } from "./run-tally.ts";
import type { WatchMetrics } from "./watch-metrics.ts";
import type { WatchRecord } from "./watch-record.ts";

export interface WatchOptions {
  dir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  store: Store;
  /** An integration is due when its last successful sync is older than this. */
  intervalMs: number;
  /** Read a whole table when its last full read is older than this. */
  fullEveryMs: number;
  /** Licences synced at once. */
  concurrency: number;
  /** Aborted on SIGTERM/SIGINT: no new work; the syncs under way checkpoint and release their leases. */
  signal: AbortSignal;
  onRecord: (record: WatchRecord) => void;
  metrics?: WatchMetrics;
  /**
   * Accounts with webhook events waiting (`emi serve`'s inbox): synced at once, whatever their
   * interval. Asked every tick (at most every `pollMs`); default: none.
   */
  inboxDue?: () => Promise<ReadonlySet<number>>;
  /**
   * A run settled its account's inbox events received before `startedAt` (settlesInbox: it read
   * every profile changed before it started, or there is nothing to sync): the caller removes them.
   */
  onInboxSettled?: (account: number, startedAt: string) => void;
  /** Longest sleep between two looks at the schedule and the inbox (default 5 s, at most the interval). */
  pollMs?: number;
  /** How long this worker leaves a busy licence alone (default 30 s, at most the interval). */
  busyRetryMs?: number;
  /** Lease life of the licence leases (default 60 s). */
  leaseTtlMs?: number;
  /** Stop after this many cycles that synced something (benchmarks, tests). */
  maxCycles?: number;
  /** How clients are made (default `connectActito(env)`); the worker adds its request counting. */
  connect?: ConnectActito;
  now?: () => number;
  /** Told whether the loop is alive (for /healthz). */
  onAlive?: (alive: boolean) => void;
}

const noInbox = async (): Promise<ReadonlySet<number>> => new Set();

/**
 * `emi sync --watch`: a reconciler that keeps REAIDs fresh until its signal aborts. Each tick reads
 * the registry, the schedule and the inbox, works out what is due (dueIntegrations), re-reads the
 * declarations in `dir` before syncing (a sidecar's `git pull` is picked up; invalid files keep
 * the last valid set), and syncs the due integrations with runSync — licences side by side under
 * their leases, so any number of workers sharing the store split the fleet. A failed cycle (the
 * store not answering) is reported and retried with backoff; it never ends the loop.
 */
export async function runWatch(options: WatchOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const pollMs = Math.min(options.pollMs ?? 5_000, options.intervalMs);
  const busyRetryMs = Math.min(options.busyRetryMs ?? 30_000, options.intervalMs);
  const inboxDue = options.inboxDue ?? noInbox;
  const tally = new RunTally(now);
  // One client per integration for the worker's life: its token and connections outlive a run, so
  // an idle incremental sync does not fetch a token every time.
  const clients = new ClientCache(options.connect ?? connectActito(options.env), (integration) => ({
    logger: (event) => {
      tally.onClientEvent(integration.account, event);
      options.metrics?.request(licenceOf(integration), event);
    },
  }));
  const busyUntil = new Map<number, number>();
  const tidyHeap = heapTidier(now);
  let declared: DesiredIntegration[] | null = null;
  let declaredAt = Number.NEGATIVE_INFINITY;
  let cycles = 0;
  let storeFailures = 0;
  let lastWaiting = "";
  const time = () => new Date(now()).toISOString();

  let secrets: SecretSource = { env: options.env, cwd: options.cwd };
  // emi.config.yaml's retention.deletedProfilesDays (docs/privacy.md), read with the declarations.
  let retentionDays: number | undefined;
  const readDeclarations = async (): Promise<DesiredIntegration[]> => {
    const validation = await validateDirectory(options.dir, { cwd: options.cwd });
    const errors = validation.diagnostics.filter((d) => d.severity === "error");
    declaredAt = now();
    if (errors.length > 0 && declared !== null) {
      const first = errors[0]!;
      options.onRecord({
        type: "invalid",
        time: time(),
        message: `${errors.length} error(s), e.g. ${first.file}:${first.line}:${first.column} ${first.message}`,
      });
      return declared;
    }
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new WatchDeclarationsError(
        `the declarations in ${options.dir} are not valid (${first.file}:${first.line}:${first.column} ${first.message}): run emi validate`,
      );
    }
    declared = validation.declared.map((d) => d.integration);
    secrets = secretSourceFrom(validation.repository, options.env, options.cwd);
    retentionDays = validation.repository?.config.retention.deletedProfilesDays;
    return declared;
  };

  declared = await readDeclarations();
  options.onAlive?.(true);
  const onStop = () => {
    const reason: unknown = options.signal.reason;
    options.onRecord({
      type: "stopping",
      time: time(),
      signal: typeof reason === "string" ? reason : "stop",
      running: [...tally.running].map(([account, table]) => ({ account, table })),
    });
  };
  options.signal.addEventListener("abort", onStop, { once: true });
  try {
    while (!options.signal.aborted) {
      try {
        const registry = new Map((await options.store.listIntegrations()).map((e) => [e.account, e]));
        const scheduled = new Map((await options.store.listSchedule()).map((s) => [s.account, s]));
        const inbox = await inboxDue();
        storeFailures = 0;
        const known = new Set(declared.map((i) => i.account));
        const unknownActive = [...registry.values()].some(
          (e) => e.status === "active" && !known.has(e.account),
        );
        const input = () => ({
          integrations: declared ?? [],
          registry,
          schedule: scheduled,
          inbox,
          busyUntil,
          now: now(),
          intervalMs: options.intervalMs,
          fullEveryMs: options.fullEveryMs,
        });
        let plan = dueIntegrations(input());
        if (plan.due.length > 0 || unknownActive || now() - declaredAt >= options.intervalMs) {
          declared = await readDeclarations();
          plan = dueIntegrations(input());
        }
        if (plan.due.length > 0) {
          lastWaiting = "";
          await syncDue(plan.due);
          tidyHeap();
          cycles++;
          if (options.maxCycles !== undefined && cycles >= options.maxCycles) break;
          continue;
        }
        const inSeconds = plan.next ? Math.max(0, Math.ceil((plan.next.at - now()) / 1000)) : null;
        const waiting = `${plan.next?.account}:${inbox.size}`;
        if (waiting !== lastWaiting) {
          lastWaiting = waiting;
          options.onRecord({
            type: "waiting",
            time: time(),
            nextDue: plan.next && inSeconds !== null ? { account: plan.next.account, inSeconds } : null,
            licencesHeld: 0,
            inbox: inbox.size,
          });
        }
        const until = plan.next ? plan.next.at - now() : pollMs;
        await sleep(Math.max(10, Math.min(until, pollMs)));
      } catch (error) {
        if (error instanceof WatchDeclarationsError) throw error;
        storeFailures++;
        options.onAlive?.(false);
        const waitMs = Math.min(60_000, 1_000 * 2 ** Math.min(storeFailures - 1, 6));
        options.onRecord({
          type: "error",
          time: time(),
          message: errorMessage(error),
          retryInSeconds: Math.round(waitMs / 1000),
        });
        await sleep(waitMs);
        options.onAlive?.(true);
      }
    }
  } finally {
    await clients.close();
    options.signal.removeEventListener("abort", onStop);
    options.onAlive?.(false);
  }

  async function syncDue(due: ReturnType<typeof dueIntegrations>["due"]): Promise<void> {
    const integrations = due.map((d) => d.integration);
    const byAccount = new Map(integrations.map((i) => [i.account, i]));
    const fullAccounts = new Set(due.filter((d) => d.full).map((d) => d.integration.account));
    const why = new Map(due.map((d) => [d.integration.account, d.why]));
    const results: SyncResult[] = await runSync({
      store: options.store,
      integrations,
      fullAccounts,
      concurrency: options.concurrency,
      secrets,
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      signal: options.signal,
      ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
      onEvent: (event: SyncEvent) => tally.onEvent(event),
      connect: ({ apiKey, account }) => clients.get(byAccount.get(account!)!, apiKey),
    });
    // For the metrics only (profiles without a REAID): a store that does not answer here leaves the
    // gauge unknown, and the next cycle's reads report the failure.
    const after = new Map((await options.store.listSchedule().catch(() => [])).map((s) => [s.account, s]));
    for (const result of results) {
      const account = result.account;
      const run = tally.take(account);
      const at = new Date(now());
      if (result.outcome.kind === "skipped-busy") {
        const nextTry = now() + busyRetryMs;
        busyUntil.set(account, nextTry);
        options.onRecord({
          type: "busy",
          time: at.toISOString(),
          account,
          table: run.table,
          holder: result.outcome.holder,
          nextTry: new Date(nextTry).toISOString(),
        });
        continue;
      }
      busyUntil.delete(account);
      const startedAt = new Date(run.startedAt ?? (run.finishedAt ?? at.getTime()) - run.seconds * 1000);
      if (settlesInbox(result.outcome)) options.onInboxSettled?.(account, startedAt.toISOString());
      if (options.signal.aborted && (result.failed || result.health === "skipped")) continue;
      options.metrics?.run(result, at, after.get(account)?.withoutReaid ?? null);
      options.onRecord({
        type: "run",
        time: new Date(run.finishedAt ?? at.getTime()).toISOString(),
        startedAt: run.startedAt === null ? null : new Date(run.startedAt).toISOString(),
        account,
        table: run.table,
        mode: fullAccounts.has(account) ? "full" : "incremental",
        health: result.health,
        failed: result.failed,
        reason: result.reason,
        read: result.counts.seen,
        written: result.counts.written,
        rejected: result.counts.rejected,
        write: result.counts.written > 0 || run.imported ? (run.imported ? "import" : "patch") : null,
        importsUsedToday: run.importsUsedToday,
        importsPerDay: run.importsPerDay,
        calls: run.calls,
        seconds: run.seconds,
        why: why.get(account) ?? "interval",
      });
    }
  }

  async function sleep(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** The declarations were never valid: the worker has nothing to watch. */
export class WatchDeclarationsError extends Error {}
