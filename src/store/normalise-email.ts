/**
 * The one definition of "the same e-mail address" for REAIDs: surrounding whitespace removed, then
 * the ASCII letters A–Z lower-cased. Nothing else changes: no Unicode case folding (the Kelvin sign
 * `K` (U+212A) stays apart from `k`, `Ä` from `ä`), no dot or `+tag` stripping, no IDN conversion,
 * because two addresses that Actito keeps apart are two addresses, and a REAID must never join two
 * people.
 *
 * Every store operation that takes an e-mail applies this first; callers that key maps by e-mail
 * (e.g. the result of `getOrCreateReaids`) must apply it too.
 */
export function normaliseEmail(email: string): string {
  const trimmed = email.trim();
  // Most addresses have no capital: a test is several times cheaper than a replace that finds none,
  // and a back-fill normalises each address a few times.
  return hasAsciiCapital.test(trimmed)
    ? trimmed.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
    : trimmed;
}

const hasAsciiCapital = /[A-Z]/;

/**
 * The key stores written before the ASCII-only rule used (Unicode `toLowerCase`). It differs from
 * `normaliseEmail` only for addresses with non-ASCII capitals; the sync re-keys those rows when
 * Actito shows which address holds their REAID (see existingValueGuard).
 */
export function legacyEmailKey(email: string): string {
  return email.trim().toLowerCase();
}
