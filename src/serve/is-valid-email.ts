const LOCAL = /^[^\s@"(),:;<>[\]\\]+$/u;
const LABEL = /^[^\s@"(),:;<>[\]\\.]+$/u;
// With the u flag a paired surrogate is one code point, so \p{Cs} matches lone surrogates only.
const FORBIDDEN = /[\p{Cc}\p{Cs}\uFFFD]/u;

/**
 * Whether GetOrCreate takes `value` as an e-mail address (others are ignored, as Raptor's contract
 * says): a string that, once trimmed, is `local@domain` with a dotted domain, no spaces, no empty
 * labels and the RFC 5321 lengths, and none of the characters below. Deliberately permissive past
 * that (non-ASCII is fine): the address is a key, not something emi sends mail to.
 */
export function isValidEmail(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const email = value.trim();
  // Characters no address holds, refused before any store sees them (PostgreSQL cannot store NUL
  // or a lone surrogate at all, and must not fail a whole batch for one): control characters
  // (C0, DEL, C1) left after trimming, lone surrogates, and U+FFFD (a broken encoding's leftover).
  if (FORBIDDEN.test(email)) return false;
  if (email.length < 3 || email.length > 254) return false;
  const at = email.lastIndexOf("@");
  if (at <= 0 || at > 64) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!LOCAL.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return false;
  }
  const labels = domain.split(".");
  return labels.length >= 2 && labels.every((label) => label.length <= 63 && LABEL.test(label));
}
