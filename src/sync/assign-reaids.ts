import type { Profile, ProfilePage } from "../actito/types.ts";
import { normaliseEmail } from "../store/normalise-email.ts";
import type { BatchGuard } from "./guard-existing-values.ts";
import type { ListedPage } from "./listed-page.ts";

export type { ListedPage } from "./listed-page.ts";

/** A listing page and the store's REAIDs for (at least) every e-mail on it. */
export interface PageWithReaids {
  page: ListedPage;
  /** Normalised e-mail → REAID; shared by every page of one store call. */
  reaids: ReadonlyMap<string, string>;
  /** The ownership check of the page's batch (null without one): profiles not to write. */
  guard: BatchGuard | null;
}

/** How assignReaids reads the profiles and reaches the store. */
export interface AssignReaidsOptions {
  /** The profile's e-mail, or null when it has none (it gets no REAID). */
  emailOf: (profile: Profile) => string | null;
  /** The profile's REAID attribute as listed. */
  reaidOf: (profile: Profile) => unknown;
  /** One store call: `getOrCreateReaids` in the integration's namespace. */
  getOrCreate: (emails: string[]) => Promise<Map<string, string>>;
  /**
   * Profiles gathered before one store call. The last call of a listing takes what is left.
   * Why many pages per call: SQLite commits each call, and each commit rewrites every random index
   * page the call touched — about one per new e-mail when a call holds a page's ~1,000 e-mails, so a
   * million e-mails cost ~15 s in calls of 1,000 against ~7 s in calls of 50,000 (bench/store.md).
   */
  batchProfiles: number;
  /**
   * The ownership check, run on each batch before its REAIDs are created: e-mails it blocks get no
   * REAID, and a refused batch creates none at all.
   */
  guard?: (batch: readonly ListedPage[]) => Promise<BatchGuard>;
  /**
   * Called once the REAIDs of a full batch (`batchProfiles` profiles) are back, before its pages are
   * served: the listing passes a full garbage collection here (see open-listing), so a large
   * listing's heap does not fill with the garbage of the batches before. Not called for a listing's
   * last, partial batch, nor for a small listing.
   */
  afterFullBatch?: () => void;
}

/** Listed pages waiting for the store call that creates their REAIDs. */
interface BatchInStore {
  batch: ListedPage[];
  /** Whether the batch holds `batchProfiles` profiles (a listing's last one may hold fewer). */
  full: boolean;
  reaids: Promise<{ reaids: ReadonlyMap<string, string>; guard: BatchGuard | null }>;
}

/**
 * Gives each listing page the store's REAIDs for its e-mails, gathering several pages per store
 * call. Pages still come out one at a time and in order, so the caller diffs, claims and checkpoints
 * page by page exactly as before: only when REAIDs are created changes.
 *
 * Creating REAIDs ahead of the pages that use them is safe: the store never changes a REAID, so a
 * run killed after the call and before those pages are committed re-reads them and gets the same
 * REAIDs; an e-mail whose profile changed meanwhile merely keeps an unused REAID, as a deleted
 * profile's would. Every page is diffed with the REAIDs of the e-mails read on that very page.
 */
export async function* assignReaids(
  pages: AsyncIterator<ProfilePage>,
  options: AssignReaidsOptions,
): AsyncGenerator<PageWithReaids> {
  const { emailOf, reaidOf, getOrCreate } = options;
  const batchProfiles = Math.max(1, options.batchProfiles);
  // One batch waits for its store call while the next one is listed: the store call runs off the
  // main thread (SQLite's in a worker, PostgreSQL's on the server), so listing and REAID creation
  // overlap instead of adding up. At most two batches are held: the one in the store and the one
  // being listed.
  let inStore: BatchInStore | null = null;
  let ended = false;
  while (!ended || inStore) {
    let listed: BatchInStore | null = null;
    if (!ended) {
      const batch: ListedPage[] = [];
      const emails: string[] = [];
      let profiles = 0;
      while (profiles < batchProfiles) {
        const next = await pages.next();
        if (next.done) {
          ended = true;
          break;
        }
        const page: ListedPage = {
          profileIds: [],
          emails: [],
          currentReaids: [],
          nextCursor: next.value.nextCursor,
        };
        for (const profile of next.value.profiles) {
          const email = emailOf(profile);
          page.profileIds.push(profile.profileId);
          page.emails.push(email);
          page.currentReaids.push(reaidOf(profile));
          if (email !== null) emails.push(email);
        }
        batch.push(page);
        profiles += next.value.profiles.length;
      }
      if (batch.length > 0) {
        const reaids = reaidsOf(batch, emails, getOrCreate, options.guard);
        // Awaited below (or abandoned with the listing): a failure must not go unhandled meanwhile.
        reaids.catch(() => undefined);
        listed = { batch, full: profiles >= batchProfiles, reaids };
      }
    }
    if (inStore) {
      const { batch, full } = inStore;
      const { reaids, guard } = await inStore.reaids;
      inStore = null;
      if (full) options.afterFullBatch?.();
      // Served one by one; each page is let go once the caller moves on.
      for (let page = batch.shift(); page !== undefined; page = batch.shift()) yield { page, reaids, guard };
    }
    inStore = listed;
  }
}

/** The batch's ownership check, then its REAIDs for the e-mails the check leaves free. */
async function reaidsOf(
  batch: readonly ListedPage[],
  emails: string[],
  getOrCreate: AssignReaidsOptions["getOrCreate"],
  check: AssignReaidsOptions["guard"],
): Promise<{ reaids: ReadonlyMap<string, string>; guard: BatchGuard | null }> {
  const guard = check ? await check(batch) : null;
  let wanted = emails;
  if (guard?.refused) wanted = [];
  else if (guard && guard.blockedEmails.size > 0) {
    wanted = emails.filter((e) => !guard.blockedEmails.has(normaliseEmail(e)));
  }
  return { reaids: wanted.length > 0 ? await getOrCreate(wanted) : new Map(), guard };
}
