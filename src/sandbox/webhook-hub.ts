import { randomUUID } from "node:crypto";
import type { ProfileChange } from "./profile-table-store.ts";
import type { WebhookSubscription } from "./webhook-subscription.ts";

/** `GET /_sandbox/stats` → `webhooks`. */
export interface WebhookStats {
  /** Deliveries answered 2xx. */
  delivered: number;
  /** Events in those deliveries. */
  eventsDelivered: number;
  /** Failed attempts that were tried again. */
  retried: number;
  /** Deliveries given up after the last attempt (their events are lost: the sync is the backstop). */
  dropped: number;
  eventsDropped: number;
}

export interface WebhookHubOptions {
  /** Waits before the 2nd, 3rd, … attempt (default 100, 400, 1600 ms: four attempts). */
  retryDelaysMs?: number[];
  /** How long a bulk block collects events before it is sent (default 20 ms). */
  bulkWindowMs?: number;
  /** Longest wait for a target's answer (default 5 s). */
  timeoutMs?: number;
}

interface Pending {
  subscription: WebhookSubscription;
  events: Record<string, unknown>[];
  timer: NodeJS.Timeout;
}

/**
 * The sandbox's webhook subscriptions, per entity, and their delivery: each matching profile change
 * becomes an event posted to the subscription's target with its headers, one per call (ONE_BY_ONE)
 * or gathered into blocks of at most `maxBlockSize` (BULK). A failed call is retried a few times,
 * then dropped and counted. Delivery runs in the background and never delays the API call.
 */
export class WebhookHub {
  readonly stats: WebhookStats = {
    delivered: 0,
    eventsDelivered: 0,
    retried: 0,
    dropped: 0,
    eventsDropped: 0,
  };
  readonly #byEntity = new Map<string, Map<string, WebhookSubscription>>();
  readonly #pending = new Map<string, Pending>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #options: Required<WebhookHubOptions>;
  #nextId = 1;
  #closed = false;

  constructor(options: WebhookHubOptions = {}) {
    this.#options = {
      retryDelaysMs: options.retryDelaysMs ?? [100, 400, 1600],
      bulkWindowMs: options.bulkWindowMs ?? 20,
      timeoutMs: options.timeoutMs ?? 5000,
    };
  }

  newId(): string {
    return String(this.#nextId++);
  }

  list(entity: string): WebhookSubscription[] {
    return [...(this.#byEntity.get(entity)?.values() ?? [])];
  }

  get(entity: string, id: string): WebhookSubscription | undefined {
    return this.#byEntity.get(entity)?.get(id);
  }

  put(entity: string, subscription: WebhookSubscription): void {
    let subscriptions = this.#byEntity.get(entity);
    if (!subscriptions) {
      subscriptions = new Map();
      this.#byEntity.set(entity, subscriptions);
    }
    subscriptions.set(subscription.id, subscription);
  }

  delete(entity: string, id: string): boolean {
    return this.#byEntity.get(entity)?.delete(id) ?? false;
  }

  /** Called for every profile change of a table: queues an event for each matching subscription. */
  profileChanged(entity: string, tableId: string, change: ProfileChange): void {
    if (this.#closed) return;
    for (const subscription of this.list(entity)) {
      if (!subscription.isActive || subscription.onElementId !== tableId) continue;
      if (subscription.eventType !== change.type) continue;
      if (
        change.type === "UPDATE" &&
        subscription.onFields.length > 0 &&
        !change.changed.some((field) => subscription.onFields.includes(field))
      ) {
        continue;
      }
      const data = { ...change.values, eventType: change.type, profileId: String(change.profileId) };
      if (subscription.pushMode === "ONE_BY_ONE") this.#send(entity, subscription, [data], false);
      else this.#gather(entity, subscription, data);
    }
  }

  #gather(entity: string, subscription: WebhookSubscription, data: Record<string, unknown>): void {
    const key = `${entity}/${subscription.id}`;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = {
        subscription,
        events: [],
        timer: setTimeout(() => this.#flush(entity, key), this.#options.bulkWindowMs),
      };
      this.#pending.set(key, pending);
    }
    pending.events.push(data);
    if (pending.events.length >= subscription.maxBlockSize) this.#flush(entity, key);
  }

  #flush(entity: string, key: string): void {
    const pending = this.#pending.get(key);
    if (!pending) return;
    this.#pending.delete(key);
    clearTimeout(pending.timer);
    this.#send(entity, pending.subscription, pending.events, true);
  }

  #send(
    entity: string,
    subscription: WebhookSubscription,
    events: Record<string, unknown>[],
    bulk: boolean,
  ): void {
    const envelope = {
      id: randomUUID(),
      data: bulk ? events : events[0],
      _links: { webhook: { href: `/webhooks/v4/entity/${entity}/webhookSubscription/${subscription.id}` } },
    };
    const delivery = this.#deliver(subscription, JSON.stringify(envelope), events.length).finally(() =>
      this.#inFlight.delete(delivery),
    );
    this.#inFlight.add(delivery);
  }

  async #deliver(subscription: WebhookSubscription, body: string, count: number): Promise<void> {
    const delays = this.#options.retryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await fetch(subscription.targetUrl, {
          method: "POST",
          // Actito ignores a Content-Type among the subscription's headers: JSON it is.
          headers: { ...subscription.headers, "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
        await answer.arrayBuffer().catch(() => undefined);
        if (answer.ok) {
          this.stats.delivered++;
          this.stats.eventsDelivered += count;
          return;
        }
      } catch {
        // Connection refused, timeout: retried like an error status.
      }
      if (attempt >= delays.length || this.#closed) {
        this.stats.dropped++;
        this.stats.eventsDropped += count;
        return;
      }
      this.stats.retried++;
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }

  /** Sends what is gathered, waits for deliveries under way (no more retries), then stops. */
  async close(): Promise<void> {
    for (const key of [...this.#pending.keys()]) this.#flush(key.slice(0, key.lastIndexOf("/")), key);
    this.#closed = true;
    await Promise.all([...this.#inFlight]);
  }
}
