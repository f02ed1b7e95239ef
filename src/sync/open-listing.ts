import { assignReaids } from "./assign-reaids.ts";
import { completeListing, type ExpectedCount } from "./complete-listing.ts";
import { existingValueGuard } from "./guard-existing-values.ts";
import { diffPage, type PageFilter } from "./diff-page.ts";
import { collectGarbage } from "./heap-tidier.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { profileEmail } from "./profile-fields.ts";
import { readAhead } from "./read-ahead.ts";
import type { ReaidWrite } from "./reaid-write.ts";
import {
  countCall,
  countPage,
  expectedRows,
  finishListing,
  ownershipOf,
  type RunState,
} from "./sync-run-state.ts";

/** The writes one listing page needs, and the cursor after that page. */
export interface PageOfWrites {
  rows: ReaidWrite[];
  after: string | null;
}

/** The run's listing, read one page of writes at a time. */
export interface Listing {
  /** The next page's writes; null at the end of the listing (and every time after). */
  readPage(): Promise<PageOfWrites | null>;
  /** Stops reading ahead; call it however the run ends. */
  close(): Promise<void>;
}

/**
 * Opens the table's listing at `cursor`: only the e-mail and REAID attributes, only what changed
 * since the run's `updatedSince` for an incremental run. Pages are fetched ahead of the caller so the
 * listing's round trips overlap the store's REAID lookups, and the REAIDs of several pages are
 * created in one store call (see assignReaids); the caller still gets, diffs and commits one page at
 * a time. Reaching the end marks `run.listingDone` and reports what the read found. A full read
 * with an `expected` count must reach it (completeListing): one that ends short throws
 * ShortListingError.
 */
export function openListing(
  ctx: IntegrationSyncContext,
  run: RunState,
  cursor: string | null,
  filter: PageFilter,
  expected: ExpectedCount | null = null,
): Listing {
  const { api, store, target, account } = ctx;
  const readStarted = Date.now();
  let readThisRun = 0;
  const list = (from: string | null) =>
    api.listProfiles(target.entity, target.tableId, {
      pageSize: ctx.limits.pageSize,
      ...(run.updatedSince ? { updatedSince: run.updatedSince } : {}),
      attributes: [target.emailAttribute, target.reaidAttribute],
      cursor: from,
    });
  const listed = readAhead(
    expected !== null && run.updatedSince === null
      ? completeListing({
          list,
          cursor,
          seenBefore: run.counts.seen,
          expected,
          recount: async () =>
            (await api.getProfileTable(target.entity, target.tableId)).profileCount ?? null,
          sleep: (ms) => ctx.sleep(ms, ctx.signal),
          table: `${target.entity}/${target.tableName}`,
        })
      : list(cursor),
  );
  const pages = assignReaids(listed, {
    emailOf: (profile) => profileEmail(profile.attributes[target.emailAttribute]),
    reaidOf: (profile) => profile.attributes[target.reaidAttribute],
    getOrCreate: (emails) => store.getOrCreateReaids(ctx.namespace, emails),
    batchProfiles: ctx.reaidBatchProfiles,
    afterFullBatch: collectGarbage,
    // Always on: every store says which values emi wrote (ReaidOwnershipStore).
    guard: existingValueGuard({
      store,
      namespace: ctx.namespace,
      adopt: ctx.adopt,
      tally: () => ownershipOf(run),
    }),
  });

  const readPage = async (): Promise<PageOfWrites | null> => {
    if (run.listingDone) return null;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const next = await pages.next();
    if (next.done) {
      finishListing(run);
      ctx.emit({
        type: "reading-done",
        account,
        read: run.counts.seen,
        seconds: (Date.now() - readStarted) / 1000,
      });
      const reaidsNow = await store.countReaids(ctx.namespace);
      ctx.emit({
        type: "reaids-ready",
        account,
        ready: run.emails,
        created: Math.max(0, reaidsNow - run.reaidsBefore),
        toWrite: run.toWrite,
        withoutEmail: run.withoutEmail,
        duplicates: run.duplicates ?? 0,
      });
      return null;
    }
    const { writes: rows, tally } = diffPage(ctx.target, next.value, filter);
    // A full read says which addresses are still in the table (retention); incremental ones do not.
    if (run.updatedSince === null && ctx.retentionDays !== null) {
      const hashes = next.value.page.emails.flatMap((email) =>
        email === null ? [] : [store.addressHash(email) ?? ""],
      );
      // The run's start (less the clock margin): the same for every page, kept by the checkpoint.
      await store.markSeen(ctx.namespace, hashes, run.nextWatermark);
    }
    countPage(run, tally);
    countCall(run, "list");
    readThisRun += next.value.page.profileIds.length;
    ctx.emit({
      type: "rows-read",
      account,
      read: run.counts.seen,
      expected: expectedRows(run),
      ratePerSecond: Math.round(readThisRun / Math.max(0.001, (Date.now() - readStarted) / 1000)),
    });
    return { rows, after: next.value.page.nextCursor };
  };

  return { readPage, close: () => listed.close() };
}
