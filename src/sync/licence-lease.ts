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
  #held: Promise<HeldLease> | null = null;
  #fenced: Store | null = null;

  constructor(store: Store, licence: string, ttlMs: number) {
    this.#store = store;
    this.#name = licenceLeaseName(licence);
    this.#ttlMs = ttlMs;
  }

  /** The held lease, or LockHeldError naming who holds it. */
  hold(): Promise<HeldLease> {
    this.#held ??= takeLease(this.#store, { name: this.#name, purpose: "sync", ttlMs: this.#ttlMs }).then(
      (lease) => {
        this.#fenced = this.#store.fenced(lease.current());
        return lease;
      },
    );
    return this.#held;
  }

  /** The store fenced by the held lease (its writes commit only while it is current); null before it is held. */
  get store(): Store | null {
    return this.#fenced;
  }

  /** Gives the lease back, if it was taken. */
  async release(): Promise<void> {
    const held = await this.#held?.catch(() => null);
    await held?.release();
  }
}
