import { LockHeldError } from "../store/errors.ts";
import { type HeldLease, takeLease } from "../store/lease-keeper.ts";
import type { Store } from "../store/store.ts";
import type { DesiredIntegration } from "../types/declared.ts";

/** An Actito licence (endpoint + entity): every integration on it shares its limits. */
export function licenceOf(integration: Pick<DesiredIntegration, "actito">): string {
  return `${integration.actito.endpoint}/${integration.actito.entity}`;
}

/** The store lease that lets one process at a time work on a licence, e.g. `licence:api3/nordlys`. */
export function licenceLeaseName(licence: string): string {
  return `licence:${licence}`;
}

/** The purpose of the inbox worker's licence lease: a bounded slice of webhook events. */
export const INBOX_SLICE_PURPOSE = "webhook REAIDs";

/**
 * The lease a sync holds while it waits for an inbox slice to end, e.g. `licence-wanted:api3/nordlys`:
 * the inbox worker starts no new slice on a licence a sync is waiting for.
 */
export function licenceWantedLeaseName(licenceLease: string): string {
  return `licence-wanted:${licenceLease.replace(/^licence:/, "")}`;
}

/** Integrations grouped by licence, in the order each licence first appears. */
export function groupByLicence<T extends Pick<DesiredIntegration, "actito">>(
  integrations: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const integration of integrations) {
    const licence = licenceOf(integration);
    const group = groups.get(licence);
    if (group) group.push(integration);
    else groups.set(licence, [integration]);
  }
  return groups;
}

/**
 * The lease of one licence for one run over its integrations, held by one owner throughout: taken
 * when the first integration needs it (one that is skipped for its own reasons does not take it),
 * kept for the next ones, released at the end of the run only. A licence busy elsewhere stays busy
 * for the rest of the run.
 */
export class LicenceHold {
  readonly #store: Store;
  readonly #name: string;
  readonly #ttlMs: number;
  readonly #inboxWaitMs: number;
  #held: Promise<HeldLease> | null = null;
  #fenced: Store | null = null;

  /**
   * `inboxWaitMs`: how long to wait for the inbox worker's slice to end when it holds the licence
   * (0: skip at once, like any other holder).
   */
  constructor(store: Store, licence: string, ttlMs: number, inboxWaitMs = 0) {
    this.#store = store;
    this.#name = licenceLeaseName(licence);
    this.#ttlMs = ttlMs;
    this.#inboxWaitMs = inboxWaitMs;
  }

  /** The held lease, or LockHeldError naming who holds it. */
  hold(): Promise<HeldLease> {
    this.#held ??= this.#take().then((lease) => {
      this.#fenced = this.#store.fenced(lease.current());
      return lease;
    });
    return this.#held;
  }

  /** The store fenced by the held lease (its writes commit only while it is current); null before it is held. */
  get store(): Store | null {
    return this.#fenced;
  }

  /**
   * Takes the licence; when the inbox worker holds it, says so with the `licence-wanted:` lease
   * (so it starts no new slice) and waits for its slice to end.
   */
  async #take(): Promise<HeldLease> {
    const options = { name: this.#name, purpose: "sync", ttlMs: this.#ttlMs };
    try {
      return await takeLease(this.#store, options);
    } catch (error) {
      const slice = error instanceof LockHeldError && error.holder.purpose === INBOX_SLICE_PURPOSE;
      if (!slice || this.#inboxWaitMs <= 0) throw error;
      const wanted = await takeLease(this.#store, {
        name: licenceWantedLeaseName(this.#name),
        purpose: "sync waiting for the licence",
        ttlMs: this.#ttlMs,
      }).catch(() => null); // another sync is waiting already: its lease says the same
      try {
        return await takeLease(this.#store, { ...options, waitMs: this.#inboxWaitMs, pollMs: 250 });
      } finally {
        await wanted?.release();
      }
    }
  }

  /** Gives the lease back, if it was taken. */
  async release(): Promise<void> {
    const held = await this.#held?.catch(() => null);
    await held?.release();
  }
}
