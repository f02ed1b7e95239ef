import { ClientCache } from "../actito/client-cache.ts";
import { type ConnectActito, connectActito } from "../actito/connect-actito.ts";
import type { ActitoApi } from "../actito/types.ts";
import type { SecretSource } from "../config/resolve-secret.ts";
import { resolveSecretsOnce, type SecretResolver } from "../config/resolve-secrets-once.ts";
import { LeaseLostError, LockHeldError } from "../store/errors.ts";
import { leaseTtlMs, withLease } from "../store/lease-keeper.ts";
import { namespaceOf } from "../store/namespace-of.ts";
import type { RegistryEntry, Store } from "../store/store.ts";
import type { InboxEvent, WebhookInbox } from "../store/webhook-inbox.ts";
import { errorMessage } from "../sync/error-message.ts";
import { fencedActito } from "../sync/fenced-actito.ts";
import {
  INBOX_SLICE_PURPOSE,
  licenceLeaseName,
  licenceOf,
  licenceWantedLeaseName,
} from "../sync/licence-lease.ts";
import { runSync } from "../sync/run-sync.ts";
import { resolveSyncTarget, type SyncTarget } from "../sync/resolve-sync-target.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import type { ReaidLookupStore } from "./reaid-lookup-store.ts";
import { type InboxOutcome, writeInboxReaids } from "./write-inbox-reaids.ts";

export interface InboxWorkerDeps {
  store: Store;
  inbox: WebhookInbox;
  lookup: ReaidLookupStore;
  /** The declaration of an account's integration (its API key reference); null when not declared here. */
  integrationFor(account: number): DesiredIntegration | null;
  /**
   * Where keys are read, with the repository's allow-list (`secretSourceFrom`), as the CLI reads
   * them: read again every round, so a rotated key is picked up.
   */
  secrets: SecretSource | (() => SecretSource);
  /** How clients are made (default `connectActito(env)`: one limiter per licence in this process). */
  connect?: ConnectActito;
  /** Life of the licence lease (default `EMI_LEASE_TTL_SECONDS`, else 60 s). */
  leaseTtlMs?: number;
  /** Events handled per account per round (default 100). */
  batch?: number;
  /**
   * Longest slice of the licence one round holds (default 15 s): no write starts after it, and the
   * lease is given back, so a sync waiting for the licence gets it.
   */
  sliceMs?: number;
  /**
   * From this many waiting events of an account on, the backlog is caught up by a sync of the
   * integration (a listing of the changed profiles, then PATCHes or a mass import), not one event
   * at a time (default 1,000).
   */
  backlogFrom?: number;
  onOutcome?: (outcome: InboxOutcome | "skipped", count: number) => void;
  /** One log line (JSON); never an e-mail, a key or a REAID. */
  log?: (line: Record<string, unknown>) => void;
}

/** Wait before trying a backlog sync again when another process held the licence. */
const CATCH_UP_RETRY_MS = 5_000;

/**
 * Drains the webhook inbox: for each account with events, under its licence lease (skipped this
 * round when another worker holds it), writes those profiles' REAIDs (see writeInboxReaids) and
 * removes the events it settled. A client per account is kept between rounds; `close()` closes them.
 */
export class InboxWorker {
  readonly #deps: InboxWorkerDeps;
  readonly #clients: ClientCache;
  /** Each account's table, resolved once and again after a failed write. */
  readonly #targets = new Map<number, SyncTarget>();
  /** The keys of this round, read once each. */
  #secrets: SecretResolver | null = null;
  /** Accounts already reported as undeclared, so the log says it once, not every second. */
  readonly #undeclared = new Set<number>();
  /** When the backlog sync of an account whose licence was busy is tried again. */
  readonly #catchUpAfter = new Map<number, number>();

  constructor(deps: InboxWorkerDeps) {
    this.#deps = deps;
    this.#clients = new ClientCache(deps.connect ?? connectActito(this.#source().env));
  }

