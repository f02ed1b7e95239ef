import type { Readable } from "node:stream";
import type { ActitoApi, ListProfilesOptions, ProfilePage } from "../actito/types.ts";
import type { HeldLease } from "../store/lease-keeper.ts";
import { EmiError } from "../types/errors.ts";
import { pauseForTest } from "./pause-for-test.ts";

/**
 * The process stalled (paused, stopped, starved) for more than a third of its lease's life since the
 * reads a write was decided from: the write is not made, and the caller reads again first.
 */
export class StaleReadError extends EmiError {
  constructor(stalledMs: number) {
    super(
      `this process was stalled for ${Math.round(stalledMs / 1000)} s since it read what it was about to write: it reads again first`,
    );
  }
}

/**
 * Actito seen by a lease holder. Actito has no conditional write, so before each write (a PATCH, an
 * attribute or a webhook subscription, a mass import once its file is built and before it is sent)
 * the holder confirms its fencing token in the store (`lease.confirm()`: LeaseLostError when a newer
 * holder exists, and nothing is sent). A decision taken from reads made before the event loop
 * stalled for more than a third of the lease's life is not sent either (StaleReadError: read again):
 * normal operation adds no call. What remains is a pause inside one call already sent (docs/leases.md).
 */
export function fencedActito(api: ActitoApi, lease: HeldLease): { api: ActitoApi; release(): void } {
  const limitMs = Math.max(10, Math.floor(lease.ttlMs / 3));
  let lastTick = performance.now();
  let stalledMs = 0;
  const tick = () => {
    const now = performance.now();
    if (now - lastTick > limitMs) stalledMs = Math.max(stalledMs, now - lastTick);
    lastTick = now;
  };
  const timer = setInterval(tick, Math.max(5, Math.floor(limitMs / 4)));
  timer.unref();
  const beforeWrite = async () => {
    tick();
    await lease.confirm();
    tick();
    if (stalledMs > 0) {
      const stalled = stalledMs;
      stalledMs = 0;
      throw new StaleReadError(stalled);
    }
  };
  async function* built(csv: Readable | AsyncIterable<string | Buffer>): AsyncGenerator<string | Buffer> {
    yield* csv;
    pauseForTest("import-built");
    await beforeWrite();
  }
  async function* listed(pages: AsyncIterable<ProfilePage>): AsyncGenerator<ProfilePage> {
    for await (const page of pages) {
      pauseForTest("listing-page");
      yield page;
    }
  }
  const overrides: Partial<ActitoApi> = {
    listProfiles: (entity: string, tableId: string, options?: ListProfilesOptions) =>
      listed(api.listProfiles(entity, tableId, options)),
    getProfile: async (entity: string, tableId: string, key: string) => {
      const profile = await api.getProfile(entity, tableId, key);
      pauseForTest("profile-read");
      return profile;
    },
    patchProfile: async (...args: Parameters<ActitoApi["patchProfile"]>) => {
      await beforeWrite();
      return api.patchProfile(...args);
    },
    addAttribute: async (...args: Parameters<ActitoApi["addAttribute"]>) => {
      await beforeWrite();
      return api.addAttribute(...args);
    },
    createWebhookSubscription: async (...args: Parameters<ActitoApi["createWebhookSubscription"]>) => {
      await beforeWrite();
      return api.createWebhookSubscription(...args);
    },
    changeWebhookSubscription: async (...args: Parameters<ActitoApi["changeWebhookSubscription"]>) => {
      await beforeWrite();
      return api.changeWebhookSubscription(...args);
    },
    startMassImport: (
      entity: string,
      definition: Parameters<ActitoApi["startMassImport"]>[1],
      csv: Readable | AsyncIterable<string | Buffer>,
    ) => api.startMassImport(entity, definition, built(csv)),
    close: () => {
      clearInterval(timer);
      return api.close();
    },
  };
  const fenced = new Proxy(api, {
    get(target, property) {
      const own = (overrides as Record<PropertyKey, unknown>)[property];
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  // release: stops watching for stalls (as closing the client does).
  return { api: fenced, release: () => clearInterval(timer) };
}
