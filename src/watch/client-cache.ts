import type { ActitoApi } from "../actito/types.ts";
import type { DesiredIntegration } from "../types/declared.ts";

/**
 * Keeps one Actito client per integration across the runs of a `--watch` worker. runSync closes
 * the client it is given after each run, so it gets a view whose `close` does nothing; the real
 * clients are closed with the cache. A changed key (rotation) replaces the client.
 */
export class ClientCache {
  readonly #create: (integration: DesiredIntegration, apiKey: string) => ActitoApi;
  readonly #clients = new Map<number, { apiKey: string; api: ActitoApi; view: ActitoApi }>();

  constructor(create: (integration: DesiredIntegration, apiKey: string) => ActitoApi) {
    this.#create = create;
  }

  get(integration: DesiredIntegration, apiKey: string): ActitoApi {
    const held = this.#clients.get(integration.account);
    if (held && held.apiKey === apiKey) return held.view;
    if (held) void held.api.close().catch(() => undefined);
    const api = this.#create(integration, apiKey);
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
