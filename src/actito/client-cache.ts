import type { DesiredIntegration } from "../types/declared.ts";
import type { ConnectActito, ConnectTarget } from "./connect-actito.ts";
import type { ActitoApi } from "./types.ts";

/**
 * The one key-caching policy of emi's long-running workers (`emi sync --watch`, `emi serve
 * --worker`): keys are read again for every run (a rotated key is picked up), and one Actito client
 * per integration, made through `ConnectActito` (so one limiter per licence per process), is kept
 * across runs while its key stays the same; a changed key replaces it. runSync closes the client it
 * is given after each run, so it gets a view whose `close` does nothing; the real clients are closed
 * with the cache.
 */
export class ClientCache {
  readonly #connect: ConnectActito;
  readonly #extra: (integration: DesiredIntegration) => Partial<ConnectTarget>;
  readonly #clients = new Map<number, { apiKey: string; api: ActitoApi; view: ActitoApi }>();

  /** `extra` adds to each integration's target, e.g. a logger that counts its calls. */
  constructor(
    connect: ConnectActito,
    extra: (integration: DesiredIntegration) => Partial<ConnectTarget> = () => ({}),
  ) {
    this.#connect = connect;
    this.#extra = extra;
  }

  get(integration: DesiredIntegration, apiKey: string): ActitoApi {
    const held = this.#clients.get(integration.account);
    if (held && held.apiKey === apiKey) return held.view;
    if (held) void held.api.close().catch(() => undefined);
    const api = this.#connect({
      ...this.#extra(integration),
      endpoint: integration.actito.endpoint,
      apiKey,
      entity: integration.actito.entity,
      account: integration.account,
    });
    const view = new Proxy(api, {
      get(target, property) {
        if (property === "close") return async () => {};
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    this.#clients.set(integration.account, { apiKey, api, view });
    return view;
  }

  async close(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(all.map((c) => c.api.close().catch(() => undefined)));
  }
}
