import { type ConnectActito, connectActito } from "../actito/connect-actito.ts";
import { createActitoClient } from "../actito/create-actito-client.ts";
import type { ActitoApi } from "../actito/types.ts";
import { resolveSecret, type SecretSource } from "../config/resolve-secret.ts";
import { LockHeldError } from "../store/errors.ts";
import { type HeldLease, takeLease } from "../store/lease-keeper.ts";
import { namespaceOf } from "../store/namespace-of.ts";
import type { Store } from "../store/store.ts";
import type { WebhookInbox } from "../store/webhook-inbox.ts";
import { errorMessage } from "../sync/error-message.ts";
import { INBOX_SLICE_PURPOSE, licenceWantedLeaseName } from "../sync/licence-lease.ts";
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
  secrets: SecretSource;
  clientFor?: (integration: DesiredIntegration, apiKey: string) => ActitoApi;
  /** How the backlog path's sync reaches Actito (default: clientFor, else connectActito). */
  connect?: ConnectActito;
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

/** The licence lease of an integration: the same name every worker (sync --watch, serve --worker) takes. */
export function licenceLeaseName(endpoint: string, entity: string): string {
  return `licence:${endpoint}/${entity}`;
}

/** Wait before trying a backlog sync again when another process held the licence. */
const CATCH_UP_RETRY_MS = 5_000;

interface Connection {
  api: ActitoApi;
  target: SyncTarget | null;
}

/**
 * Drains the webhook inbox: for each account with events, under its licence lease (skipped this
 * round when another worker holds it), writes those profiles' REAIDs (see writeInboxReaids) and
 * removes the events it settled. A client per account is kept between rounds; `close()` closes them.
 */
export class InboxWorker {
  readonly #deps: InboxWorkerDeps;
  readonly #connections = new Map<number, Connection>();
  /** Accounts already reported as undeclared, so the log says it once, not every second. */
  readonly #undeclared = new Set<number>();
  /** When the backlog sync of an account whose licence was busy is tried again. */
  readonly #catchUpAfter = new Map<number, number>();

  constructor(deps: InboxWorkerDeps) {
    this.#deps = deps;
  }

  /** One pass over every account with events; returns how many events it settled. */
  async drainOnce(): Promise<number> {
    let settled = 0;
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
    const licence = licenceLeaseName(entry.endpoint, entry.entity);
    // A sync waits for this licence: no new slice until it has had it.
    if (await syncWaitsFor(store, licence)) return 0;
    if (backlog >= (this.#deps.backlogFrom ?? 1000)) return this.#catchUp(integration, backlog);
    let lease: HeldLease;
    try {
      lease = await takeLease(store, { name: licence, purpose: INBOX_SLICE_PURPOSE, ttlMs: 60_000 });
    } catch (error) {
      if (error instanceof LockHeldError) return 0;
      throw error;
    }
    try {
      const connection = await this.#connect(integration);
      if (connection === null) return 0;
      connection.target ??= await resolveSyncTarget(connection.api, integration, entry);
      const { settled, error } = await writeInboxReaids(
        {
          api: connection.api,
          target: connection.target,
          namespace: namespaceOf(entry),
          store,
          lookup: this.#deps.lookup,
          deadline: Date.now() + (this.#deps.sliceMs ?? 15_000),
        },
        events,
      );
      await inbox.removeInboxEvents(settled.map((s) => s.event));
      const counts = new Map<InboxOutcome, number>();
      for (const { outcome } of settled) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      for (const [outcome, count] of counts) this.#deps.onOutcome?.(outcome, count);
      if (settled.length > 0)
        this.#deps.log?.({ msg: "inbox written", account, ...Object.fromEntries(counts) });
      if (error !== null) {
        this.#deps.log?.({ msg: "inbox write stopped", account, error: errorMessage(error) });
        connection.target = null;
      }
      return settled.length;
    } finally {
      await lease.release();
    }
  }

  /**
   * A large backlog is caught up the way a sync reads a table: runSync's incremental listing of the
   * profiles changed since its last run (a page of 1,000 per call), writes by PATCH or mass import,
   * and the removal of every event received before it began. Its events are never decided one by one.
   */
  async #catchUp(integration: DesiredIntegration, backlog: number): Promise<number> {
    const { store, inbox, secrets } = this.#deps;
    const { account } = integration;
    if ((this.#catchUpAfter.get(account) ?? 0) > Date.now()) return 0;
    const clientFor = this.#deps.clientFor;
    const connect: ConnectActito =
      this.#deps.connect ??
      (clientFor ? ({ apiKey }) => clientFor(integration, apiKey) : connectActito(secrets.env));
    const [result] = await runSync({ store, integrations: [integration], secrets, connect, inbox });
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

  async #connect(integration: DesiredIntegration): Promise<Connection | null> {
    const known = this.#connections.get(integration.account);
    if (known) return known;
    const apiKey = await resolveSecret(integration.actito.apiKey.secretRef, this.#deps.secrets);
    if (apiKey === null) {
      this.#deps.log?.({
        msg: "the Actito API key is not available here",
        account: integration.account,
        secretRef: integration.actito.apiKey.secretRef,
      });
      return null;
    }
    const api = this.#deps.clientFor
      ? this.#deps.clientFor(integration, apiKey)
      : createActitoClient({ endpoint: integration.actito.endpoint, apiKey, env: this.#deps.secrets.env });
    const connection: Connection = { api, target: null };
    this.#connections.set(integration.account, connection);
    return connection;
  }

  async close(): Promise<void> {
    for (const { api } of this.#connections.values()) await api.close().catch(() => undefined);
    this.#connections.clear();
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
