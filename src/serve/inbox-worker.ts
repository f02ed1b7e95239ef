import { createActitoClient } from "../actito/create-actito-client.ts";
import type { ActitoApi } from "../actito/types.ts";
import { resolveSecret, type SecretSource } from "../config/resolve-secret.ts";
import { LockHeldError } from "../store/errors.ts";
import { type HeldLease, takeLease } from "../store/lease-keeper.ts";
import { namespaceOf } from "../store/namespace-of.ts";
import type { Store } from "../store/store.ts";
import type { WebhookInbox } from "../store/webhook-inbox.ts";
import { errorMessage } from "../sync/error-message.ts";
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
  /** Events handled per account per round (default 100). */
  batch?: number;
  onOutcome?: (outcome: InboxOutcome | "skipped", count: number) => void;
  /** One log line (JSON); never an e-mail, a key or a REAID. */
  log?: (line: Record<string, unknown>) => void;
}

/** The licence lease of an integration: the same name every worker (sync --watch, serve --worker) takes. */
export function licenceLeaseName(endpoint: string, entity: string): string {
  return `licence:${endpoint}/${entity}`;
}

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
    const events = await inbox.peekInbox(account, this.#deps.batch ?? 100);
    const entry = await store.findByAccount(account);
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
    let lease: HeldLease;
    try {
      lease = await takeLease(store, {
        name: licenceLeaseName(entry.endpoint, entry.entity),
        purpose: "webhook REAIDs",
        ttlMs: 60_000,
      });
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
