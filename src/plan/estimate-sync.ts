import {
  actitoSyncLimits,
  choosePatchThreshold,
  importFileCap,
  type SyncLimits,
} from "../sync/write-strategy.ts";
import type { Change, FollowUpSync, SyncCost, SyncEstimate } from "./plan-types.ts";

/**
 * Bytes of one import row (`e-mail;REAID\n`), counted a little high: an address of 32 characters
 * (most are shorter) and a 22-character REAID. Only the number of files depends on it. At 10M
 * profiles of 25-character addresses the sync cut 5 files of 2.03M rows; this says 6. The 80 bytes
 * it said before gave 9, which told the person who merges that most of a day's 12 imports would go.
 */
const IMPORT_ROW_BYTES = 56;

/**
 * What the sync a change schedules will cost at the licence's limits: listing calls, writes (one
 * call per PATCH, or one upload per import file), imports and what stays of today's quota, and the
 * minutes the calls take at the configured calls a minute (imports past today's quota wait for the
 * next day, which the minutes do not count). A full sync lists the whole table; an incremental one
 * lists at least the rows it writes. Writes follow the sync's own rule (choosePatchThreshold).
 * Pure: the facts come from the refresh (`live.syncCost`, `live.profilesWithoutReaid`).
 */
export function estimateSync(input: {
  mode: FollowUpSync;
  cost: SyncCost;
  /** Profiles that need a REAID written (a lower bound when the plan read only the first pages). */
  toWrite: number;
  firstSync: boolean;
  now: Date;
  limits?: Partial<SyncLimits>;
}): SyncEstimate {
  const limits: SyncLimits = {
    ...actitoSyncLimits,
    callsPerMinute: input.cost.callsPerMinute,
    ...input.limits,
  };
  const read = input.mode === "full" ? Math.max(input.cost.profiles, input.toWrite) : input.toWrite;
  const listCalls = Math.max(1, Math.ceil(read / limits.pageSize));
  const threshold = choosePatchThreshold({
    limits,
    importsUsedToday: input.cost.importsUsedToday,
    now: input.now,
    firstSync: input.firstSync,
  });
  let imports = 0;
  let writeCalls = input.toWrite;
  if (input.toWrite > threshold) {
    imports = Math.max(1, Math.ceil((input.toWrite * IMPORT_ROW_BYTES) / importFileCap(limits)));
    writeCalls = imports;
  }
  const importsLeftToday = Math.max(0, limits.importsPerDay - input.cost.importsUsedToday - imports);
  const minutes = Math.round(((listCalls + writeCalls) / limits.callsPerMinute) * 10) / 10;
  return { listCalls, writeCalls, imports, importsLeftToday, minutes, basis: input.cost.basis };
}

/** Sets `sync.estimate` on a change that schedules a sync, when the refresh measured what it needs. */
export function withSyncEstimate(change: Change, now: Date): Change {
  const cost = change.live?.syncCost;
  if (!change.syncAfter || !cost) return change;
  const without = change.live?.profilesWithoutReaid;
  const firstSync = change.syncAfter === "full" || change.before === null;
  // A first sync writes every profile (those without an e-mail aside): when the plan read only the
  // first pages, the table's count says more than the pages it read (10M profiles need 5 import
  // files, not the 1 that the first 5,000 rows would).
  const toWrite =
    firstSync && without && !without.complete
      ? Math.max(without.count, cost.profiles)
      : (without?.count ?? 0);
  change.sync = { estimate: estimateSync({ mode: change.syncAfter, cost, toWrite, firstSync, now }) };
  return change;
}

/** `1,001 list calls, 1 import (11 left today), about 11 min at 90 calls/min (basis: profile-count)` */
export function describeSyncCost(estimate: SyncEstimate, callsPerMinute: number): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const writes =
    estimate.imports > 0
      ? `${n(estimate.imports)} import${estimate.imports === 1 ? "" : "s"} (${n(estimate.importsLeftToday)} of today's left after it; emi counts only its own)`
      : `${n(estimate.writeCalls)} PATCH${estimate.writeCalls === 1 ? "" : "es"}`;
  return (
    `${n(estimate.listCalls)} list call${estimate.listCalls === 1 ? "" : "s"}, ${writes}, ` +
    `about ${estimate.minutes} min at ${n(callsPerMinute)} calls/min (basis: ${estimate.basis})`
  );
}
