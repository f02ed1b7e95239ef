import { normaliseEmail } from "../store/normalise-email.ts";
import type { PageWithReaids } from "./assign-reaids.ts";
import { carriesReaid, reaidOfEmail } from "./profile-fields.ts";
import type { ReaidClaims } from "./reaid-claims.ts";
import { importKey, profileRef, type ReaidWrite } from "./reaid-write.ts";
import type { SyncTarget } from "./resolve-sync-target.ts";

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

/** What one page adds to a run's counters (see `countPage` in sync-run-state.ts). */
export interface PageTally {
  seen: number;
  withoutEmail: number;
  /** Skipped for any reason but a duplicate e-mail: no e-mail, refused by the ownership check, given up. */
  skipped: number;
  emails: number;
  /** Left alone because another profile with the same e-mail holds the REAID. */
  duplicates: number;
  toWrite: number;
}

/**
 * Compares one page with the store's REAIDs (`reaids`, from assignReaids: they hold every e-mail on
 * the page). Pure but for `filter.claims`, which it adds the page's REAIDs to: returns the writes
 * the page needs and what it counted, for the run to add up.
 *
 * A REAID is unique in Actito, so among profiles sharing a (normalised) e-mail only one can carry it:
 * the one that already does, else the lowest profileId. A profile holding its REAID claims it first,
 * then the others in profileId order; a profile whose REAID is claimed already is a duplicate, counted
 * and never sent. Claims last one run: a holder outside the run's view (an earlier run's, or on a
 * later page) makes Actito refuse the write, and the refusal is recognised as a duplicate too (see
 * splitDuplicates), so a REAID never moves from the profile that holds it.
 */
export function diffPage(
  target: Pick<SyncTarget, "keyColumn" | "emailAttribute">,
  { page, reaids, guard }: PageWithReaids,
  filter: PageFilter,
): { writes: ReaidWrite[]; tally: PageTally } {
  const tally: PageTally = {
    seen: page.profileIds.length,
    withoutEmail: 0,
    skipped: 0,
    emails: 0,
    duplicates: 0,
    toWrite: 0,
  };
  const candidates: { profileId: number; email: string; reaid: string; stale: boolean; clear: boolean }[] =
    [];
  for (let i = 0; i < page.profileIds.length; i++) {
    const profileId = page.profileIds[i]!;
    const email = page.emails[i] ?? null;
    if (email === null) {
      tally.withoutEmail += 1;
      tally.skipped += 1;
      continue;
    }
    // Values emi did not write, and e-mails left for a person, are never written (see existingValueGuard).
    if (
      guard &&
      (guard.refused ||
        guard.skip.has(profileId) ||
        (guard.blockedEmails.size > 0 && guard.blockedEmails.has(normaliseEmail(email))))
    ) {
      tally.skipped += 1;
      continue;
    }
    tally.emails += 1;
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
      tally.skipped += 1;
      continue;
    }
    if (filter.retryRefs.has(ref) || filter.settled.has(ref)) continue;
    if (clear) {
      rows.push({ key, reaid: "", ref, profileId });
      continue;
    }
    if (!filter.claims.add(reaid)) {
      if (!stale) {
        tally.duplicates += 1;
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
  tally.toWrite = rows.length;
  return { writes: rows, tally };
}
