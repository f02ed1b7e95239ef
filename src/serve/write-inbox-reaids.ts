import pLimit from "p-limit";
import { ActitoApiError } from "../actito/errors.ts";
import type { ActitoApi } from "../actito/types.ts";
import { normaliseEmail } from "../store/normalise-email.ts";
import type { Store } from "../store/store.ts";
import { carriesReaid, profileEmail } from "../sync/profile-fields.ts";
import type { SyncTarget } from "../sync/resolve-sync-target.ts";
import type { ReaidLookupStore } from "./reaid-lookup-store.ts";
import { readEventProfiles } from "./read-event-profiles.ts";
import type { InboxEvent } from "../store/webhook-inbox.ts";

/** What became of one inbox event. */
export type InboxOutcome =
  | "written"
  | "unchanged"
  /** The REAID attribute holds a value the store does not know: left alone (emi never overwrites it). */
  | "foreign"
  /** The profile no longer exists. */
  | "gone"
  /** Covered by a sync of the integration (a large backlog, caught up by listing). */
  | "synced"
  | "no-email"
  /** Actito refused the write (e.g. another profile holds that REAID): the sync reports it. */
  | "refused";

export interface WriteInboxContext {
  api: ActitoApi;
  target: SyncTarget;
  namespace: string;
  store: Pick<Store, "getOrCreateReaids">;
  lookup: ReaidLookupStore;
  /** Calls to Actito at once (the licence limiter still has the last word). */
  concurrency?: number;
  /** No write starts after this time (ms since the epoch): the rest wait for the next slice. */
  deadline?: number;
}

/**
 * Writes the REAIDs of a few inbox events by PATCH on the profile id, from a fresh read of each
 * profile (readEventProfiles): its e-mail now, and what its REAID attribute holds now. A redelivered event finds the
 * REAID already there (`unchanged`). Returns the outcome of every event it settled; an operational
 * failure (Actito down, throttled) stops it and leaves the unsettled events in the inbox.
 */
export async function writeInboxReaids(
  ctx: WriteInboxContext,
  events: readonly InboxEvent[],
): Promise<{ settled: { event: InboxEvent; outcome: InboxOutcome }[]; error: unknown }> {
  const { api, target } = ctx;
  const concurrency = ctx.concurrency ?? 4;
  const limit = pLimit(concurrency);
  const settled: { event: InboxEvent; outcome: InboxOutcome }[] = [];
  const read = await readEventProfiles(api, target, events, concurrency);
  let error = read.error;
  const toWrite: { event: InboxEvent; email: string; current: unknown }[] = [];
  for (const event of events) {
    const profile = read.profiles.get(event.profileId);
    if (profile === undefined) continue; // not read: the error stopped the reads
    if (profile === null) {
      settled.push({ event, outcome: "gone" });
      continue;
    }
    const email = profileEmail(profile.attributes[target.emailAttribute]);
    if (email === null) settled.push({ event, outcome: "no-email" });
    else toWrite.push({ event, email, current: profile.attributes[target.reaidAttribute] });
  }
  if (toWrite.length === 0) return { settled, error };
  // The very store call the sync and GetOrCreate use: one REAID per e-mail, whoever asks first.
  const reaids = await ctx.store.getOrCreateReaids(
    ctx.namespace,
    toWrite.map((w) => w.email),
  );
  await Promise.all(
    toWrite.map(({ event, email, current }) =>
      limit(async () => {
        if (error !== null) return;
        if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) return; // left for the next slice
        const reaid = reaids.get(normaliseEmail(email))!;
        if (current === reaid) {
          settled.push({ event, outcome: "unchanged" });
          return;
        }
        if (carriesReaid(current)) {
          // Only a REAID of this namespace (an old e-mail's, written by emi) may be replaced.
          const known = await ctx.lookup.findReaid(String(current));
          if (known === null || known.namespace !== ctx.namespace) {
            settled.push({ event, outcome: "foreign" });
            return;
          }
        }
        try {
          await api.patchProfile(target.entity, target.tableId, event.profileId, {
            [target.reaidAttribute]: reaid,
          });
          settled.push({ event, outcome: "written" });
        } catch (caught) {
          if (caught instanceof ActitoApiError && caught.status === 404) {
            settled.push({ event, outcome: "gone" });
          } else if (caught instanceof ActitoApiError && [400, 409, 422].includes(caught.status)) {
            settled.push({ event, outcome: "refused" });
          } else {
            error ??= caught;
          }
        }
      }),
    ),
  );
  return { settled, error };
}
