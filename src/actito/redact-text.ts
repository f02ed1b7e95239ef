const EMAIL = /[^\s"'<>@,;:()[\]]+@[^\s"'<>@,;:()[\]]+\.[A-Za-z]{2,}/g;
const BEARER = /\bbearer\s+[A-Za-z0-9._~+/=-]+/gi;
const AUTHORIZATION = /(authorization["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;

/**
 * Removes what must never be shown from a text Actito (or a library) produced: the given secrets
 * (API key, tokens), anything after `Bearer` or `Authorization:`, and e-mail addresses. Secrets are
 * removed first so a secret that looks like an e-mail is still hidden.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out
    .replace(BEARER, "Bearer [redacted]")
    .replace(AUTHORIZATION, "$1[redacted]")
    .replace(EMAIL, "[e-mail]");
}

/** A redacted, whitespace-collapsed excerpt of an error body, at most `max` characters. */
export function redactBody(text: string, secrets: readonly string[], max = 200): string {
  const flat = redactText(text, secrets).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
