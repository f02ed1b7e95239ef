import { normaliseEmail } from "../store/normalise-email.ts";
import type { PageWithReaids } from "./assign-reaids.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { carriesReaid, reaidOfEmail } from "./profile-fields.ts";
import type { ReaidClaims } from "./reaid-claims.ts";
import { importKey, profileRef, type ReaidWrite } from "./reaid-write.ts";
import { countDuplicates, type RunState } from "./sync-run-state.ts";

/** What diffPage needs besides the page: rows settled elsewhere and this run's claims. */
export interface PageFilter {
  /** Rejected three times: reported, not retried (ref → Actito's reason). */
  givenUp: ReadonlyMap<string, string>;
  /** Rows being retried: already in the run's first chunk, from a fresh read. */
  retryRefs: ReadonlySet<string>;
  /** Duplicates found while reviewing rejections: already counted. */
  settled: ReadonlySet<string>;
  claims: ReaidClaims;
}

/**
 * Compares one page with the store's REAIDs (`reaids`, from assignReaids: they hold every e-mail on
 * the page). Returns the writes the page needs and counts the rest in `run`.
 *
 * A REAID is unique in Actito, so among profiles sharing a (normalised) e-mail only one can carry it:
 * the one that already does, else the lowest profileId. A profile holding its REAID claims it first,
 * then the others in profileId order; a profile whose REAID is claimed already is a duplicate, counted
 * and never sent. Claims last one run: a holder outside the run's view (an earlier run's, or on a
 * later page) makes Actito refuse the write, and the refusal is recognised as a duplicate too (see
 * splitDuplicates), so a REAID never moves from the profile that holds it.
 */
export function diffPage(
  ctx: IntegrationSyncContext,
  run: RunState,
  { page, reaids, guard }: PageWithReaids,
  filter: PageFilter,
): ReaidWrite[] {
  const { target } = ctx;
  run.counts.seen += page.profileIds.length;
  const candidates: { profileId: number; email: string; reaid: string; stale: boolean; clear: boolean }[] =
    [];
  for (let i = 0; i < page.profileIds.length; i++) {
    const profileId = page.profileIds[i]!;
    const email = page.emails[i] ?? null;
    if (email === null) {
      run.withoutEmail += 1;
      run.counts.skipped += 1;
      continue;
    }
    // Values emi did not write, and e-mails left for a person, are never written (see existingValueGuard).
    if (
      guard &&
      (guard.refused || guard.skip.has(profileId) || guard.blockedEmails.has(normaliseEmail(email)))
    ) {
      run.counts.skipped += 1;
      continue;
    }
    run.emails += 1;
    const reaid = reaidOfEmail(reaids, email, profileId);
    const current = page.currentReaids[i];
    if (current === reaid) filter.claims.add(reaid);
    else {
      // emi's REAID of another e-mail, while this e-mail's REAID sits on another profile (two
      // profiles swapped e-mails): clear now, set next run, so the unique attribute never refuses.
      const clear = guard !== null && carriesReaid(current) && guard.heldValues.has(reaid);
      candidates.push({ profileId, email, reaid, stale: carriesReaid(current), clear });
    }
  }
  if (candidates.length > 1) candidates.sort((a, b) => a.profileId - b.profileId);
  const rows: ReaidWrite[] = [];
  for (const { profileId, email, reaid, stale, clear } of candidates) {
    const key = importKey(target, profileId, email);
    const ref = profileRef(target, key);
    if (filter.givenUp.has(ref)) {
      run.counts.skipped += 1;
      continue;
    }
    if (filter.retryRefs.has(ref) || filter.settled.has(ref)) continue;
    if (clear) {
      rows.push({ key, reaid: "", ref, profileId });
      continue;
    }
    if (!filter.claims.add(reaid)) {
      if (!stale) {
        countDuplicates(run, 1);
        continue;
      }
      // A duplicate that still carries emi's REAID of another e-mail (its e-mail changed) is
      // cleared: it is a plain duplicate from the next run on. Without the ownership check the write
      // is sent, Actito refuses it, and the rejection says the profile needs a person.
      if (guard !== null) {
        rows.push({ key, reaid: "", ref, profileId });
        continue;
      }
    }
    rows.push({ key, reaid, ref, profileId });
  }
  run.toWrite += rows.length;
  return rows;
}
