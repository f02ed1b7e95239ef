/** Which e-mail of which namespace a REAID value belongs to in the store. */
export interface ReaidHolder {
  namespace: string;
  /** The keyed hash of the e-mail as it was stored (see ReaidOwnershipStore.addressHash). */
  emailHash: string;
}

/** A value found in Actito, to be recorded as the REAID of `email` (adoption). */
export interface AdoptionRequest {
  email: string;
  reaid: string;
}

/**
 * What became of one adoption request:
 * - `adopted`: recorded as the e-mail's REAID;
 * - `already`: the store already had exactly this pair;
 * - `email-has-another`: the e-mail already has another REAID in the namespace (never replaced);
 * - `value-held`: the value is already the REAID of another e-mail (in any namespace).
 */
export type AdoptionOutcome = "adopted" | "already" | "email-has-another" | "value-held";

/**
 * The store as value ownership and adoption need it (issue 11): which values emi wrote, REAIDs
 * looked up without creating any, adoption of values found in Actito, and a namespace taking over
 * another's REAIDs when a table changes owner. Implemented by SqlStore (both dialects).
 */
export interface ReaidOwnershipStore {
  /**
   * The keyed hash the store knows `email` by (normalised first, unless `asStored`: an older
   * store's key, see legacyEmailKey), or null when the store was opened without its key (`plan`).
   */
  addressHash(email: string, asStored?: boolean): string | null;
  /** The holders of those values that are REAIDs in the store (any namespace); others are absent. */
  holdersOfReaids(values: readonly string[]): Promise<Map<string, ReaidHolder>>;
  /** The REAIDs the namespace has for those e-mails (normalised keys), creating none. */
  findReaids(namespace: string, emails: readonly string[]): Promise<Map<string, string>>;
  /** Records each pair unless the e-mail or the value is taken; never changes an existing REAID. */
  adoptReaids(namespace: string, pairs: readonly AdoptionRequest[]): Promise<AdoptionOutcome[]>;
  /**
   * Moves `from`'s REAIDs to `to` for every e-mail `to` does not have yet (a table changing owner
   * keeps its REAIDs). Returns how many moved and how many stayed because `to` had the e-mail.
   */
  takeOverReaids(from: string, to: string): Promise<{ moved: number; kept: number }>;
  /**
   * Moves each REAID from the e-mail key `from` to `to` when `to` has none yet (rows keyed by the
   * normalisation older stores used). Returns, per move, whether it was made.
   */
  rekeyReaids(
    namespace: string,
    moves: readonly { from: string; to: string; reaid: string }[],
  ): Promise<boolean[]>;
}
