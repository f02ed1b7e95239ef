/**
 * The one definition of "the same e-mail address" for REAIDs: surrounding whitespace removed, then
 * lower-cased (Unicode-aware `toLowerCase`, no locale). Nothing else changes: no dot or `+tag`
 * stripping, no IDN conversion, because two addresses that some providers treat as one are still two
 * addresses to the sender, and a REAID must never join two people.
 *
 * Every store operation that takes an e-mail applies this first; callers that key maps by e-mail
 * (e.g. the result of `getOrCreateReaids`) must apply it too.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
