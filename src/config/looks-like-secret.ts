// Shapes of credentials that must never be written into a declaration. Actito API keys are long
// opaque base64-like strings; access tokens are JWTs; people also paste whole "Bearer …" headers.
const jwt = /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;
const bearer = /^bearer\s+\S{8,}/i;
const hex = /^[0-9a-fA-F]{32,}$/;
const opaque = /^[A-Za-z0-9+/_=.-]{32,}$/;
// Tokens with a well-known prefix: GitHub (classic and fine-grained), an age identity, Slack, Stripe, OpenAI.
const prefixed =
  /^(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]{20,}|xox[abposr]-[A-Za-z0-9-]{16,}|[sr]k_(live|test)_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9_-]{20,})$/;

/** True when `text` has the shape of an Actito API key, an access token or a bearer header. */
export function looksLikeSecret(text: string): boolean {
  if (text.length < 24) return false; // most values, checked before any work
  const value = text.trim();
  if (jwt.test(value) || bearer.test(value) || hex.test(value) || prefixed.test(value)) return true;
  // Long identifiers (table or entity names) are all one case or without digits; opaque keys mix all three.
  if (!(opaque.test(value) && /[0-9]/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value)))
    return false;
  // …and random text switches between lower case, upper case and digits far more often than
  // CamelCase names do ("NordlysWebshop2024" switches 4 times in 18 characters, a key ~every other).
  return classSwitches(value) / value.length >= 0.35;
}

function classSwitches(text: string): number {
  const classOf = (c: number) =>
    c >= 97 && c <= 122 ? 0 : c >= 65 && c <= 90 ? 1 : c >= 48 && c <= 57 ? 2 : 3;
  let switches = 0;
  for (let i = 1; i < text.length; i++) {
    if (classOf(text.charCodeAt(i)) !== classOf(text.charCodeAt(i - 1))) switches++;
  }
  return switches;
}

/**
 * True when a secret reference carries a token instead of naming where one is: `file:ghp_…`,
 * `env:ghp_…`, `age:secrets/AGE-SECRET-KEY-1…`. Each part of a path is looked at, with and without
 * its extension.
 */
export function refLooksLikeSecret(ref: string): boolean {
  const colon = ref.indexOf(":");
  const rest = colon === -1 ? ref : ref.slice(colon + 1);
  // A path is looked at part by part: a whole path mixes cases and digits as a key does.
  if (!/[\\/]/.test(rest) && looksLikeSecret(rest)) return true;
  return rest
    .split(/[\\/]/)
    .some((part) => looksLikeSecret(part) || looksLikeSecret(part.replace(/\.[A-Za-z0-9]{1,5}$/, "")));
}
