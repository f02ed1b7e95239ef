import pLimit from "p-limit";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { withoutAddresses } from "../store/without-addresses.ts";
import { lookUpRefused } from "./look-up-refused.ts";
import { countDuplicates, countRejected, type RunState } from "./sync-run-state.ts";

/** A row Actito refused, by profile ref, with Actito's reason. */
export interface Refusal {
  key: string;
  reason: string;
}

/** Refused rows sorted by splitDuplicates. */
export interface SplitRefusals {
  /**
   * Real rejections: recorded by profileId (never by an `attr=address` ref: the store keeps no
   * address) and retried on the next run; `key` is null for a profile gone since (counted only).
   */
  rejected: { key: string | null; reason: string }[];
  /** ProfileIds of profiles whose REAID another profile with the same e-mail holds. */
  duplicates: string[];
}

/**
 * Splits rows Actito refused (by profile ref) into duplicates (another profile with the same e-mail holds the REAID:
 * the rule's answer, not an error) and rejections to record and retry. A few lookups at a time, as
 * they share the call budget with the rest of the run.
 */
export async function splitDuplicates(
  ctx: IntegrationSyncContext,
  refused: readonly Refusal[],
): Promise<SplitRefusals> {
  const rejected: SplitRefusals["rejected"] = [];
  const duplicates: string[] = [];
  const limit = pLimit(4);
  await Promise.all(
    refused.map((row) =>
      limit(async () => {
        const found = await lookUpRefused(ctx, row.key);
        if (found?.twin) duplicates.push(String(found.profileId));
        else {
          // Actito's reason may quote the address: people see its hash's short form instead.
          const reason = withoutAddresses(row.reason, (address) => ctx.store.addressHash(address));
          rejected.push({ key: found ? String(found.profileId) : null, reason });
        }
      }),
    ),
  );
  return { rejected, duplicates };
}

/**
 * Records what a write step's refusals mean, for PATCHes and mass imports alike: rejections are
 * recorded (the next run retries them) and counted; duplicates are counted and their old rejection
 * records cleared; so are the records of `written` rows, which are settled now.
 */
export async function settleRefusals(
  ctx: IntegrationSyncContext,
  run: RunState,
  split: SplitRefusals,
  written: Iterable<string>,
): Promise<void> {
  const { store, account } = ctx;
  const { rejected, duplicates } = split;
  if (rejected.length > 0) {
    const recorded = rejected.flatMap((r) => (r.key === null ? [] : [{ key: r.key, reason: r.reason }]));
    if (recorded.length > 0) await store.recordRejections(account, recorded);
    countRejected(run, rejected);
  }
  countDuplicates(run, duplicates.length);
  // A row both written and refused is not settled: its new rejection record stays.
  const rejectedRefs = new Set(rejected.map((r) => r.key));
  const cleared = new Set([...written].filter((ref) => !rejectedRefs.has(ref)));
  for (const ref of duplicates) cleared.add(ref);
  if (cleared.size > 0) await store.clearRejections(account, [...cleared]);
}