  #source(): SecretSource {
    const { secrets } = this.#deps;
    return typeof secrets === "function" ? secrets() : secrets;
  }

  /** One pass over every account with events; returns how many events it settled. */
  async drainOnce(): Promise<number> {
    let settled = 0;
    this.#secrets = resolveSecretsOnce(this.#source());
    for (const account of await this.#deps.inbox.accountsWithInbox()) {
      try {
        settled += await this.#drainAccount(account);
      } catch (error) {
        this.#deps.log?.({ msg: "inbox worker error", account, error: errorMessage(error) });
      }
    }
    return settled;
  }

  async #drainAccount(account: number): Promise<number> {
    const { store, inbox } = this.#deps;
    const entry = await store.findByAccount(account);
    const backlog = await inbox.countInboxOf(account);
    const events = await inbox.peekInbox(account, this.#deps.batch ?? 100);
    if (!entry || entry.account !== account || entry.status !== "active" || !entry.emailSync) {
      // Nothing to write for an integration that is gone or switched off; the sync stays the backstop.
      await inbox.removeInboxEvents(events);
      this.#deps.onOutcome?.("skipped", events.length);
      return events.length;
    }
    const integration = this.#deps.integrationFor(account);
    if (!integration) {
      if (!this.#undeclared.has(account)) {
        this.#undeclared.add(account);
        this.#deps.log?.({ msg: "inbox events for an account not declared in --dir: they wait", account });
      }
      return 0;
    }
    this.#undeclared.delete(account);
    const licence = licenceLeaseName(licenceOf(integration));
    // A sync waits for this licence: no new slice until it has had it.
    if (await syncWaitsFor(store, licence)) return 0;
    if (backlog >= (this.#deps.backlogFrom ?? 1000)) return this.#catchUp(integration, backlog);
    const reading = await (this.#secrets ?? resolveSecretsOnce(this.#source()))(
      integration.actito.apiKey.secretRef,
    );
    if (!reading.ok) {
      // The same rules as the CLI: a reference outside the repository's allow-list is never read.
      this.#deps.log?.({
        msg: "the Actito API key is not available here",
        account,
        secretRef: integration.actito.apiKey.secretRef,
        why: reading.message,
      });
      return 0;
    }
    const ttlMs = this.#deps.leaseTtlMs ?? leaseTtlMs(this.#source().env);
    const lease = { name: licence, purpose: INBOX_SLICE_PURPOSE, ttlMs };
    try {
      return await withLease(store, lease, async (held) => {
        // Under the lease: acknowledgements commit only while it is current, and each PATCH is
        // preceded by a check of its token (a paused worker that lost it writes nothing).
        const fencedStore = store.fenced(held.current());
        const fenced = fencedActito(this.#clients.get(integration, reading.value), held);
        try {
          return await this.#write(account, integration, entry, events, fencedStore, fenced.api);
        } finally {
          fenced.release();
        }
      });
    } catch (error) {
      if (error instanceof LockHeldError) return 0;
      if (error instanceof LeaseLostError) {
        this.#deps.log?.({ msg: "inbox write stopped: lease lost", account, error: error.message });
        return 0;
      }
      throw error;
    }
  }

  async #write(
    account: number,
    integration: DesiredIntegration,
    entry: RegistryEntry,
    events: readonly InboxEvent[],
    store: Store,
    api: ActitoApi,
  ): Promise<number> {
    let target = this.#targets.get(account);
    if (target === undefined) {
      target = await resolveSyncTarget(api, integration, entry);
      this.#targets.set(account, target);
    }
    const { settled, error } = await writeInboxReaids(
      {
        api,
        target,
        namespace: namespaceOf(entry),
        store,
        lookup: this.#deps.lookup,
        deadline: Date.now() + (this.#deps.sliceMs ?? 15_000),
      },
      events,
    );
    if (error instanceof LeaseLostError) throw error;
    await store.removeInboxEvents(settled.map((s) => s.event));
    const counts = new Map<InboxOutcome, number>();
    for (const { outcome } of settled) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    for (const [outcome, count] of counts) this.#deps.onOutcome?.(outcome, count);
    if (settled.length > 0)
      this.#deps.log?.({ msg: "inbox written", account, ...Object.fromEntries(counts) });
    if (error !== null) {
      this.#deps.log?.({ msg: "inbox write stopped", account, error: errorMessage(error) });
      this.#targets.delete(account);
    }
    return settled.length;
  }

  /**
   * A large backlog is caught up the way a sync reads a table: runSync's incremental listing of the
   * profiles changed since its last run (a page of 1,000 per call), writes by PATCH or mass import,
   * and the removal of every event received before it began. Its events are never decided one by one.
   */
  async #catchUp(integration: DesiredIntegration, backlog: number): Promise<number> {
    const { store } = this.#deps;
    const { account } = integration;
    if ((this.#catchUpAfter.get(account) ?? 0) > Date.now()) return 0;
    const source = this.#source();
    const connect = this.#deps.connect ?? connectActito(source.env);
    const [result] = await runSync({
      store,
      integrations: [integration],
      secrets: source,
      connect,
      ...(this.#deps.leaseTtlMs !== undefined ? { leaseTtlMs: this.#deps.leaseTtlMs } : {}),
    });
    if (result?.outcome.kind === "skipped-busy") {
      // Another process syncs this licence (its run drains the inbox too): look again in a while.
      this.#catchUpAfter.set(account, Date.now() + CATCH_UP_RETRY_MS);
      return 0;
    }
    this.#catchUpAfter.delete(account);
    this.#deps.log?.({ msg: "inbox backlog: caught up by a sync", account, backlog });
    const drained = result?.inbox?.drained ?? 0;
    this.#deps.log?.({
      msg: "inbox backlog sync finished",
      account,
      health: result?.health ?? "skipped",
      ...(result?.reason ? { reason: result.reason } : {}),
      drained,
      waiting: result?.inbox?.waiting ?? backlog,
    });
    if (drained > 0) this.#deps.onOutcome?.("synced", drained);
    return drained;
  }

  async close(): Promise<void> {
    await this.#clients.close();
  }
}

/** True while a sync holds the `licence-wanted:` lease of `licence` (a `licence:` lease name). */
async function syncWaitsFor(store: Pick<Store, "listLocks">, licence: string): Promise<boolean> {
  const wanted = licenceWantedLeaseName(licence);
  const now = Date.now();
  return (await store.listLocks()).some((l) => l.name === wanted && Date.parse(l.expiresAt) > now);
}

/**
 * Runs `worker.drainOnce()` every `intervalMs` (default 1 s) until stopped, with `before` and
 * `after` around each round; a round never overlaps the next.
 */
export function pollInbox(
  worker: InboxWorker,
  options: { intervalMs?: number; before?: () => Promise<void>; after?: () => Promise<void> } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> = Promise.resolve();
  const once = async () => {
    await options.before?.();
    await worker.drainOnce();
    await options.after?.();
  };
  const tick = () => {
    round = once()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 1000);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round.catch(() => undefined);
      await worker.close();
    },
  };
}
