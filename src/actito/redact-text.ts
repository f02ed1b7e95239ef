const EMAIL = /[^\s"'<>@,;:()[\]]+@[^\s"'<>@,;:()[\]]+\.[A-Za-z]{2,}/g;
const BEARER = /\bbearer\s+[A-Za-z0-9._~+/=-]+/gi;
const AUTHORIZATION = /(authorization["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;

/** Any run of this many characters of a secret (in any of its forms) is taken as a leak of it. */
const MIN_FRAGMENT = 8;
const MARK = "[redacted]";

/**
 * The forms in which a server may echo a secret back: as is, base64 (standard and URL-safe, with
 * or without padding), URL-encoded (%-escapes, and `+` for spaces as forms do), and JSON-escaped
 * (with `\/` as some serialisers write it).
 */
function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const base64 = bytes.toString("base64");
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    base64,
    base64.replace(/=+$/, ""),
    bytes.toString("base64url"),
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    json,
    json.replaceAll("/", "\\/"),
  ];
  return [...new Set(forms)];
}

/**
 * Every range of `text` that holds at least {@link MIN_FRAGMENT} consecutive characters of one of
 * the secret's forms (a prefix, a suffix, any part), merged. Linear in the text: a window of the
 * fragment length is looked up in the set of the form's fragments, then extended.
 */
function leakedRanges(text: string, forms: readonly string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const form of forms) {
    if (form.length < MIN_FRAGMENT) {
      for (let at = text.indexOf(form); form.length >= 4 && at !== -1; at = text.indexOf(form, at + 1))
        ranges.push([at, at + form.length]);
      continue;
    }
    const fragments = new Set<string>();
    for (let i = 0; i + MIN_FRAGMENT <= form.length; i++) fragments.add(form.slice(i, i + MIN_FRAGMENT));
    for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
      if (fragments.has(text.slice(i, i + MIN_FRAGMENT))) ranges.push([i, i + MIN_FRAGMENT]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Replaces every part of `text` that carries one of the secrets, in any form, with `[redacted]`. */
function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = secrets.filter((s) => s.length >= 4).flatMap(secretForms);
  if (forms.length === 0) return text;
  const ranges = leakedRanges(text, forms);
  if (ranges.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [start, end] of ranges) {
    out += text.slice(at, start) + MARK;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * Removes what must never be shown from a text Actito (or a library) produced: the given secrets
 * (API key, tokens) in every form a server may echo them (see {@link redactSecrets}), anything
 * after `Bearer` or `Authorization:`, and e-mail addresses. Secrets are removed first so a secret
 * that looks like an e-mail is still hidden.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets)
    .replace(BEARER, "Bearer [redacted]")
    .replace(AUTHORIZATION, "$1[redacted]")
    .replace(EMAIL, "[e-mail]");
}

/** A redacted, whitespace-collapsed excerpt of an error body, at most `max` characters. */
export function redactBody(text: string, secrets: readonly string[], max = 200): string {
  const flat = redactText(text, secrets).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
