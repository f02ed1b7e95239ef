import type { ActitoApi } from "../actito/types.ts";
import type { ErasureReason, ErasureStore } from "./erasure-store.ts";

export type { ErasureReason, ErasureStore } from "./erasure-store.ts";

/** One integration's table and the store, as erasure works on them. */
export interface ErasureContext {
  store: ErasureStore;
  api: ActitoApi;
  /** The table and its REAID attribute (see SyncTarget). */
  target: { entity: string; tableId: string; reaidAttribute: string };
  namespace: string;
  account: number;
}

/**
 * Erases REAIDs: first clears each from the profile that carries it in Actito (the attribute is
 * unique, so one profile at most; it holds emi's value, so clearing it never touches a value emi
 * did not write; profiles are never deleted), then removes them from the store with an erasure
 * record. Killed in between, a run again finds the REAIDs in the store and finishes the job.
 */
export async function eraseReaids(
  ctx: ErasureContext,
  reaids: readonly string[],
  reason: ErasureReason,
): Promise<{ erased: number; cleared: number }> {
  const { api, target } = ctx;
  let cleared = 0;
  for (const reaid of reaids) {
    const holder = await api.getProfile(target.entity, target.tableId, `${target.reaidAttribute}=${reaid}`);
    if (holder === null || holder.attributes[target.reaidAttribute] !== reaid) continue;
    await api.patchProfile(target.entity, target.tableId, String(holder.profileId), {
      [target.reaidAttribute]: null,
    });
    cleared++;
  }
  const erased =
    reaids.length > 0 ? await ctx.store.eraseReaids(ctx.namespace, reaids, reason, ctx.account) : 0;
  return { erased, cleared };
}
