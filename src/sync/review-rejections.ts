import pLimit from "p-limit";
import type { Rejection } from "../store/store.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { lookUpRefused } from "./look-up-refused.ts";
import type { ReaidClaims } from "./reaid-claims.ts";
import { importKey, profileRef, type ReaidWrite } from "./reaid-write.ts";
import { countDuplicates, type RunState } from "./sync-run-state.ts";

/** Rows rejected by earlier runs, sorted out before the listing is read. */
export interface RejectionReview {
  /** Rows to write again, from a fresh read of each profile. */
  retry: ReaidWrite[];
  /** Rejected three times: reported, not retried (ref → Actito's reason). */
  givenUp: Map<string, string>;
  /** Refs found to be duplicates, cleared and counted already. */
  settled: Set<string>;
}

/**
 * Reads every profile with a recorded rejection again (its e-mail may have changed): one that is gone
 * or now carries its REAID is cleared; one whose REAID another profile with the same e-mail holds is
 * a duplicate, cleared and counted; the rest is retried, or left alone after three rejections.
 */
export async function reviewRejections(
  ctx: IntegrationSyncContext,
  run: RunState,
  claims: ReaidClaims,
  rejections: readonly Rejection[],
): Promise<RejectionReview> {
  const review: RejectionReview = { retry: [], givenUp: new Map(), settled: new Set() };
  if (rejections.length === 0) return review;
  const { store, target } = ctx;
  const limit = pLimit(4);
  const looked = await Promise.all(
    rejections.map((rejection) =>
      limit(async () => ({ rejection, found: await lookUpRefused(ctx, rejection.key) })),
    ),
  );
  // Decided in profileId order so the rule "lowest profileId first" holds here too.
  looked.sort((a, b) => (a.found?.profileId ?? 0) - (b.found?.profileId ?? 0));
  const clear: string[] = [];
  for (const { rejection, found } of looked) {
    if (found === null || found.holds) {
      clear.push(rejection.key);
      if (found) claims.add(found.reaid);
    } else if (found.twin || !claims.add(found.reaid)) {
      clear.push(rejection.key);
      review.settled.add(rejection.key);
      countDuplicates(run, 1);
    } else if (rejection.attempts >= 3) {
      review.givenUp.set(rejection.key, rejection.reason);
    } else {
      // Keyed on the profile as it is now (by e-mail where that is the key, so the value lands on
      // whoever has the address); the record, kept by profileId, is cleared once it is written.
      const key = importKey(target, found.profileId, found.email);
      review.retry.push({
        key,
        reaid: found.reaid,
        ref: profileRef(target, key),
        profileId: found.profileId,
      });
    }
  }
  if (clear.length > 0) await store.clearRejections(ctx.account, clear);
  return review;
}
