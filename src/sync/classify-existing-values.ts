import { legacyEmailKey, normaliseEmail } from "../store/normalise-email.ts";
import type { AdoptionRequest, ReaidHolder } from "../store/reaid-ownership.ts";

/** One profile as the ownership check sees it: its id, e-mail (as listed) and REAID attribute. */
export interface ExistingValueRow {
  profileId: number;
  email: string | null;
  value: unknown;
}

/** Why a value found in the REAID attribute is left for a person rather than adopted. */
export type LeftReason =
  | "shared-value"
  | "two-values"
  | "not-url-safe"
  | "held-elsewhere"
  | "email-has-reaid"
  | "no-email";

/** What the check decided for one profile holding a value. */
export type ValueVerdict =
  | { kind: "ours" }
  /** emi's value, but the REAID of another e-mail in this namespace (e.g. two profiles swapped e-mails). */
  | { kind: "mismatched" }
  /**
   * emi's REAID of this very address, stored under the key older stores used (Unicode lower-case):
   * kept, and the store row re-keyed (see existingValueGuard).
   */
  | { kind: "legacy-key"; from: string; to: string }
  | { kind: "foreign" }
  | { kind: "adopt" }
  | { kind: "left"; reason: LeftReason };

/** What the store says about the values and e-mails of the rows. */
export interface StoreView {
  namespace: string;
  /** Values that are REAIDs in the store, any namespace. */
  holders: ReadonlyMap<string, ReaidHolder>;
  /** This namespace's REAIDs of the rows' e-mails (normalised keys); needed only when adopting. */
  emailReaids: ReadonlyMap<string, string>;
  adopt: boolean;
}

export interface ValueClassification {
  /** Profiles holding a value (profiles with an empty attribute are absent). */
  verdicts: Map<number, ValueVerdict>;
  /** Values to record as the REAIDs of their e-mails (adoption only). */
  adoptions: (AdoptionRequest & { profileId: number })[];
  /** Normalised e-mails none of whose profiles may be written or get a REAID created this run. */
  blockedEmails: Set<string>;
}

/** What a value must look like to be adopted: URL-safe (it travels in links as `reaid=`), 1–255 characters. */
const ADOPTABLE_VALUE = /^[A-Za-z0-9_-]{1,255}$/;

/** The attribute's value as text when it holds one; null when empty. */
export function valueText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

/**
 * Decides, for every profile whose REAID attribute holds a value, whether emi wrote it (`ours`, or
 * `mismatched` when it is the REAID of another e-mail), and otherwise whether it is adopted as its
 * e-mail's REAID or left alone. Pure: the store's answers come in `view`.
 *
 * A value is adopted only when nothing is ambiguous: it is URL-safe, no other e-mail holds it (in the
 * table or the store), its e-mail holds no other value and has no REAID yet. Anything else is left
 * for a person, and so is every profile of that e-mail (no REAID is created or written for it).
 */
export function classifyExistingValues(
  rows: readonly ExistingValueRow[],
  view: StoreView,
): ValueClassification {
  const verdicts = new Map<number, ValueVerdict>();
  const blockedEmails = new Set<string>();
  const candidates: { profileId: number; email: string | null; value: string }[] = [];
  for (const row of rows) {
    const value = valueText(row.value);
    if (value === null) continue;
    const holder = typeof row.value === "string" ? view.holders.get(value) : undefined;
    if (holder && holder.namespace === view.namespace) {
      const key = row.email === null ? null : normaliseEmail(row.email);
      if (key !== null && holder.email === key) verdicts.set(row.profileId, { kind: "ours" });
      else if (key !== null && holder.email === legacyEmailKey(key) && holder.email !== key) {
        verdicts.set(row.profileId, { kind: "legacy-key", from: holder.email, to: key });
      } else verdicts.set(row.profileId, { kind: "mismatched" });
      continue;
    }
    if (!view.adopt) {
      verdicts.set(row.profileId, { kind: "foreign" });
      if (row.email !== null) blockedEmails.add(normaliseEmail(row.email));
      continue;
    }
    if (holder) {
      leave(row.profileId, row.email, "held-elsewhere");
      continue;
    }
    candidates.push({ profileId: row.profileId, email: row.email, value });
  }

  // Ambiguities among the candidates: one value on several e-mails, several values on one e-mail.
  const emailsByValue = new Map<string, Set<string>>();
  const valuesByEmail = new Map<string, Set<string>>();
  for (const c of candidates) {
    if (c.email === null) continue;
    const email = normaliseEmail(c.email);
    (emailsByValue.get(c.value) ?? emailsByValue.set(c.value, new Set()).get(c.value)!).add(email);
    (valuesByEmail.get(email) ?? valuesByEmail.set(email, new Set()).get(email)!).add(c.value);
  }
  const adoptions: ValueClassification["adoptions"] = [];
  const adoptedValues = new Set<string>();
  for (const c of candidates) {
    if (c.email === null) {
      leave(c.profileId, null, "no-email");
      continue;
    }
    const email = normaliseEmail(c.email);
    const stored = view.emailReaids.get(email);
    const reason: LeftReason | null = !ADOPTABLE_VALUE.test(c.value)
      ? "not-url-safe"
      : (emailsByValue.get(c.value)?.size ?? 0) > 1
        ? "shared-value"
        : (valuesByEmail.get(email)?.size ?? 0) > 1
          ? "two-values"
          : stored !== undefined && stored !== c.value
            ? "email-has-reaid"
            : null;
    if (reason !== null) {
      leave(c.profileId, c.email, reason);
      continue;
    }
    verdicts.set(c.profileId, stored === c.value ? { kind: "ours" } : { kind: "adopt" });
    if (stored === undefined && !adoptedValues.has(c.value)) {
      adoptedValues.add(c.value);
      adoptions.push({ profileId: c.profileId, email, reaid: c.value });
    }
  }
  // An e-mail left for a person is left whole: its other profiles are not adopted either.
  for (const a of adoptions.splice(0)) {
    if (blockedEmails.has(a.email)) {
      verdicts.set(a.profileId, { kind: "left", reason: "two-values" });
      continue;
    }
    adoptions.push(a);
  }
  return { verdicts, adoptions, blockedEmails };

  function leave(profileId: number, email: string | null, reason: LeftReason): void {
    verdicts.set(profileId, { kind: "left", reason });
    if (email !== null) blockedEmails.add(normaliseEmail(email));
  }
}
