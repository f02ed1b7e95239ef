import { normaliseEmail } from "../store/normalise-email.ts";
import type { ReaidHolder, ReaidOwnershipStore } from "../store/reaid-ownership.ts";
import { classifyExistingValues, type ValueVerdict, valueText } from "./classify-existing-values.ts";
import type { ListedPage } from "./listed-page.ts";
import { countVerdict, type OwnershipTally } from "./ownership-tally.ts";

/** What the ownership check decided for one batch of listed pages. */
export interface BatchGuard {
  /** Write nothing from this batch: the table holds values emi did not write (not adopting). */
  refused: boolean;
  /** Profiles never written this run: their value is not emi's (foreign or left for a person). */
  skip: ReadonlyMap<number, ValueVerdict>;
  /** E-mails that get no REAID created or written this run. */
  blockedEmails: ReadonlySet<string>;
  /** Values on the batch's profiles: a REAID held by one profile cannot be written to another. */
  heldValues: ReadonlySet<string>;
}

export interface GuardOptions {
  store: ReaidOwnershipStore;
  namespace: string;
  adopt: boolean;
  /** The run's tally, updated as batches are checked. */
  tally: () => OwnershipTally;
}

/**
 * The ownership check before REAIDs are created for a batch: looks the batch's values up in the
 * store, adopts what may be adopted, and says which profiles must not be written. Batches are
 * checked one at a time, in order, so once a value emi did not write is seen (without adoption) no
 * later batch writes anything.
 */
export function existingValueGuard(
  options: GuardOptions,
): (batch: readonly ListedPage[]) => Promise<BatchGuard> {
  let previous: Promise<unknown> = Promise.resolve();
  const check = async (batch: readonly ListedPage[]): Promise<BatchGuard> => {
    const tally = options.tally();
    const refusedBefore = !options.adopt && tally.foreign > 0;
    // A back-fill's batches hold no value at all: nothing to look up, and nothing built per profile.
    if (!batch.some((page) => page.currentReaids.some((value) => valueText(value) !== null))) {
      return { refused: refusedBefore, skip: new Map(), blockedEmails: new Set(), heldValues: new Set() };
    }
    const rows = batch.flatMap((page) =>
      page.profileIds.map((profileId, i) => ({
        profileId,
        email: page.emails[i] ?? null,
        value: page.currentReaids[i],
      })),
    );
    const byProfile = new Map(rows.map((r) => [r.profileId, r.value]));
    const rowValue = (profileId: number) => byProfile.get(profileId);
    const values = rows.map((r) => r.value).filter((v): v is string => typeof v === "string" && v !== "");
    const heldValues = new Set(values);
    const holders: Map<string, ReaidHolder> =
      values.length > 0 ? await options.store.holdersOfReaids(values) : new Map();
    const unknownEmails = options.adopt
      ? rows
          .filter((r) => valueText(r.value) !== null && r.email !== null)
          .filter((r) => holders.get(String(r.value))?.namespace !== options.namespace)
          .map((r) => r.email as string)
      : [];
    const emailReaids =
      unknownEmails.length > 0 ? await options.store.findReaids(options.namespace, unknownEmails) : new Map();
    const result = classifyExistingValues(rows, {
      namespace: options.namespace,
      holders,
      emailReaids,
      adopt: options.adopt,
      addressHash: (email, asStored) => options.store.addressHash(email, asStored),
    });
    if (options.adopt && result.adoptions.length > 0) {
      const outcomes = await options.store.adoptReaids(options.namespace, result.adoptions);
      outcomes.forEach((outcome, i) => {
        const a = result.adoptions[i]!;
        if (outcome === "adopted" || outcome === "already") return;
        result.verdicts.set(a.profileId, {
          kind: "left",
          reason: outcome === "value-held" ? "held-elsewhere" : "email-has-reaid",
        });
        result.blockedEmails.add(normaliseEmail(a.email));
      });
    }
    const rekeys = [...result.verdicts].flatMap(([profileId, v]) =>
      v.kind === "legacy-key"
        ? [{ profileId, from: v.from, to: v.to, reaid: String(rowValue(profileId)) }]
        : [],
    );
    if (rekeys.length > 0) {
      const done = await options.store.rekeyReaids(options.namespace, rekeys);
      for (const [i, r] of rekeys.entries()) {
        if (done[i]) {
          result.verdicts.set(r.profileId, { kind: "ours" });
          continue;
        }
        // The address got another REAID under the new key meanwhile (e.g. from GetOrCreate): the
        // profile keeps the one it carries, and a person decides which of the two stays.
        result.verdicts.set(r.profileId, { kind: "left", reason: "email-has-reaid" });
        result.blockedEmails.add(r.to);
      }
    }
    const skip = new Map<number, ValueVerdict>();
    for (const [profileId, verdict] of result.verdicts) {
      countVerdict(tally, profileId, verdict);
      if (verdict.kind === "foreign" || verdict.kind === "left") skip.set(profileId, verdict);
    }
    const refused = !options.adopt && tally.foreign > 0;
    return { refused, skip, blockedEmails: result.blockedEmails, heldValues };
  };
  return (batch) => {
    const next = previous.then(() => check(batch));
    previous = next.catch(() => undefined);
    return next;
  };
}
